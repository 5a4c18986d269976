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

/**
 * A repository over `records` (kept as given, so a test can store what a real one never would)
 * and a recording bus, for the lifecycle handlers. Every repository call is logged with its
 * argument; `behaviour.<method>(argument, store)` replaces a method's answer.
 * @param {{ records?: object[], behaviour?: Record<string, Behaviour> }} [setup]
 */
export function lifecyclePorts({ records = [], behaviour = {} } = {}) {
  const store = [...records];
  const calls = [];
  const events = [];
  const busErrors = [];
  const answer = (method, argument, fallback) => {
    calls.push([method, argument]);
    return behaviour[method] ? behaviour[method](argument, store) : Promise.resolve(fallback());
  };
  const isActive = (record) => record.status === "active";
  const ports = {
    store,
    calls,
    events,
    busErrors,
    saved: [],
    repository: {
      save(connection) {
        return answer("save", connection, () => {
          ports.saved.push(connection);
          const at = store.findIndex((record) => record.id === connection.id);
          if (at === -1) store.push(connection);
          else store[at] = connection;
        });
      },
      findById: (id) => answer("findById", id, () => store.find((record) => record.id === id) ?? null),
      findByUserId: (userId) => answer("findByUserId", userId, () => store.filter((record) => record.userId === userId)),
      findActiveByUser: (userId) => answer("findActiveByUser", userId, () => store.filter((record) => record.userId === userId && isActive(record))),
      findExpiringBefore: (instant) =>
        answer("findExpiringBefore", instant, () =>
          store.filter((record) => isActive(record) && record.credentials?.expiresAt != null && record.credentials.expiresAt <= instant),
        ),
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
