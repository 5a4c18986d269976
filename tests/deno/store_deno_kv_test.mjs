// The store conformance suite on Deno KV: a fresh KV file per case, re-opened for reopen(), and
// migrate() run from other Deno processes at once by support/migrate_deno_kv.mjs; faulty() opens
// the file again behind a client that fails from a given call on. Needs --unstable-kv
// --allow-read --allow-write --allow-run (and --allow-env for the package).
import * as api from "connect-provider";
import { storeConformanceCases } from "connect-provider/stores/conformance";
import { denoKvStore } from "connect-provider/stores/deno-kv";
import { faultyClient } from "../workerd/faulty-client.js";

/** The calls of a Deno.Kv (and of its atomic operations) that reach the database. */
const KV_CALLS = new Set(["get", "getMany", "list", "commit"]);
const ROOT = "connect_provider";

/**
 * Sets a stored record's version past the store's check: its value and its secret's chunks are
 * written again in one atomic operation (the chunks must carry the record's versionstamp).
 * @param {Deno.Kv} kv @param {string} connectionId @param {number | undefined} version undefined: none, as an older store wrote it
 */
export async function setStoredVersion(kv, connectionId, version) {
  const id = connectionId.toLowerCase();
  const owner = await kv.get([ROOT, "owners", id]);
  const key = [ROOT, "connections", owner.value, id];
  const entry = await kv.get(key);
  const { version: _, ...record } = entry.value.record;
  const op = kv.atomic().check(entry).set(key, { ...entry.value, record: version === undefined ? record : { ...record, version } });
  for await (const chunk of kv.list({ prefix: key })) op.set(chunk.key, chunk.value);
  const { ok } = await op.commit();
  if (!ok) throw new Error("setStoredVersion: the record changed while it was rewritten");
}

