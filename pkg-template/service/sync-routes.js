// The sync protocol's three routes, for a client that works offline (docs/sync.md):
//   POST /sync/push { clientId, mutations: [{ id, name, args }] }: each mutation the client has not
//     had applied, in order, through the package's handlers for the token's user, exactly once: the
//     client's last mutation number is advanced in the same commit as the change (a refusal of the
//     domain is consumed too, its code and error kept with the number, and told again to a push sent
//     again); a failure of the database stops the push there, and
//     so does the user's write limit: each mutation run is a write (the request pays for its first).
//   GET /sync/pull?clientId=…[&cursor=<eventId>]: the user's connections, their events after the
//     cursor, the client's last applied mutation and the next cursor.
//   GET /sync/key: the public key a client seals a queued secret to (sync-key.js); a push's
//     `credentials.sealedSecret` is opened here, for the token's user only, and then sealed as any secret.
import {
  ConnectProviderHandler,
  DisconnectProviderHandler,
  ErrorCode,
  ListProviderConnectionsHandler,
  RefreshProviderTokensHandler,
} from "connect-provider";
import { readJsonObject } from "./body.js";
import { overriding } from "./overriding.js";
import { callerRepository } from "./caller-scope.js";
import { eventShown, statusOf } from "./error-status.js";
import { handleOnce } from "./handle-once.js";
import { keyedTurns } from "./keyed-turns.js";
import { HttpError } from "./responses.js";
import { refuseAtEdge, messageOf } from "./routes.js";
import { sealedCredentials } from "./sealed-credentials.js";
import { MAX_SYNC_SEALED_BYTES, SyncKeyNotHeld, SyncSealError } from "./sync-key.js";

export const MAX_MUTATIONS = 100;
/** The longest refusal message a store keeps for a push sent again (`store.sync.advance`): the
 * handlers' are under 100 characters; a longer one would be kept cut to this. */
export const KEPT_ERROR_CHARACTERS = 200;
const PULL_LIMIT = 1000;
const CLIENT_ID = /^[\x21-\x7e]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMES = ["connect", "refresh", "disconnect"];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The base64 of the longest secret a client may send, sealed to the service (43,828 characters): anything longer is not decoded. */
const MAX_SEALED_SECRET_CHARS = Math.ceil(MAX_SYNC_SEALED_BYTES / 3) * 4;

/** @param {unknown} value */
function clientIdOf(value) {
  if (typeof value !== "string" || !CLIENT_ID.test(value)) throw new HttpError(400, "clientId must be 1 to 100 visible ASCII characters");
  return value;
}

/**
 * The push's mutations, checked whole before any runs: ids that are whole numbers from 1, each
 * greater than the one before (a smaller or repeated one would be answered as applied before,
 * and dropped by the client, without having run), the three names, args an object.
 * @param {unknown} mutations
 * @returns {{ id: number, name: string, args: Record<string, unknown> }[]}
 */
function mutationsOf(mutations) {
  if (!Array.isArray(mutations) || mutations.length > MAX_MUTATIONS) throw new HttpError(400, `mutations must be an array of at most ${MAX_MUTATIONS}`);
  return mutations.map((mutation, i) => {
    const { id, name, args } = /** @type {Record<string, unknown>} */ (mutation ?? {});
    if (mutation === null || typeof mutation !== "object" || Array.isArray(mutation)) throw new HttpError(400, `mutations[${i}] must be an object`);
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) throw new HttpError(400, `mutations[${i}].id must be a whole number from 1`);
    if (i > 0 && id <= /** @type {any} */ (mutations[i - 1]).id) throw new HttpError(400, `mutations[${i}].id must be greater than mutations[${i - 1}].id`);
    if (typeof name !== "string" || !NAMES.includes(name)) throw new HttpError(400, `mutations[${i}].name must be connect, refresh or disconnect`);
    if (args === null || typeof args !== "object" || Array.isArray(args)) throw new HttpError(400, `mutations[${i}].args must be an object`);
    return { id, name, args: /** @type {Record<string, unknown>} */ (args) };
  });
}

/**
 * @param {{
 *   store: import("connect-provider/stores/sqlite").IdempotentConnectionStore,
 *   sealer: { seal(secret: string, userId: string): Promise<Uint8Array> },
 *   syncKey: ReturnType<typeof import("./sync-key.js").createSyncKey>,
 *   logError: (fields: Record<string, unknown>) => void,
 *   limiter: import("./rate-limit.js").Limiter,
 * }} services
 */
