// The core contract table against the installed package, in Node.
import { test } from "node:test";
import { ConnectProviderHandler } from "connect-provider";
import { contractCases, runContractCase } from "./contract/cases.mjs";

for (const contractCase of contractCases) {
  test(contractCase.name, () => runContractCase(ConnectProviderHandler, contractCase));
}
