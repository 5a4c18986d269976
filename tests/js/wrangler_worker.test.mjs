// examples/cloudflare-worker through wrangler itself (4.164, on Node 22 from tests/runtimes),
// offline, as its README builds and runs it, in a user's project (the example copied alone, the
// package and jose in node_modules): `wrangler deploy --dry-run`, also after a real `npm install`
// of the example's package.json in an empty folder; then `.dev.vars` with
// the two secrets, `wrangler d1 migrations apply --local` and `wrangler dev`, under the service
// contract (support/service-contract.mjs), the cron through /cdn-cgi/local/scheduled and the
// dev-token script; then the local D1 read back with `wrangler d1 execute`. Miniflare alone runs
// the same Worker in cloudflare_worker.test.mjs; the attacks are in service_attacks.test.mjs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { createSealer } from "connect-provider/service";
import { serviceContract } from "./support/service-contract.mjs";
import { EXAMPLES, INSTALLED, devVars, serviceSecrets, startWorkerUnderWrangler, workerProject } from "./support/services.mjs";
import { freePort, startDev, wrangler, wranglerEnv } from "./support/wrangler.mjs";

const TARBALLS = fileURLToPath(new URL("../../target/npm", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "connect-provider-wrangler-"));
const env = wranglerEnv(join(home, "home"));
after(() => rmSync(home, { recursive: true, force: true }));

/** Fails with wrangler's output, which says why. */
function succeeds(args, cwd) {
  const { status, output } = wrangler(args, { cwd, env });
  assert.equal(status, 0, output);
  return output;
}

/**
 * esbuild's Duplicate key warnings in a build's output, each as `"key" at file:line:column`, so a
 * failure names the keys and where they are.
 */
function duplicateKeys(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  return [...plain.matchAll(/Duplicate key ("[^"]*") in object literal.*\n\s*\n\s*(\S+):\n/g)].map(([, key, at]) => `${key} at ${at}`);
}

test("wrangler deploy --dry-run bundles the Worker, its Durable Object, jose and the package's workerd entry with its wasm, with no Duplicate key warning", () => {
  const project = workerProject(join(home, "dry-run"));
  const outdir = join(home, "dist");
  const output = succeeds(["deploy", "--dry-run", "--outdir", outdir], project);
  assert.deepEqual(duplicateKeys(output), []);
  assert.match(output, /env\.DB \(connect-provider\)\s+D1 Database/);
  assert.match(output, /env\.WRITE_LIMITER \(WriteRateLimiter\)\s+Durable Object/);
  assert.match(output, /env\.EVENTS \(connect-provider-events\)\s+Queue/);
  assert.match(output, /--dry-run: exiting now\./);
  const files = readdirSync(outdir).sort();
  const wasm = files.find((file) => file.endsWith("-connect_provider_bg.wasm"));
  assert.deepEqual(readFileSync(join(outdir, wasm)), readFileSync(join(INSTALLED, "web/connect_provider_bg.wasm")));
  const bundle = readFileSync(join(outdir, "worker.js"), "utf8");
  assert.match(bundle, /^\/\/ node_modules\/connect-provider\/workerd\.js$/m, "the package's workerd export, resolved from node_modules");
  assert.match(bundle, /^\/\/ node_modules\/jose\/dist\/webapi\//m, "jose's web API build");
  assert.match(bundle, /^export \{[^}]*\bWriteRateLimiter\b[^}]*\};?$/m, "the Durable Object class is exported");
  const [, module] = bundle.match(new RegExp(`^import (\\w+) from "\\./${wasm}";$`, "m"));
  assert.match(bundle, new RegExp(`^\\w+\\(\\{ module: ${module} \\}\\);$`, "m"), "initialised with the wasm imported as a compiled module");
});

test("the example copied alone into an empty folder builds after `npm install` of its own package.json (the edge from connect-provider/service, jose as its peer)", () => {
  const project = join(home, "alone");
  cpSync(EXAMPLES.worker, project, { recursive: true, filter: (path) => !/\/(\.wrangler|node_modules|\.dev\.vars)$/.test(path) });
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ["connect-provider", "jose"]);
  // connect-provider as npm would fetch it from the registry: the tarball scripts/install-pkg.sh packed.
  // wrangler, the example's one devDependency, is the tests' own (the same version), so --omit=dev.
  const tarball = readdirSync(TARBALLS).find((file) => /^connect-provider-.*\.tgz$/.test(file));
  manifest.dependencies["connect-provider"] = `file:${join(TARBALLS, tarball)}`;
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
  const installed = spawnSync("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project, encoding: "utf8" });
  assert.equal(installed.status, 0, `${installed.stdout}${installed.stderr}`);
  assert.deepEqual(readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith(".")).sort(), ["connect-provider", "jose"]);
  const output = succeeds(["deploy", "--dry-run", "--outdir", join(home, "alone-dist")], project);
  assert.match(output, /env\.WRITE_LIMITER \(WriteRateLimiter\)\s+Durable Object/);
  const bundle = readFileSync(join(home, "alone-dist", "worker.js"), "utf8");
  assert.match(bundle, /^\/\/ node_modules\/connect-provider\/service\/routes\.js$/m, "the edge, from the package's service subpath");
  assert.match(bundle, /^\/\/ node_modules\/connect-provider\/workerd\.js$/m, "the handlers, through the package's workerd entry");
});

