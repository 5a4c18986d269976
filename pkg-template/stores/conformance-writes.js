// The conformance cases of the conditional write: a save or commit of a stale version changes
// nothing, a commit writes its record and events together or not at all, two writers of one
// version never both win (with clients of their own where the harness has them), and handlers
// racing on one connection, or meeting a database that fails at any call, leave it as if they ran
// one at a time: the table changed exactly when the log says it did.
import { deepEqual, equal, ok, rejects } from "./conformance-check.js";
import { STATUSES, conformanceRecord, event, msFrom, secret, uuid } from "./conformance-fixtures.js";

/** @typedef {import("./conformance.js").ConformanceHarness} ConformanceHarness */
/** @typedef {import("./conformance.js").FreshDatabase} FreshDatabase */
/** @typedef {import("./index.js").ConnectionStore} ConnectionStore */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("../index.js").ProviderEvent} ProviderEvent */

/** A record's keys in their order, `version` last. */
const RECORD_KEYS = [
  "id", "userId", "providerId", "providerSlug", "status", "alias", "credentials",
  "connectedAt", "lastSyncAt", "createdAt", "updatedAt", "version",
];
/** Other clients the concurrency cases race from, where the harness can open them. */
const OTHER_CLIENTS = 3;
/** A run of a command that still meets the fault after this many calls is an error of the case. */
const MAX_FAIL_FROM = 200;

const credentials = (/** @type {number} */ n = 40) => ({ encryptedData: secret(n), credentialType: "oauth2", expiresAt: "2027-03-01T10:00:00.000Z" });
/** How many of `values` are `value`. */
const count = (/** @type {unknown[]} */ values, /** @type {unknown} */ value) => values.filter((v) => v === value).length;

/**
 * The clients `body` races from: the case's store, and OTHER_CLIENTS more on connections of their
 * own (a harness's `faulty` store that never fails), closed after.
 * @param {FreshDatabase} db @param {(stores: ConnectionStore[]) => Promise<void>} body
 */
export async function withClients(db, body, others = OTHER_CLIENTS) {
  const opened = db.faulty ? await Promise.all(Array.from({ length: others }, () => /** @type {NonNullable<FreshDatabase["faulty"]>} */ (db.faulty)(Number.POSITIVE_INFINITY))) : [];
  try {
    await body([db.store, ...opened.map((client) => client.store)]);
  } finally {
    for (const client of opened) await client.close();
  }
}

/**
 * @param {ConformanceHarness} harness
 * @param {(body: (db: FreshDatabase) => Promise<void>) => () => Promise<void>} onFresh
 */
