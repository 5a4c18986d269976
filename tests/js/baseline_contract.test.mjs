// The benchmark's plain-JS baseline keeps the same contract as the wasm handler: the same table
// of cases, so the comparison in `npm run bench` is like for like.
import { test } from "node:test";
import { BaselineConnectProviderHandler } from "../../bench/baseline/connect-provider.mjs";
import { contractCases, runContractCase } from "./contract/cases.mjs";

class Baseline extends BaselineConnectProviderHandler {
  free() {}
}

for (const contractCase of contractCases) {
  test(`baseline: ${contractCase.name}`, () => runContractCase(Baseline, contractCase));
}
