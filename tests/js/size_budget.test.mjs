// The browser build's size, gzipped, against its budget: a change that grows it past the budget
// fails here. (The figures behind the budget are in the README's Performance section.)
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

// The budget is this build plus about 1%, so any growth shows up and must be argued for. Versions,
// the atomic commit and the error codes (the consistency issue) took the wasm from 85,058 to
// 88,451 B; the caller's own connectionId (offline sync) to 89,848 B; the bridge's second issue
// (packs, no float formatting, one table of handlers) brought it to 79,120 B, measured here; a
// sort of its own and no uuid or `Debug` wording in messages to 75,205 B (JS glue 8,499 B); a
// leaner bridge to 74,496 B, talc in place of dlmalloc to 72,215 B, instants read without
// chrono's parser to 66,877 B, wasm-opt inlining a one-caller function only when small to
// 65,678 B, what is not generic written once to 64,788 B (JS glue 8,475 B; 8,594 B with
// packs read in place in wasm memory), and LLVM inlining less (.cargo/config.toml) to 59,367 B,
// whose budget is the bridge issue's 60 KB; views, records, credentials and events built as
// object literals in seam.js to 59,339 B and JS glue 9,059 B (a List of 20 an eighth faster, a
// Disconnect a tenth); the safeguards of the review after it (a fresh instance after any trap, the
// runtime's messages tied to their instance, an async onEventBusError's rejection reported,
// handle() after free() refused alone, the deadline queues of past timeouts dropped) to 59,594 B
// and JS glue 9,392 B; the limits of a later review (a pack's budget of text and structure, its
// bytes measured again, an adapter's error cut to 1,024 units, a handler freed from inside its own
// call) to 59,766 B and JS glue 9,569 B, and a trap under a nested call replacing the instance only
// once the outer call has returned, to 59,783 B and JS glue 9,683 B; a list's records sent by
// the key numbers of the shape before them (a List of 20 0.962 of the time) to JS glue 9,867 B;
// the pack's refusals told apart without running a caller's code (a Proxy thrown by a getter
// crashed Node with an unhandled rejection) and an array's length checked as a count, to JS glue
// 9,959 B (and ListExpiringConnections' week for Rust callers, wasm 59,798 B);
// docs/performance.md says what each part costs.
const BUDGET = { wasm: 60_000, glue: 10_060, together: 69_900 };
const pkg = dirname(createRequire(import.meta.url).resolve("connect-provider/package.json"));
const gzipped = (files) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(pkg, file)), { level: 9 }).length, 0);

test(`the browser build stays within ${BUDGET.wasm} B of gzipped wasm, ${BUDGET.glue} B of gzipped JS and ${BUDGET.together} B together`, () => {
  const wasm = gzipped(["web/connect_provider_bg.wasm"]);
  const snippets = readdirSync(join(pkg, "web/snippets"), { recursive: true }).filter((f) => f.endsWith(".js"));
  const glue = gzipped(["web/connect_provider.js", "api.js", "browser.js", ...snippets.map((f) => `web/snippets/${f}`)]);
  console.log(`gzipped: wasm ${wasm} B, JS ${glue} B, together ${wasm + glue} B`);
  assert.ok(wasm <= BUDGET.wasm, `wasm is ${wasm} B gzipped, over its ${BUDGET.wasm} B budget`);
  assert.ok(glue <= BUDGET.glue, `JS glue is ${glue} B gzipped, over its ${BUDGET.glue} B budget`);
  assert.ok(wasm + glue <= BUDGET.together, `wasm and JS are ${wasm + glue} B gzipped, over ${BUDGET.together} B`);
});
