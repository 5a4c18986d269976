// The three services of examples/, each started for real as its README starts it, on 127.0.0.1:
// the Node service on SQLite or PostgreSQL, the Deno service on a KV file, the Worker in Miniflare
// and under `wrangler dev`. Every runner answers the same shape: its URL, everything it logged, the
// files it keeps at rest, `stop` (safe to call twice), `restart` (the same deployment again on the
// same data, as after a crash or a deploy), and `openDatabase` (its database, reached from the test
// as another instance of the service would reach it).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { freePort, startDev, stopGroup, wrangler, wranglerEnv } from "./wrangler.mjs";

const repo = (path) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
export const EXAMPLES = {
  nodeDir: repo("examples/node-service"),
  denoDir: repo("examples/deno-service"),
  node: repo("examples/node-service/server.mjs"),
  nodeDevToken: repo("examples/node-service/dev-token.mjs"),
  deno: repo("examples/deno-service/main.ts"),
  denoDevToken: repo("examples/deno-service/dev-token.ts"),
  worker: repo("examples/cloudflare-worker"),
};
export const DENO = repo("node_modules/.bin/deno");
/** The Deno service's flags, as its README gives them. */
export const DENO_FLAGS = ["--allow-net", "--allow-env", "--allow-read", "--allow-write", "--unstable-kv"];
export const INSTALLED = repo("node_modules/connect-provider");
/** The Worker example's events queue (wrangler.toml). */
export const EVENTS_QUEUE = "connect-provider-events";
const JOSE = repo("node_modules/jose");
const KV_KEYS = repo("tests/deno/support/idempotency_keys.mjs");

/**
 * @typedef {{
 *   name: string,
 *   url: string,
 *   output: () => string,
 *   restFiles: () => string[],
 *   stop: () => Promise<void>,
 *   restart: () => Promise<RunningService>,
 *   openDatabase: () => Promise<ServiceDatabase>,
 * }} RunningService
 */

/**
 * A deployment's database as the test reaches it: the package's `store.idempotency` on it, and the
 * idempotency records as they are stored (every column or field, to be searched for secrets).
 * @typedef {{
 *   idempotency: import("connect-provider/stores/sqlite").IdempotencyStore,
 *   records: () => Promise<Record<string, unknown>[]>,
 *   close: () => Promise<void>,
 * }} ServiceDatabase
 */

/** Every column of the SQL stores' idempotency records, named as Deno KV's entries name them. */
const RECORDS =
  'SELECT user_id AS "userId", idempotency_key AS "key", fingerprint, token, locked_until AS "lockedUntil", response, created_at AS "createdAt" FROM idempotency_keys';

/** A SQLite file (the Node service's, or the local D1 of wrangler dev), on a connection of the test's own. @param {string} path @returns {Promise<ServiceDatabase>} */
async function sqliteDatabase(path) {
  const { default: Database } = await import("better-sqlite3");
  const { sqliteStore } = await import("connect-provider/stores/sqlite");
  const db = new Database(path, { timeout: 5_000 });
  return { idempotency: sqliteStore(db).idempotency, records: async () => db.prepare(RECORDS).all(), close: async () => db.close() };
}

/** The Node service's PostgreSQL database, on a pool of the test's own. @param {string} url @returns {Promise<ServiceDatabase>} */
async function postgresDatabase(url) {
  const { default: pg } = await import("pg");
  const { postgresStore } = await import("connect-provider/stores/postgres");
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return { idempotency: postgresStore(pool).idempotency, records: async () => (await pool.query(RECORDS)).rows, close: () => pool.end() };
}

/** A Miniflare D1 binding. @param {any} db @returns {Promise<ServiceDatabase>} */
async function d1Database(db) {
  const { d1Store } = await import("connect-provider/stores/d1");
  return { idempotency: d1Store(db).idempotency, records: async () => (await db.prepare(RECORDS).all()).results, close: async () => {} };
}

