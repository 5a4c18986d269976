// The first request of a fresh Worker in workerd: from constructing a Miniflare (which spawns a new
// workerd process) until the first response's body is read, for three Workers bundled the way
// wrangler bundles them (tests/js/support/workerd.mjs): one ConnectProvider command through the
// wasm handler (first-request-wasm.js), the same through the plain-JS baseline
// (first-request-js.js), and a floor that answers fixed JSON with no handler
// (first-request-floor.js). After one untimed round, BENCH_WORKER_RUNS rounds (15 unless set),
// every kind started afresh in each, in an order that rotates between rounds. Prints one JSON
// line of medians in ms.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorker, startWorker } from "../tests/js/support/workerd.mjs";

const RUNS = Number(process.env.BENCH_WORKER_RUNS ?? 15);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_WORKER_RUNS must be a positive integer, not "${process.env.BENCH_WORKER_RUNS}"`);
const KINDS = ["wasm", "js", "floor"];

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The workerd Miniflare runs, and Miniflare's own version, as their package.json files say. */
function versions() {
  try {
    const require = createRequire(import.meta.url);
    const miniflare = require.resolve("miniflare/package.json");
    // workerd is Miniflare's dependency: resolved from Miniflare, it is the binary Miniflare spawns.
    const workerd = createRequire(miniflare).resolve("workerd/package.json");
    const version = (file) => JSON.parse(readFileSync(file, "utf8")).version;
    return `${version(workerd)} (miniflare ${version(miniflare)})`;
  } catch {
    return "unknown";
  }
}

/** workerd's own output goes to stderr (Miniflare's default logs its stdout to ours), so stdout
 * holds nothing but the final JSON line. A listener on each source, not pipe(): pipes would pile
 * listeners onto process.stderr, one set per workerd started. */
function toStderr(...streams) {
  for (const stream of streams) stream.on("data", (chunk) => process.stderr.write(chunk));
}

/** Ms from constructing a fresh Miniflare for `script` to the first response's body read. */
async function firstResponseMs(kind, script) {
  const started = performance.now();
  const { mf, url } = await startWorker(script, { modulesRoot: dirname(script), handleRuntimeStdio: toStderr });
  try {
    const response = await mf.dispatchFetch(url);
    const body = await response.text();
    const ms = performance.now() - started;
    // Checked after the clock stops; a failed command answers 500 and must not pass for a time.
    let ok = false;
    try {
      ok = JSON.parse(body).ok === true;
    } catch {}
    if (response.status !== 200 || !ok) throw new Error(`the ${kind} Worker answered ${response.status}: ${body.slice(0, 500)}`);
    return ms;
  } finally {
    await mf.dispose();
  }
}

const home = mkdtempSync(join(tmpdir(), "connect-provider-bench-first-request-"));
const times = Object.fromEntries(KINDS.map((kind) => [kind, []]));
try {
  const scripts = {};
  for (const kind of KINDS) {
    const entry = fileURLToPath(new URL(`./first-request-${kind}.js`, import.meta.url));
    const outdir = join(home, kind);
    await bundleWorker(entry, outdir);
    // esbuild names the bundle after its entry (bundleWorker's return assumes worker.js).
    scripts[kind] = join(outdir, basename(entry));
  }
  console.error(`worker-first-request: bundled in ${home}; ${RUNS} rounds of ${KINDS.join(", ")}`);
  // One untimed round first: the first Miniflare of the process, and the first of each bundle,
  // pay one-off costs on the Node side (Miniflare's own code still cold), which would otherwise
  // land on whichever kind round 1 starts with.
  for (const kind of KINDS) await firstResponseMs(kind, scripts[kind]);

  for (let round = 0; round < RUNS; round++) {
    // Rotated: over every three rounds each kind goes first, second and third once, so a drift in
    // the machine's load (or a warm-up) does not fall on one kind.
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
    const line = [];
    for (const kind of order) {
      const ms = await firstResponseMs(kind, scripts[kind]);
      times[kind].push(ms);
      line.push(`${kind} ${ms.toFixed(1)} ms`);
    }
    console.error(`worker-first-request: round ${round + 1}/${RUNS}: ${line.join(", ")}`);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

const ms = (kind) => Number(median(times[kind]).toFixed(3));
console.log(JSON.stringify({ runs: RUNS, wasmMs: ms("wasm"), jsMs: ms("js"), floorMs: ms("floor"), workerd: versions() }));
