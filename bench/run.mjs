// npm run bench: per-command rows on Node 20, 22 and 24 (each version in one process of its own,
// the wasm handlers and the plain-JS baseline interleaved there), then the real stores, the outbox
// relayed to NATS, cold start in Node 20, 22 and 24 and Deno, the first request of a fresh Worker in workerd,
// memory per in-flight command and sizes on this machine's Node. Prints markdown tables, first
// the bridge issue's targets (each with the plain-JS baseline, the floor and the Python original
// beside it), and keeps the raw figures in target/bench/last.json.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import { ConnectProviderHandler, wasmMemoryBytes } from "connect-provider";
import { buildSync } from "esbuild";
import { prepareColdApp } from "./cold-app.mjs";
import { buildFloor } from "./floor.mjs";

const root = new URL("../", import.meta.url);
const path = (relative) => new URL(relative, root).pathname;
const VERSIONS = (process.env.BENCH_NODE ?? "20,22,24").split(",");
const DENO = path("node_modules/.bin/deno");

/** better-sqlite3 built for `node`'s ABI: the workspace's when it matches, else built once into
 * target/bench (offline, against the headers that ship with that Node). */
function sqliteFor(node, major) {
  const abi = execFileSync(node, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
  if (abi === process.versions.modules) return path("node_modules/better-sqlite3");
  const dir = path(`target/bench/sqlite-node${major}`);
  const module = `${dir}/node_modules/better-sqlite3`;
  if (!existsSync(`${module}/build/Release/better_sqlite3.node`)) {
    const version = JSON.parse(readFileSync(path("node_modules/better-sqlite3/package.json"), "utf8")).version;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/package.json`, JSON.stringify({ private: true, allowScripts: { "better-sqlite3": true } }));
    console.error(`bench: building better-sqlite3 ${version} for Node ${major} (once, about a minute)`);
    const nodeDir = new URL("..", `file://${node}`).pathname.replace(/\/bin\/?$/, "");
    execFileSync("npm", ["install", "--no-audit", "--no-fund", `better-sqlite3@${version}`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PATH: `${nodeDir}/bin:${process.env.PATH}`, npm_config_nodedir: nodeDir },
    });
  }
  return module;
}

const floorModule = buildFloor();
const perVersion = [];
for (const major of VERSIONS) {
  const node = path(`tests/runtimes/node_modules/node${major}/bin/node`);
  console.error(`bench: Node ${major} …`);
  const output = execFileSync(node, [path("bench/rows.mjs"), sqliteFor(node, major), floorModule], { encoding: "utf8", maxBuffer: 1 << 24 });
  perVersion.push(JSON.parse(output.trim().split("\n").at(-1)));
}

console.error("bench: the Python original …");
const python = JSON.parse(execFileSync("python3", [path("bench/python/connect_provider.py")], { encoding: "utf8" }).trim());

console.error(`bench: stores on Node ${process.version} …`);
const storeRows = JSON.parse(execFileSync(process.execPath, [path("bench/store-rows.mjs")], { encoding: "utf8", maxBuffer: 1 << 24 }).trim().split("\n").at(-1));

console.error(`bench: the outbox relayed to NATS on Node ${process.version} …`);
const relayRows = JSON.parse(execFileSync(process.execPath, [path("bench/relay-rows.mjs")], { encoding: "utf8", maxBuffer: 1 << 24 }).trim().split("\n").at(-1));

console.error("bench: the offline app's rebase in Chromium …");
const rebaseRows = JSON.parse(execFileSync(process.execPath, [path("bench/indexeddb-rebase.mjs")], { encoding: "utf8" }).trim().split("\n").at(-1));

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const coldScript = prepareColdApp();
const COLD_KINDS = ["wasm", "js", "floor", "wasm-path", "js-path"];

/** Median of fresh processes of `command` (a Node binary, or Deno), every kind of start taking
 * turns (cold-start.mjs). */
function coldStartMs(command, runs = 15) {
  const times = Object.fromEntries(COLD_KINDS.map((kind) => [kind, []]));
  const args = command === DENO ? ["run", "--allow-read"] : [];
  for (let i = 0; i < runs; i++) {
    for (const kind of COLD_KINDS) times[kind].push(Number(execFileSync(command, [...args, coldScript, kind], { encoding: "utf8" })));
  }
  return Object.fromEntries(COLD_KINDS.map((kind) => [kind, median(times[kind])]));
}

async function wasmBytesPerInFlightCommand(count = 20_000) {
  const command = {
    userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
    providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
    providerSlug: "schwab",
    credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2" },
  };
  const handler = new ConnectProviderHandler({ save: () => new Promise(() => {}) }, { publish() {} }, { timeoutMs: 60_000 });
  await handler.handle({ ...command, providerSlug: "" });
  const before = wasmMemoryBytes();
  Array.from({ length: count }, () => handler.handle(command));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return (wasmMemoryBytes() - before) / count;
}

