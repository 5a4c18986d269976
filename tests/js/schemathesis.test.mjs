// Schemathesis, a third-party API fuzzer (PyPI, pinned and installed in target/schemathesis-venv by
// scripts/setup.sh), against the four deployments of the services, each started for real: the Node
// service on SQLite and on PostgreSQL, the Deno service on Deno KV, the Worker under `wrangler dev`.
// Each is held to the OpenAPI document it serves (pkg-template/service/openapi.json) with a valid
// token: every check, positive and negative data, its four phases (examples, coverage, fuzzing,
// stateful), and a fixed seed, so that a failure reproduces. tests/schemathesis/ holds its
// configuration (where a check's expectation and the services' documented behaviour differ, and
// why) and its hooks (a fresh Idempotency-Key per request).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startPostgres } from "./support/postgres.mjs";
import { serviceSecrets, startDenoService, startNodeService, startWorkerUnderWrangler } from "./support/services.mjs";
import { tokenFactory } from "./support/tokens.mjs";

const repo = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const ST = repo("target/schemathesis-venv/bin/st");
const SETTINGS = repo("tests/schemathesis");
const OPENAPI = repo("pkg-template/service/openapi.json");
/**
 * Test cases per operation in each phase, and the seed that makes a run repeat exactly. With 100,
 * the whole file took 2 min 6 s on the 2-core build machine (the Worker's run, with wrangler's
 * start, about 50 s of it).
 */
const MAX_EXAMPLES = 100;
const SEED = 22;
/** Far above a run's usual time here; past it the run is stopped and fails. */
const RUN_TIMEOUT_MS = 240_000;

/**
 * The services' configuration for the run: a write limit high enough that the fuzzer reaches the
 * handlers, not the limiter (the limiter's 429 is the attack suite's to test).
 */
