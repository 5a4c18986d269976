// JS repository and event-bus objects for contract tests: they record every call, and each
// behaviour (throw, reject, hang, thenable, a stale write) is chosen per test.

/**
 * How a case's repository relates to `commit`: without it (the default), with it and holding the
 * handler's very bus as its `eventBus` ("own bus": the handler commits), or with it and holding
 * another bus ("another bus": the handler saves, then publishes).
 * @typedef {undefined | "own bus" | "another bus"} CommitTo
 */

/** Gives `repository` a `commit` and the `eventBus` that `commitTo` says. */
function addCommit(repository, commitTo, eventBus, commit) {
  if (commitTo === undefined) return;
  repository.commit = commit;
  repository.eventBus = commitTo === "own bus" ? eventBus : { publish() {} };
}

/**
 * @typedef {(value: any, ...rest: any[]) => unknown} Behaviour
 * @param {{ save?: Behaviour, commit?: Behaviour, publish?: Behaviour }} [behaviour]
 * @param {{ commitTo?: CommitTo }} [setup]
 */
export function recordingPorts(behaviour = {}, { commitTo } = {}) {
  const saved = [];
  const events = [];
  const busErrors = [];
  const ports = {
    saved,
    /** What the bus received. */
    events,
    /** Every event in the order it reached the bus or a commit. */
    sequence: [],
    /** `[method, record, events?]` of every save and commit, in order. */
    writes: [],
    busErrors,
    saveCalls: 0,
    repository: {
      save(connection) {
        ports.saveCalls += 1;
        ports.writes.push(["save", connection]);
        if (behaviour.save) return behaviour.save(connection);
        saved.push(connection);
        return Promise.resolve();
      },
    },
    eventBus: {
      publish(event) {
        events.push(event);
        ports.sequence.push(event);
        return behaviour.publish ? behaviour.publish(event) : Promise.resolve();
      },
    },
    onEventBusError(error, event) {
      busErrors.push({ error, event });
    },
  };
  addCommit(ports.repository, commitTo, ports.eventBus, (connection, committed) => {
    ports.writes.push(["commit", connection, committed]);
    ports.sequence.push(...committed);
    if (behaviour.commit) return behaviour.commit(connection, committed);
    saved.push(connection);
    return Promise.resolve();
  });
  return ports;
}

export const never = () => new Promise(() => {});
export const rejectWith = (reason) => () => Promise.reject(reason);
export const throwError = (message) => () => {
  throw new Error(message);
};

/**
 * A write (`save` or `commit`) that another command overtakes the first `times` times: each
 * time `overtake(store)` changes the stored records, as the other command did just before, and
 * the write answers `false` (the store refused a stale version); after that it stores.
 * @param {(store: object[]) => void} overtake
 */
export const overtakenBy = (overtake, times = 1) => (record, store, proceed) => {
  if (times-- <= 0) return proceed();
  overtake(store);
  return false;
};

/**
 * A repository over `records` (kept as given, so a test can store what a real one never would)
 * and a recording bus, for the lifecycle handlers. Every repository call is logged with its
 * argument; `behaviour.<method>(argument, store, proceed)` replaces a method's answer, and may
 * call `proceed()` for the usual one.
 * @param {{ records?: object[], behaviour?: Record<string, Behaviour>, commitTo?: CommitTo }} [setup]
 */
export function lifecyclePorts({ records = [], behaviour = {}, commitTo } = {}) {
  const store = [...records];
  const calls = [];
  const events = [];
  const busErrors = [];
  const answer = (method, argument, fallback) => {
    calls.push([method, argument]);
    const proceed = () => Promise.resolve(fallback());
    return behaviour[method] ? behaviour[method](argument, store, proceed) : proceed();
  };
  const put = (connection) => {
    ports.saved.push(connection);
    const at = store.findIndex((record) => record.id === connection.id);
    if (at === -1) store.push(connection);
    else store[at] = connection;
  };
  const isActive = (record) => record.status === "active";
  const ports = {
    store,
    calls,
    /** What the bus received. */
    events,
    /** The events of each commit, in order. */
    committed: [],
    /** Every event in the order it reached the bus or a commit. */
    sequence: [],
    busErrors,
    saved: [],
    repository: {
      save: (connection) => answer("save", connection, () => put(connection)),
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
        ports.sequence.push(event);
        return behaviour.publish ? behaviour.publish(event) : Promise.resolve();
      },
    },
    onEventBusError(error, event) {
      busErrors.push({ error, event });
    },
  };
  addCommit(ports.repository, commitTo, ports.eventBus, (connection, committed) => {
    ports.committed.push(committed);
    ports.sequence.push(...committed);
    return answer("commit", connection, () => put(connection));
  });
  return ports;
}