const file = (relative) => readFileSync(path(`node_modules/connect-provider/${relative}`));
const sizes = (files) => ({
  raw: files.reduce((sum, f) => sum + file(f).length, 0),
  gzip: files.reduce((sum, f) => sum + gzipSync(file(f), { level: 9 }).length, 0),
});
const browserJs = () => {
  const snippets = readdirSync(path("node_modules/connect-provider/web/snippets/"), { recursive: true }).filter((f) => f.endsWith(".js"));
  return ["web/connect_provider.js", "api.js", "browser.js", ...snippets.map((f) => `web/snippets/${f}`)];
};

/** The plain-JS baseline's ConnectProvider, bundled and minified as a browser would get it. */
function baselineJsSize() {
  const { outputFiles } = buildSync({ entryPoints: [path("bench/baseline/connect-provider.mjs")], bundle: true, minify: true, format: "esm", write: false });
  const code = outputFiles[0].contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const denoVersion = execFileSync(DENO, ["--version"], { encoding: "utf8" }).split(/\s/)[1];
const results = {
  machine: `${cpus()[0].model}, ${cpus().length} cores`,
  perVersion,
  storeRows,
  relayRows,
  rebaseRows,
  python,
  coldStart: [
    ...VERSIONS.map((major) => {
      const node = path(`tests/runtimes/node_modules/node${major}/bin/node`);
      const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
      return { runtime: `Node ${version}`, ...coldStartMs(node) };
    }),
    { runtime: `Deno ${denoVersion}`, ...coldStartMs(DENO) },
  ],
  workerFirstRequest: JSON.parse(execFileSync(process.execPath, [path("bench/worker-first-request.mjs")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n").at(-1)),
  wasmBytesPerInFlightCommand: await wasmBytesPerInFlightCommand(),
  sizes: { wasm: sizes(["web/connect_provider_bg.wasm"]), js: sizes(browserJs()), baselineJs: baselineJsSize() },
};
mkdirSync(path("target/bench"), { recursive: true });
writeFileSync(path("target/bench/last.json"), JSON.stringify(results, null, 2));

const us = (value) => `${value.toFixed(2)} µs`;
console.log(`\nconnect-provider bench on ${results.machine}; µs per command, GC included, median of ${perVersion[0].rounds} interleaved rounds\n`);
for (const { node, rows } of perVersion) {
  console.log(`Node ${node}\n\n| row | wasm | plain JS | floor (adapters alone) | wasm / JS (range over rounds) |\n|---|---|---|---|---|`);
  for (const row of rows) {
    const floor = row.floorUs === undefined ? "–" : us(row.floorUs);
    console.log(`| ${row.label} | ${us(row.wasmUs)} | ${us(row.jsUs)} | ${floor} | ${row.ratio.toFixed(2)} (${row.ratioMin.toFixed(2)}–${row.ratioMax.toFixed(2)}) |`);
  }
  console.log("");
}
const asyncRow = (rows) => rows.find((row) => row.label.startsWith("async adapters (resolve at once)"));
console.log(`The Python original's ConnectProvider on asyncio (bench/python, Python ${python.python}, in-memory async adapters): ${us(python.us)} a command\n`);
console.log("| Node | wasm, async adapters, 1 in flight | wasm / Python | plain JS / Python |\n|---|---|---|---|");
for (const { node, rows } of perVersion) {
  const row = asyncRow(rows);
  console.log(`| ${node} | ${us(row.wasmUs)} | ${(row.wasmUs / python.us).toFixed(2)} | ${(row.jsUs / python.us).toFixed(2)} |`);
}
console.log("");
// The second bridge issue's targets (#25): each measure with the plain-JS baseline, the floor and
// the Python original beside it, on every runtime it names; "met" only where every figure is.
const byLabel = (rows, start) => rows.find((row) => row.label.startsWith(start));
const fixed = (value, unit = " µs") => (value === undefined ? "–" : `${value.toFixed(2)}${unit}`);
const targetRows = [];
/** A row's ratio is the median of its rounds' own ratios where it was timed in rounds. */
const target = (measure, runtime, { wasm, js, floor, python, unit = " µs", limit, ratio = wasm / js }) =>
  targetRows.push({ measure, runtime, wasm, js, floor, python, unit, ratio, limit });
for (const [measure, start, pythonUs, limit] of [
  ["List of 20, in memory", "List 20", python.list20Us, 3],
  ["Disconnect, in memory", "Disconnect", python.disconnectUs, 1.5],
  ["ConnectProvider, in memory, async adapters", "async adapters (resolve at once)", python.us, 1.5],
]) {
  for (const { node, rows } of perVersion) {
    const row = byLabel(rows, start);
    target(measure, `Node ${node}`, { wasm: row.wasmUs, js: row.jsUs, floor: row.floorUs, python: pythonUs, limit, ratio: row.ratio });
  }
}
for (const store of ["SQLite", "PostgreSQL", "D1"]) {
  const row = storeRows.rows.find((candidate) => candidate.label.startsWith("List 20") && candidate.label.includes(store));
  target("List of 20 on a real store", `${store}, Node ${storeRows.node}`, { wasm: row.wasmUs, js: row.jsUs, floor: row.floorUs, limit: 1.15, ratio: row.ratio });
}
for (const cold of results.coldStart) {
  target("cold start to the first answered command", cold.runtime, { wasm: cold.wasm, js: cold.js, floor: cold.floor, unit: " ms", limit: 2 });
}
const worker = results.workerFirstRequest;
target("first request of a fresh Worker", `workerd ${worker.workerd}`, { wasm: worker.wasmMs, js: worker.jsMs, floor: worker.floorMs, unit: " ms", limit: 2 });
console.log(
  "Targets of the second bridge issue. Floor: what any implementation pays (the same adapter calls alone; the " +
    "store's find alone; reading and compiling the wasm; a Worker answering a fixed response). Python: the original's " +
    `handler on asyncio (bench/python, Python ${python.python}), in-memory adapters.\n`,
);
console.log("| measure | runtime | wasm | plain JS | floor | Python | wasm / plain JS | target | met |\n|---|---|---|---|---|---|---|---|---|");
for (const row of targetRows) {
  const met = row.ratio <= row.limit ? "yes" : "no";
  console.log(`| ${row.measure} | ${row.runtime} | ${fixed(row.wasm, row.unit)} | ${fixed(row.js, row.unit)} | ${fixed(row.floor, row.unit)} | ${fixed(row.python, row.unit)} | ${row.ratio.toFixed(2)} | ≤ ${row.limit} | ${met} |`);
}
const gzip = results.sizes.wasm.gzip;
console.log(`| wasm, gzipped | browser build | ${gzip.toLocaleString("en")} B | ${results.sizes.baselineJs.gzip.toLocaleString("en")} B (the baseline's JS) | – | – | – | ≤ 60,000 B | ${gzip <= 60_000 ? "yes" : "no"} |\n`);
console.log(`Real stores, Node ${storeRows.node}: end to end through the package's stores\n\n| row | wasm | plain JS | wasm / JS (range over rounds) |\n|---|---|---|---|`);
for (const row of storeRows.rows) {
  console.log(`| ${row.label} | ${us(row.wasmUs)} | ${us(row.jsUs)} | ${row.ratio.toFixed(2)} (${row.ratioMin.toFixed(2)}–${row.ratioMax.toFixed(2)}) |`);
}
console.log("");
console.log(
  `The outbox relayed to NATS JetStream (nats-server, JetStream on), Node ${relayRows.node}: ConnectProvider ${relayRows.inFlight} in flight, ` +
    `each command's 2 events relayed; the delay from a command's answer to its Succeeded event at a subscriber, at ${relayRows.pacePerSecond} commands a second\n`,
);
console.log("| store | commands/s, no relay | commands/s, relay running | events relayed/s | delay, median | delay, 99th percentile |\n|---|---|---|---|---|---|");
for (const row of relayRows.rows) {
  const perSecond = (value) => Math.round(value).toLocaleString("en");
  console.log(`| ${row.store} | ${perSecond(row.commandsPerSecondWithout)} | ${perSecond(row.commandsPerSecondWithRelay)} | ${perSecond(row.eventsPerSecond)} | ${row.delayMedianMs.toFixed(2)} ms | ${row.delayP99Ms.toFixed(2)} ms |`);
}
console.log("");
console.log("| measure | wasm | plain JS |\n|---|---|---|");
for (const cold of results.coldStart) {
  const ratio = (cold["wasm-path"] / cold["js-path"]).toFixed(2);
  console.log(`| cold start, ${cold.runtime}: import + instantiate + first handle(), median of 15 processes, each imported by its package name | ${cold.wasm.toFixed(2)} ms | ${cold.js.toFixed(2)} ms |`);
  console.log(`| the same, each imported by its file's path (wasm / plain JS ${ratio}) | ${cold["wasm-path"].toFixed(2)} ms | ${cold["js-path"].toFixed(2)} ms |`);
}
console.log(`| first request of a fresh Worker (workerd ${worker.workerd} through Miniflare, its process start included), median of ${worker.runs} | ${worker.wasmMs.toFixed(2)} ms | ${worker.jsMs.toFixed(2)} ms |`);
console.log(`| wasm memory per in-flight command (20,000 pending) | ${results.wasmBytesPerInFlightCommand.toFixed(0)} B | |`);
for (const [part, size] of Object.entries(results.sizes)) {
  console.log(`| browser build, ${part} | ${size.raw.toLocaleString("en")} B raw, ${size.gzip.toLocaleString("en")} B gzip | |`);
}
console.log(
  `\nThe offline app's rebase after a sync (the IndexedDB store's replaceUser, Chromium ${rebaseRows.chromium}): a user's log of N events ` +
    "from the service and 2 of the page's, rebased onto the N and 2 more; beside it, the same log rewritten whole in one transaction. Median of 7.\n",
);
console.log("| events | rebase | whole rewrite | rebase / rewrite |\n|---|---|---|---|");
for (const row of rebaseRows.rows) {
  console.log(`| ${row.events.toLocaleString("en")} | ${row.rebaseMs.toFixed(1)} ms | ${row.rewriteMs.toFixed(1)} ms | ${(row.rebaseMs / row.rewriteMs).toFixed(2)} |`);
}
