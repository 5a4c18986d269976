// Every handler's contract table, for the runtimes' suites to run in full.
import { connectProviderTable } from "./connect_provider.mjs";
import { disconnectProviderTable } from "./disconnect_provider.mjs";
import { getProviderConnectionTable } from "./get_provider_connection.mjs";
import { listExpiringConnectionsTable } from "./list_expiring_connections.mjs";
import { listProviderConnectionsTable } from "./list_provider_connections.mjs";
import { refreshProviderTokensTable } from "./refresh_provider_tokens.mjs";

export const contractTables = [
  connectProviderTable,
  disconnectProviderTable,
  refreshProviderTokensTable,
  getProviderConnectionTable,
  listProviderConnectionsTable,
  listExpiringConnectionsTable,
];

/** Every case's name as the reports give it. */
export const caseNames = () => contractTables.flatMap((table) => table.cases.map((c) => `${table.handler}: ${c.name}`));
