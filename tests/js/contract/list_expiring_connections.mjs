// ListExpiringConnections' contract: one table of cases, run in every runtime.
import { expectTrue } from "./expect.mjs";
import { runQueryCase } from "./query_checks.mjs";
import { isoIn, LIFECYCLE_ERRORS as ERRORS, storedRecord, viewOf } from "./fixtures.mjs";
import { rejectWith } from "./ports.mjs";

const MINUTE = 60_000;
const id = (n) => `0190f5b2-3c4d-7e8f-9a0b-${String(n).padStart(12, "0")}`;
const expiring = (n, expiresAt, overrides = {}) =>
  storedRecord({ id: id(n), credentials: { encryptedData: new Uint8Array([n]), credentialType: "oauth2", expiresAt }, ...overrides });
/** Due in 15 minutes, due in 2 hours, expired an hour ago, and an expired one no longer active. */
const records = () => [
  expiring(1, isoIn(15 * MINUTE)),
  expiring(2, isoIn(120 * MINUTE)),
  expiring(3, isoIn(-60 * MINUTE)),
  expiring(4, isoIn(-30 * MINUTE), { status: "expired" }),
];
const listed = (...ns) => (stored) => ({ ok: true, value: { connections: ns.map((n) => viewOf(stored.find((record) => record.id === id(n)))) } });
/** The instant asked for is now + `minutes`, as `toISOString` writes it. */
const askedFor = (minutes) => (instant) => {
  const expected = Date.now() + minutes * MINUTE;
  expectTrue(new Date(instant).toISOString() === instant && Math.abs(Date.parse(instant) - expected) < 5000, `findExpiringBefore(${instant}) is about now + ${minutes} min`);
};
const invalid = (why) => ({ result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}`, code: "INVALID_COMMAND" }, calls: [] });
const RANGE = "withinMinutes must be a whole number from 0 to 10080";

const cases = [
  { name: "within 30 minutes by default: soonest expiry first, expired included", records, query: () => ({}), expect: { result: listed(3, 1), calls: ["findExpiringBefore"], argument: askedFor(30) } },
  { name: "within 3 hours", records, query: () => ({ withinMinutes: 180 }), expect: { result: listed(3, 1, 2), calls: ["findExpiringBefore"], argument: askedFor(180) } },
  { name: "within 0 minutes: only what has expired", records, query: () => ({ withinMinutes: 0 }), expect: { result: listed(3), calls: ["findExpiringBefore"], argument: askedFor(0) } },
  {
    name: "records the repository should not have returned are left out",
    records,
    behaviour: () => ({ findExpiringBefore: (_, store) => [...store, storedRecord({ id: id(9), credentials: { ...storedRecord().credentials, expiresAt: null } })] }),
    query: () => ({ withinMinutes: 30 }),
    expect: { result: listed(3, 1), calls: ["findExpiringBefore"] },
  },
  {
    name: "findExpiringBefore rejects",
    behaviour: () => ({ findExpiringBefore: rejectWith(new Error("replica lag")) }),
    query: () => ({}),
    expect: { result: { ok: false, error: `${ERRORS.DATABASE_ERROR}: replica lag`, code: "DATABASE_ERROR" }, calls: ["findExpiringBefore"] },
  },
  ...[-1, 1.5, 10081, "30", Number.NaN].map((withinMinutes) => ({
    name: `withinMinutes ${JSON.stringify(withinMinutes) ?? String(withinMinutes)} is refused`,
    query: () => ({ withinMinutes }),
    expect: invalid(RANGE),
  })),
  { name: "withinMinutes 10080, a week, is the most", query: () => ({ withinMinutes: 10080 }), expect: { result: { ok: true, value: { connections: [] } }, calls: ["findExpiringBefore"], argument: askedFor(10080) } },
];

export const listExpiringConnectionsTable = { handler: "ListExpiringConnectionsHandler", cases, run: runQueryCase };
