// Every handler's contract table against the installed package, in Node.
import { test } from "node:test";
import * as api from "connect-provider";
import { contractTables } from "./contract/tables.mjs";

for (const table of contractTables) {
  for (const contractCase of table.cases) {
    test(`${table.handler}: ${contractCase.name}`, () => table.run(api[table.handler], contractCase));
  }
}