test("the same build with the package linked from a folder outside node_modules (npm install <dir>, workspaces) prints no Duplicate key warning either", () => {
  // esbuild keeps quiet about code under node_modules; a linked folder is the user's own code to it.
  // A checkout of the package with its own node_modules, where its optional peer jose resolves from.
  const linked = join(home, "linked", "connect-provider");
  cpSync(INSTALLED, linked, { recursive: true });
  cpSync(join(INSTALLED, "../jose"), join(linked, "node_modules/jose"), { recursive: true });
  const project = workerProject(join(home, "linked-project"), { packageDir: linked });
  assert.deepEqual(duplicateKeys(succeeds(["deploy", "--dry-run", "--outdir", join(home, "linked-dist")], project)), []);
});

describe("wrangler dev, with .dev.vars and a local D1 its migrations made", () => {
  const vars = serviceSecrets();
  let worker;
  before(async () => {
    worker = await startWorkerUnderWrangler({ dir: join(home, "dev"), vars });
  });
  after(() => worker?.stop());

  test("the migrations applied are the example's", () => {
    for (const migration of readdirSync(join(worker.project, "migrations"))) assert.match(worker.migrationsOutput, new RegExp(`${migration}\\s+│\\s+✅`));
    assert.match(worker.url, /^http:\/\/127\.0\.0\.1:\d+$/, "on 127.0.0.1");
    assert.match(worker.output(), /env\.AUTH_JWT_SECRET\s+\("\(hidden\)"\)\s+Environment Variable/, "wrangler shows the secrets hidden");
  });

  serviceContract({
    service: () => worker,
    vars,
    /** wrangler dev runs the cron handler when asked, at the address it prints for it. */
    async expiringRun() {
      const cron = await fetch(`${worker.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
      assert.equal(cron.status, 200);
      await cron.arrayBuffer();
    },
  });

  test("dev-token.mjs reads AUTH_JWT_SECRET from .dev.vars and prints a token the Worker accepts", async () => {
    const userId = crypto.randomUUID();
    const minted = spawnSync(process.execPath, ["dev-token.mjs", userId], { cwd: worker.project, env: { PATH: process.env.PATH }, encoding: "utf8" });
    assert.equal(minted.status, 0, minted.stderr);
    const listed = await fetch(`${worker.url}/providers`, { headers: { authorization: `Bearer ${minted.stdout.trim()}` } });
    assert.equal(listed.status, 200);
    assert.deepEqual(await listed.json(), { connections: [], totalCount: 0, activeCount: 0 });
  });

  test("each write's events reached the local queue and its consumer: consumed_events holds every logged event once", async () => {
    const query = () =>
      JSON.parse(
        succeeds(
          ["d1", "execute", "connect-provider", "--local", "--persist-to", worker.state, "--json", "--command",
            "SELECT e.event_id, c.event_type FROM provider_connection_events e LEFT JOIN consumed_events c ON c.event_id = e.event_id; " +
            "SELECT count(*) AS n FROM provider_connection_outbox"],
          worker.project,
        ),
      ).map((statement) => statement.results);
    let [rows, [outbox]] = query();
    for (let i = 0; i < 40 && (rows.some((row) => row.event_type === null) || outbox.n > 0); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      [rows, [outbox]] = query();
    }
    assert.ok(rows.length > 10, "events were logged");
    assert.deepEqual(rows.filter((row) => row.event_type === null), [], "each consumed");
    assert.equal(outbox.n, 0, "the outbox emptied");
  });

  test("once wrangler has stopped, the local D1 holds each connection's secret sealed for its user, and no secret", async () => {
    await worker.stop();
    assert.match(worker.output(), /GET \/providers 200 OK/);
    assert.deepEqual(duplicateKeys(worker.output()), []);
    const [connections, events] = JSON.parse(
      succeeds(
        ["d1", "execute", "connect-provider", "--local", "--persist-to", worker.state, "--json", "--command",
          "SELECT user_id, status, encrypted_credentials FROM provider_connections; SELECT payload FROM provider_connection_events"],
        worker.project,
      ),
    ).map((statement) => statement.results);
    const sealer = await createSealer({ key: Uint8Array.from(Buffer.from(vars.CREDENTIALS_KEY, "base64")) });
    const active = connections.filter((row) => row.status === "active");
    assert.ok(active.length > 3);
    // wrangler writes a BLOB out as the text of an array of byte values.
    for (const row of active) assert.match(await sealer.open(Uint8Array.from(JSON.parse(row.encrypted_credentials)), row.user_id), /^sk_/);
    for (const row of connections.filter((row) => row.status === "disconnected")) assert.equal(row.encrypted_credentials, null);
    assert.ok(!events.some((row) => row.payload.includes("sk_")), "events never carry a secret");
  });
});

test("wrangler dev without CREDENTIALS_KEY in .dev.vars answers 500 to every route", async () => {
  const project = workerProject(join(home, "misconfigured"));
  writeFileSync(join(project, ".dev.vars"), devVars({ AUTH_JWT_SECRET: serviceSecrets().AUTH_JWT_SECRET }));
  const dev = await startDev(["--ip", "127.0.0.1", "--port", String(await freePort()), "--inspector-port", String(await freePort()), "--persist-to", join(home, "misconfigured-state")], {
    cwd: project,
    env,
  });
  try {
    for (const path of ["/providers", "/events", "/connections", "/nowhere"]) {
      const response = await fetch(`${dev.url}${path}`);
      assert.equal(response.status, 500, path);
      assert.deepEqual(await response.json(), { error: "Internal error" });
    }
  } finally {
    await dev.stop();
  }
  assert.match(dev.output, /CREDENTIALS_KEY is not set/);
});
