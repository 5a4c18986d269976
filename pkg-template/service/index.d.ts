// Types of connect-provider/service. jose is needed by this subpath only (an optional peer).
import type { ErrorCode } from "../index.js";
import type { IdempotencyStore, IdempotentConnectionStore, StoreRepository } from "../stores/index.js";

/** How tokens are verified: HS256 with a shared secret, or an identity provider's JWKS. */
export type AuthConfig =
  | { kind: "hs256"; secret: Uint8Array; issuer?: string; audience?: string }
  | { kind: "jwks"; url: URL; issuer: string; audience: string };

/** The environment read and checked whole by readConfig. */
export interface ServiceConfig {
  auth: AuthConfig;
  credentials: { key: Uint8Array; oldKeys: Uint8Array[] };
  writesPerMinute: number;
  allowedOrigins: string[];
  idempotencyRetentionMs: number;
}

/** Every problem of a configuration, named; never a secret's value. */
export declare class ConfigError extends Error {
  constructor(problems: string[]);
  readonly problems: string[];
}

export declare function readConfig(env: object): ServiceConfig;
export declare function readIdempotencyRetentionMs(env: object): number;
export declare function readListenAddress(env: object): { host: string; port: number };
export declare function readJobIntervalMs(env: object, defaultMs?: number): number;

/** One JSON line a request; never a body, token or secret. The service calls each method on the object given (a class's methods keep their `this`). */
export interface Log {
  request(fields: Record<string, unknown>): void;
  error(fields: Record<string, unknown>): void;
  info(fields: Record<string, unknown>): void;
}
export declare function jsonLog(sinks?: { out?: (line: string) => void; err?: (line: string) => void }): Log;

/** Writes a user may make in any sliding minute. */
export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };
export interface Limiter {
  take(userId: string): Promise<Decision>;
}
export declare const WINDOW_MS: number;
export declare function takeFromLog(log: number[], now: number, limit: number, windowMs?: number): Decision;
export declare function inProcessLimiter(options: { limit: number; windowMs?: number; now?: () => number }): Limiter;

/**
 * Whether the service's `response` answers a write that passed its gates (origin, route, token,
 * rate limit): only then may a handler have logged events for a relay to send.
 */
export declare function admittedWrite(response: Response): boolean;

/**
 * The fetch-style app of a checked configuration over a store and a limiter. Rejects with a
 * TypeError a store whose `repository.eventBus` is not its `eventBus` (or that has no `commit`):
 * each command's change must be written with its events, its key's answer and its sync advance.
 */
export declare function createService(parts: {
  config: ServiceConfig;
  store: IdempotentConnectionStore;
  limiter: Limiter;
  log: Log;
}): Promise<(request: Request) => Promise<Response>>;

/** AES-256-GCM sealing of a provider's secret, bound to the user, with the key's id inside. */
export declare class SealError extends Error {}
export interface Sealer {
  /** The current key's id, hex. */
  readonly keyId: string;
  seal(secret: string, userId: string): Promise<Uint8Array>;
  open(sealed: Uint8Array, userId: string): Promise<string>;
  isCurrent(sealed: Uint8Array): boolean;
  reseal(sealed: Uint8Array, userId: string): Promise<Uint8Array>;
}
export declare function createSealer(keys: { key: Uint8Array; oldKeys?: Uint8Array[] }): Promise<Sealer>;
export declare function keyIdOf(rawKey: Uint8Array): Promise<Uint8Array>;

/** A secret sealed to the service's sync key that does not open: another user's, altered, or no such seal. */
export declare class SyncSealError extends Error {}
/** A secret sealed to a pair this service does not hold (a rotation under way, or a key dropped too soon). */
export declare class SyncKeyNotHeld extends Error {
  readonly keyId: string;
}
/** The public key GET /sync/key answers: an offline client seals a queued secret to it. */
export interface PublishedSyncKey {
  /** The first 8 bytes of SHA-256("connect-provider sync key id v1" 0x00 | the raw public key), hex. */
  readonly keyId: string;
  readonly publicKey: { readonly kty: "EC"; readonly crv: "P-256"; readonly x: string; readonly y: string };
}
export interface SyncKey {
  /** What GET /sync/key answers. */
  published(): Promise<PublishedSyncKey>;
  /** The secret sealed to one of the pairs for `userId`; rejects with SyncKeyNotHeld for another pair, SyncSealError otherwise. */
  open(sealed: Uint8Array, userId: string): Promise<string>;
}
/**
 * The P-256 pairs derived from the credentials keys (the current one first), on first use: the same
 * keys, the same pairs.
 */
export declare function createSyncKey(credentialKeys: Uint8Array[]): SyncKey;

/**
 * The active connections whose credentials expire within `withinMinutes` (30), or already have, as one
 * log line; read `pageSize` (200) at a time from a repository with `findExpiringPage`, else at once. An
 * aborted `signal` ends the run before its next page (not ok, logged as stopped).
 */
export declare function runExpiringJob(
  repository: Pick<StoreRepository, "findExpiringBefore" | "findExpiringPage">,
  log: Log,
  withinMinutes?: number,
  options?: { pageSize?: number; signal?: AbortSignal },
): Promise<{ ok: boolean; connectionIds: string[] }>;
/**
 * Runs `job` every `intervalMs`, never two at once; `stop()` aborts the signal each run is given and waits for the run in flight.
 * `unref` gets the runtime's own timer (Node's `Timeout`, Deno's id), whatever its type: `(timer) => timer.unref()` or `Deno.unrefTimer`.
 * A run that rejects (or throws) goes to `onError`, and the next run comes as planned.
 */
export declare function everyInterval(job: (signal: AbortSignal) => Promise<unknown>, intervalMs: number, unref?: (timer: any) => void, onError?: (error: unknown) => void): { stop(): Promise<void> };

export declare const DEFAULT_RETENTION_HOURS: number;
export declare function runKeyExpiry(keys: IdempotencyStore, retentionMs: number, log: Log): Promise<number>;

/** A route's answer before it becomes a Response. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export declare class HttpError extends Error {
  constructor(status: number, message: string, headers?: Record<string, string>);
  readonly status: number;
  readonly headers: Record<string, string>;
}
export declare function refusal(status: number, error: string, headers?: Record<string, string>): Reply;
export declare function toResponse(reply: Reply, extra?: Record<string, string>): Response;
export declare function internalError(requestId: string): Response;

/** A handler's failure as the services answer it: not owned is 404, like not found; a 500 names nothing. */
export declare function statusOf(failure: { error: string; code: ErrorCode }): { status: number; error?: string };
export declare function messageOf(error: unknown): string;

/** The services' OpenAPI 3.1 document, as each serves it at GET /openapi.json. */
export declare const openapi: { openapi: string; info: { title: string; version: string }; paths: Record<string, unknown> } & Record<string, unknown>;
