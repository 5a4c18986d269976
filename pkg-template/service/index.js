// connect-provider/service: the HTTP service over the handlers, as one fetch-style app,
// `(request: Request) => Promise<Response>`, built from web-standard APIs and jose (an optional peer
// dependency: only this subpath needs it). An entry (Node, Deno, a Worker) opens its store and its
// rate limiter, reads its configuration, calls createService and serves the app.
export { createService } from "./service.js";
export { admittedWrite } from "./app.js";
export { ConfigError, readConfig, readIdempotencyRetentionMs, readJobIntervalMs, readListenAddress } from "./config.js";
export { SealError, createSealer, keyIdOf } from "./seal.js";
export { SyncKeyNotHeld, SyncSealError, createSyncKey } from "./sync-key.js";
export { WINDOW_MS, inProcessLimiter, takeFromLog } from "./rate-limit.js";
export { everyInterval, runExpiringJob } from "./expiring-job.js";
export { DEFAULT_RETENTION_HOURS, runKeyExpiry } from "./idempotency-expiry.js";
export { jsonLog } from "./request-log.js";
export { HttpError, internalError, refusal, toResponse } from "./responses.js";
export { statusOf } from "./error-status.js";
export { messageOf } from "./routes.js";
export { default as openapi } from "./openapi.json" with { type: "json" };
