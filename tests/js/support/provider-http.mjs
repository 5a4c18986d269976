// Shared by the service examples' tests: what a view and an event look like from outside.
import assert from "node:assert/strict";
import { ISO, UUID_V7 } from "../contract/fixtures.mjs";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The values of a connection's view that the service made (ids and instants), from its row. */
export const stampsOf = (row) => ({
  id: row.id,
  connectedAt: row.connected_at,
  lastSyncAt: row.last_sync_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Events as the outbox holds them, checked to carry a v7 id and an ISO instant each, in order,
 * then without those two so the rest can be compared whole.
 * @param {Record<string, unknown>[]} events
 */
export function eventBodies(events) {
  for (const event of events) {
    assert.match(event.eventId, UUID_V7);
    assert.match(event.occurredAt, ISO);
  }
  const ids = events.map((event) => event.eventId);
  assert.deepEqual([...ids].sort(), ids, "event ids ascend in publishing order");
  return events.map(({ eventId, occurredAt, ...rest }) => rest);
}

