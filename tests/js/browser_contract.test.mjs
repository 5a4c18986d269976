// The contract table in headless Chromium: the package's browser build loaded as-is through an
// import map, and a consumer bundled by Vite.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { ERROR_CODES, ERRORS } from "./contract/fixtures.mjs";
import { launchChromium, readFromPage } from "./support/chromium.mjs";
import { assertContractReport } from "./support/contract-report.mjs";
import { serveDirectory } from "./support/static-server.mjs";

const repo = fileURLToPath(new URL("../..", import.meta.url));
let chromium;
before(async () => {
  chromium = await launchChromium();
});
after(() => chromium?.close());

function assertResult({ report, errors, frozen, codes, codesFrozen }, runtime) {
  assertContractReport(report, runtime);
  assert.deepEqual(errors, ERRORS);
  assert.equal(frozen, true);
  assert.deepEqual(codes, ERROR_CODES.map((code) => [code, code]));
  assert.equal(codesFrozen, true);
}

test("every contract case passes in Chromium with the browser build", async (t) => {
  const server = await serveDirectory(repo);
  t.after(server.close);
  const result = await readFromPage(chromium, `${server.url}/tests/browser/contract.html`, "contractResult");
  assertResult(result, "chromium");
});

test("every contract case passes in Chromium when bundled by Vite", async (t) => {
  const outDir = fileURLToPath(new URL("../../target/vite-consumer", import.meta.url));
  await build({
    root: fileURLToPath(new URL("../vite-consumer", import.meta.url)),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  const assets = readdirSync(`${outDir}/assets`);
  assert.ok(assets.some((name) => name.endsWith(".wasm")), `Vite emitted the wasm: ${assets}`);
  const server = await serveDirectory(outDir);
  t.after(server.close);
  const result = await readFromPage(chromium, `${server.url}/`, "contractResult");
  assertResult(result, "vite+chromium");
});
