// JS repository and event-bus objects for contract tests: they record every call, and each
// behaviour (throw, reject, hang, thenable) is chosen per test.

/**
 * @typedef {(value: any) => unknown} Behaviour
 * @param {{ save?: Behaviour, publish?: Behaviour }} [behaviour]
 */
export function recordingPorts(behaviour = {}) {
  const saved = [];
  const events = [];
  const busErrors = [];
  const ports = {
    saved,
    events,
    busErrors,
    saveCalls: 0,
    repository: {
      save(connection) {
        ports.saveCalls += 1;
        if (behaviour.save) return behaviour.save(connection);
        saved.push(connection);
        return Promise.resolve();
      },
    },
    eventBus: {
      publish(event) {
        events.push(event);
        return behaviour.publish ? behaviour.publish(event) : Promise.resolve();
      },
    },
    onEventBusError(error, event) {
      busErrors.push({ error, event });
    },
  };
  return ports;
}

export const never = () => new Promise(() => {});
export const rejectWith = (reason) => () => Promise.reject(reason);
export const throwError = (message) => () => {
  throw new Error(message);
};
