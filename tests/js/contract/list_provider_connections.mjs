// ListProviderConnections' contract: one table of cases, run in every runtime.
import { runQueryCase } from "./query_checks.mjs";
import { LIFECYCLE_ERRORS as ERRORS, OTHER_USER_ID, storedRecord, USER_ID, viewOf, withoutVersion } from "./fixtures.mjs";
import { rejectWith } from "./ports.mjs";

const id = (n) => `0190f5b2-3c4d-7e8f-9a0b-${String(n).padStart(12, "0")}`;
const at = (day) => `2026-11-${String(day).padStart(2, "0")}T09:00:00.000Z`;
const CREDENTIALS = storedRecord().credentials;
/** Five of the user's connections in every kind of status, and one of another user's. */
const records = () => [
  storedRecord({ id: id(1), createdAt: at(10), providerSlug: "schwab" }),
  storedRecord({ id: id(2), createdAt: at(12), providerSlug: "fidelity", status: "disconnected", credentials: null }),
  storedRecord({ id: id(4), createdAt: at(11), providerSlug: "vanguard", status: "expired", credentials: CREDENTIALS }),
  storedRecord({ id: id(3), createdAt: at(11), providerSlug: "etrade" }),
  storedRecord({ id: id(5), createdAt: at(9), providerSlug: "robinhood", userId: OTHER_USER_ID }),
];
/** Newest first; the same moment by ascending id; another user's left out. */
const listOf = (stored, keep = () => true) => {
  const mine = stored.filter((record) => record.userId === USER_ID && keep(record));
  mine.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? 1 : -1));
  const connections = mine.map(viewOf);
  return { ok: true, value: { connections, totalCount: connections.length, activeCount: connections.filter((view) => view.status === "active").length } };
};
const invalid = (why) => ({ result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}`, code: "INVALID_COMMAND" }, calls: [] });
const databaseError = (why) => ({ result: { ok: false, error: `${ERRORS.DATABASE_ERROR}: ${why}`, code: "DATABASE_ERROR" }, calls: ["findByUserId"] });

const cases = [
  { name: "every status, newest first, ties by id", records, query: () => ({ userId: USER_ID }), expect: { result: (stored) => listOf(stored), calls: ["findByUserId"] } },
  {
    name: "activeOnly asks findActiveByUser",
    records,
    query: () => ({ userId: USER_ID, activeOnly: true }),
    expect: { result: (stored) => listOf(stored, (record) => record.status === "active"), calls: ["findActiveByUser"] },
  },
  { name: "activeOnly false is every status", records, query: () => ({ userId: USER_ID, activeOnly: false }), expect: { result: (stored) => listOf(stored), calls: ["findByUserId"] } },
  {
    name: "another user's record in the answer is left out, and not counted",
    records,
    behaviour: () => ({ findByUserId: (_, store) => store }),
    query: () => ({ userId: USER_ID }),
    expect: { result: (stored) => listOf(stored), calls: ["findByUserId"] },
  },
  { name: "no connections", query: () => ({ userId: USER_ID }), expect: { result: { ok: true, value: { connections: [], totalCount: 0, activeCount: 0 } }, calls: ["findByUserId"] } },
  {
    name: "findByUserId rejects",
    behaviour: () => ({ findByUserId: rejectWith(new Error("timeout")) }),
    query: () => ({ userId: USER_ID }),
    expect: databaseError("timeout"),
  },
  {
    name: "findByUserId answering something that is not an array",
    behaviour: () => ({ findByUserId: () => ({ rows: [] }) }),
    query: () => ({ userId: USER_ID }),
    expect: databaseError("findByUserId did not return an array"),
  },
  {
    name: "a bad record in the answer names where it is",
    behaviour: () => ({ findByUserId: () => [storedRecord(), storedRecord({ status: 7 })] }),
    query: () => ({ userId: USER_ID }),
    expect: databaseError("invalid stored connection: [1].status: invalid type: a number, expected a string"),
  },
  {
    name: "records without a version are listed",
    records: () => records().map(withoutVersion),
    query: () => ({ userId: USER_ID }),
    expect: { result: (stored) => listOf(stored), calls: ["findByUserId"] },
  },
  {
    name: "a record at version 0 in the answer names where it is",
    behaviour: () => ({ findByUserId: () => [storedRecord(), storedRecord({ version: 0 })] }),
    query: () => ({ userId: USER_ID }),
    expect: databaseError("invalid stored connection: [1]: version must be 1 or more"),
  },
  {
    name: "a record whose version is a string names where it is",
    behaviour: () => ({ findByUserId: () => [storedRecord({ version: "2" })] }),
    query: () => ({ userId: USER_ID }),
    expect: databaseError('invalid stored connection: [0].version: invalid type: string "2", expected u64'),
  },
  { name: "activeOnly not a boolean", query: () => ({ userId: USER_ID, activeOnly: "yes" }), expect: invalid("activeOnly must be a boolean") },
  { name: "userId missing", query: () => ({}), expect: invalid("userId must be a UUID string") },
];

export const listProviderConnectionsTable = { handler: "ListProviderConnectionsHandler", cases, run: runQueryCase };
