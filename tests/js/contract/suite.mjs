// Runs the whole contract table and reports each case, for runtimes where node:test is not
// at hand (workerd, a browser page): the Node side then asserts on the report.
import { contractCases, runContractCase } from "./cases.mjs";

/** @returns {Promise<{ name: string, ok: boolean, error?: string }[]>} */
export async function runContractSuite(ConnectProviderHandler) {
  const report = [];
  for (const contractCase of contractCases) {
    try {
      await runContractCase(ConnectProviderHandler, contractCase);
      report.push({ name: contractCase.name, ok: true });
    } catch (error) {
      report.push({ name: contractCase.name, ok: false, error: String(error?.stack ?? error) });
    }
  }
  return report;
}
