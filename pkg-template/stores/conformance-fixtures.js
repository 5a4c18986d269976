// What the conformance cases save and publish: records and events of the shapes the handlers
// write, with fresh ids each time.

/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */

export const STATUSES = ["pending", "active", "expired", "revoked", "failed", "disconnected"];
export const T = "2026-12-01T12:00:00.000Z";
export const msFrom = (/** @type {string} */ iso, /** @type {number} */ ms) => new Date(Date.parse(iso) + ms).toISOString();
const byId = (/** @type {{ id: string }} */ a, /** @type {{ id: string }} */ b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
export const sorted = (/** @type {ProviderConnectionRecord[]} */ records) => [...records].sort(byId);
export const uuid = () => crypto.randomUUID();

/** Every byte value, then random ones, to `length`. */
export function secret(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(length, i + 65_536)));
  for (let i = 0; i < Math.min(256, length); i += 1) bytes[i] = i;
  return bytes;
}

/** An active record with credentials, as the handlers save one, unless `overrides` say otherwise. */
export function conformanceRecord(/** @type {Partial<ProviderConnectionRecord>} */ overrides = {}) {
  return {
    id: uuid(),
    userId: uuid(),
    providerId: uuid(),
    providerSlug: "schwab",
    status: "active",
    alias: "Brokerage",
    credentials: { encryptedData: secret(48), credentialType: "oauth2", expiresAt: "2027-06-01T00:00:00.000Z" },
    connectedAt: "2026-11-30T09:15:00.250Z",
    lastSyncAt: null,
    createdAt: "2026-11-30T09:15:00.250Z",
    updatedAt: "2026-11-30T09:15:00.250Z",
    version: 1,
    ...overrides,
  };
}

/** A record in `status`, with credentials where the domain allows them (active needs them). */
export function inStatus(/** @type {string} */ status, /** @type {Partial<ProviderConnectionRecord>} */ overrides = {}) {
  const disconnected = status === "disconnected";
  return conformanceRecord({ status, ...(disconnected ? { credentials: null } : {}), ...overrides });
}

/** An event of the shape the handlers publish. */
export function event(/** @type {string} */ userId, /** @type {number} */ n) {
  return {
    eventType: n % 2 ? "ProviderConnectionSucceeded" : "ProviderConnectionAttempted",
    eventId: uuid(),
    occurredAt: msFrom(T, n),
    userId,
    providerId: uuid(),
    providerSlug: `slug-${n}`,
    ...(n % 2 ? { connectionId: uuid() } : {}),
  };
}