export function writeCases(harness, onFresh) {
  const { api } = harness;
  return {
    "a stale save or commit is refused with false and changes nothing": onFresh(async ({ store }) => {
      const { repository } = store;
      const v1 = conformanceRecord();
      equal(await repository.save(v1), true, "v1 saved");
      const v2 = { ...v1, alias: "Second", updatedAt: msFrom(v1.updatedAt, 1_000), version: 2 };
      equal(await repository.save(v2), true, "v2 saved over v1");
      const otherV2 = { ...v1, alias: "Another second", status: "revoked", updatedAt: msFrom(v1.updatedAt, 2_000), version: 2 };
      equal(await repository.save(otherV2), false, "another v2");
      equal(await repository.save({ ...v1, alias: "Back to one" }), false, "a v1 over v2");
      equal(await repository.save({ ...v2, alias: "Skipping ahead", version: 4 }), false, "a v4 over v2");
      deepEqual(await repository.findById(v1.id), v2, "the v2 record after the stale saves");
      const unknown = conformanceRecord({ version: 2 });
      equal(await repository.save(unknown), false, "a v2 of an id never saved");
      equal(await repository.findById(unknown.id), null, "nothing written for it");
      equal(await repository.commit({ ...otherV2 }, [event(v1.userId, 1)]), false, "a commit of a stale v2");
      equal(await repository.commit({ ...v2, version: 5 }, [event(v1.userId, 3)]), false, "a commit of a v5 over v2");
      equal(await repository.commit(unknown, [event(unknown.userId, 1)]), false, "a commit of a v2 never saved");
      deepEqual(await repository.findById(v1.id), v2, "the v2 record after the stale commits");
      deepEqual(await store.events(), [], "no event appended by a refused commit");
      equal(repository.eventBus, store.eventBus, "repository.eventBus is the store's event bus");
    }),

    "commit writes the record and its events together, and every save and commit keeps the first createdAt": onFresh(async ({ store }) => {
      const { repository } = store;
      const v1 = conformanceRecord();
      const first = [event(v1.userId, 0), event(v1.userId, 1)];
      equal(await repository.commit(v1, first), true, "the first commit");
      deepEqual(await repository.findById(v1.id), v1, "the record committed");
      deepEqual(await store.events(), first, "its events, in order");
      const v2 = { ...v1, status: "disconnected", credentials: null, createdAt: "2030-01-01T00:00:00.000Z", updatedAt: msFrom(v1.updatedAt, 5_000), version: 2 };
      equal(await repository.save(v2), true, "a save with another createdAt");
      deepEqual(await repository.findById(v1.id), { ...v2, createdAt: v1.createdAt }, "the first createdAt kept by save");
      const v3 = { ...v2, status: "active", credentials: credentials(64), createdAt: "1999-01-01T00:00:00.000Z", updatedAt: msFrom(v1.updatedAt, 9_000), version: 3 };
      const third = [event(v1.userId, 3)];
      equal(await repository.commit(v3, third), true, "a commit with another createdAt");
      deepEqual(await repository.findById(v1.id), { ...v3, createdAt: v1.createdAt }, "the first createdAt kept by commit");
      deepEqual(await store.events(), [...first, ...third], "the log after both commits");
      deepEqual(await store.events({ userId: v1.userId, after: first[1].eventId }), third, "read after the first commit's last event");
      const v4 = { ...v3, alias: null, updatedAt: msFrom(v1.updatedAt, 10_000), version: 4 };
      equal(await repository.commit(v4, []), true, "a commit with no events");
      deepEqual(await repository.findById(v1.id), { ...v4, createdAt: v1.createdAt }, "written like a save");
      equal((await store.events()).length, 3, "and nothing logged");
    }),

    "save and commit refuse a malformed record or event naming the field, and write nothing": onFresh(async ({ store }) => {
      const { repository } = store;
      const record = conformanceRecord();
      equal(await repository.save(record), true, "a record saved first");
      const next = { ...record, alias: "Next", version: 2 };
      /** @type {[string, unknown][]} */
      const bad = [
        ["version", { ...next, version: 0 }], ["version", { ...next, version: 2.5 }], ["version", { ...next, version: "2" }],
        ["version", (({ version, ...rest }) => rest)(next)], ["id", { ...next, id: 7 }], ["userId", { ...next, userId: null }],
        ["status", { ...next, status: "" }], ["encryptedData", { ...next, credentials: { ...next.credentials, encryptedData: "s3cr3t-bytes" } }],
        ["credentialType", { ...next, credentials: { ...next.credentials, credentialType: null } }],
        ["updatedAt", { ...next, updatedAt: "yesterday" }], ["alias", { ...next, alias: 12 }],
      ];
      for (const [field, value] of bad) {
        for (const write of ["save", "commit"]) {
          const refused = await rejects(
            Promise.resolve().then(() => (write === "save" ? repository.save(/** @type {any} */ (value)) : repository.commit(/** @type {any} */ (value), [event(record.userId, 1)]))),
            `${write} of a record with a bad ${field} is refused`,
          );
          ok(String(/** @type {Error} */ (refused)?.message).includes(field), `${write}: the error names ${field}: ${refused}`);
          ok(!String(/** @type {Error} */ (refused)?.message).includes("s3cr3t"), `${write}: the error does not carry the secret: ${refused}`);
        }
      }
      const twice = event(record.userId, 1);
      for (const [field, events] of /** @type {[string, unknown][]} */ ([
        ["events", "not an array"], ["events[1].eventId", [event(record.userId, 0), { ...event(record.userId, 1), eventId: "nope" }]],
        ["events[0].occurredAt", [{ ...event(record.userId, 1), occurredAt: "never" }]], ["eventId", [twice, { ...event(record.userId, 3), eventId: twice.eventId }]],
        ["events[1]", [event(record.userId, 0), { ...event(record.userId, 1), amount: 10n }]],
      ])) {
        const refused = await rejects(Promise.resolve().then(() => repository.commit(next, /** @type {any} */ (events))), `a commit with bad events (${field}) is refused`);
        ok(String(/** @type {Error} */ (refused)?.message).includes(field), `the error names ${field}: ${refused}`);
      }
      deepEqual(await repository.findById(record.id), record, "the record as first saved");
      deepEqual(await store.events(), [], "nothing logged");
    }),

    "every record shape round-trips with its version, version last": onFresh(async (db) => {
      const { repository } = db.store;
      const userId = uuid();
      const shapes = [
        (/** @type {string} */ status) => ({ credentials: status === "disconnected" ? null : credentials(16) }),
        () => ({ credentials: { encryptedData: secret(1), credentialType: "custom", expiresAt: null }, alias: null }),
        () => ({ credentials: null, alias: null, connectedAt: null, lastSyncAt: null }),
        () => ({ lastSyncAt: "2026-12-01T00:00:00.001Z", alias: "Ünïcode ✓" }),
      ];
      const versions = [1, 2, 2 ** 40];
      if (!db.setVersion) console.warn("conformance: this harness has no setVersion(); version 2**40 is not read back");
      /** @type {ProviderConnectionRecord[]} */
      const saved = [];
      let n = 0;
      for (const status of STATUSES) {
        for (const version of versions) {
          n += 1;
          const record = conformanceRecord({ userId, status, ...shapes[n % shapes.length](status), version: 1 });
          if (version === 2 ** 40 && !db.setVersion) continue;
          equal(await repository.save(record), true, `${status} v1 saved`);
          const final = { ...record, updatedAt: msFrom(record.updatedAt, n), version };
          if (version === 2) equal(await repository.save(final), true, `${status} v2 saved`);
          if (version === 2 ** 40) {
            await /** @type {NonNullable<FreshDatabase["setVersion"]>} */ (db.setVersion)(record.id, version - 1);
            equal(await repository.save(final), true, `${status} v${version} saved over v${version - 1}`);
          }
          const found = await repository.findById(record.id);
          deepEqual(found, version === 1 ? record : final, `${status} at version ${version}`);
          deepEqual(Object.keys(/** @type {object} */ (found)), RECORD_KEYS, `the keys of ${status} v${version}, in order`);
          saved.push(version === 1 ? record : final);
        }
      }
      const listed = await repository.findByUserId(userId);
      deepEqual(
        listed.map((r) => [r.id, r.version]).sort(),
        saved.map((r) => [r.id, r.version]).sort(),
        "findByUserId answers each with its version",
      );
    }),

    "of 20 writers of the same next version, from several clients at once, exactly one wins": onFresh(async (db) => {
      await withClients(db, async (stores) => {
        const writers = (/** @type {number} */ n) => stores[n % stores.length].repository;
        const base = conformanceRecord();
        const firsts = Array.from({ length: 20 }, (_, n) => ({ ...base, alias: `First ${n}` }));
        const created = await Promise.all(firsts.map((record, n) => writers(n).save(record)));
        equal(count(created, true), 1, `one first version written: ${JSON.stringify(created)}`);
        deepEqual(await db.store.repository.findById(base.id), firsts[created.indexOf(true)], "the winning first version");
        const winner = firsts[created.indexOf(true)];
        const seconds = Array.from({ length: 20 }, (_, n) => ({ ...winner, alias: `Second ${n}`, updatedAt: msFrom(winner.updatedAt, n), version: 2 }));
        const saved = await Promise.all(seconds.map((record, n) => writers(n + 1).save(record)));
        equal(count(saved, true), 1, `one second version written: ${JSON.stringify(saved)}`);
        deepEqual(await db.store.repository.findById(base.id), seconds[saved.indexOf(true)], "the winning second version");
        const second = seconds[saved.indexOf(true)];
        const thirds = Array.from({ length: 20 }, (_, n) => ({ ...second, alias: `Third ${n}`, updatedAt: msFrom(second.updatedAt, n), version: 3 }));
        const logs = thirds.map((_, n) => [event(base.userId, 2 * n), event(base.userId, 2 * n + 1)]);
        const committed = await Promise.all(thirds.map((record, n) => writers(n + 2).commit(record, logs[n])));
        equal(count(committed, true), 1, `one commit of the third version written: ${JSON.stringify(committed)}`);
        deepEqual(await db.store.repository.findById(base.id), thirds[committed.indexOf(true)], "the winning commit's record");
        deepEqual(await db.store.events(), logs[committed.indexOf(true)], "the winning commit's events, and no other");
      });
    }),

    "a commit the database refuses writes nothing, and takes none of the commits beside it down with it": onFresh(async ({ store }) => {
      const userId = uuid();
      const logged = event(userId, 0);
      await store.eventBus.publish(logged);
      // 20 commits at once on one client: the odd ones append an event whose eventId the log has already.
      const records = Array.from({ length: 20 }, (_, n) => conformanceRecord({ userId, alias: `Commit ${n}` }));
      const events = records.map((_, n) => (n % 2 ? [event(userId, 2 * n + 1), { ...event(userId, 2 * n + 2), eventId: logged.eventId }] : [event(userId, 2 * n + 1)]));
      const outcomes = await Promise.allSettled(records.map((record, n) => store.repository.commit(record, events[n])));
      for (const [n, outcome] of outcomes.entries()) {
        if (n % 2) {
          equal(outcome.status, "rejected", `commit ${n}, with an eventId the log has, is refused`);
          equal(await store.repository.findById(records[n].id), null, `commit ${n} wrote no record`);
        } else {
          deepEqual(outcome, { status: "fulfilled", value: true }, `commit ${n}`);
          deepEqual(await store.repository.findById(records[n].id), records[n], `commit ${n}'s record`);
        }
      }
      const expected = [logged, ...events.filter((_, n) => n % 2 === 0).flat()];
      const log = await store.events({ userId });
      deepEqual([...log].sort((a, b) => (a.eventId < b.eventId ? -1 : 1)), [...expected].sort((a, b) => (a.eventId < b.eventId ? -1 : 1)), "the log holds the even commits' events and no other");
    }),

    "100 racing Refresh/Disconnect pairs end as if each pair ran one after the other": onFresh(async (db) => {
      // With a second client where the harness has one: each pair's two commands on different clients.
      await withClients(db, async (stores) => {
        const userId = uuid();
        const connect = new api.ConnectProviderHandler(db.store.repository, db.store.eventBus);
        const connected = await Promise.all(Array.from({ length: 100 }, (_, n) =>
          connect.handle({ userId, providerId: uuid(), providerSlug: "schwab", alias: `Account ${n}`, credentials: credentials(32) })));
        ok(connected.every((result) => result.ok), `every connect succeeds: ${JSON.stringify(connected.find((result) => !result.ok))}`);
        const ids = connected.map((result) => /** @type {{ value: string }} */ (result).value);
        // Each store's repository as the handlers see it, counting the commits it refused as stale
        // (so the case knows its writers met); its eventBus is still the store's, so they commit.
        let stale = 0;
        const counted = stores.map(({ repository }) => ({
          findById: (/** @type {string} */ id) => repository.findById(id),
          save: (/** @type {ProviderConnectionRecord} */ record) => repository.save(record),
          commit: async (/** @type {ProviderConnectionRecord} */ record, /** @type {ProviderEvent[]} */ events) => {
            const written = await repository.commit(record, events);
            if (!written) stale += 1;
            return written;
          },
          eventBus: repository.eventBus,
        }));
        const handlers = stores.map((store, i) => ({
          refresh: new api.RefreshProviderTokensHandler(counted[i], store.eventBus),
          disconnect: new api.DisconnectProviderHandler(counted[i], store.eventBus),
        }));
        const started = Date.now();
        const answers = await Promise.all(ids.map((connectionId, n) => {
          const refresh = () => handlers[n % handlers.length].refresh.handle({ userId, connectionId, credentials: credentials(48) });
          const disconnect = () => handlers[(n + 1) % handlers.length].disconnect.handle({ userId, connectionId });
          if (n % 2 === 0) {
            const refreshed = refresh();
            return Promise.all([refreshed, disconnect()]);
          }
          const disconnected = disconnect();
          return Promise.all([refresh(), disconnected]);
        }));
        const racing = Date.now() - started;
        const log = await db.store.events({ userId, limit: 10_000 });
        const records = await db.store.repository.findByUserId(userId);
        const refreshedFirst = checkRacedPairs({ ids, answers, log, records });
        console.log(`conformance: of 100 racing pairs, ${refreshedFirst} refreshed before the disconnect; ${stale} commits refused as stale (the 200 commands took ${racing} ms)`);
        ok(stale > 0, "the pairs met: some commit was refused as stale and decided again");
      }, 1);
    }),

    "a database that fails at any call: through Connect, Refresh and Disconnect, a Connect and a Disconnect keeping an Idempotency-Key answer, and a Connect and a Refresh keeping a sync advance, the change is stored exactly when its Succeeded event is logged, and so is what the commit keeps with it": onFresh(async (db) => {
      if (!db.faulty) {
        // A store that passes without its faults tried has not passed this case: leaving it out is said.
        if (harness.faults !== false) throw new Error("conformance: this harness's database has no faulty(): give it one (a second client that fails from a given call on), or set faults: false on the harness to leave the fault case out");
        console.warn("conformance: the fault-injection case is left out (faults: false)");
        return;
      }
      const faulty = db.faulty;
      const { store } = db;
      const connect = new api.ConnectProviderHandler(store.repository, store.eventBus);
      // A publish the fault fails is expected here; the handlers would print each one.
      const quiet = { onEventBusError: () => {} };
      /** A connection to act on, made through the healthy store. */
      const connectedOne = async (/** @type {string} */ userId) => {
        const result = await connect.handle({ userId, providerId: uuid(), providerSlug: "schwab", credentials: credentials(24) });
        ok(result.ok, `the healthy store connects: ${JSON.stringify(result)}`);
        return /** @type {string} */ (/** @type {any} */ (result).value);
      };
      const databaseError = { ok: false, error: "Database error occurred", code: "DATABASE_ERROR" };
      /**
       * @type {Record<string, {
       *   prepare(userId: string): Promise<{ connectionId?: string, providerId?: string }>,
       *   run(s: ConnectionStore, userId: string, subject: { connectionId?: string, providerId?: string }): Promise<any>,
       *   changed(userId: string, subject: { connectionId?: string, providerId?: string }): Promise<boolean>,
       *   succeeded: string, failure: object,
       * }>}
       */
      const commands = {
        Connect: {
          prepare: async () => ({ providerId: uuid() }),
          run: (s, userId, { providerId }) =>
            new api.ConnectProviderHandler(s.repository, s.eventBus, quiet).handle({ userId, providerId: /** @type {string} */ (providerId), providerSlug: "schwab", credentials: credentials(24) }),
          changed: async (userId) => (await store.repository.findByUserId(userId)).length === 1,
          succeeded: "ProviderConnectionSucceeded",
          failure: databaseError,
        },
        Refresh: {
          prepare: async (userId) => ({ connectionId: await connectedOne(userId) }),
          run: (s, userId, { connectionId }) =>
            new api.RefreshProviderTokensHandler(s.repository, s.eventBus, quiet).handle({ userId, connectionId: /** @type {string} */ (connectionId), credentials: credentials(56) }),
          changed: async (_, { connectionId }) => (await store.repository.findById(/** @type {string} */ (connectionId)))?.version === 2,
          succeeded: "ProviderTokenRefreshSucceeded",
          failure: { ...databaseError, needsUserAction: false },
        },
        Disconnect: {
          prepare: async (userId) => ({ connectionId: await connectedOne(userId) }),
          run: (s, userId, { connectionId }) =>
            new api.DisconnectProviderHandler(s.repository, s.eventBus, quiet).handle({ userId, connectionId: /** @type {string} */ (connectionId) }),
          changed: async (_, { connectionId }) => (await store.repository.findById(/** @type {string} */ (connectionId)))?.status === "disconnected",
          succeeded: "ProviderDisconnectionSucceeded",
          failure: databaseError,
        },
      };
      /** `base` with its commit carrying `options(userId)` too, as a service's keyed request or sync push does. */
      const committing = (/** @type {typeof commands.Connect} */ base, /** @type {(userId: string) => object} */ options) => ({
        ...base,
        run: (/** @type {ConnectionStore} */ s, /** @type {string} */ userId, /** @type {{ connectionId?: string, providerId?: string }} */ subject) => {
          const repository = { ...s.repository, commit: (/** @type {any} */ record, /** @type {any[]} */ events) => s.repository.commit(record, events, options(userId)) };
          return base.run({ ...s, repository }, userId, subject);
        },
      });
      /** @type {Record<string, (userId: string) => Promise<boolean>>} whether what a command's options keep was kept, by command */
      const keptWith = {};
      if (harness.idempotency !== false) {
        // The answer to an Idempotency-Key, kept in the commit: replayed exactly when the change is stored.
        const keys = /** @type {import("./index.js").IdempotencyStore} */ (/** @type {any} */ (store).idempotency);
        const tokens = new Map();
        const KEY = "fault-key";
        const FP = "f".repeat(64);
        const response = { status: 201, body: { kept: true } };
        /** `base` as a keyed request runs it: the key claimed first, its answer kept in the commit. @param {typeof commands.Connect} base */
        const keyed = (base) => ({
          ...committing(base, (userId) => ({ idempotency: { userId, key: KEY, token: tokens.get(userId), response } })),
          prepare: async (/** @type {string} */ userId) => {
            const subject = await base.prepare(userId);
            const claim = await keys.claim(userId, KEY, FP, Date.now(), 600_000);
            equal(claim.state, "claimed", "the key is claimed before the command");
            tokens.set(userId, /** @type {any} */ (claim).token);
            return subject;
          },
        });
        /** @param {string} userId */
        const answerKept = async (userId) => {
          const again = await keys.claim(userId, KEY, FP, Date.now(), 600_000);
          if (again.state === "replay") deepEqual(again.response, response, "the kept answer");
          else equal(again.state, "running", `a key whose answer was not kept is still claimed: ${JSON.stringify(again)}`);
          return again.state === "replay";
        };
        for (const name of ["Connect", "Disconnect"]) {
          commands[`${name} with an Idempotency-Key`] = keyed(commands[name]);
          keptWith[`${name} with an Idempotency-Key`] = answerKept;
        }
      }
      if (harness.sync !== false) {
        // A sync client's advance past its mutation, in the commit: moved exactly when the change is stored.
        const sync = /** @type {import("./index.js").SyncClients} */ (/** @type {any} */ (store).sync);
        /** @param {string} userId */
        const advanced = async (userId) => {
          const last = await sync.lastMutation(userId, "fault-client");
          ok(last === 0 || last === 1, `the client is at 0 or 1: ${last}`);
          return last === 1;
        };
        for (const name of ["Connect", "Refresh"]) {
          commands[`${name} as a sync push's mutation`] = committing(commands[name], (userId) => ({ mutation: { userId, clientId: "fault-client", from: 0, to: 1 } }));
          keptWith[`${name} as a sync push's mutation`] = advanced;
        }
      }
      // Two kinds of fault: a call that fails before it reaches the database, and (unless the harness
      // says faultsAfter: false) a call that reaches it and whose answer is lost, as a COMMIT that
      // landed as the connection dropped; every call after fails either way.
      const modes = harness.faultsAfter === false ? [false] : [false, true];
      for (const after of modes) for (const [name, command] of Object.entries(commands)) {
        for (let failFrom = 1; ; failFrom += 1) {
          if (failFrom > MAX_FAIL_FROM) throw new Error(`${name}: still failing from call ${MAX_FAIL_FROM}: does faulty() count every call?`);
          const userId = uuid();
          const subject = await command.prepare(userId);
          const client = await faulty(failFrom, { after });
          let answer;
          try {
            answer = await command.run(client.store, userId, subject);
          } finally {
            await client.close();
          }
          const reached = client.reached ? client.reached() : !answer.ok;
          const where = `${name} failing ${after ? "after" : "from"} call ${failFrom}`;
          const changed = await command.changed(userId, subject);
          const log = await store.events({ userId });
          const succeeded = log.filter((e) => e.eventType === command.succeeded && (subject.providerId ? /** @type {any} */ (e).providerId === subject.providerId : /** @type {any} */ (e).connectionId === subject.connectionId));
          ok(succeeded.length <= 1, `${where}: ${command.succeeded} logged once at most: ${succeeded.length}`);
          const logged = succeeded.length === 1;
          equal(changed, logged, `${where}: the table changed (${changed}) exactly when ${command.succeeded} is logged (${logged})`);
          if (keptWith[name]) equal(await keptWith[name](userId), changed, `${where}: what the commit's options keep was kept exactly when the table changed (${changed})`);
          if (harness.outbox !== false) {
            const queued = (await /** @type {import("./index.js").OutboxConnectionStore} */ (store).outbox.pending(1000)).map((entry) => entry.event).filter((e) => e.userId === userId);
            deepEqual(queued, log, `${where}: the outbox holds exactly the user's logged events`);
          }
          if (db.queued) {
            // A queue's messages carry no user: every event of the case's database against every message.
            const all = (await store.events({ limit: 10_000 })).map((e) => e.eventId).sort();
            deepEqual((await db.queued()).sort(), all, `${where}: the queue holds exactly the logged events`);
          }
          if (answer.ok) ok(changed, `${where}: an ok answer is a stored change: ${JSON.stringify(answer)}`);
          else {
            // The error is the DATABASE_ERROR text, with what the client's error said after a colon.
            ok(typeof answer.error === "string" && answer.error.startsWith("Database error occurred"), `${where}: the error says so: ${answer.error}`);
            deepEqual(answer, { ...command.failure, error: answer.error }, `${where}: the failure answer`);
          }
          if (!reached) {
            ok(answer.ok && changed, `${where}: a run the fault did not reach succeeds: ${JSON.stringify(answer)}`);
            console.log(`conformance: ${name} met a fault ${after ? "after" : "at"} each of its first ${failFrom - 1} calls`);
            break;
          }
        }
      }
    }),
  };
}

