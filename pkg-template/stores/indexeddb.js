// The store over IndexedDB, for a page or a worker: one database holding the object stores
// `connections` and `events`. Records are kept by structured clone, so they read back as they were
// saved (the secret a plain Uint8Array); events as their JSON reads back, as in every other store.
// Every write is one transaction: a failed one (QuotaExceededError, an abort) leaves nothing behind
// and rejects with its error.
//
// The schema is checked, not inferred from the version number: migrate() (or the first call) opens
// the database at whatever version it has, and if a store or index is missing or has another shape
// it opens it again one version up and makes what is missing, in that one upgrade. So a database
// another app keeps its own object stores in (at its own versions) is used in place, its other
// stores left alone, and an events store keyed by eventId (the shape of the browser app's first
// versions) is rewritten once as the log, in eventId order (indexeddb-schema.js).
import { canonicalInstant, checkedRecord, recordOf, storedVersion } from "./connection-record.js";
import { commitEventColumns, eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { CONNECTIONS, EVENTS, makeSchema, schemaIsWhole } from "./indexeddb-schema.js";

/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("../index.js").ProviderEvent} ProviderEvent */
/** @typedef {import("./indexeddb.js").IndexedDbStoreOptions} IndexedDbStoreOptions */

/** How many times opening retries when other clients move the version on meanwhile. */
const OPEN_ATTEMPTS = 10;
/** An ISO instant's local time is within a day of its UTC time; two days leave the date part clear. */
const OFFSET_MARGIN_MS = 2 * 86_400_000;
/** The last instant toISOString writes with a four-digit year. */
const LAST_FOUR_DIGIT_YEAR = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * @param {IndexedDbStoreOptions} [options]
 * @returns {import("./indexeddb.js").IndexedDbStore}
 */
