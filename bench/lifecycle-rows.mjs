// Rows for the lifecycle handlers (Disconnect, List): added with them.
export async function rowsOfLifecycle() {
  return [];
}
