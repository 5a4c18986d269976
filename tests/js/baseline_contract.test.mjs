// The benchmark's plain-JS baselines keep the same contract as the wasm handlers they are
// measured against: the same tables of cases, so the comparison in `npm run bench` is like for like.
import { test } from "node:test";
import { BaselineConnectProviderHandler } from "../../bench/baseline/connect-provider.mjs";
import { BaselineDisconnectProviderHandler } from "../../bench/baseline/disconnect-provider.mjs";
import { BaselineListProviderConnectionsHandler } from "../../bench/baseline/list-provider-connections.mjs";
import { connectProviderTable } from "./contract/connect_provider.mjs";
import { disconnectProviderTable } from "./contract/disconnect_provider.mjs";
import { listProviderConnectionsTable } from "./contract/list_provider_connections.mjs";

/** The tables call `free()`, which plain JS objects do not need. */
const freeable = (Baseline) =>
  class extends Baseline {
    free() {}
  };

for (const [table, Baseline] of [
  [connectProviderTable, BaselineConnectProviderHandler],
  [disconnectProviderTable, BaselineDisconnectProviderHandler],
  [listProviderConnectionsTable, BaselineListProviderConnectionsHandler],
]) {
  const Handler = freeable(Baseline);
  for (const contractCase of table.cases) {
    test(`baseline ${table.handler}: ${contractCase.name}`, () => table.run(Handler, contractCase));
  }
}
