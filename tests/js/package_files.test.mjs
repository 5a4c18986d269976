// What `npm pack` puts in the package: exactly the files a user needs, and how big it is.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
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
    "node/api.cjs",
    "node/connect_provider.js",
    "node/index.cjs",
    "node/index.mjs",
    "node/package.json",
    "node/snippets/connect-provider-HASH/src/js/reading.js",
    "package.json",
    "stores/conformance-check.js",
    "stores/conformance-fixtures.js",
    "stores/conformance-idempotency.js",
    "stores/conformance-writes.js",
    "stores/conformance.cjs",
    "stores/conformance.d.ts",
    "stores/conformance.js",
    "stores/connection-record.js",
    "stores/d1.d.ts",
    "stores/d1.js",
    "stores/deno-kv-idempotency.js",
    "stores/deno-kv.d.ts",
    "stores/deno-kv.js",
    "stores/event-query.js",
    "stores/idempotency-input.js",
    "stores/idempotency-sql.js",
    "stores/index.d.ts",
    "stores/indexeddb.d.ts",
    "stores/indexeddb.js",
    "stores/postgres.cjs",
    "stores/postgres.d.ts",
    "stores/postgres.js",
    "stores/schema.js",
    "stores/sql-statements.js",
    "stores/sql/postgres/0001_provider_connections.sql",
    "stores/sql/postgres/0002_connection_version.sql",
    "stores/sql/postgres/0003_idempotency_keys.sql",
    "stores/sql/sqlite/0001_provider_connections.sql",
    "stores/sql/sqlite/0002_connection_version.sql",
    "stores/sql/sqlite/0003_idempotency_keys.sql",
    "stores/sqlite.cjs",
    "stores/sqlite.d.ts",
    "stores/sqlite.js",
    "web/connect_provider.js",
    "web/connect_provider_bg.wasm",
    "web/package.json",
    "web/snippets/connect-provider-HASH/src/js/reading.js",
    "workerd.js",
  ]);
  console.log(`packed size ${packed.size} bytes, unpacked ${packed.unpackedSize} bytes, ${packed.entryCount} files`);
});
