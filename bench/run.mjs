// npm run bench: the wasm handler against the plain-JS baseline, side by side in one process,
// then cold start, memory per in-flight command and sizes. Prints one table.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import { Bench } from "tinybench";
import { ConnectProviderHandler, wasmMemoryBytes } from "connect-provider";
import { BaselineConnectProviderHandler } from "./baseline-handler.mjs";

const COMMAND = {
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  alias: "Retirement",
  credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
};
const BAD_SLUG = { ...COMMAND, providerSlug: "" };
const IN_FLIGHT = 1000;
const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;

/** An in-memory repository and bus, the same for both handlers. */
function inMemory() {
  const connections = new Map();
  let events = 0;
  const save = (c) => {
    connections.set(c.id, c);
    if (connections.size >= 10_000) connections.clear(); // kept small, so both pay the same for it
  };
  return { repository: { save }, eventBus: { publish: () => void events++ } };
}

const handlers = {
  wasm: (() => { const p = inMemory(); return new ConnectProviderHandler(p.repository, p.eventBus); })(),
  js: (() => { const p = inMemory(); return new BaselineConnectProviderHandler(p.repository, p.eventBus); })(),
};

const PATHS = {
  success: (handler) => handler.handle(COMMAND),
  failure: (handler) => handler.handle(BAD_SLUG),
  "in-flight": (handler) => Promise.all(Array.from({ length: IN_FLIGHT }, () => handler.handle(COMMAND))),
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const ROUND_MS = Number(process.env.BENCH_MS ?? 2000) / 4;

/**
 * The two handlers take turns, in short rounds, on each path, so that drift in the machine's
 * speed (this VM's varies by a third) falls on both alike; each round's wasm/JS ratio is kept
 * and the median ratio reported beside the median times.
 */
async function measure() {
  const samples = {};
  for (const path of Object.keys(PATHS)) {
    for (const statistic of ["mean", "p50"]) samples[`${path} ${statistic}`] = { wasm: [], js: [], ratio: [] };
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [path, run] of Object.entries(PATHS)) {
      const order = round % 2 === 0 ? ["wasm", "js"] : ["js", "wasm"];
      const latency = {};
      for (const name of order) {
        const bench = new Bench({ time: ROUND_MS, warmupTime: round === 0 ? 500 : 50 });
        bench.add(name, () => run(handlers[name]));
        await bench.run();
        latency[name] = bench.tasks[0].result.latency;
      }
      for (const statistic of ["mean", "p50"]) {
        const sample = samples[`${path} ${statistic}`];
        const perCommand = (name) => (latency[name][statistic] * 1000) / (path === "in-flight" ? IN_FLIGHT : 1);
        sample.wasm.push(perCommand("wasm"));
        sample.js.push(perCommand("js"));
        sample.ratio.push(perCommand("wasm") / perCommand("js"));
      }
    }
  }
  return samples;
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const samples = await measure();

/** Median of fresh processes (Node's, or Deno's), the wasm handler's and the baseline's taking turns. */
function coldStartMs(runtime, runs = 15) {
  const times = { wasm: [], js: [] };
  const script = new URL("./cold-start.mjs", import.meta.url).pathname;
  const [command, ...args] = runtime === "deno" ? [DENO, "run", "--allow-read"] : [process.execPath];
  for (let i = 0; i < runs; i++) {
    for (const kind of ["wasm", "js"]) {
      times[kind].push(Number(execFileSync(command, [...args, script, kind], { encoding: "utf8" })));
    }
  }
  return { wasm: median(times.wasm), js: median(times.js) };
}

async function wasmBytesPerInFlightCommand(count = 20_000) {
  const handler = new ConnectProviderHandler({ save: () => new Promise(() => {}) }, { publish() {} }, { timeoutMs: 60_000 });
  await handler.handle(BAD_SLUG);
  const before = wasmMemoryBytes();
  Array.from({ length: count }, () => handler.handle(COMMAND));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return (wasmMemoryBytes() - before) / count;
}

const file = (path) => readFileSync(new URL(`../node_modules/connect-provider/${path}`, import.meta.url));
const sizes = (paths) => {
  const raw = paths.reduce((sum, p) => sum + file(p).length, 0);
  const gzip = paths.reduce((sum, p) => sum + gzipSync(file(p), { level: 9 }).length, 0);
  return `${raw.toLocaleString("en")} B raw, ${gzip.toLocaleString("en")} B gzip`;
};

/** Every JS file the browser entry loads. */
function browserJs() {
  const root = new URL("../node_modules/connect-provider/", import.meta.url);
  const snippets = readdirSync(new URL("web/snippets/", root), { recursive: true }).filter((f) => f.endsWith(".js"));
  return ["web/connect_provider.js", "api.js", "browser.js", ...snippets.map((f) => `web/snippets/${f}`)];
}

const rows = [];
const LABELS = { success: "success path", failure: "failure path (invalid slug)", "in-flight": `${IN_FLIGHT} in flight` };
for (const [statistic, what] of [["mean", "mean time per command (GC included)"], ["p50", "median latency per command"]]) {
  for (const path of Object.keys(PATHS)) {
    const { wasm, js, ratio } = samples[`${path} ${statistic}`];
    const spread = `${Math.min(...ratio).toFixed(2)}–${Math.max(...ratio).toFixed(2)}`;
    rows.push({ measure: `${LABELS[path]}, ${what}`, wasm: `${median(wasm).toFixed(2)} µs`, "plain JS": `${median(js).toFixed(2)} µs`, "wasm / JS": `${median(ratio).toFixed(2)} (rounds ${spread})` });
  }
}
for (const runtime of ["node", "deno"]) {
  const cold = coldStartMs(runtime);
  const label = runtime === "node" ? `Node ${process.version}` : `Deno ${execFileSync(DENO, ["--version"], { encoding: "utf8" }).split(/\s/)[1]}`;
  rows.push({ measure: `cold start, ${label}: import + instantiate + first handle() (median of 15 fresh processes)`, wasm: `${cold.wasm.toFixed(2)} ms`, "plain JS": `${cold.js.toFixed(2)} ms`, "wasm / JS": (cold.wasm / cold.js).toFixed(2) });
}
rows.push({ measure: "wasm memory per in-flight command (20,000 pending)", wasm: `${(await wasmBytesPerInFlightCommand()).toFixed(0)} B`, "plain JS": "", "wasm / JS": "" });
rows.push({ measure: "browser build: wasm", wasm: sizes(["web/connect_provider_bg.wasm"]), "plain JS": "", "wasm / JS": "" });
rows.push({ measure: "browser build: JS (glue, its snippets, api.js, browser.js)", wasm: sizes(browserJs()), "plain JS": "", "wasm / JS": "" });

console.log(`\nconnect-provider bench: Node ${process.version}, ${cpus()[0].model}, ${cpus().length} cores\n`);
console.log(`| measure (times: median of ${ROUNDS} rounds) | wasm | plain JS | wasm / JS |\n|---|---|---|---|`);
for (const row of rows) console.log(`| ${row.measure} | ${row.wasm} | ${row["plain JS"]} | ${row["wasm / JS"]} |`);
