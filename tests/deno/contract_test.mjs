// The core contract table in Deno, against the installed package (its "deno" export).
import { ConnectProviderError, ConnectProviderHandler } from "connect-provider";
import { contractCases, runContractCase } from "../js/contract/cases.mjs";
import { ERRORS } from "../js/contract/fixtures.mjs";
import { expectEqual } from "../js/contract/expect.mjs";

for (const contractCase of contractCases) {
  Deno.test(contractCase.name, () => runContractCase(ConnectProviderHandler, contractCase));
}

Deno.test("ConnectProviderError is frozen and holds the exact strings", () => {
  expectEqual({ ...ConnectProviderError }, ERRORS, "ConnectProviderError");
  expectEqual(Object.isFrozen(ConnectProviderError), true, "frozen");
});

Deno.test("Deno loads the package's deno export", () => {
  const resolved = import.meta.resolve("connect-provider");
  expectEqual(resolved.endsWith("/connect-provider/deno.js"), true, `resolved to ${resolved}`);
});
