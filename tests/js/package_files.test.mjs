// What `npm pack` puts in the package: exactly the files a user needs, and how big it is.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("../../pkg", import.meta.url));

test("npm pack lists only the files a user needs", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", pkg], { encoding: "utf8" }));
  // wasm-bindgen names the snippets folder after a hash of the crate.
  const paths = packed.files.map((file) => file.path.replace(/snippets\/connect-provider-[0-9a-f]+\//, "snippets/connect-provider-HASH/"));
  assert.deepEqual(paths.sort(), [
    "README.md",
    "api.js",
    "browser.js",
    "deno.js",
    "index.d.ts",
    "node/index.cjs",
    "node/index.mjs",
    "package.json",
    "relay/index.d.ts",
    "relay/index.js",
    "service/app.js",
    "service/authenticate.js",
    "service/body.js",
    "service/bytes.js",
    "service/caller-scope.js",
    "service/config.js",
    "service/cors.js",
    "service/dev-token.d.ts",
    "service/dev-token.js",
    "service/error-status.js",
    "service/expiring-job.js",
    "service/handle-once.js",
    "service/idempotency-expiry.js",
    "service/idempotency-key.js",
    "service/idempotent-routes.js",
    "service/index.d.ts",
    "service/index.js",
    "service/keyed-turns.js",
    "service/openapi.json",
    "service/overriding.js",
    "service/rate-limit.js",
    "service/request-log.js",
    "service/responses.js",
    "service/routes.js",
    "service/seal.js",
    "service/sealed-credentials.js",
    "service/service.js",
    "service/sync-key.js",
    "service/sync-routes.js",
    "stores/conformance-check.js",
    "stores/conformance-fixtures.js",
    "stores/conformance-idempotency.js",
    "stores/conformance-outbox.js",
    "stores/conformance-sync.js",
    "stores/conformance-writes.js",
    "stores/conformance.cjs",
    "stores/conformance.d.ts",
    "stores/conformance.js",
    "stores/connection-record.js",
    "stores/d1.d.ts",
    "stores/d1.js",
    "stores/deno-kv-calls.js",
    "stores/deno-kv-idempotency.js",
    "stores/deno-kv-keys.js",
    "stores/deno-kv-log.js",
    "stores/deno-kv-queue.js",
    "stores/deno-kv-records.js",
    "stores/deno-kv-sync.js",
    "stores/deno-kv-write.js",
    "stores/deno-kv.d.ts",
    "stores/deno-kv.js",
    "stores/event-query.js",
    "stores/idempotency-input.js",
    "stores/idempotency-sql.js",
    "stores/index.d.ts",
    "stores/indexeddb-schema.js",
    "stores/indexeddb.d.ts",
    "stores/indexeddb.js",
    "stores/outbox-input.js",
    "stores/outbox-sql.js",
    "stores/postgres.cjs",
    "stores/postgres.d.ts",
    "stores/postgres.js",
    "stores/schema.js",
    "stores/sql-slots.js",
    "stores/sql-statements.js",
    "stores/sql/postgres/0001_provider_connections.sql",
    "stores/sql/postgres/0002_connection_version.sql",
    "stores/sql/postgres/0003_idempotency_keys.sql",
    "stores/sql/postgres/0004_event_outbox.sql",
    "stores/sql/postgres/0005_sync_clients.sql",
    "stores/sql/postgres/0006_event_commit_order.sql",
    "stores/sql/postgres/0007_sync_refusals.sql",
    "stores/sql/postgres/0008_expiring_pages.sql",
    "stores/sql/sqlite/0001_provider_connections.sql",
    "stores/sql/sqlite/0002_connection_version.sql",
    "stores/sql/sqlite/0003_idempotency_keys.sql",
    "stores/sql/sqlite/0004_event_outbox.sql",
    "stores/sql/sqlite/0005_sync_clients.sql",
    "stores/sql/sqlite/0007_sync_refusals.sql",
    "stores/sqlite.cjs",
    "stores/sqlite.d.ts",
    "stores/sqlite.js",
    "stores/sync-input.js",
    "stores/sync-sql.js",
    "web/connect_provider.js",
    "web/connect_provider_bg.wasm",
    "web/package.json",
    "web/snippets/connect-provider-HASH/src/js/seam.js",
    "workerd.js",
  ]);
  console.log(`packed size ${packed.size} bytes, unpacked ${packed.unpackedSize} bytes, ${packed.entryCount} files`);
});

test("Node's entry is one file: node/index.mjs imports nothing, and index.cjs only it", () => {
  const source = (file) => readFileSync(join(pkg, "node", file), "utf8");
  const specifiers = (text) => [...text.matchAll(/^import\b[^;]*?from\s*"([^"]+)"|\brequire\("([^"]+)"\)|\bimport\("([^"]+)"\)/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
  assert.deepEqual(specifiers(source("index.mjs")), []);
  assert.deepEqual(specifiers(source("index.cjs")), ["./index.mjs"]);
  assert.match(source("index.mjs"), /new URL\("\.\.\/web\/connect_provider_bg\.wasm", import\.meta\.url\)/);
});