/** The Deno service's KV file, one `deno` process a call (Node cannot open Deno KV). @param {string} kvPath @returns {ServiceDatabase} */
function denoKvDatabase(kvPath) {
  const call = async (/** @type {string} */ method, /** @type {unknown[]} */ args = []) => {
    const { code, stdout, stderr } = await runToEnd(DENO, ["run", "--unstable-kv", "--allow-read", "--allow-write", "--allow-env", KV_KEYS, kvPath, method, JSON.stringify(args)], {});
    if (code !== 0) throw new Error(`idempotency_keys.mjs ${method} exited with ${code}: ${stderr}`);
    return JSON.parse(stdout);
  };
  return {
    idempotency: {
      claim: (...args) => call("claim", args),
      complete: (...args) => call("complete", args),
      release: (...args) => call("release", args),
      purge: (...args) => call("purge", args),
    },
    records: () => call("records"),
    close: async () => {},
  };
}

/** A fresh, valid configuration: the two secrets, and the settings the tests rely on. */
export function serviceSecrets(overrides = {}) {
  return {
    AUTH_JWT_SECRET: randomBytes(32).toString("base64"),
    CREDENTIALS_KEY: randomBytes(32).toString("base64"),
    ...overrides,
  };
}

/** Every file under `dir`, recursively (none when it does not exist). @param {string} dir @returns {string[]} */
export function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** The environment a child runs with: this one's PATH and HOME, none of its secrets, `vars` on top. */
function childEnv(vars) {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...vars };
}

/**
 * Spawns a service process and waits for the line that names its address.
 * @param {string} name @param {string} command @param {string[]} args @param {Record<string, string>} env
 */
