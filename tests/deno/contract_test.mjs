// Every contract table in Deno, against the installed package (its "deno" export).
import * as api from "connect-provider";
import { ConnectProviderError, ErrorCode } from "connect-provider";
import { contractTables } from "../js/contract/tables.mjs";
import { ERROR_CODES, ERRORS } from "../js/contract/fixtures.mjs";
import { expectEqual } from "../js/contract/expect.mjs";

for (const table of contractTables) {
  for (const contractCase of table.cases) {
    Deno.test(`${table.handler}: ${contractCase.name}`, () => table.run(api[table.handler], contractCase));
  }
}

Deno.test("ConnectProviderError is frozen and holds the exact strings", () => {
  expectEqual({ ...ConnectProviderError }, ERRORS, "ConnectProviderError");
  expectEqual(Object.isFrozen(ConnectProviderError), true, "frozen");
});

Deno.test("ErrorCode is frozen and holds the ten codes, each its own name", () => {
  expectEqual(Object.entries(ErrorCode), ERROR_CODES.map((code) => [code, code]), "ErrorCode");
  expectEqual(Object.isFrozen(ErrorCode), true, "frozen");
});

Deno.test("Deno loads the package's deno export", () => {
  const resolved = import.meta.resolve("connect-provider");
  expectEqual(resolved.endsWith("/connect-provider/deno.js"), true, `resolved to ${resolved}`);
});
