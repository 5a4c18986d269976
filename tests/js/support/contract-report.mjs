// Asserts that a runtime's contract report covers every case of the table and that all passed.
import assert from "node:assert/strict";
import { caseNames } from "../contract/tables.mjs";

export function assertContractReport(report, runtime) {
  const failed = report.filter((entry) => !entry.ok);
  assert.deepEqual(failed, [], `${runtime}: contract cases failed`);
  assert.deepEqual(report.map((entry) => entry.name), caseNames(), `${runtime}: every case ran`);
}
