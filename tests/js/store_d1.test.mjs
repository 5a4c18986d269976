// The store conformance suite on real D1 (SQLite under Cloudflare's local runtime): from Node
// through Miniflare's D1 binding, with a new persisted database per case; and inside the Worker,
// in Miniflare and under `wrangler dev`, on the Worker's own binding.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import * as api from "connect-provider";
import { storeConformanceCases } from "connect-provider/stores/conformance";
import { d1Store } from "connect-provider/stores/d1";
import { bundleWorker, startWorker } from "./support/workerd.mjs";
import { freePort, startDev, userProject, wranglerEnv } from "./support/wrangler.mjs";

const home = mkdtempSync(join(tmpdir(), "connect-provider-d1-"));
after(() => rmSync(home, { recursive: true, force: true }));
const worker = fileURLToPath(new URL("../workerd/store-d1-worker.js", import.meta.url));
const installed = fileURLToPath(new URL("../../node_modules/connect-provider", import.meta.url));
let databases = 0;

/** A Miniflare whose D1 binding persists under `dir`, so a second one reopens the same database. */
async function d1At(dir) {
  const mf = new Miniflare({ modules: true, script: "export default { fetch: () => new Response('') }", d1Databases: ["DB"], d1Persist: dir, compatibilityDate: "2026-04-01" });
  return { mf, db: await mf.getD1Database("DB") };
}

const fromNode = {
  api,
  async fresh() {
    databases += 1;
    const dir = join(home, `node-${databases}`);
    const open = [await d1At(dir)];
    return {
      store: d1Store(open[0].db),
      async reopen() {
        await open.shift().mf.dispose();
        open.push(await d1At(dir));
        return d1Store(open[0].db);
      },
      async migrateConcurrently(count) {
        await Promise.all(Array.from({ length: count }, () => d1Store(open[0].db).migrate()));
      },
      async close() {
        for (const { mf } of open) await mf.dispose();
      },
    };
  },
};

for (const { name, run } of storeConformanceCases(fromNode)) test(`d1Store (Miniflare, from Node): ${name}`, run);

/** Runs every case the Worker at `url` lists, one node:test subtest each. */
async function casesInWorker(t, url, label) {
  const names = await (await fetch(`${url}/cases`)).json();
  assert.equal(names.length, storeConformanceCases(fromNode).length);
  for (const [index, name] of names.entries()) {
    await t.test(`d1Store (${label}): ${name}`, async () => {
      const outcome = await (await fetch(`${url}/run/${index}`, { method: "POST" })).json();
      assert.deepEqual(outcome, { ok: true });
    });
  }
}

test("d1Store inside workerd (Miniflare), on the Worker's D1 binding", async (t) => {
  await bundleWorker(worker, join(home, "bundle"));
  const script = join(home, "bundle", "store-d1-worker.js");
  const { mf, url } = await startWorker(script, { modulesRoot: join(home, "bundle"), d1Databases: { DB: "store", SAME_DB: "store" }, d1Persist: join(home, "workerd-d1") });
  try {
    await casesInWorker(t, String(url).replace(/\/$/, ""), "workerd, Miniflare");
  } finally {
    await mf.dispose();
  }
});

test("d1Store inside the Worker under wrangler dev, on a local D1", async (t) => {
  const project = join(home, "wrangler-project");
  userProject(fileURLToPath(new URL("../workerd", import.meta.url)), project, installed, "copy");
  writeFileSync(join(project, "wrangler.toml"), [
    'name = "connect-provider-store-d1"',
    'main = "store-d1-worker.js"',
    'compatibility_date = "2026-04-01"',
    ...["DB", "SAME_DB"].flatMap((binding) => ["[[d1_databases]]", `binding = "${binding}"`, 'database_name = "store"', 'database_id = "00000000-0000-0000-0000-00000000d1d1"']),
  ].join("\n"));
  const dev = await startDev(["--port", String(await freePort()), "--ip", "127.0.0.1", "--persist-to", join(home, "wrangler-state")], {
    cwd: project, env: wranglerEnv(join(home, "wrangler-home")),
  });
  try {
    await casesInWorker(t, dev.url.replace(/\/$/, ""), "wrangler dev");
  } finally {
    await dev.stop();
  }
});
