// The contract table inside Cloudflare's workerd, loading the package's "workerd" export.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ERROR_CODES, ERRORS } from "./contract/fixtures.mjs";
import { assertContractReport } from "./support/contract-report.mjs";
import { bundleWorker, startWorker } from "./support/workerd.mjs";

test("every contract case passes in workerd", async (t) => {
  const entry = fileURLToPath(new URL("../workerd/worker.js", import.meta.url));
  const script = await bundleWorker(entry, fileURLToPath(new URL("../../target/workerd/contract", import.meta.url)));
  const { mf, url } = await startWorker(script);
  t.after(() => mf.dispose());
  const { report, errors, frozen, codes, codesFrozen } = await (await fetch(url)).json();
  assertContractReport(report, "workerd");
  assert.deepEqual(errors, ERRORS);
  assert.equal(frozen, true);
  assert.deepEqual(codes, ERROR_CODES.map((code) => [code, code]));
  assert.equal(codesFrozen, true);
});
