// Each marked line passes a wrong shape; each must be a compile error (see types.test.mjs).
import { ConnectProviderError, ConnectProviderHandler, DisconnectProviderHandler, ErrorCode, ListExpiringConnectionsHandler, ListProviderConnectionsHandler } from "connect-provider";
import { sqliteStore } from "connect-provider/stores/sqlite";
import { postgresStore } from "connect-provider/stores/postgres";
import { indexedDbStore } from "connect-provider/stores/indexeddb";

const handler = new ConnectProviderHandler({ save: async () => {} }, { publish: () => {} });

// ERROR: repository without save
new ConnectProviderHandler({ store: async () => {} }, { publish: () => {} });
// ERROR: timeoutMs as a string
new ConnectProviderHandler({ save: () => {} }, { publish: () => {} }, { timeoutMs: "5s" });
// ERROR: encryptedData as a string
handler.handle({ userId: "u", providerId: "p", providerSlug: "s", credentials: { encryptedData: "secret", credentialType: "oauth2" } });
// ERROR: unknown credential type
handler.handle({ userId: "u", providerId: "p", providerSlug: "s", credentials: { encryptedData: new Uint8Array(1), credentialType: "password" } });
// ERROR: providerSlug missing
handler.handle({ userId: "u", providerId: "p", credentials: null });
// ERROR: value read without narrowing on ok
handler.handle({ userId: "u", providerId: "p", providerSlug: "s", credentials: null }).then((result) => result.value);
// ERROR: connectionId on an event not narrowed to Succeeded
new ConnectProviderHandler({ save: () => {} }, { publish: (event) => event.connectionId });
// ERROR: the error strings are read-only
ConnectProviderError.DATABASE_ERROR = "x";
// ERROR: the codes are read-only
ErrorCode.CONFLICT = "CONFLICT";
// ERROR: a code that is not one of them
const unknownCode: ErrorCode = "NOT_FOUND";
// ERROR: code read without narrowing on ok
handler.handle({ userId: "u", providerId: "p", providerSlug: "s", credentials: null }).then((result) => result.code);
// ERROR: needsUserAction is a refresh's, not a disconnection's
new DisconnectProviderHandler({ findById: () => null, save: () => {} }, { publish: () => {} }).handle({ userId: "u", connectionId: "c" }).then((result) => result.ok || result.needsUserAction);
// ERROR: a disconnecting repository without findById
new DisconnectProviderHandler({ save: () => {} }, { publish: () => {} });
// ERROR: withinMinutes as a string
new ListExpiringConnectionsHandler({ findExpiringBefore: () => [] }).handle({ withinMinutes: "30" });
// ERROR: a view has no credential bytes
new ListProviderConnectionsHandler({ findByUserId: () => [], findActiveByUser: () => [] }).handle({ userId: "u" }).then((result) => result.ok && result.value.connections[0].credentials);
// ERROR: a SQLite store needs a database, not its path
sqliteStore("connections.sqlite");
// ERROR: an event query's limit is a number
postgresStore({ query: async () => ({ rows: [] }) }).events({ limit: "10" });
// ERROR: an IndexedDB store keeps no idempotency keys
indexedDbStore().idempotency.claim("u", "k", "f", 0, 1);
// ERROR: a kept answer's status is a number
postgresStore({ query: async () => ({ rows: [] }) }).idempotency.complete("u", "k", "t", { status: "201" });
// ERROR: expectedVersion as a string
new DisconnectProviderHandler({ save: () => {}, findById: async () => null }, { publish: () => {} }).handle({ userId: "u", connectionId: "c", expectedVersion: "2" });
// ERROR: a kept refusal names its code, not a number
postgresStore({ query: async () => ({ rows: [] }) }).sync.advance("u", "phone", 0, 1, { code: 409, error: "Connection is not active" });
