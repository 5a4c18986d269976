// What the disconnection and refresh tables check of every case: the result, each event with
// exactly its fields, the repository calls in order, and the record saved.
import { expectEqual, expectTrue } from "./expect.mjs";
import { ISO, UUID_V7 } from "./fixtures.mjs";
import { lifecyclePorts } from "./ports.mjs";

/**
 * Runs `contractCase` against `Handler` (a disconnection or refresh handler class, whose events
 * are named `${family}Attempted` and so on) and checks everything it did.
 */
export async function runLifecycleCase(Handler, family, contractCase) {
  const records = contractCase.records?.() ?? [];
  const ports = lifecyclePorts({ records, behaviour: contractCase.behaviour?.() });
  const handler = new Handler(ports.repository, ports.eventBus, { onEventBusError: ports.onEventBusError, ...contractCase.options });
  const sent = contractCase.command();
  const result = await handler.handle(sent);
  handler.free();
  const expected = contractCase.expect;
  if (expected.partialError) {
    expectEqual(Object.keys(result), ["ok", "error"], "result keys");
    expectTrue(result.ok === false && result.error.startsWith(expected.result.error), `result.error starts with ${expected.result.error}: ${result.error}`);
  } else {
    expectEqual(result, expected.result, "result");
  }

  const types = (expected.events ?? []).map((kind) => `${family}${kind}`);
  expectEqual(ports.events.map((event) => event.eventType), types, "event types in order");
  const provider = expected.provider === undefined ? records[0] : expected.provider;
  ports.events.forEach((event, i) => checkEvent(event, sent, result, provider, expected, `event ${i}`));
  const eventIds = ports.events.map((event) => event.eventId);
  expectEqual([...eventIds].sort(), eventIds, "event ids sort in publishing order");

  expectEqual(ports.calls.map(([method]) => method), expected.calls, "repository calls in order");
  const find = ports.calls.find(([method]) => method === "findById");
  if (find) expectEqual(find[1], sent.connectionId.toLowerCase(), "findById is asked for the connection id");
  if (expected.saved) {
    expectEqual(ports.saved.length, 1, "connections saved");
    checkSaved(ports.saved[0], expected.saved(records[0], sent), ports.events[0]);
  } else {
    expectEqual(ports.saved.length, 0, "nothing saved");
  }
  expectEqual(ports.busErrors.map(({ error }) => error?.message ?? String(error)), expected.busErrors ?? [], "event bus errors");
}

function checkEvent(event, sent, result, provider, expected, label) {
  expectTrue(UUID_V7.test(event.eventId), `${label}: eventId is a UUID v7`);
  expectTrue(ISO.test(event.occurredAt), `${label}: occurredAt is an ISO timestamp`);
  const extra = {};
  if (event.eventType.endsWith("Failed")) extra.reason = result.error;
  if (event.eventType === "ProviderTokenRefreshFailed") extra.needsUserAction = expected.needsUserAction ?? false;
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
function checkSaved(saved, expected, attempted) {
  expectTrue(ISO.test(saved.updatedAt) && saved.updatedAt >= attempted.occurredAt, `updatedAt is the moment of the change: ${saved.updatedAt}`);
  expectEqual({ ...saved, updatedAt: "(now)" }, { ...expected, updatedAt: "(now)" }, "the connection saved");
}
