// The store conformance suite on real D1 (SQLite under Cloudflare's local runtime): from Node
// through Miniflare's D1 binding, with a new persisted database per case; and inside the Worker,
// in Miniflare and under `wrangler dev`, on the Worker's own binding.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
import { d1Faulty } from "../workerd/store-d1-faulty.js";

/** A migration file's statements, one by one, as a migration tool runs them. */
const statementsOf = (sql) => sql.replace(/--.*$/gm, "").split(/;\s*$/m).map((s) => s.trim()).filter(Boolean);

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
      // A D1 binding is the Worker's connection to its database: another binding object to it.
      faulty: async (failFrom, mode) => d1Faulty(await open[0].mf.getD1Database("DB"), failFrom, mode),
      async setVersion(connectionId, version) {
        await open[0].db.prepare("UPDATE provider_connections SET version = ?1 WHERE id = ?2").bind(version, connectionId).run();
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

test("d1Store: migrate() over a database wrangler migrated already (both files applied, none recorded as the store's) records them and works", async () => {
  const { mf, db } = await d1At(join(home, "wrangler-migrated"));
  try {
    const sql = (name) => readFileSync(fileURLToPath(new URL(`../../node_modules/connect-provider/stores/sql/sqlite/${name}`, import.meta.url)), "utf8");
    const apply = (name) => db.batch(statementsOf(sql(name)).map((statement) => db.prepare(statement)));
    await apply("0001_provider_connections.sql");
    // A row written before the version column was: it reads back as version 1.
    await db.prepare("INSERT INTO provider_connections (id, user_id, provider_id, provider_slug, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'schwab', 'pending', ?4, ?4)")
      .bind("0190f5b2-3c4d-7e8f-9a0b-000000000001", "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", "00000000-0000-0000-0000-000000000001", "2026-01-02T03:04:05.678Z").run();
    await apply("0002_connection_version.sql");
    const store = d1Store(db);
    await store.migrate();
    await store.migrate();
    const { results } = await db.prepare("SELECT version, name FROM connect_provider_migrations ORDER BY version").all();
    assert.deepEqual(results.map((row) => [row.version, row.name]), [[1, "0001_provider_connections"], [2, "0002_connection_version"], [3, "0003_idempotency_keys"], [4, "0004_event_outbox"], [5, "0005_sync_clients"], [7, "0007_sync_refusals"]]);
    const found = await store.repository.findById("0190f5b2-3c4d-7e8f-9a0b-000000000001");
    assert.equal(found?.version, 1);
    assert.equal(await store.repository.save({ ...found, status: "failed", version: 2 }), true);
  } finally {
    await mf.dispose();
  }
});

test("d1Store: a record or an event over what a D1 row holds (2,000,000 bytes, which Miniflare's local D1 does not keep) is refused by name before the write; one just under is kept", async () => {
  const { conformanceRecord } = await import("connect-provider/stores/conformance");
  const { mf, db } = await d1At(join(home, "row-limit"));
  try {
    const store = d1Store(db);
    await store.migrate();
    const withSecret = (bytes) => {
      const record = conformanceRecord();
      return { ...record, credentials: { ...record.credentials, encryptedData: new Uint8Array(bytes).fill(7) } };
    };
    const event = (record, alias) => ({ eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-12-01T12:00:00.000Z", userId: record.userId, connectionId: record.id, providerId: record.providerId, providerSlug: record.providerSlug, alias });
    const refusal = (call) => call.then(() => "kept", (error) => error.message.replace(/takes \d+ bytes/, "takes N bytes"));
    const over = withSecret(1_999_500);
    const under = withSecret(1_990_000);
    const small = conformanceRecord();
    const outcomes = {
      save: await refusal(store.repository.save(over)),
      commit: await refusal(store.repository.commit(over, [])),
      commitEvent: await refusal(store.repository.commit(small, [event(small, "ok"), event(small, "x".repeat(2_000_000))])),
      publish: await refusal(store.eventBus.publish(event(small, "x".repeat(2_000_000)))),
      under: await refusal(store.repository.save(under)),
    };
    assert.deepEqual(outcomes, {
      save: "d1 store: save: the record takes N bytes, over what a D1 row holds (2000000 bytes)",
      commit: "d1 store: commit: the record takes N bytes, over what a D1 row holds (2000000 bytes)",
      commitEvent: "d1 store: commit: events[1] takes N bytes, over what a D1 row holds (2000000 bytes)",
      publish: "d1 store: publish: the event takes N bytes, over what a D1 row holds (2000000 bytes)",
      under: "kept",
    });
    assert.equal(await store.repository.findById(over.id), null);
    assert.equal(await store.repository.findById(small.id), null, "nothing of the refused commit was written");
    assert.deepEqual(await store.events({ limit: 10 }), []);
    assert.equal((await store.repository.findById(under.id))?.credentials?.encryptedData.length, 1_990_000);
  } finally {
    await mf.dispose();
  }
});
