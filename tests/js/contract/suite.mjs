// Runs every contract table and reports each case, for runtimes where node:test is not at
// hand (workerd, a browser page): the Node side then asserts on the report.
import { contractTables } from "./tables.mjs";

/** @param {Record<string, any>} api the package's exports */
export async function runContractSuite(api) {
  const report = [];
  for (const table of contractTables) {
    for (const contractCase of table.cases) {
      const name = `${table.handler}: ${contractCase.name}`;
      try {
        await table.run(api[table.handler], contractCase);
        report.push({ name, ok: true });
      } catch (error) {
        report.push({ name, ok: false, error: String(error?.stack ?? error) });
      }
    }
  }
  return report;
}