/**
 * Throws unless racing Refresh/Disconnect pairs ended as if each pair ran one after the other:
 * every connection disconnected without a secret; each Disconnect answered ok; each Refresh either
 * ok, its Succeeded event logged before the disconnect's, or refused as not active, its Failed
 * event logged after; one version a Succeeded event, the connect's included. Answers how many were
 * refreshed first. (The IndexedDB tests run it over two pages, two tabs of one database.)
 * @param {{ ids: string[], answers: [any, any][], log: ProviderEvent[], records: ProviderConnectionRecord[] }} raced
 *   `answers[n]` is the Refresh and the Disconnect answer of connection `ids[n]`; `log` the user's events
 */
export function checkRacedPairs({ ids, answers, log, records }) {
  const stored = new Map(records.map((record) => [record.id, record]));
  equal(stored.size, ids.length, "the user's connections");
  let refreshedFirst = 0;
  for (const [n, connectionId] of ids.entries()) {
    const [refreshed, disconnected] = answers[n];
    deepEqual(disconnected, { ok: true, value: null }, `the disconnect of connection ${n}`);
    const types = log.filter((e) => /** @type {any} */ (e).connectionId === connectionId).map((e) => e.eventType);
    const at = (/** @type {string} */ type) => types.indexOf(type);
    if (refreshed.ok) {
      deepEqual(refreshed, { ok: true, value: null }, `the refresh of connection ${n}`);
      refreshedFirst += 1;
      deepEqual([...types].sort(), [
        "ProviderConnectionSucceeded", "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded",
        "ProviderTokenRefreshAttempted", "ProviderTokenRefreshSucceeded",
      ], `the events of connection ${n} (refreshed, then disconnected)`);
      ok(at("ProviderTokenRefreshSucceeded") < at("ProviderDisconnectionSucceeded"), `connection ${n}: refreshed before it was disconnected: ${types}`);
    } else {
      deepEqual(refreshed, { ok: false, error: "Connection is not active", code: "NOT_ACTIVE", needsUserAction: true }, `the refresh of connection ${n}`);
      deepEqual([...types].sort(), [
        "ProviderConnectionSucceeded", "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded",
        "ProviderTokenRefreshAttempted", "ProviderTokenRefreshFailed",
      ], `the events of connection ${n} (disconnected, then refused a refresh)`);
      ok(at("ProviderDisconnectionSucceeded") < at("ProviderTokenRefreshFailed"), `connection ${n}: the refresh failed after the disconnect: ${types}`);
    }
    equal(at("ProviderConnectionSucceeded"), 0, `connection ${n}: connected first`);
    const record = stored.get(connectionId);
    equal(record?.status, "disconnected", `connection ${n} ends disconnected`);
    equal(record?.credentials, null, `connection ${n} keeps no secret`);
    equal(record?.version, types.filter((type) => type.endsWith("Succeeded")).length, `connection ${n}: one version a Succeeded event (its connect included)`);
  }
  equal(log.length, 6 * ids.length, "two events a connect, two a disconnect, two a refresh");
  return refreshedFirst;
}
