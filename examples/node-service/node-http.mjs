// node:http in front of a fetch-style app: each IncomingMessage becomes a web Request (its body a
// stream the app reads, or never reads), each Response is written back.
//
// The app itself drops what is left of a body it refused (up to 1 MiB), so
// the connection stays usable. What is still unread after that (a larger body, or one that is too
// slow) is not left on the wire, where it would stall the connection: when a declared Content-Length
// says the rest is within DRAIN_LIMIT_BYTES it is read and dropped after the answer; otherwise the
// answer says `Connection: close`, and the rest is dropped for up to DRAIN_TIMEOUT_MS before the
// socket closes. The request object is never destroyed: in Node that destroys the socket, answer
// and all.
import { createServer } from "node:http";
import { refusal, toResponse } from "connect-provider/service";

const DRAIN_LIMIT_BYTES = 1024 * 1024;
const DRAIN_TIMEOUT_MS = 5_000;
const BODYLESS = new Set(["GET", "HEAD"]);
/**
 * Methods node:http parses but fetch will not build a Request for (TRACE; CONNECT never reaches
 * here, nor TRACK, which node:http refuses itself). Such a request is handed to the app all the
 * same, without its body (a TRACE has none), so that the app answers it as any method a route
 * lacks: 405 with Allow, not an adapter's 400.
 */
const UNBUILDABLE = new Set(["TRACE"]);

/** A Request made as a GET, for a method fetch forbids, that reports the method it was sent with. */
class UnbuildableMethodRequest extends Request {
  #method;
  /** @param {string} url @param {string} method @param {Headers} headers */
  constructor(url, method, headers) {
    super(url, { method: "GET", headers });
    this.#method = method;
  }

  get method() {
    return this.#method;
  }
}

/**
 * @param {(request: Request) => Promise<Response>} app
 * @param {{ onError?: (error: unknown) => void }} [options]
 */
export function createFetchServer(app, { onError = () => {} } = {}) {
  const server = createServer(
    // The two timeouts are checked every connectionsCheckingInterval (30 s by default, which let a
    // slow client hold a connection up to a minute): every 5 s, they hold to within 5 s.
    { requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000, maxHeaderSize: 16 * 1024, connectionsCheckingInterval: 5_000 },
    (req, res) => {
      serve(app, req, res).catch((error) => {
        onError(error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", connection: "close" });
        res.end(res.headersSent ? undefined : '{"error":"Internal error"}');
      });
    },
  );
  return server;
}

/**
 * The request target's path and query: an origin-form one as it is, an absolute-form one's
 * (`http://host/path?query`); anything else (`*`, an authority) is null.
 * @param {string | undefined} target @returns {string | null}
 */
function originForm(target) {
  if (target?.startsWith("/")) return target;
  if (!/^https?:\/\//i.test(target ?? "")) return null;
  try {
    const url = new URL(/** @type {string} */ (target));
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

/**
 * @param {(request: Request) => Promise<Response>} app
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 */
async function serve(app, req, res) {
  const body = bodyOf(req);
  let response;
  // Origin-form targets ("/path?query"), and the absolute form RFC 9112 has servers accept, of which
  // only the path and query are kept: the host part is never the client's to choose.
  const target = originForm(req.url);
  if (target === null) {
    response = badRequest();
  } else {
    let request;
    const url = `http://service.invalid${target}`;
    try {
      request = UNBUILDABLE.has(req.method ?? "")
        ? new UnbuildableMethodRequest(url, /** @type {string} */ (req.method), headersOf(req.rawHeaders))
        : new Request(url, { method: req.method, headers: headersOf(req.rawHeaders), body: body.stream, duplex: "half" });
    } catch {
      request = undefined; // a header fetch cannot carry
    }
    response = request ? await app(request) : badRequest();
  }
  const bytes = response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  /** @type {Record<string, string>} */
  const headers = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const left = req.complete ? 0 : unreadBytes(req, body.received());
  if (bytes !== undefined) headers["content-length"] = String(bytes.length);
  if (left > DRAIN_LIMIT_BYTES) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(bytes);
  if (!req.readableEnded) dropRest(req, res);
}

/** A request the app cannot be given, answered as the app answers. */
const badRequest = () => toResponse(refusal(400, "Bad request"), { "x-request-id": crypto.randomUUID() });

/** What is left of the body: its declared length less what was read, or unbounded without one (chunked). */
function unreadBytes(req, received) {
  const declared = req.headers["content-length"];
  return declared === undefined ? Infinity : Math.max(0, Number(declared) - received);
}

/**
 * Reads and drops the rest of the body once the answer is on its way; a socket that sends more
 * than DRAIN_LIMIT_BYTES, or for longer than DRAIN_TIMEOUT_MS, is closed.
 * @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res
 */
function dropRest(req, res) {
  const socket = req.socket;
  let dropped = 0;
  const timer = setTimeout(() => socket.destroy(), DRAIN_TIMEOUT_MS);
  timer.unref();
  req.removeAllListeners("data");
  req.on("data", (chunk) => {
    dropped += chunk.length;
    if (dropped > DRAIN_LIMIT_BYTES) socket.destroy();
  });
  req.once("end", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
  res.once("finish", () => req.resume());
  if (res.writableFinished) req.resume();
}

/** @param {string[]} raw name, value, name, value… as received */
function headersOf(raw) {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

/**
 * The body as a web stream that reads the request only when the app asks (a cancel just stops
 * reading), and how many bytes it handed over.
 * @param {import("node:http").IncomingMessage} req
 */
function bodyOf(req) {
  let received = 0;
  if (BODYLESS.has(req.method ?? "") || UNBUILDABLE.has(req.method ?? "")) return { stream: null, received: () => received };
  let open = true;
  req.pause();
  const stream = new ReadableStream(
    {
      start(controller) {
        req.on("data", (chunk) => {
          if (!open) return;
          received += chunk.length;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => open && ((open = false), controller.close()));
        req.once("error", (error) => open && ((open = false), controller.error(error)));
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.pause();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, received: () => received };
}