/** A KV file of its own for one test, closed and removed once `use` is done with it. */
async function onKvFile(use) {
  const dir = await Deno.makeTempDir({ prefix: "connect-provider-deno-kv-" });
  const kv = await Deno.openKv(`${dir}/store.kv`);
  try {
    return await use(kv);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** `kv` as a store calls it, with some of its calls replaced (as a file another process locks answers them). */
const kvWith = (kv, overrides) => ({
  get: (...args) => kv.get(...args),
  getMany: (...args) => kv.getMany(...args),
  list: (...args) => kv.list(...args),
  atomic: () => kv.atomic(),
  ...overrides,
});

/** Every case's store enqueues its events, as the Deno service's does. */
const QUEUED = { queue: true };

const migrateScript = new URL("./support/migrate_deno_kv.mjs", import.meta.url).pathname;

const harness = {
  api,
  // Deno KV has no outbox table: with { queue: true } (as here, so every case writes through it) its
  // events are enqueued in the same atomic() as the change; deno_kv_queue_test.mjs consumes them.
  outbox: false,
  async fresh() {
    const dir = await Deno.makeTempDir({ prefix: "connect-provider-deno-kv-" });
    const path = `${dir}/store.kv`;
    let kv = await Deno.openKv(path);
    return {
      store: denoKvStore(kv, QUEUED),
      async reopen() {
        kv.close();
        kv = await Deno.openKv(path);
        return denoKvStore(kv, QUEUED);
      },
      async migrateConcurrently(count) {
        const runs = Array.from({ length: count }, () =>
          new Deno.Command(Deno.execPath(), {
            args: ["run", "--unstable-kv", "--allow-read", "--allow-write", migrateScript, path],
            stdout: "piped",
            stderr: "piped",
          }).output(),
        );
        for (const { success, code, stderr } of await Promise.all(runs)) {
          if (!success) throw new Error(`migrate_deno_kv.mjs exited with ${code}: ${new TextDecoder().decode(stderr)}`);
        }
      },
      async faulty(failFrom, { after = false } = {}) {
        const own = await Deno.openKv(path);
        const faulty = faultyClient(own, failFrom, {
          after,
          counts: (method) => KV_CALLS.has(method),
          // What atomic() and its check/set/delete answer: the operation, whose commit() is a call.
          wraps: (value) => value instanceof Deno.AtomicOperation,
          rejects: (method) => method !== "list",
        });
        return { store: denoKvStore(faulty.client, QUEUED), reached: faulty.reached, close: async () => own.close() };
      },
      setVersion: (connectionId, version) => setStoredVersion(kv, connectionId, version),
      // Each enqueued event's pending mark, written in the atomic() that enqueues it (nothing here consumes them).
      async queued() {
        const ids = [];
        for await (const entry of kv.list({ prefix: [ROOT, "pending_events"] })) ids.push(String(entry.key[2]));
        return ids;
      },
      async close() {
        try {
          kv.close();
        } catch {
          // Closed already.
        }
        await Deno.remove(dir, { recursive: true });
      },
    };
  },
};

for (const { name, run } of storeConformanceCases(harness)) {
  Deno.test(`denoKvStore: ${name}`, run);
}

Deno.test("denoKvStore: a record an older store wrote, without a version, reads back as version 1 and takes version 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-provider-deno-kv-" });
  const kv = await Deno.openKv(`${dir}/store.kv`);
  try {
    const { conformanceRecord } = await import("connect-provider/stores/conformance");
    const store = denoKvStore(kv);
    await store.migrate();
    const record = conformanceRecord({ credentials: { encryptedData: new Uint8Array(130_000).fill(7), credentialType: "oauth2", expiresAt: null } });
    await store.repository.save(record);
    await setStoredVersion(kv, record.id, undefined);
    const found = await store.repository.findById(record.id);
    if (found?.version !== 1 || found.credentials?.encryptedData.length !== 130_000) throw new Error(`read back: ${JSON.stringify({ version: found?.version })}`);
    if ((await store.repository.save({ ...record, alias: "Next", version: 2 })) !== true) throw new Error("version 2 over a record without one");
    if ((await store.repository.findById(record.id))?.alias !== "Next") throw new Error("version 2 not stored");
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoKvStore: a read that meets a locked KV file midway reads its range again from the start, so nothing comes twice", async () => {
  await onKvFile(async (kv) => {
    let lockNextList = false;
    // The KV as another process's write lock shows it: the next list() gives one entry, then "database is locked".
    const locking = kvWith(kv, {
      list(selector, options) {
        const entries = kv.list(selector, options);
        if (!lockNextList) return entries;
        lockNextList = false;
        return (async function* () {
          for await (const entry of entries) {
            yield entry;
            throw new Error("database is locked");
          }
        })();
      },
    });
    const store = denoKvStore(locking);
    await store.migrate();
    const userId = crypto.randomUUID();
    const connect = new api.ConnectProviderHandler(store.repository, store.eventBus);
    for (const slug of ["bank-a", "bank-b", "bank-c"]) {
      const result = await connect.handle({ userId, providerId: crypto.randomUUID(), providerSlug: slug, credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2", expiresAt: new Date(Date.now() + 1_800_000).toISOString() } });
      if (!result.ok) throw new Error(JSON.stringify(result));
    }
    connect.free();
    lockNextList = true;
    const slugs = (await store.repository.findByUserId(userId)).map((record) => record.providerSlug).sort();
    if (JSON.stringify(slugs) !== JSON.stringify(["bank-a", "bank-b", "bank-c"])) throw new Error(`findByUserId: ${JSON.stringify(slugs)}`);
    const all = await store.events({ userId });
    lockNextList = true;
    const firstThree = await store.events({ userId, limit: 3 });
    if (JSON.stringify(firstThree) !== JSON.stringify(all.slice(0, 3))) throw new Error(`events: ${JSON.stringify(firstThree.map((event) => event.eventType))}`);
    lockNextList = true;
    const expiring = await store.repository.findExpiringBefore(new Date(Date.now() + 3_600_000).toISOString());
    if (expiring.map((record) => record.providerSlug).sort().join() !== "bank-a,bank-b,bank-c") throw new Error(`findExpiringBefore: ${expiring.length}`);
  });
});

Deno.test("denoKvStore: a write kept out by a locked KV file gives up before a 5 s handler deadline (the service's), so the command's answer, the state and the log agree: nothing lands after the handler gave up", async () => {
  await onKvFile(async (kv) => {
    let lockedUntil = 0;
    // Another process holding the file's lock: every commit answers "database is locked" until then.
    const locking = kvWith(kv, {
      atomic() {
        const op = kv.atomic();
        const commit = op.commit.bind(op);
        op.commit = async () => {
          if (Date.now() < lockedUntil) throw new Error("database is locked");
          return commit();
        };
        return op;
      },
    });
    const store = denoKvStore(locking);
    await store.migrate();
    const busErrors = [];
    const handler = new api.ConnectProviderHandler(store.repository, store.eventBus, { timeoutMs: 5000, onEventBusError: (error, event) => busErrors.push(event.eventType) });
    const userId = crypto.randomUUID();
    lockedUntil = Date.now() + 11_000;
    const result = await handler.handle({ userId, providerId: crypto.randomUUID(), providerSlug: "bank", credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" } });
    // Past the lock: a write still waiting would land now.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lockedUntil - Date.now()) + 1500));
    handler.free();
    const saved = await store.repository.findByUserId(userId);
    const events = (await store.events({ userId })).map((event) => [event.eventType, event.reason ?? null]);
    const seen = JSON.stringify({ ok: result.ok, code: result.code, saved: saved.length, events, busErrors });
    const expected = JSON.stringify({
      ok: false,
      code: "DATABASE_ERROR",
      saved: 0,
      events: [["ProviderConnectionFailed", result.error]],
      busErrors: ["ProviderConnectionAttempted"],
    });
    if (seen !== expected) throw new Error(`${seen}\n  expected ${expected}`);
    if (!/^Database error occurred: deno-kv store: commit: (gave up after 4000 ms|Deno KV failed: database is locked)/.test(result.error)) throw new Error(result.error);
  });
});

/** What a commit that gives up at its 4 s answers, having written nothing. */
const GAVE_UP = { outcome: "deno-kv store: commit: gave up after 4000 ms (a KV file another process holds locked, or other writers)", saved: null, events: 0, last: 0 };

/**
 * Commits a record and its event through a store on `kv` whose reads that `held(method, key)` picks
 * meet another process's lock on the file for 6 s, then checks, once the lock is gone and a write still
 * waiting would have landed, that the commit gave up within 5 s and wrote nothing (`name` says which case).
 * `optionsFor(store, record)` gives the commit's options.
 */
async function commitGivesUpOnALock(kv, name, held, optionsFor = async () => ({})) {
  const { conformanceRecord } = await import("connect-provider/stores/conformance");
  let lockedUntil = 0;
  const reading = (method) => (key, ...rest) =>
    performance.now() < lockedUntil && held(method, key) ? Promise.reject(new Error("database is locked")) : kv[method](key, ...rest);
  const store = denoKvStore(kvWith(kv, { get: reading("get"), getMany: reading("getMany") }));
  await store.migrate();
  const record = conformanceRecord();
  const event = { eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-12-01T12:00:00.000Z", userId: record.userId, connectionId: record.id, providerId: record.providerId, providerSlug: record.providerSlug };
  const options = await optionsFor(store, record);
  lockedUntil = performance.now() + 6_000;
  const started = performance.now();
  const outcome = await store.repository.commit(record, [event], options).then(() => "committed", (error) => error.message);
  const tookMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, lockedUntil - performance.now()) + 1_000));
  const seen = JSON.stringify({ outcome, saved: await store.repository.findById(record.id), events: (await store.events({ userId: record.userId })).length, last: await store.sync.lastMutation(record.userId, "phone") });
  if (seen !== JSON.stringify(GAVE_UP)) throw new Error(`${name}: ${seen}\n  expected ${JSON.stringify(GAVE_UP)}`);
  if (tookMs > 5_000) throw new Error(`${name}: gave up after ${Math.round(tookMs)} ms`);
}

Deno.test("denoKvStore: a write whose reads a locked KV file holds up past its 4 s gives up, and does not commit when the lock goes: neither when its record's read waits, nor its log's", async () => {
  for (const held of ["get", "getMany"]) {
    await onKvFile((kv) => commitGivesUpOnALock(kv, `${held} held`, (method) => method === held));
  }
});

Deno.test("denoKvStore: a commit whose key's answer or sync advance meets a locked KV file as it reads them gives up at its 4 s too, and does not commit when the lock goes", async () => {
  for (const step of ["idempotency", "sync_clients"]) {
    // The lock met as the commit reads the step's entry, and nothing else.
    await onKvFile((kv) =>
      commitGivesUpOnALock(kv, `${step} held`, (method, key) => method === "get" && key[1] === step, async (store, record) => {
        if (step === "sync_clients") return { mutation: { userId: record.userId, clientId: "phone", from: 0, to: 1 } };
        const { token } = await store.idempotency.claim(record.userId, "key-1", "f".repeat(64), Date.now(), 60_000);
        return { idempotency: { userId: record.userId, key: "key-1", token, response: { status: 201, body: { id: record.id }, headers: {} } } };
      }),
    );
  }
});

Deno.test("denoKvStore: a commit of more events than one getMany reads finds an eventId another writer files while it reads, and refuses it rather than file it twice", async () => {
  const { conformanceRecord } = await import("connect-provider/stores/conformance");
  await onKvFile(async (kv) => {
    const record = conformanceRecord();
    const event = () => ({ eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-12-01T12:00:00.000Z", userId: record.userId, connectionId: record.id, providerId: record.providerId, providerSlug: record.providerSlug });
    const events = Array.from({ length: 12 }, event);
    const other = denoKvStore(kv);
    await other.migrate();
    const counterKey = JSON.stringify(["connect_provider", "event_sequence"]);
    let raced = false;
    // As a slower read of the counter meets it (Deno Deploy answers a getMany's batches in any order):
    // the other batch answered first, then another writer files the commit's 11th event, then the counter is read.
    const racing = (read) => async (keys) => {
      const keyList = Array.isArray(keys[0]) ? keys : [keys];
      if (!raced && keyList.some((k) => JSON.stringify(k) === counterKey)) {
        raced = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
        await other.eventBus.publish(events[10]);
      }
      return read(keys);
    };
    const store = denoKvStore(kvWith(kv, { get: racing((k) => kv.get(k)), getMany: racing((k) => kv.getMany(k)) }));
    const outcome = await store.repository.commit(record, events).then(() => "committed", (error) => error.message);
    const filed = (await other.events({ userId: record.userId, limit: 100 })).map((e) => e.eventId);
    const seen = JSON.stringify({ raced, outcome, filed, saved: (await other.repository.findById(record.id)) !== null });
    const expected = JSON.stringify({ raced: true, outcome: `deno-kv store: commit: the log already has an event with eventId ${events[10].eventId}`, filed: [events[10].eventId], saved: false });
    if (seen !== expected) throw new Error(`${seen}\n  expected ${expected}`);
  });
});

Deno.test("denoKvStore: a large event refused (its eventId already logged) leaves none of its parts behind", async () => {
  await onKvFile(async (kv) => {
    const store = denoKvStore(kv);
    await store.migrate();
    const userId = crypto.randomUUID();
    // About 1 MB of JSON: written in parts, ahead of its header.
    const event = { eventType: "ProviderConnectionFailed", eventId: crypto.randomUUID(), occurredAt: "2026-12-01T12:00:00.000Z", userId, connectionId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank", reason: "r".repeat(1_000_000) };
    const parts = async () => (await Array.fromAsync(kv.list({ prefix: ["connect_provider", "event_parts"] }))).length;
    await store.eventBus.publish(event);
    const kept = await parts();
    const again = await store.eventBus.publish({ ...event, reason: "s".repeat(1_000_000) }).then(() => "published", (error) => error.message);
    const seen = JSON.stringify({ again, parts: await parts(), events: (await store.events({ userId })).map((e) => e.reason.slice(0, 1)) });
    const expected = JSON.stringify({ again: `deno-kv store: publish: the log already has an event with eventId ${event.eventId}`, parts: kept, events: ["r"] });
    if (kept < 2) throw new Error(`the event was not written in parts (${kept})`);
    if (seen !== expected) throw new Error(`${seen}\n  expected ${expected}`);
  });
});

Deno.test("denoKvStore: findOwned reads another user's connection no further than its owner, as many reads as a missing one", async () => {
  const { conformanceRecord } = await import("connect-provider/stores/conformance");
  await onKvFile(async (kv) => {
    let reads = 0;
    const counting = kvWith(kv, {
      get: (...args) => ((reads += 1), kv.get(...args)),
      getMany: (...args) => ((reads += 1), kv.getMany(...args)),
      list: (...args) => ((reads += 1), kv.list(...args)),
    });
    const store = denoKvStore(counting);
    await store.migrate();
    // A secret in several chunks: findById reads the owner, the record and the chunks.
    const record = conformanceRecord({ credentials: { encryptedData: new Uint8Array(200_000).fill(3), credentialType: "oauth2", expiresAt: null } });
    if (!(await store.repository.save(record))) throw new Error("not saved");
    const count = async (find) => {
      reads = 0;
      const found = await find();
      return [found === null ? "null" : found === false ? "false" : "record", reads];
    };
    const seen = JSON.stringify({
      foreign: await count(() => store.repository.findOwned(record.id, crypto.randomUUID())),
      missing: await count(() => store.repository.findOwned(crypto.randomUUID(), record.userId)),
      own: (await count(() => store.repository.findOwned(record.id, record.userId)))[0],
      byId: (await count(() => store.repository.findById(record.id)))[1] > 1,
    });
    const expected = JSON.stringify({ foreign: ["false", 1], missing: ["null", 1], own: "record", byId: true });
    if (seen !== expected) throw new Error(`${seen}\n  expected ${expected}`);
  });
});

Deno.test("denoKvStore: the 4 s a write waits out a locked KV file is timed on the monotonic clock, so a wall clock that stands still (or is set back) does not stretch it", async () => {
  await onKvFile(async (kv) => {
    let locked = false;
    const locking = kvWith(kv, {
      atomic() {
        const op = kv.atomic();
        const commit = op.commit.bind(op);
        op.commit = async () => {
          if (locked) throw new Error("database is locked");
          return commit();
        };
        return op;
      },
    });
    const { conformanceRecord } = await import("connect-provider/stores/conformance");
    const store = denoKvStore(locking);
    await store.migrate();
    const record = conformanceRecord();
    const wallClock = Date.now;
    const frozen = wallClock();
    let timer;
    try {
      locked = true;
      Date.now = () => frozen;
      const outcome = store.repository.commit(record, []).then(() => "saved", (error) => error.message);
      const first = await Promise.race([outcome, new Promise((resolve) => (timer = setTimeout(() => resolve("still waiting after 6 s"), 6000)))]);
      locked = false;
      await outcome;
      if (!/^deno-kv store: commit: (gave up after 4000 ms|Deno KV failed: database is locked)/.test(first)) throw new Error(first);
    } finally {
      clearTimeout(timer);
      Date.now = wallClock;
      locked = false;
    }
    const found = await store.repository.findById(record.id);
    if (found !== null) throw new Error("the record landed after the wait");
  });
});

Deno.test("denoKvStore with its queue: a commit of more events than one atomic operation holds (each event's message counted) is refused by the store, naming it, before anything is written; one just under goes through whole", async () => {
  await onKvFile(async (kv) => {
    const { conformanceRecord } = await import("connect-provider/stores/conformance");
    const store = denoKvStore(kv, { queue: true });
    await store.migrate();
    const eventsFor = (record, n) => Array.from({ length: n }, () => ({ eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: record.userId, providerId: record.providerId, providerSlug: record.providerSlug }));
    const tooMany = conformanceRecord();
    let refused = null;
    try {
      await store.repository.commit(tooMany, eventsFor(tooMany, 200));
    } catch (error) {
      refused = error;
    }
    if (!(refused instanceof RangeError) || !refused.message.startsWith("deno-kv store: commit: 200 events are more than one atomic operation can write")) throw new Error(`refused with ${refused}`);
    if ((await store.repository.findById(tooMany.id)) !== null || (await store.events({ userId: tooMany.userId })).length !== 0) throw new Error("something was written");
    const justUnder = conformanceRecord();
    if ((await store.repository.commit(justUnder, eventsFor(justUnder, 190))) !== true) throw new Error("190 events not committed");
    if ((await store.events({ userId: justUnder.userId, limit: 1000 })).length !== 190) throw new Error("not every event logged");
  });
});

Deno.test("denoKvStore has findOwned and findExpiringPage, whose conformance cases run only where a store has them", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = denoKvStore(kv);
    if (typeof store.repository.findOwned !== "function" || typeof store.repository.findExpiringPage !== "function") {
      throw new Error("denoKvStore lacks findOwned or findExpiringPage");
    }
  } finally {
    kv.close();
  }
});
