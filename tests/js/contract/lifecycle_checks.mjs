// What the disconnection and refresh tables check of every case: the result, each event with
// exactly its fields (on the bus and in a commit), the repository calls in order, and each record
// that reached `save` or `commit`.
import { expectEqual, expectTrue } from "./expect.mjs";
import { ISO, RECORD_KEYS, UUID_V7 } from "./fixtures.mjs";
import { lifecyclePorts } from "./ports.mjs";

/**
 * Runs `contractCase` against `Handler` (a disconnection or refresh handler class, whose events
 * are named `${family}Attempted` and so on) and checks everything it did.
 *
 * `expect.writes` lists what each `save` or `commit` received, in order, as functions of the
 * first stored record; `expect.committed` the events of each commit.
 */
export async function runLifecycleCase(Handler, family, contractCase) {
  const records = contractCase.records?.() ?? [];
  const ports = lifecyclePorts({ records, behaviour: contractCase.behaviour?.(), commitTo: contractCase.commitTo });
  const handler = new Handler(ports.repository, ports.eventBus, { onEventBusError: ports.onEventBusError, ...contractCase.options });
  const sent = contractCase.command();
  const result = await handler.handle(sent);
  handler.free();
  const expected = contractCase.expect;
  if (expected.partialError) {
    expectEqual(Object.keys(result), Object.keys(expected.result), "result keys");
    expectEqual({ ...result, error: "(prefix)" }, { ...expected.result, error: "(prefix)" }, "result but its error");
    expectTrue(result.error.startsWith(expected.result.error), `result.error starts with ${expected.result.error}: ${result.error}`);
  } else {
    expectEqual(Object.keys(result), Object.keys(expected.result), "result keys");
    expectEqual(result, expected.result, "result");
  }

  const types = (kinds) => kinds.map((kind) => `${family}${kind}`);
  expectEqual(ports.events.map((event) => event.eventType), types(expected.events ?? []), "event types published in order");
  expectEqual(
    ports.committed.map((events) => events.map((event) => event.eventType)),
    (expected.committed ?? []).map(types),
    "events of each commit",
  );
  const provider = expected.provider === undefined ? records[0] : expected.provider;
  ports.sequence.forEach((event, i) => checkEvent(event, sent, result, provider, `event ${i}`));
  const eventIds = ports.sequence.map((event) => event.eventId);
  expectEqual([...eventIds].sort(), eventIds, "event ids sort in the order the events went out");
  expectEqual(new Set(eventIds).size, eventIds.length, "every event has its own id");

  expectEqual(ports.calls.map(([method]) => method), expected.calls, "repository calls in order");
  for (const [method, argument] of ports.calls) {
    if (method === "findById") expectEqual(argument, sent.connectionId.toLowerCase(), "findById is asked for the connection id");
  }
  const written = ports.calls.filter(([method]) => method === "save" || method === "commit").map(([, record]) => record);
  const writes = (expected.writes ?? []).map((write) => write(records[0], sent));
  expectEqual(written.length, writes.length, "records written");
  written.forEach((record, i) => checkWritten(record, writes[i], ports.sequence[0], `write ${i}`));
  expectEqual(ports.busErrors.map(({ error }) => error?.message ?? String(error)), expected.busErrors ?? [], "event bus errors");
}

function checkEvent(event, sent, result, provider, label) {
  expectTrue(UUID_V7.test(event.eventId), `${label}: eventId is a UUID v7`);
  expectTrue(ISO.test(event.occurredAt), `${label}: occurredAt is an ISO timestamp`);
  const extra = {};
  if (event.eventType.endsWith("Failed")) extra.reason = result.error;
  // The result says it exactly (the table does), and the Failed event says the same.
  if (event.eventType === "ProviderTokenRefreshFailed") extra.needsUserAction = result.needsUserAction;
  expectEqual(
    event,
    {
      eventType: event.eventType,
      eventId: event.eventId,
      occurredAt: event.occurredAt,
      userId: sent.userId.toLowerCase(),
      connectionId: sent.connectionId.toLowerCase(),
      providerId: provider ? provider.providerId : null,
      providerSlug: provider ? provider.providerSlug : null,
      ...extra,
    },
    `${label}: exact fields, never credentials`,
  );
}

/** `updatedAt` is the handler's now: an ISO instant no earlier than the Attempted event. */
function checkWritten(record, expected, attempted, label) {
  expectTrue(ISO.test(record.updatedAt) && record.updatedAt >= attempted.occurredAt, `${label}: updatedAt is the moment of the change: ${record.updatedAt}`);
  expectEqual(Object.keys(record), RECORD_KEYS, `${label}: the record's keys in order`);
  expectEqual({ ...record, updatedAt: "(now)" }, { ...expected, updatedAt: "(now)" }, `${label}: the connection written`);
}
