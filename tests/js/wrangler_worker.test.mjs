// examples/cloudflare-worker through wrangler itself, as a user builds and runs it: `wrangler
// deploy --dry-run`, then `wrangler dev` over a local D1 that `wrangler d1 migrations apply
// --local` made. Offline: nothing here needs the network. Miniflare alone runs the same Worker in
// cloudflare_worker.test.mjs.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, startDev, userProject, wrangler, wranglerEnv } from "./support/wrangler.mjs";
import { ISO, PROVIDER_ID, USER_ID, UUID_V7 } from "./contract/fixtures.mjs";

const example = fileURLToPath(new URL("../../examples/cloudflare-worker", import.meta.url));
const installed = fileURLToPath(new URL("../../node_modules/connect-provider", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "connect-provider-wrangler-"));
const env = wranglerEnv(home);
const project = join(home, "project");
const state = join(home, "state"); // the local D1, shared by `d1 migrations apply` and `dev`

before(() => userProject(example, project, installed, "copy"));
after(() => rmSync(home, { recursive: true, force: true }));

/** Fails with wrangler's output, which says why. */
function succeeds(args, cwd = project) {
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

test("wrangler deploy --dry-run bundles the Worker with the package's workerd entry and its wasm, printing no Duplicate key warning", () => {
  const outdir = join(home, "dist");
  const output = succeeds(["deploy", "--dry-run", "--outdir", outdir]);

  // esbuild does not warn about code under node_modules, so this holds even for a package whose glue
  // has duplicate keys; the next test is the one that sees them.
  assert.deepEqual(duplicateKeys(output), []);
  assert.match(output, /env\.DB \(connect-provider\)\s+D1 Database/);
  assert.match(output, /--dry-run: exiting now\./);
  const files = readdirSync(outdir).sort();
  const wasm = files.find((file) => file.endsWith("-connect_provider_bg.wasm"));
  assert.deepEqual(files, [wasm, "README.md", "worker.js", "worker.js.map"].sort());
  assert.deepEqual(readFileSync(join(outdir, wasm)), readFileSync(join(installed, "web/connect_provider_bg.wasm")));
  const bundle = readFileSync(join(outdir, "worker.js"), "utf8");
  assert.match(bundle, /^\/\/ node_modules\/connect-provider\/workerd\.js$/m, "the package's workerd export, resolved from node_modules");
  const [, module] = bundle.match(new RegExp(`^import (\\w+) from "\\./${wasm}";$`, "m"));
  assert.match(bundle, new RegExp(`^\\w+\\(\\{ module: ${module} \\}\\);$`, "m"), "initialised with the wasm imported as a compiled module");
});

test("the same build with the package linked from a folder outside node_modules (npm install <dir>, workspaces) prints no Duplicate key warning either", () => {
  // esbuild keeps quiet about code under node_modules; a linked folder is the user's own code to it.
  const linked = join(home, "linked");
  cpSync(installed, join(linked, "connect-provider"), { recursive: true });
  const linkedProject = join(home, "linked-project");
  userProject(example, linkedProject, join(linked, "connect-provider"), "link");

  const output = succeeds(["deploy", "--dry-run", "--outdir", join(home, "linked-dist")], linkedProject);
  assert.deepEqual(duplicateKeys(output), []);
});

test("wrangler dev serves the Worker over the local D1 its migrations made: connect, list, disconnect, the cron", async (t) => {
  const applied = succeeds(["d1", "migrations", "apply", "connect-provider", "--local", "--persist-to", state]);
  for (const migration of readdirSync(join(example, "migrations"))) assert.match(applied, new RegExp(`${migration}\\s+│\\s+✅`));

  const port = await freePort();
  const inspectorPort = await freePort();
  const dev = await startDev(
    ["--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", state],
    { cwd: project, env },
  );
  t.after(() => dev.stop());
  assert.equal(dev.url, `http://127.0.0.1:${port}`);
  const call = (method, path, body) => fetch(`${dev.url}${path}`, { method, body: body && JSON.stringify(body) });

  const connected = await call("POST", "/connections", {
    userId: USER_ID,
    providerId: PROVIDER_ID,
    providerSlug: "schwab",
    alias: "Brokerage",
    credentials: { encryptedData: btoa("ciphertext-bytes"), credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00Z" },
  });
  assert.equal(connected.status, 201);
  const { id } = await connected.json();
  assert.match(id, UUID_V7);

  const view = await (await call("GET", `/providers/${id}?userId=${USER_ID}`)).json();
  assert.match(view.createdAt, ISO);
  const stamps = { id, connectedAt: view.createdAt, lastSyncAt: null, createdAt: view.createdAt, updatedAt: view.createdAt };
  const active = {
    ...stamps, userId: USER_ID, providerId: PROVIDER_ID, providerSlug: "schwab", alias: "Brokerage", status: "active",
    isConnected: true, needsReauthentication: false, canSync: true,
    credentialType: "oauth2", credentialsExpireAt: "2099-01-01T00:00:00.000Z", credentialExpiry: "valid",
  };
  assert.deepEqual(view, active);
  const listed = await call("GET", `/providers?userId=${USER_ID}`);
  assert.equal(listed.status, 200);
  assert.deepEqual(await listed.json(), { connections: [active], totalCount: 1, activeCount: 1 });

  const deleted = await call("DELETE", `/providers/${id}?userId=${USER_ID}`);
  assert.equal(deleted.status, 204);
  const [disconnected] = (await (await call("GET", `/providers?userId=${USER_ID}`)).json()).connections;
  assert.deepEqual(disconnected, {
    ...active, status: "disconnected", isConnected: false, canSync: false,
    credentialType: null, credentialsExpireAt: null, credentialExpiry: null, updatedAt: disconnected.updatedAt,
  });
  assert.deepEqual(await (await call("GET", `/providers?userId=${USER_ID}&active_only=true`)).json(), { connections: [], totalCount: 0, activeCount: 0 });

  // wrangler dev runs the cron handler when asked, at the address it prints for it.
  const cron = await fetch(`${dev.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
  assert.equal(cron.status, 200);
  await cron.arrayBuffer();

  assert.equal(await dev.stop(), true, "wrangler and workerd end on SIGTERM");
  assert.match(dev.output, /GET \/providers 200 OK/);
  assert.match(dev.output, /^refresh run: 0 connection\(s\) expire within 30 minutes$/m);
  assert.deepEqual(duplicateKeys(dev.output), []);

  // What the local D1 holds, read back with wrangler (one run, three statements) once dev has let go of it.
  const [connections, events, runs] = JSON.parse(
    succeeds([
      "d1", "execute", "connect-provider", "--local", "--persist-to", state, "--json", "--command",
      "SELECT status, credential_type, encrypted_data, expires_at FROM provider_connections; " +
        "SELECT event_type FROM domain_events ORDER BY event_id; " +
        "SELECT cron, within_minutes, connection_ids, error FROM refresh_runs",
    ]),
  ).map((statement) => statement.results);
  assert.deepEqual(connections, [{ status: "disconnected", credential_type: null, encrypted_data: null, expires_at: null }]);
  assert.deepEqual(events.map((row) => row.event_type), [
    "ProviderConnectionAttempted",
    "ProviderConnectionSucceeded",
    "ProviderDisconnectionAttempted",
    "ProviderDisconnectionSucceeded",
  ]);
  assert.deepEqual(runs, [{ cron: "*/15 * * * *", within_minutes: 30, connection_ids: "[]", error: null }]);
});
