// The README's Node example, run as a user runs it, against a fresh SQLite file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const example = fileURLToPath(new URL("../../examples/node/connect.mjs", import.meta.url));

test("examples/node/connect.mjs stores one connection and four events, and prints them", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-example-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "connections.sqlite");

  const lines = execFileSync(process.execPath, [example, path], { encoding: "utf8" }).trim().split("\n");

  const results = lines.filter((line) => line.startsWith("result ")).map((line) => JSON.parse(line.slice(7)));
  assert.equal(results.length, 2);
  assert.equal(results[0].ok, true);
  assert.deepEqual(results[1], { ok: false, error: "Invalid provider slug" });

  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  const rows = db.prepare("SELECT id, provider_slug, status, alias, credential_type, length(encrypted_data) AS bytes FROM provider_connections").all();
  assert.deepEqual(rows, [
    { id: results[0].value, provider_slug: "schwab", status: "active", alias: "Brokerage", credential_type: "oauth2", bytes: 32 },
  ]);
  const events = db.prepare("SELECT event_type, payload FROM domain_events ORDER BY event_id").all();
  assert.deepEqual(
    events.map((event) => event.event_type),
    ["ProviderConnectionAttempted", "ProviderConnectionSucceeded", "ProviderConnectionAttempted", "ProviderConnectionFailed"],
  );
  assert.equal(JSON.parse(events[1].payload).connectionId, results[0].value);
  assert.equal(JSON.parse(events[3].payload).reason, "Invalid provider slug");
  assert.equal(lines.filter((line) => line.startsWith("event ")).length, 4);
});
