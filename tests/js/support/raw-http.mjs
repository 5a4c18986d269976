// HTTP/1.1 over a plain socket, to see what fetch hides: whether a refused request's connection can
// carry the next request, or was closed cleanly (FIN, not a reset), and how long that took.
import { connect } from "node:net";

/**
 * Writes `requests` (raw bytes, sent one after the other on one connection, each once the answer
 * to the one before has been read) and collects the answers.
 * @param {string} url the service's base URL
 * @param {Buffer[]} requests
 * @returns {Promise<{ statuses: number[], responses: string[], ended: "fin" | "reset" | "open", ms: number }>}
 */
export function exchange(url, requests, { timeoutMs = 10_000 } = {}) {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    /** @type {string[]} */
    const responses = [];
    let buffer = Buffer.alloc(0);
    let ended = /** @type {"fin" | "reset" | "open"} */ ("open");
    let next = 0;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: responses.map((response) => Number(response.slice(9, 12))), responses, ended, ms: Date.now() - started });
    };
    const timer = setTimeout(finish, timeoutMs);
    const send = () => {
      if (next >= requests.length) return finish();
      // A write the server no longer reads fails quietly; what matters is what comes back.
      socket.write(requests[next++], () => {});
    };
    socket.on("connect", send);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const response = takeResponse(buffer);
        if (!response) break;
        responses.push(response.text);
        buffer = buffer.subarray(response.length);
        send();
      }
    });
    socket.on("end", () => {
      ended = "fin";
      finish();
    });
    socket.on("error", (error) => {
      ended = /** @type {any} */ (error).code === "ECONNRESET" || /** @type {any} */ (error).code === "EPIPE" ? "reset" : ended;
      finish();
    });
  });
}

/** One whole response at the start of `buffer` (Content-Length or chunked framing), or null. @param {Buffer} buffer */
function takeResponse(buffer) {
  const headEnd = buffer.indexOf("\r\n\r\n");
  if (headEnd === -1) return null;
  const head = buffer.subarray(0, headEnd).toString("latin1");
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buffer.length >= end ? { text: buffer.subarray(0, end).toString("utf8"), length: end } : null;
  }
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf("\r\n", at);
      if (lineEnd === -1) return null;
      const size = parseInt(buffer.subarray(at, lineEnd).toString("latin1"), 16);
      at = lineEnd + 2 + size + 2;
      if (buffer.length < at) return null;
      if (size === 0) return { text: buffer.subarray(0, at).toString("utf8"), length: at };
    }
  }
  // No body (204, or a head the tests do not send).
  return { text: head, length: bodyStart };
}

/**
 * A request's bytes.
 * @param {string} method @param {string} path @param {Record<string, string>} headers @param {Buffer | string} [body]
 * @param {{ chunked?: boolean }} [framing] chunked: the body in 16 KiB chunks with no Content-Length
 */
export function rawRequest(method, path, headers, body, { chunked = false } = {}) {
  const bytes = body === undefined ? undefined : Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, "host: 127.0.0.1", ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (bytes && !chunked) lines.push(`content-length: ${bytes.length}`);
  if (bytes && chunked) lines.push("transfer-encoding: chunked");
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  if (!bytes) return head;
  if (!chunked) return Buffer.concat([head, bytes]);
  const parts = [head];
  for (let at = 0; at < bytes.length; at += 16_384) {
    const chunk = bytes.subarray(at, at + 16_384);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
}