async function startProcess(name, command, args, env, { cwd = repo(""), timeoutMs = 30_000 } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (text) => (output += text));
  child.stderr.setEncoding("utf8").on("data", (text) => (output += text));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  // Its output read to the end too, once its pipes have closed.
  const closed = new Promise((resolve) => child.once("close", resolve));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Its own process group (detached): killed whole, or it would outlive the test file.
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
      } catch {
        // Gone already.
      }
      reject(new Error(`${name} did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const match = output.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", look);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
  let stopped;
  return {
    child,
    url,
    output: () => output,
    exited,
    /**
     * kill -9 to the process group (a launcher and what it runs): it ends where it is, nothing
     * flushed or closed. Resolves once it has exited and all it wrote is in `output`.
     */
    async kill() {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
      } catch {
        // Gone already.
      }
      await exited;
      // A pipe a process outside the group still holds would never close: read what came within 5 s.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
    /** SIGTERM, as Ctrl-C or a supervisor stops it; SIGKILL to the group if it has not exited in 10 s. */
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
          if (child.exitCode === null && child.signalCode === null) await stopGroup(child, 0);
        }
        return exited;
      })()),
  };
}

/**
 * Runs a service's command to its end (a refused configuration, a dev-token script).
 * @param {string} command @param {string[]} args @param {Record<string, string>} vars
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export function runToEnd(command, args, vars, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repo(""), env: childEnv(vars), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} still running after ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `node examples/node-service/server.mjs`, on SQLite at DATABASE (in `dir`) or on PostgreSQL at `databaseUrl`.
 * @param {{ dir: string, vars: Record<string, string>, databaseUrl?: string, name?: string, earlierOutput?: string, script?: string }} options
 *   `earlierOutput`: what the deployment logged before a restart; `script`: a copy of server.mjs to run instead
 * @returns {Promise<RunningService & { database?: string }>}
 */
export async function startNodeService({ dir, vars, databaseUrl, name = databaseUrl ? "node-postgres" : "node-sqlite", earlierOutput = "", script = EXAMPLES.node }) {
  mkdirSync(dir, { recursive: true });
  const database = join(dir, "service.sqlite");
  const env = childEnv({ HOST: "127.0.0.1", PORT: "0", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE: database }), ...vars });
  const running = await startProcess(name, process.execPath, [script], env);
  const output = () => earlierOutput + running.output();
  return {
    name,
    url: running.url,
    output,
    database: databaseUrl ? undefined : database,
    restFiles: () => (databaseUrl ? [] : filesUnder(dir).filter((file) => file.startsWith(database))),
    /** SIGTERM (SIGKILL after 10 s): how it exited, `{ code: 0, signal: null }` for a clean stop. */
    stop: () => running.stop(),
    kill: running.kill,
    exited: running.exited,
    async restart() {
      await running.stop();
      return startNodeService({ dir, vars, databaseUrl, name, earlierOutput: output(), script });
    },
    openDatabase: () => (databaseUrl ? postgresDatabase(databaseUrl) : sqliteDatabase(database)),
  };
}

/**
 * `deno run <flags> examples/deno-service/main.ts` on a KV file in `dir`.
 * @param {{ dir: string, vars: Record<string, string>, name?: string, earlierOutput?: string }} options
 * @returns {Promise<RunningService & { kvPath: string }>}
 */
export async function startDenoService({ dir, vars, name = "deno-kv", earlierOutput = "" }) {
  mkdirSync(dir, { recursive: true });
  const kvPath = join(dir, "service.kv");
  const env = childEnv({ HOST: "127.0.0.1", PORT: "0", KV_PATH: kvPath, ...vars });
  const running = await startProcess(name, DENO, ["run", ...DENO_FLAGS, EXAMPLES.deno], env);
  const output = () => earlierOutput + running.output();
  return {
    name,
    url: running.url,
    output,
    kvPath,
    restFiles: () => filesUnder(dir).filter((file) => file.startsWith(kvPath)),
    stop: async () => void (await running.stop()),
    kill: running.kill,
    exited: running.exited,
    async restart() {
      await running.stop();
      return startDenoService({ dir, vars, name, earlierOutput: output() });
    },
    openDatabase: async () => denoKvDatabase(kvPath),
  };
}

/**
 * The Worker bundled as wrangler bundles it (esbuild, the `workerd` condition, .wasm kept as a
 * compiled module, `cloudflare:` modules left to the runtime), for Miniflare.
 * @param {string} outdir
 */
export async function bundleServiceWorker(outdir) {
  await build({
    entryPoints: [join(EXAMPLES.worker, "src/worker.js")],
    outdir,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    loader: { ".wasm": "copy" },
    logLevel: "warning",
  });
  return join(outdir, "worker.js");
}

/**
 * How Miniflare loads the bundled Worker: its ES modules, its wasm as a compiled module, and the
 * compatibility date of wrangler.toml.
 * @param {string} script @param {string} bundle the folder bundleServiceWorker wrote
 */
export const workerModules = (script, bundle) => ({
  modules: true,
  scriptPath: script,
  modulesRoot: bundle,
  modulesRules: [
    { type: /** @type {const} */ ("ESModule"), include: ["**/*.js"] },
    { type: /** @type {const} */ ("CompiledWasm"), include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2026-04-01",
});

/**
 * The Worker in workerd through Miniflare, with a persisted local D1 (migrated with the example's
 * migrations/), the rate limiter's Durable Object, and `vars` as its vars and secrets.
 *
 * Miniflare reads D1 from Node through a proxy whose `prepare` is a synchronous call to a helper
 * thread; once (CI, stop 31, on a loaded machine) that call's answer went missing and Miniflare's own
 * assertion threw. A fresh start that fails there starts again from an empty state, up to three
 * times; a start that fails for any reason disposes its Miniflare, so no workerd outlives it.
 * @param {{ dir: string, vars: Record<string, string>, migrate?: boolean, name?: string, earlierOutput?: string }} options
 * @returns {Promise<RunningService & { mf: Miniflare, db: any }>}
 */
export async function startWorkerInMiniflare(options) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchMiniflare(options);
    } catch (error) {
      const miniflareOwn = error?.code === "ERR_ASSERTION" && String(error?.stack).includes("miniflare/dist");
      if (attempt === 3 || options.migrate === false || !miniflareOwn) throw error;
      rmSync(join(options.dir, "persist"), { recursive: true, force: true });
    }
  }
}

/** One start of the Worker in Miniflare; `startWorkerInMiniflare` says what. */
async function launchMiniflare({ dir, vars, migrate = true, name = "worker-miniflare", earlierOutput = "" }) {
  const bundle = join(dir, "bundle");
  const script = await bundleServiceWorker(bundle);
  const persist = join(dir, "persist");
  let output = earlierOutput;
  const capture = (stream) => stream.setEncoding("utf8").on("data", (text) => (output += text));
  const mf = new Miniflare({
    ...workerModules(script, bundle),
    host: "127.0.0.1",
    port: await freePort(),
    bindings: vars,
    d1Databases: { DB: "connect-provider" },
    d1Persist: join(persist, "d1"),
    durableObjects: { WRITE_LIMITER: "WriteRateLimiter" },
    durableObjectsPersist: join(persist, "do"),
    // The events queue as wrangler.toml binds it: the Worker produces to it and consumes from it.
    queueProducers: { EVENTS: { queueName: EVENTS_QUEUE } },
    queueConsumers: { [EVENTS_QUEUE]: { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 5 } },
    handleRuntimeStdio(stdout, stderr) {
      capture(stdout);
      capture(stderr);
    },
  });
  let url, db;
  try {
    url = String(await mf.ready).replace(/\/$/, "");
    db = await mf.getD1Database("DB");
    if (migrate) {
      const { statementsOf } = await sqlStatements();
      for (const file of readdirSync(join(EXAMPLES.worker, "migrations")).sort()) {
        await db.batch(statementsOf(readFileSync(join(EXAMPLES.worker, "migrations", file), "utf8")).map((sql) => db.prepare(sql)));
      }
    }
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  let stopped;
  return {
    name,
    url,
    mf,
    db,
    output: () => output,
    restFiles: () => filesUnder(persist),
    stop: () => (stopped ??= mf.dispose()),
    async restart() {
      await (stopped ??= mf.dispose());
      return startWorkerInMiniflare({ dir, vars, migrate: false, name, earlierOutput: output });
    },
    openDatabase: () => d1Database(db),
  };
}

/** The package's own splitting of a schema file into statements. */
async function sqlStatements() {
  return import(`${INSTALLED}/stores/sql-statements.js`);
}

/**
 * A user's project for the Worker: the example copied alone (it imports the edge from
 * connect-provider/service), with jose and connect-provider in its node_modules: the package copied
 * there as `npm install connect-provider` puts it, or (`packageDir`) linked from a folder outside
 * any node_modules, as npm links a folder dependency or a workspace.
 * @param {string} root
 * @param {{ packageDir?: string }} [options]
 */
export function workerProject(root, { packageDir } = {}) {
  const skip = (path) => !/\/(\.wrangler|node_modules|\.dev\.vars)$/.test(path);
  cpSync(EXAMPLES.worker, root, { recursive: true, filter: skip });
  mkdirSync(join(root, "node_modules"), { recursive: true });
  if (packageDir) symlinkSync(packageDir, join(root, "node_modules/connect-provider"), "dir");
  else cpSync(INSTALLED, join(root, "node_modules/connect-provider"), { recursive: true });
  cpSync(JOSE, join(root, "node_modules/jose"), { recursive: true });
  return root;
}

/** .dev.vars, as the README has the user write it. @param {Record<string, string>} vars */
export const devVars = (vars) => Object.entries(vars).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join("\n") + "\n";

/**
 * The Worker under `wrangler dev` (on Node 22, offline), as its README starts it: `.dev.vars` with
 * the secrets, `wrangler d1 migrations apply --local`, then `wrangler dev`, all in a copy of the
 * example under `dir` with its local state in `dir/state`.
 * @param {{ dir: string, vars: Record<string, string>, name?: string }} options
 * @returns {Promise<RunningService & { project: string, state: string, env: Record<string, string> }>}
 */
export async function startWorkerUnderWrangler({ dir, vars, name = "worker-wrangler" }) {
  const project = workerProject(join(dir, "project"));
  writeFileSync(join(project, ".dev.vars"), devVars(vars), { mode: 0o600 });
  const state = join(dir, "state");
  const env = wranglerEnv(join(dir, "home"));
  const applied = wrangler(["d1", "migrations", "apply", "connect-provider", "--local", "--persist-to", state], { cwd: project, env });
  if (applied.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${applied.output}`);
  return launchWrangler({ name, project, state, env, migrationsOutput: applied.output, earlierOutput: "" });
}

