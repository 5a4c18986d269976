// The IndexedDB store's schema: its object stores and indexes, how an open database is checked
// against them (by shape, not by version number), and the upgrade that makes what is missing,
// rewriting once the events store the browser app's first versions kept by eventId.
import { eventColumns } from "./event-query.js";

export const CONNECTIONS = "connections";
export const EVENTS = "events";

/** @typedef {{ keyPath: string | string[], unique?: boolean }} IndexShape */
/**
 * Each object store's key and indexes; an index of another shape is made again.
 * @type {Record<string, { options: IDBObjectStoreParameters, indexes: Record<string, IndexShape> }>}
 */
export const SCHEMA = {
  [CONNECTIONS]: {
    options: { keyPath: "id" },
    indexes: {
      byUser: { keyPath: "userId" },
      byUserStatus: { keyPath: ["userId", "status"] },
      // A record without credentials or without an expiry has no key here, so it is not indexed.
      byStatusExpiry: { keyPath: ["status", "credentials.expiresAt"] },
    },
  },
  [EVENTS]: {
    // `sequence` is the order of publishing, which events() reads back.
    options: { keyPath: "sequence", autoIncrement: true },
    indexes: {
      byEventId: { keyPath: "eventId", unique: true },
      byUserSequence: { keyPath: ["userId", "sequence"] },
    },
  },
};

/** Whether every object store and index of SCHEMA is there, in its shape. */
export function schemaIsWhole(/** @type {IDBDatabase} */ db) {
  const names = Object.keys(SCHEMA);
  if (!names.every((store) => db.objectStoreNames.contains(store))) return false;
  const transaction = db.transaction(names, "readonly");
  return names.every((store) => {
    const { options, indexes } = SCHEMA[store];
    const objectStore = transaction.objectStore(store);
    return sameStore(objectStore, options) && Object.entries(indexes).every(([index, shape]) => sameIndex(objectStore, index, shape));
  });
}

function sameStore(/** @type {IDBObjectStore} */ store, /** @type {IDBObjectStoreParameters} */ options) {
  return sameKeyPath(store.keyPath, options.keyPath) && store.autoIncrement === Boolean(options.autoIncrement);
}

function sameIndex(/** @type {IDBObjectStore} */ store, /** @type {string} */ name, /** @type {IndexShape} */ shape) {
  if (!store.indexNames.contains(name)) return false;
  const index = store.index(name);
  return sameKeyPath(index.keyPath, shape.keyPath) && index.unique === Boolean(shape.unique) && !index.multiEntry;
}

const sameKeyPath = (/** @type {unknown} */ a, /** @type {unknown} */ b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * In an upgrade: makes each missing store and index, and an index of another shape again. A
 * connections store keyed otherwise is refused (its records cannot be read as connections); an
 * events store keyed otherwise (by eventId, as the browser app's kept it) is rewritten as the log.
 */
export function makeSchema(/** @type {IDBDatabase} */ db, /** @type {IDBTransaction} */ transaction) {
  for (const [name, { options, indexes }] of Object.entries(SCHEMA)) {
    if (!db.objectStoreNames.contains(name)) {
      withIndexes(db.createObjectStore(name, options), indexes);
      continue;
    }
    const store = transaction.objectStore(name);
    if (sameStore(store, options)) {
      withIndexes(store, indexes);
      continue;
    }
    if (name !== EVENTS) {
      throw new Error(`indexedDbStore: the object store ${name} of ${db.name} is keyed by ${JSON.stringify(store.keyPath)}, not ${JSON.stringify(options.keyPath)}`);
    }
    const reading = store.getAll();
    reading.onsuccess = () => {
      db.deleteObjectStore(name);
      const log = withIndexes(db.createObjectStore(name, options), indexes);
      for (const event of reading.result) log.add({ ...legacyColumns(event), event });
    };
  }
}

function withIndexes(/** @type {IDBObjectStore} */ store, /** @type {Record<string, IndexShape>} */ indexes) {
  for (const [name, { keyPath, unique = false }] of Object.entries(indexes)) {
    if (store.indexNames.contains(name)) {
      if (sameIndex(store, name, { keyPath, unique })) continue;
      store.deleteIndex(name);
    }
    store.createIndex(name, keyPath, { unique });
  }
  return store;
}

/** The columns of an event kept before the log was; one that is not quite an event keeps what it has. */
function legacyColumns(/** @type {any} */ event) {
  try {
    const { json, ...columns } = eventColumns(event);
    return columns;
  } catch {
    const text = (/** @type {unknown} */ value) => (typeof value === "string" ? value.toLowerCase() : String(value));
    return { eventId: text(event?.eventId), eventType: event?.eventType, userId: text(event?.userId), occurredAt: event?.occurredAt };
  }
}