export function indexedDbStore(options = {}) {
  const {
    name = "connect-provider",
    indexedDB: factory = globalThis.indexedDB,
    IDBKeyRange: KeyRange = globalThis.IDBKeyRange,
    onBlocked,
    onVersionChange,
  } = options;
  if (typeof name !== "string" || name === "") throw new TypeError("indexedDbStore: name must be a non-empty string");
  if (!factory || typeof factory.open !== "function") throw new TypeError("indexedDbStore: no indexedDB here; pass options.indexedDB");
  if (typeof KeyRange?.bound !== "function") throw new TypeError("indexedDbStore: no IDBKeyRange here; pass options.IDBKeyRange");

  /** @type {Promise<IDBDatabase> | null} */
  let opening = null;
  /** @type {IDBDatabase | null} */
  let current = null;

  /** Drops the connection if it is this one; the next call opens the database again. */
  const forget = (/** @type {IDBDatabase} */ db) => {
    if (current === db) {
      current = null;
      opening = null;
    }
  };

  /** Opens `version` (or the current one), making the schema in any upgrade it runs. */
  const open = (/** @type {number | undefined} */ version) =>
    new Promise((resolve, reject) => {
      const request = version === undefined ? factory.open(name) : factory.open(name, version);
      request.onupgradeneeded = () => {
        const transaction = /** @type {IDBTransaction} */ (request.transaction);
        try {
          makeSchema(request.result, transaction);
        } catch (error) {
          transaction.abort();
          reject(error);
        }
      };
      request.onblocked = () => onBlocked?.();
      request.onsuccess = () => {
        const db = request.result;
        // Never hold up another client's upgrade (or a deletion): let go, and open again when next used.
        db.onversionchange = () => {
          db.close();
          const wasCurrent = current === db;
          forget(db);
          if (wasCurrent) onVersionChange?.();
        };
        db.onclose = () => forget(db);
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });

  /** The database at a version whose schema is whole: the current one, or one up from it. */
  const connect = async () => {
    for (let attempt = 1; ; attempt += 1) {
      const found = await open(undefined);
      if (schemaIsWhole(found)) return found;
      found.close();
      try {
        // Two clients that both found it short ask for the same version: the second waits for the
        // first's upgrade, then opens without one.
        const upgraded = await open(found.version + 1);
        if (schemaIsWhole(upgraded)) return upgraded;
        upgraded.close();
      } catch (error) {
        // Another client moved past that version meanwhile: look again.
        if (/** @type {DOMException} */ (error)?.name !== "VersionError" || attempt >= OPEN_ATTEMPTS) throw error;
        continue;
      }
      if (attempt >= OPEN_ATTEMPTS) throw new Error(`indexedDbStore: the schema of ${name} keeps changing under it`);
    }
  };

  const database = () => {
    if (!opening) {
      const pending = connect().then(
        (db) => {
          if (opening === pending) current = db;
          else db.close();
          return db;
        },
        (error) => {
          if (opening === pending) opening = null;
          throw error;
        },
      );
      opening = pending;
    }
    return opening;
  };

  /** A transaction on the open database (opening it again if it was closed under us). */
  const begin = async (/** @type {string | string[]} */ stores, /** @type {IDBTransactionMode} */ mode) => {
    const db = await database();
    try {
      return db.transaction(stores, mode);
    } catch (error) {
      if (/** @type {DOMException} */ (error)?.name !== "InvalidStateError") throw error;
      forget(db);
      return (await database()).transaction(stores, mode);
    }
  };

  /**
   * Runs `body` in one readwrite transaction over `stores` and resolves with what it `settle`d once
   * the transaction commits. `fail` aborts it with an error of the caller's (a throw inside a
   * request's callback would otherwise escape as an uncaught error and abort with a bare AbortError).
   * @template [T=undefined]
   * @param {string[]} stores
   * @param {(objectStores: IDBObjectStore[], fail: (error: unknown) => void, settle: (value: T) => void) => void} body
   * @returns {Promise<T>}
   */
  const write = async (stores, body) => {
    const transaction = await begin(stores, "readwrite");
    /** @type {unknown} */
    let failure = null;
    /** @type {any} */
    let outcome;
    const fail = (/** @type {unknown} */ error) => {
      failure ??= error;
      try {
        transaction.abort();
      } catch {
        // already finished
      }
    };
    const done = committed(transaction, () => failure);
    try {
      body(stores.map((store) => transaction.objectStore(store)), fail, (value) => (outcome = value));
    } catch (error) {
      fail(error);
    }
    await done;
    return outcome;
  };

  /**
   * The conditional write, in a transaction over `connections` (and `events`, for a commit): read
   * what is stored, and put the record only over the version before it (or where there is none, for
   * a first version), keeping the first createdAt; then add the events. IndexedDB runs readwrite
   * transactions over the same store one at a time, so nothing lands between the get and the put.
   * @param {ProviderConnectionRecord} stored @param {{ eventId: string, eventType: string, userId: string, occurredAt: string, event: unknown }[]} events
   */
  const writeConnection = (stored, events) =>
    write(events.length === 0 ? [CONNECTIONS] : [CONNECTIONS, EVENTS], ([connections, log], fail, settle) => {
      const existing = connections.get(stored.id);
      existing.onsuccess = () => {
        try {
          const found = existing.result;
          if ((found === undefined ? 0 : storedVersion(found.version)) !== stored.version - 1) return settle(false);
          connections.put(found === undefined ? stored : { ...stored, createdAt: found.createdAt });
          for (const row of events) log.add(row);
          settle(true);
        } catch (error) {
          fail(error);
        }
      };
    });

  /** Runs `body` in one readonly transaction; it calls `resolve` or `reject` from its callbacks. */
  const read = async (/** @type {string} */ store, /** @type {(objectStore: IDBObjectStore, resolve: (value: any) => void, reject: (error: unknown) => void) => void} */ body) => {
    const transaction = await begin(store, "readonly");
    return new Promise((resolve, reject) => {
      transaction.onabort = () => reject(transaction.error ?? new DOMException("The transaction was aborted", "AbortError"));
      try {
        body(transaction.objectStore(store), resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
  };

  /** The result of one request, in a readonly transaction of its own. */
  const ask = (/** @type {string} */ store, /** @type {(objectStore: IDBObjectStore) => IDBRequest} */ make) =>
    read(store, (objectStore, resolve, reject) => {
      const request = make(objectStore);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });

  const eventBus = {
    /** @param {import("../index.js").ProviderEvent} event */
    async publish(event) {
      const row = logRow(eventColumns(event));
      await write([EVENTS], ([events]) => {
        events.add(row);
      });
    },
  };

  return {
    repository: {
      async save(record) {
        return writeConnection(storedRecord(record, "save"), []);
      },
      async commit(record, events, options) {
        // A browser's database keeps no idempotency keys or sync clients: a commit asked to write
        // one is refused rather than done without it.
        if (options?.idempotency !== undefined || options?.mutation !== undefined) {
          throw new TypeError("indexeddb store: commit keeps no idempotency key or sync mutation (options.idempotency, options.mutation)");
        }
        const stored = storedRecord(record, "commit");
        const rows = commitEventColumns(events, "indexeddb store: commit").map(logRow);
        return writeConnection(stored, rows);
      },
      async findById(connectionId) {
        const found = await ask(CONNECTIONS, (connections) => connections.get(connectionId));
        return found === undefined ? null : recordOfStored(found);
      },
      findByUserId: async (userId) => (await ask(CONNECTIONS, (connections) => connections.index("byUser").getAll(userId))).map(recordOfStored),
      findActiveByUser: async (userId) =>
        (await ask(CONNECTIONS, (connections) => connections.index("byUserStatus").getAll([userId, "active"]))).map(recordOfStored),
      /**
       * Read from the [status, credentials.expiresAt] index rather than by scanning: records without
       * credentials or expiry are not in it. The range starts below every string and stops two days
       * past the bound, which any ISO instant at or before the bound sorts under whatever its offset;
       * each candidate is then compared as a time (so `+01:00` offsets and six-digit years, which
       * sort below four-digit ones, are judged right).
       */
      async findExpiringBefore(instant) {
        const bound = typeof instant === "string" ? Date.parse(instant) : Number.NaN;
        if (Number.isNaN(bound)) throw new TypeError("findExpiringBefore: instant must be an ISO instant");
        const last = bound + OFFSET_MARGIN_MS;
        const upper = last > LAST_FOUR_DIGIT_YEAR ? [] : new Date(last).toISOString();
        const range = KeyRange.bound(["active", ""], ["active", upper]);
        /** @type {ProviderConnectionRecord[]} */
        const candidates = await ask(CONNECTIONS, (connections) => connections.index("byStatusExpiry").getAll(range));
        return candidates.filter((record) => Date.parse(record.credentials?.expiresAt ?? "") <= bound).map(recordOfStored);
      },
      eventBus,
    },
    eventBus,
    /**
     * An offline client's rebase: everything the store holds of `userId` (connections and events)
     * replaced by `records` and `events`, in one transaction, checked whole before it starts. The
     * events the log already holds in the same order, from its start, stay where they are.
     */
    async replaceUser(userId, { records, events }) {
      if (typeof userId !== "string" || userId === "") throw new TypeError("indexeddb store: replaceUser: userId must be a non-empty string");
      if (!Array.isArray(records) || !Array.isArray(events)) throw new TypeError("indexeddb store: replaceUser: records and events must be arrays");
      /** @type {Set<string>} */
      const ids = new Set();
      const kept = records.map((record, i) => {
        const stored = storedRecord(record, `replaceUser: records[${i}]`);
        if (stored.userId !== userId) throw new TypeError(`indexeddb store: replaceUser: records[${i}].userId is not ${userId}`);
        if (ids.has(stored.id)) throw new TypeError(`indexeddb store: replaceUser: records[${i}].id is given twice`);
        ids.add(stored.id);
        return stored;
      });
      const rows = commitEventColumns(events, "indexeddb store: replaceUser").map(logRow);
      // The log keys an event by its user's id in lower case (event-query.js).
      const eventUser = userId.toLowerCase();
      rows.forEach((row, i) => {
        if (row.userId !== eventUser) throw new TypeError(`indexeddb store: replaceUser: events[${i}].userId is not ${userId}`);
      });
      await write([CONNECTIONS, EVENTS], ([connections, log], fail) => {
        const ownConnections = connections.index("byUser").getAllKeys(userId);
        ownConnections.onsuccess = () => {
          const own = new Set(ownConnections.result);
          for (const id of own) connections.delete(id);
          kept.forEach((record, i) => {
            // An id that was not this user's must be free: added, not put, so that another user's
            // connection under it is refused rather than taken over.
            const request = own.has(record.id) ? connections.put(record) : connections.add(record);
            request.onerror = (event) => {
              event.preventDefault();
              fail(new TypeError(`indexeddb store: replaceUser: records[${i}].id is another user's connection, or given twice`));
            };
          });
        };
        // The user's log as it stands is kept as far as it agrees with `events`, and only the rest is
        // replaced: a rebase after a sync finds the events of the last one in place (a user with
        // 5,000 events took 2 s a rebase in Chromium when each was deleted and added again).
        const ownEvents = log.index("byUserSequence").getAll(KeyRange.bound([eventUser, 0], [eventUser, Infinity]));
        ownEvents.onsuccess = () => {
          try {
            /** @type {{ sequence: number, event: unknown }[]} */
            const own = ownEvents.result;
            let same = 0;
            while (same < own.length && same < rows.length && JSON.stringify(own[same].event) === JSON.stringify(rows[same].event)) same += 1;
            for (const row of own.slice(same)) log.delete(row.sequence);
            rows.slice(same).forEach((row, i) => {
              const request = log.add(row);
              request.onerror = (event) => {
                event.preventDefault();
                // The eventId index is unique: a ConstraintError is another user's event under it; anything else (a full disk) is itself.
                fail(request.error?.name === "ConstraintError" ? new TypeError(`indexeddb store: replaceUser: events[${same + i}].eventId is in another user's log`) : request.error);
              };
            });
          } catch (error) {
            fail(error);
          }
        };
      });
    },
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      return read(EVENTS, (events, resolve, reject) => {
        const list = (/** @type {number} */ from) => {
          const request =
            userId === null
              ? events.getAll(KeyRange.lowerBound(from, true), limit)
              : events.index("byUserSequence").getAll(KeyRange.bound([userId, from], [userId, Infinity], true, false), limit);
          request.onsuccess = () => resolve(request.result.map((row) => row.event));
          request.onerror = () => reject(request.error);
        };
        if (after === null) return list(0);
        const found = events.index("byEventId").get(after);
        found.onsuccess = () => {
          const row = found.result;
          if (!row || (userId !== null && row.userId !== userId)) reject(unknownAfter());
          else list(row.sequence);
        };
        found.onerror = () => reject(found.error);
      });
    },
    async migrate() {
      await database();
    },
    close() {
      const db = current;
      opening = null;
      current = null;
      db?.close();
    },
  };
}

/**
 * The record as it is kept: the record's own shape, checked, absent fields null, and the secret
 * copied into a Uint8Array of its own (not the whole buffer a view may sit on).
 * @param {unknown} record @param {string} what
 * @returns {ProviderConnectionRecord}
 */
function storedRecord(record, what) {
  const stored = checkedRecord(record, `indexeddb store: ${what}`, (bytes) => bytes.slice());
  // The expiry index compares text: kept as toISOString writes it (as the SQL stores keep it), an
  // instant in another form Date.parse reads ("Tue, 01 Dec 2026 11:00:00 GMT") is found by
  // findExpiringBefore too, where its text sorted past every ISO bound.
  if (stored.credentials && typeof stored.credentials.expiresAt === "string") {
    return { ...stored, credentials: { ...stored.credentials, expiresAt: canonicalInstant(stored.credentials.expiresAt) } };
  }
  return stored;
}

/**
 * The record of a kept value (structured clone gave it a secret of its own); one kept before
 * records had versions is version 1.
 * @param {any} stored @returns {ProviderConnectionRecord}
 */
function recordOfStored(stored) {
  return recordOf(stored, { secret: (bytes) => bytes });
}

/** Resolves when the transaction commits; rejects with its error, or with `failure()` when it was aborted for one. */
function committed(/** @type {IDBTransaction} */ transaction, /** @type {() => unknown} */ failure) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(undefined);
    transaction.onabort = () => reject(failure() ?? transaction.error ?? new DOMException("The transaction was aborted", "AbortError"));
  });
}

/**
 * An event's row in the log: its columns, and the event as its JSON reads back, as every other
 * store keeps it (a structured clone would keep what JSON drops, and refuse a function).
 * @param {ReturnType<typeof eventColumns>} columns
 */
function logRow({ json, ...columns }) {
  return { ...columns, event: JSON.parse(json) };
}

