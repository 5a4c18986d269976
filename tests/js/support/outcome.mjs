// Runs one command through a fresh handler over recording ports and returns everything it did.
import { recordingPorts } from "../contract/ports.mjs";

export async function outcomeOf(ConnectProviderHandler, command, { behaviour, options, commitTo } = {}) {
  const ports = recordingPorts(behaviour, { commitTo });
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus, { onEventBusError: ports.onEventBusError, ...options });
  const result = await handler.handle(command);
  handler.free();
  return {
    result,
    events: ports.events.map((event) => (event.reason ? [event.eventType, event.reason] : [event.eventType])),
    saveCalls: ports.saveCalls,
    writes: ports.writes.map(([method]) => method),
    saved: ports.saved,
    busErrors: ports.busErrors.map(({ error }) => describe(error)),
  };
}

export const invalidCommand = (why) => ({
  result: { ok: false, error: `Invalid command: ${why}`, code: "INVALID_COMMAND" },
  events: [],
  saveCalls: 0,
  writes: [],
  saved: [],
  busErrors: [],
});

export const refused = (error, code) => ({
  result: { ok: false, error, code },
  events: [["ProviderConnectionAttempted"], ["ProviderConnectionFailed", error]],
  saveCalls: 0,
  writes: [],
  saved: [],
  busErrors: [],
});

/** What a reported bus error says, even when reading its message throws. */
function describe(error) {
  try {
    return error?.message ?? String(error);
  } catch {
    return "<unreadable message>";
  }
}
