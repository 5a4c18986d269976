// The D1 harnesses' faulty(): a store on a D1 binding whose calls that reach the database (run,
// all, first, raw, batch, exec) reject from the failFrom-th on. Shared by the harness from Node
// and the one inside the Worker.
import { d1Store } from "connect-provider/stores/d1";
import { faultyClient } from "./faulty-client.js";

const QUERIES = new Set(["run", "all", "first", "raw", "batch", "exec"]);

/** @param {import("connect-provider/stores/d1").D1Database} binding @param {number} failFrom @param {{ after?: boolean }} [mode] */
export function d1Faulty(binding, failFrom, { after = false } = {}) {
  const faulty = faultyClient(binding, failFrom, {
    counts: (method) => QUERIES.has(method),
    // What prepare and bind answer: a statement, whose run/all/first are the queries.
    wraps: (value) => value !== null && typeof value === "object" && typeof (/** @type {any} */ (value).bind) === "function" && !(value instanceof Promise),
    rejects: () => true,
    after,
  });
  return { store: d1Store(faulty.client), reached: faulty.reached, close: async () => {} };
}