export function syncRoutes({ store, sealer, syncKey, logError, limiter }) {
  /** A client's pushes, one at a time in this process (keyed by the token's user and the client). */
  const inTurn = keyedTurns();

  /**
   * The store's repository as one push's mutation sees it: its commit also advances the client from
   * `from` to the mutation's id, in the same atomic step.
   * @param {{ userId: string, clientId: string, from: number, to: number }} mutation
   */
  const advancing = (mutation) =>
    overriding(store.repository, "commit", (/** @type {any} */ record, /** @type {any[]} */ events) => store.repository.commit(record, events, { mutation }));

  /**
   * A mutation's credentials with a secret sealed to this service (`sealedSecret`, base64) opened
   * for the caller: null (refused as missing credentials) when it does not open for them, holds an
   * empty secret, or comes with a plain `secret` too (the request's log line says `sealedSecretRefused`); SyncKeyNotHeld when
   * it is sealed to a pair this service does not hold. Credentials without one are as the client sent them.
   * @param {import("./routes.js").RouteContext} context @param {unknown} credentials
   */
  async function opened(context, credentials) {
    const refused = () => {
      context.note({ sealedSecretRefused: true });
      return null;
    };
    if (credentials === null || typeof credentials !== "object" || Array.isArray(credentials) || !("sealedSecret" in credentials)) return credentials;
    const { sealedSecret, secret, ...rest } = /** @type {Record<string, unknown>} */ (credentials);
    if (secret !== undefined || typeof sealedSecret !== "string" || sealedSecret.length > MAX_SEALED_SECRET_CHARS || !BASE64.test(sealedSecret)) return refused();
    try {
      const opened = await syncKey.open(Uint8Array.from(atob(sealedSecret), (char) => char.charCodeAt(0)), context.userId);
      return opened === "" ? refused() : { ...rest, secret: opened };
    } catch (error) {
      if (error instanceof SyncSealError) return refused();
      throw error;
    }
  }

  /**
   * One mutation through its handler, over the caller's view of the store.
   * @param {import("./routes.js").RouteContext} context
   * @param {{ id: number, name: string, args: Record<string, unknown> }} mutation
   * @param {number} from the client's last applied mutation
   * @param {string} clientId
   */
  async function run(context, { id, name, args }, from, clientId) {
    const { userId } = context;
    const repository = callerRepository(advancing({ userId, clientId, from, to: id }), userId, () => context.note({ foreignConnection: true }));
    const options = {
      timeoutMs: 5000,
      onEventBusError: (/** @type {unknown} */ error) => logError({ requestId: context.requestId, msg: "event not published", error: messageOf(error) }),
    };
    const expected = args.expectedVersion === undefined ? {} : { expectedVersion: args.expectedVersion };
    /** @type {{ handle(input: object): Promise<any>, free(): void }} */
    let handler;
    /** @type {object} */
    let command;
    // Each command is made (its secret sealed) before its handler, which nothing would free if sealing failed.
    if (name === "connect") {
      refuseAtEdge(args);
      command = {
        userId,
        providerId: args.providerId,
        providerSlug: args.providerSlug,
        ...(args.alias === undefined ? {} : { alias: args.alias }),
        ...(args.connectionId === undefined ? {} : { connectionId: args.connectionId }),
        credentials: await sealedCredentials(sealer, await opened(context, args.credentials), userId),
      };
      handler = new ConnectProviderHandler(repository, store.eventBus, options);
    } else if (name === "refresh") {
      const credentials = await sealedCredentials(sealer, await opened(context, args.credentials), userId);
      command = { userId, connectionId: args.connectionId, credentials, ...expected };
      handler = new RefreshProviderTokensHandler(repository, store.eventBus, options);
    } else {
      handler = new DisconnectProviderHandler(repository, store.eventBus, options);
      command = { userId, connectionId: args.connectionId, ...expected };
    }
    return handleOnce(handler, command);
  }

  /**
   * A push's mutations, once the client's earlier pushes in this process have ended.
   * @param {import("./routes.js").RouteContext} context @param {string} clientId
   * @param {{ id: number, name: string, args: Record<string, unknown> }[]} mutations
   */
  async function pushInTurn(context, clientId, mutations) {
    const { userId } = context;
    const state = await store.sync.state(userId, clientId);
    let last = state.lastMutationId;
    // A push sent again after its answer was lost is told its refusals again, as first answered.
    const refusals = new Map(state.refusals.map(({ id, code, error }) => [id, { code, error }]));
    /** @type {Record<string, unknown>[]} */
    const results = [];
    let ran = 0;
    for (const mutation of mutations) {
      if (mutation.id <= last) {
        const refusal = refusals.get(mutation.id);
        results.push(refusal === undefined ? { id: mutation.id, applied: "before" } : { id: mutation.id, ok: false, ...refusal });
        continue;
      }
      // A write like any other: a push of 100 counts 100 against the limit, the rest pushed again later.
      if (ran > 0) {
        let allowed = false;
        try {
          allowed = (await limiter.take(userId)).allowed;
        } catch (error) {
          // The limiter failed: stop here with what has run, whose answers the client must have.
          logError({ requestId: context.requestId, msg: "sync push: the rate limiter failed", error: messageOf(error) });
          break;
        }
        if (!allowed) {
          context.note({ rateLimited: true });
          break;
        }
      }
      ran += 1;
      /** @type {any} */
      let result;
      try {
        result = await run(context, mutation, last, clientId);
      } catch (error) {
        if (error instanceof SyncKeyNotHeld) {
          // Not consumed: pushed again once this instance holds the key (a rollout ends), or its key is restored.
          logError({
            requestId: context.requestId,
            msg: "sync push: a secret sealed to a sync key this service does not hold (a CREDENTIALS_KEY rollout under way, or a key dropped from CREDENTIALS_OLD_KEYS too soon)",
            mutationId: mutation.id,
            keyId: error.keyId,
          });
          break;
        }
        // A field the edge refuses before any handler (U+0000): consumed like the domain's refusals.
        if (!(error instanceof HttpError)) throw error;
        result = { ok: false, code: /** @type {{ code?: string }} */ (error).code ?? ErrorCode.INVALID_COMMAND, error: error.message };
      }
      if (result.ok) {
        last = mutation.id;
        results.push({ id: mutation.id, ok: true, ...(result.value === null ? {} : { value: result.value }) });
        continue;
      }
      const { status, error } = statusOf(result);
      if (status === 500 || result.code === ErrorCode.CONFLICT) {
        // The database failed, another push applied this mutation meanwhile, or other writes kept changing
        // its connection (CONFLICT, which a retry over HTTP runs again too): stop here, to be pushed again.
        logError({ requestId: context.requestId, msg: "sync mutation failed", mutationId: mutation.id, error: result.error });
        break;
      }
      // The domain refused it: consumed, so the client can drop it, and kept with the client's number.
      const code = result.code === ErrorCode.NOT_OWNED_BY_USER ? ErrorCode.CONNECTION_NOT_FOUND : result.code;
      let advanced = false;
      try {
        advanced = await store.sync.advance(userId, clientId, last, mutation.id, { code, error: error.slice(0, KEPT_ERROR_CHARACTERS) });
      } catch (error) {
        // Not consumed: pushed again, it is refused again. The answers before it stand.
        if (results.length === 0) throw error;
        logError({ requestId: context.requestId, msg: "sync push: a refusal could not be recorded", mutationId: mutation.id, error: messageOf(error) });
        break;
      }
      if (!advanced) break;
      last = mutation.id;
      results.push({ id: mutation.id, ok: false, code, error });
    }
    context.note({ clientId, pushed: mutations.length, applied: results.length });
    return { status: 200, body: { lastMutationId: last, results } };
  }

  return {
    /** GET /sync/key -> 200 { keyId, publicKey }: the key a client seals a queued secret to */
    async key() {
      return { status: 200, body: await syncKey.published() };
    },

    /** POST /sync/push -> 200 { lastMutationId, results }, in order, each mutation applied once */
    async push(/** @type {import("./routes.js").RouteContext} */ context) {
      const body = await readJsonObject(context.request);
      const clientId = clientIdOf(body.clientId);
      const mutations = mutationsOf(body.mutations);
      return inTurn(`${context.userId} ${clientId}`, () => pushInTurn(context, clientId, mutations));
    },

    /** GET /sync/pull?clientId=…[&cursor=<eventId>] -> 200 { connections, events, lastMutationId, cursor, more } */
    async pull(/** @type {import("./routes.js").RouteContext} */ context) {
      const params = context.url.searchParams;
      const clientId = clientIdOf(params.get("clientId"));
      const cursor = params.get("cursor");
      if (cursor !== null && !UUID.test(cursor)) throw new HttpError(400, "cursor must be an event id");
      const { userId } = context;
      context.note({ clientId });
      // Read before the connections: a push still running may apply a mutation between the two
      // reads, and a client told it was applied must find its change in this answer.
      const lastMutationId = await store.sync.lastMutation(userId, clientId);
      const listed = await handleOnce(new ListProviderConnectionsHandler(callerRepository(store.repository, userId), { timeoutMs: 5000 }), { userId });
      if (!listed.ok) {
        logError({ requestId: context.requestId, msg: "sync pull failed", error: listed.error });
        return { status: 500, body: { error: "Internal error", requestId: context.requestId } };
      }
      let events;
      try {
        events = (await store.events({ userId, after: cursor, limit: PULL_LIMIT })).map(eventShown);
      } catch (error) {
        if (error instanceof RangeError) throw new HttpError(400, "cursor is not one of your events");
        throw error;
      }
      return {
        status: 200,
        body: { connections: listed.value.connections, events, lastMutationId, cursor: events.at(-1)?.eventId ?? cursor, more: events.length === PULL_LIMIT },
      };
    },
  };
}