const vars = serviceSecrets({ RATE_LIMIT_WRITES_PER_MINUTE: "10000" });
const dir = mkdtempSync(join(tmpdir(), "connect-provider-schemathesis-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `st run` against `url` as `token`'s user: its output (stdout and stderr together), and the links
 * its stateful phase followed (from its event report).
 * @param {string} url @param {string} token
 * @returns {Promise<{ code: number | null, output: string, followed: Set<string> }>}
 */
async function schemathesis(url, token) {
  const work = mkdtempSync(join(dir, "st-"));
  const events = join(work, "events.ndjson");
  const args = [
    "--config-file", join(SETTINGS, "schemathesis.toml"),
    "--no-color",
    "run", OPENAPI,
    "--url", url,
    // Every check but use_after_free: a disconnected connection stays readable (schemathesis.toml says why).
    "--checks", "all",
    "--exclude-checks", "use_after_free",
    "--mode", "all",
    "--phases", "examples,coverage,fuzzing,stateful",
    "--max-examples", String(MAX_EXAMPLES),
    "--seed", String(SEED),
    // Nothing from an earlier run: the same seed must make the same requests.
    "--generation-database", "none",
    "--report", "ndjson", "--report-ndjson-path", events,
  ];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SCHEMATHESIS_HOOKS: "hooks", // tests/schemathesis/hooks.py
    PYTHONPATH: SETTINGS,
    SCHEMATHESIS_TOKEN: token, // read by schemathesis.toml's [auth.openapi.bearerAuth]
    PYTHONDONTWRITEBYTECODE: "1", // no __pycache__ in the repository
    NO_COLOR: "1",
  };
  const { code, output } = await new Promise((resolve) => {
    // In a folder of the test's own: Hypothesis and Schemathesis keep caches in the working directory.
    const child = spawn(ST, args, { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
    let printed = "";
    child.stdout.setEncoding("utf8").on("data", (text) => (printed += text));
    child.stderr.setEncoding("utf8").on("data", (text) => (printed += text));
    const timer = setTimeout(() => {
      printed += `\n(stopped after ${RUN_TIMEOUT_MS} ms)`;
      child.kill("SIGKILL");
    }, RUN_TIMEOUT_MS);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output: printed });
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${printed}\n${ST} could not run (scripts/setup.sh installs it): ${error.message}` });
    });
  });
  const report = existsSync(events) ? readFileSync(events, "utf8") : "";
  const followed = new Set([...report.matchAll(/"transition":\{"id":("(?:[^"\\]|\\.)*")/g)].map((match) => JSON.parse(match[1])));
  return { code, output, followed };
}

/** The links of the document, as Schemathesis names a followed one: `POST /connections -> [201] GetConnection -> GET /providers/{id}`. */
function documentLinks() {
  const document = JSON.parse(readFileSync(OPENAPI, "utf8"));
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([, operation]) => operation?.operationId).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
  const byId = new Map(operations.map((entry) => [entry.operation.operationId, entry]));
  return operations.flatMap(({ path, method, operation }) =>
    Object.entries(operation.responses).flatMap(([status, response]) =>
      Object.entries(response.links ?? {}).map(([name, link]) => {
        const target = byId.get(link.operationId);
        return `${method} ${path} -> [${status}] ${name} -> ${target.method} ${target.path}`;
      }),
    ),
  );
}

/**
 * The run passed, and it was the run asked for: every operation tested, in all four phases, the
 * stateful phase following each of the document's links, with the fixed seed.
 * @param {{ code: number | null, output: string, followed: Set<string> }} run @param {string} name
 */
function assertPassed({ code, output, followed }, name) {
  assert.equal(code, 0, `${name}: Schemathesis failed; its report:\n${output}`);
  assert.match(output, /Operations:\s+10 selected \/ 10 total/, output);
  assert.match(output, /Tested: 10\n/, output);
  assert.match(output, /✅ Examples\n\s+✅ Coverage\n\s+✅ Fuzzing\n\s+✅ Stateful\n/, output);
  const links = documentLinks();
  assert.equal(links.length, 6);
  assert.deepEqual(links.filter((link) => !followed.has(link)), [], `links never followed; those followed: ${[...followed].join("; ")}`);
  assert.match(output, new RegExp(`Seed: ${SEED}\n`), output);
}

const DEPLOYMENTS = [
  ["the Node service on SQLite", (/** @type {string} */ at) => startNodeService({ dir: at, vars })],
  [
    "the Node service on PostgreSQL",
    async (/** @type {string} */ at) => {
      const postgres = startPostgres();
      try {
        const service = await startNodeService({ dir: at, vars, databaseUrl: postgres.url(await postgres.createDatabase("schemathesis")) });
        return { ...service, stop: () => service.stop().finally(() => postgres.stop()) };
      } catch (error) {
        await postgres.stop();
        throw error;
      }
    },
  ],
  ["the Deno service on Deno KV", (/** @type {string} */ at) => startDenoService({ dir: at, vars })],
  ["the Worker under wrangler dev", (/** @type {string} */ at) => startWorkerUnderWrangler({ dir: at, vars })],
];

test("Schemathesis is installed, at exactly the version scripts/setup.sh pins", () => {
  assert.ok(existsSync(ST), `${ST} is missing: run scripts/setup.sh`);
  const pinned = /^SCHEMATHESIS_VERSION=(\S+)$/m.exec(readFileSync(repo("scripts/setup.sh"), "utf8"))?.[1];
  assert.equal(spawnSync(ST, ["--version"], { encoding: "utf8" }).stdout.trim(), `st, version ${pinned}`);
});

for (const [name, start] of DEPLOYMENTS) {
  test(`${name}: Schemathesis finds no failure (every check, positive and negative data, four phases, seed ${SEED})`, async () => {
    const service = await start(join(dir, name.replaceAll(/\W+/g, "-")));
    try {
      const token = await (await tokenFactory(vars)).valid(randomUUID());
      assertPassed(await schemathesis(service.url, token), name);
    } finally {
      await service.stop();
    }
  });
}