/**
 * `wrangler dev` on ports free a moment before. A port can be taken in that moment, or still be held
 * by the workerd a restart just stopped ("Address already in use"): then it starts again on other
 * ports, up to three times.
 * @param {string[]} args @param {{ cwd: string, env: Record<string, string> }} options
 */
async function startDevOnFreePorts(args, options) {
  for (let attempt = 1; ; attempt++) {
    const ports = ["--port", String(await freePort()), "--inspector-port", String(await freePort())];
    try {
      return await startDev(["--ip", "127.0.0.1", ...ports, ...args], options);
    } catch (error) {
      if (attempt === 3 || !String(error?.message).includes("Address already in use")) throw error;
    }
  }
}

/**
 * `wrangler dev` on a migrated project and its local state: started, and started again by `restart`.
 * @param {{ name: string, project: string, state: string, env: Record<string, string>, migrationsOutput: string, earlierOutput: string }} options
 * @returns {Promise<RunningService & { project: string, state: string, env: Record<string, string> }>}
 */
async function launchWrangler(options) {
  const { name, project, state, env, migrationsOutput, earlierOutput } = options;
  const dev = await startDevOnFreePorts(["--persist-to", state], { cwd: project, env });
  let stopped;
  const stop = () => (stopped ??= dev.stop().then(() => {}));
  return {
    name,
    url: dev.url.replace(/\/$/, ""),
    project,
    state,
    env,
    migrationsOutput,
    output: () => earlierOutput + dev.output,
    // The Worker's own state: its D1 database and the rate limiter's Durable Objects. (Beside them,
    // wrangler's local trace store, state/v3/observability, records each request's full URL, query
    // string included, as any proxy's access log would: the reason tokens go only in a header.)
    restFiles: () => [...filesUnder(join(state, "v3/d1")), ...filesUnder(join(state, "v3/do"))],
    stop,
    async restart() {
      await stop();
      return launchWrangler({ ...options, earlierOutput: earlierOutput + dev.output });
    },
    // The local D1 is a SQLite file, which a connection of the test's own opens beside workerd's.
    openDatabase: () => sqliteDatabase(localD1File(state)),
  };
}

/** The one SQLite file of the local D1 under `state` (beside Miniflare's metadata). @param {string} state */
function localD1File(state) {
  const files = filesUnder(join(state, "v3/d1")).filter((file) => file.endsWith(".sqlite") && !file.endsWith("metadata.sqlite"));
  assert.equal(files.length, 1, `one local D1 database: ${files.join(", ")}`);
  return files[0];
}

/**
 * The first `sh` block of a README, run as a user would paste it (from the repository's root, with
 * bash -e -o pipefail), minus its `npm install` lines, with PORT set to `port` and its 8787s
 * replaced by it, and `vars` set. Bash runs in a process group of its own, which is ended
 * afterwards whatever happened, so that a server it started in the background cannot outlive it.
 * Answers its output; a failing command fails it.
 * @param {string} readme @param {{ port: number, vars: Record<string, string>, replace?: [string, string][], timeoutMs?: number }} options
 */
export async function runReadme(readme, { port, vars, replace = [], timeoutMs = 60_000 }) {
  const block = readFileSync(readme, "utf8").match(/```sh\n([\s\S]*?)```/)[1];
  let script = block
    .split("\n")
    .filter((line) => !/^npm install/.test(line))
    .join("\n")
    .replaceAll("8787", String(port));
  for (const [from, to] of replace) script = script.replaceAll(from, to);
  const env = childEnv({ ...vars, PORT: String(port), PATH: `${repo("node_modules/.bin")}:${process.env.PATH}` });
  const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], { cwd: repo(""), env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), timeoutMs);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  await stopGroup(child, 5_000);
  if (code !== 0) throw new Error(`the README's commands failed (${code}):\n${script}\n${stdout}\n${stderr}`);
  return { stdout, stderr };
}

/**
 * What a run of a service README's commands printed: the service's address, the dev token's user,
 * and each route's answer in turn; and never the secrets it sent.
 * @param {string} stdout @param {string} stderr @param {string} store
 */
export function assertReadmeRun(stdout, stderr, store) {
  assert.match(stdout, new RegExp(`connect-provider service listening on http://127\\.0\\.0\\.1:\\d+ \\(store: ${store}\\)`));
  assert.match(stderr, /^dev token for user [0-9a-f-]{36}$/m);
  assert.match(stdout, /\{"connections":\[\{"id":"[0-9a-f-]{36}".*"totalCount":1,"activeCount":1\}/, "the list");
  assert.match(stdout, /\{"connectionId":"[0-9a-f-]{36}"\}/, "the refresh");
  assert.match(stdout, /^idempotent-replayed: true\r?$/im, "the refresh's retry, replayed");
  assert.match(stdout, /^422$/m, "its key with another body");
  assert.match(stdout, /"eventType":"ProviderDisconnectionSucceeded"/, "the disconnect, in the events");
  assert.ok(!`${stdout}${stderr}`.includes("the-provider-token") && !`${stdout}${stderr}`.includes("the-new-token"), "no secret in any output");
}
