// The Node service's events to a real NATS JetStream (Debian's nats-server, started here), as its
// README turns the relay on (NATS_URL): on SQLite and on PostgreSQL, each write's events reach the
// stream once, in commit order, exactly as GET /events shows them; the service killed with SIGKILL
// while it relays, again and again, loses nothing and the stream keeps each event once; two service
// processes relaying from one database at once; NATS down while the service keeps answering.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { connect } from "@nats-io/transport-node";
import { bearerCalls } from "./support/bearer-calls.mjs";
import { startNats, streamMessages } from "./support/nats.mjs";
import { checkRacedHttpPairs } from "./support/raced-http-pairs.mjs";
import { startPostgres } from "./support/postgres.mjs";
import { serviceSecrets, startNodeService } from "./support/services.mjs";
import { tokenFactory } from "./support/tokens.mjs";

const STREAM = "CONNECT_PROVIDER_EVENTS";
const home = mkdtempSync(join(tmpdir(), "connect-provider-nats-"));
after(() => rmSync(home, { recursive: true, force: true }));
const vars = serviceSecrets({ RATE_LIMIT_WRITES_PER_MINUTE: "10000", EVENT_RELAY_REPORT_MS: "200" });
const tokens = await tokenFactory(vars);

/** A user's HTTP calls to a service. */
async function caller(service, userId = randomUUID()) {
  const call = bearerCalls(service.url, await tokens.valid(userId));
  return { userId, call, at: (other) => caller(other, userId) };
}

const credentials = (secret) => ({ credentials: { secret, credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00Z" } });

/**
 * Connect, refresh and disconnect `n` connections through the service; the ids. Each write the
 * service acknowledged is pushed to `acked` as its answer came.
 * @param {{ call: Function }} user @param {number} n @param {{ write: "connect" | "refresh" | "disconnect", id: string }[]} [acked]
 */
async function lifecycle({ call }, n, acked = []) {
  const ids = [];
  for (let i = 0; i < n; i += 1) {
    const connected = await call("POST", "/connections", { providerId: randomUUID(), providerSlug: `bank-${i}`, ...credentials(`sk_${i}`) });
    assert.equal(connected.status, 201, JSON.stringify(connected.json));
    ids.push(connected.json.id);
    acked.push({ write: "connect", id: connected.json.id });
  }
  for (const id of ids) {
    assert.equal((await call("POST", `/providers/${id}/token-refreshes`, credentials("sk_new"))).status, 201);
    acked.push({ write: "refresh", id });
  }
  for (const id of ids.slice(0, Math.ceil(n / 2))) {
    assert.equal((await call("DELETE", `/providers/${id}`)).status, 204);
    acked.push({ write: "disconnect", id });
  }
  return ids;
}

/**
 * Asserts that every acknowledged write is in the recovered service: its change in the
 * connection's view, its Succeeded event in the log.
 * @param {{ call: Function }} user @param {{ write: string, id: string }[]} acked @param {any[]} events
 */
async function assertAcknowledgedKept(user, acked, events) {
  const SUCCEEDED = { connect: "ProviderConnectionSucceeded", refresh: "ProviderTokenRefreshSucceeded", disconnect: "ProviderDisconnectionSucceeded" };
  for (const { write, id } of acked) {
    const view = await user.call("GET", `/providers/${id}`);
    assert.equal(view.status, 200, `the acknowledged ${write} of ${id}: its connection`);
    const writes = acked.filter((a) => a.id === id).map((a) => a.write);
    // An unacknowledged write in flight at the kill may have landed too.
    assert.ok(view.json.version >= writes.length, `${id}: a version for each acknowledged write (${writes}): ${view.json.version}`);
    if (write === "disconnect") assert.equal(view.json.status, "disconnected", `the acknowledged disconnect of ${id}`);
    assert.equal(events.filter((e) => e.connectionId === id && e.eventType === SUCCEEDED[write]).length, 1, `the acknowledged ${write} of ${id}: its Succeeded event`);
  }
}

/** The user's events as GET /events shows them, all pages. */
async function eventsOf({ call }) {
  const events = [];
  for (let after = null; ; ) {
    const page = await call("GET", `/events?limit=1000${after ? `&after=${after}` : ""}`);
    assert.equal(page.status, 200);
    events.push(...page.json);
    if (page.json.length < 1000) return events;
    after = page.json.at(-1).eventId;
  }
}

/** Waits until the stream holds `count` messages (or 20 s pass); its messages. */
async function streamOf(url, count) {
  let messages = [];
  for (let i = 0; i < 200; i += 1) {
    messages = await streamMessages(url, STREAM);
    if (messages.length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return messages;
}

/**
 * NATS and the Node service on SQLite relaying to it, with a user whose first connection's events
 * have reached the stream; both stopped once `use` is done.
 * @param {string} name
 * @param {(running: { nats: Awaited<ReturnType<typeof startNats>>, service: Awaited<ReturnType<typeof startNodeService>>, alice: Awaited<ReturnType<typeof caller>>, first: any[] }) => Promise<void>} use
 */
async function withDeliveringService(name, use) {
  const dir = join(home, name);
  const nats = await startNats(join(dir, "nats"));
  let service;
  try {
    service = await startNodeService({ dir, vars: { ...vars, NATS_URL: nats.url } });
    const alice = await caller(service);
    await lifecycle(alice, 1);
    const first = await eventsOf(alice);
    assertDelivered(await streamOf(nats.url, first.length), first);
    await use({ nats, service, alice, first });
  } finally {
    await service?.stop();
    await nats.stop();
  }
}

/** The stream holds exactly these events, once each, in this order, as the relay's contract says. */
function assertDelivered(messages, events) {
  assert.deepEqual(
    messages.map((m) => m.msgId),
    events.map((e) => e.eventId),
    "each event once, in commit order",
  );
  for (const [i, event] of events.entries()) {
    assert.deepEqual(messages[i], { subject: `connect-provider.events.${event.eventType}`, msgId: event.eventId, text: JSON.stringify(event) }, `message ${i}`);
  }
}

/** How many events wait in a SQLite service's outbox. */
function outboxRows(path) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT count(*) AS n FROM provider_connection_outbox").get().n;
  } finally {
    db.close();
  }
}

/** What the service's log says of its relay. */
const logLines = (service) =>
  service
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .filter((line) => /event|relay/.test(line.msg ?? ""));

for (const kind of ["SQLite", "PostgreSQL"]) {
  describe(`the Node service on ${kind}, with NATS_URL`, () => {
    let postgres;
    after(() => postgres?.stop());

    test("each write's events reach the stream once, in commit order, with their subject, Nats-Msg-Id and JSON exactly as GET /events shows them; the log says how far behind the relay is", async () => {
      const dir = join(home, `lifecycle-${kind}`);
      const nats = await startNats(join(dir, "nats"));
      let databaseUrl;
      if (kind === "PostgreSQL") {
        postgres = startPostgres();
        databaseUrl = postgres.url(await postgres.createDatabase("relay"));
      }
      const service = await startNodeService({ dir, vars: { ...vars, NATS_URL: nats.url }, databaseUrl });
      try {
        const alice = await caller(service);
        const bob = await caller(service);
        await lifecycle(alice, 4);
        await lifecycle(bob, 2);
        await lifecycle(alice, 1);
        const everyone = [...(await eventsOf(alice)), ...(await eventsOf(bob))];
        const messages = await streamOf(nats.url, everyone.length);
        const byId = new Map(everyone.map((e) => [e.eventId, e]));
        const inStream = messages.map((m) => byId.get(m.msgId));
        assert.equal(inStream.every(Boolean), true, "only these users' events");
        assertDelivered(messages, inStream);
        for (const user of [alice, bob]) {
          const mine = new Set((await eventsOf(user)).map((e) => e.eventId));
          assert.deepEqual(inStream.filter((e) => mine.has(e.eventId)), await eventsOf(user), "a user's events in the order GET /events gives them");
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
        const lag = logLines(service).filter((line) => line.msg === "event relay lag");
        assert.ok(lag.length > 0, "lag lines");
        const { time, ...last } = lag.at(-1);
        assert.deepEqual(last, { level: "info", msg: "event relay lag", pending: 0, oldestOccurredAt: null, oldestAgeMs: null, setAside: 0 }, "nothing behind once delivered");
        assert.doesNotMatch(service.output() + nats.output(), /sk_\d|sk_new/, "no secret in any log");
        assert.doesNotMatch(messages.map((m) => m.text).join("\n"), /sk_\d|sk_new|encryptedData|credentials/, "nor in any message");
      } finally {
        await service.stop();
        await nats.stop();
      }
    });
  });
}

describe("faults", () => {
  test("the service killed with SIGKILL as its events reach NATS, three to ten times: on restart it delivers what it had not marked, and the stream still holds each event once, in order", async () => {
    const dir = join(home, "killed");
    const nats = await startNats(join(dir, "nats"));
    const nc = await connect({ servers: nats.url });
    let service = await startNodeService({ dir, vars: { ...vars, NATS_URL: nats.url } });
    const alice = await caller(service);
    let caught = 0;
    let acknowledged = 0;
    try {
      // At least three rounds, and on until a kill has landed between delivery and marking (at most ten).
      let rounds = 0;
      for (; rounds < 10 && (rounds < 3 || caught === 0); rounds += 1) {
        const user = await alice.at(service);
        // Killed the moment the first of this round's messages reaches a subscriber: the relay has
        // published, and is waiting for the rest of its acknowledgements or about to mark them.
        const seen = nc.subscribe("connect-provider.events.>", { max: 1 });
        let killing = false;
        const killed = (async () => {
          for await (const _ of seen) {
            killing = true;
            await service.kill();
          }
        })();
        const acked = [];
        try {
          await lifecycle(user, 3, acked);
        } catch (error) {
          // Only the kill may cut the round's writes short: any answer before it is checked.
          if (!killing) throw error;
        }
        await killed;
        // Delivered but not yet marked: in the stream, and still in the outbox.
        const inStream = new Set((await streamMessages(nats.url, STREAM)).map((m) => m.msgId));
        const db = new Database(service.database, { readonly: true });
        const waiting = db.prepare("SELECT e.event_id FROM provider_connection_outbox o JOIN provider_connection_events e ON e.sequence = o.sequence").all();
        db.close();
        if (waiting.some(({ event_id }) => inStream.has(event_id))) caught += 1;
        service = await service.restart();
        // The restarted relay waits out the dead one's lease, then delivers what was left.
        for (let i = 0; i < 300 && outboxRows(service.database) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(outboxRows(service.database), 0, "the outbox emptied after the restart");
        const recovered = await alice.at(service);
        // The round's writes that were acknowledged before the kill are kept, with their events.
        const events = await eventsOf(recovered);
        await assertAcknowledgedKept(recovered, acked, events);
        acknowledged += acked.length;
        assertDelivered(await streamOf(nats.url, events.length), events);
      }
      const log = logLines(service);
      console.log(`nats relay: ${caught} of ${rounds} kills left delivered events unmarked (${acknowledged} acknowledged writes checked); ${service.output().match(/events the stream already had/g)?.length ?? 0} redeliveries the stream dropped`);
      assert.ok(caught > 0, "some kill landed between delivery and marking");
      assert.ok(acknowledged > 0, "some write was acknowledged before a kill, and checked");
      assert.ok(service.output().includes('"msg":"events the stream already had"'), "a restart delivered again what the stream had, which it dropped");
      assert.ok(log.length > 0);
    } finally {
      await nc.close();
      await service.stop();
      await nats.stop();
    }
  });

  test("two service processes relaying from one SQLite database at once, with a refresh and a disconnect of each connection sent through each: each pair as if one after the other, each event once, in commit order", async () => {
    const dir = join(home, "two");
    const nats = await startNats(join(dir, "nats"));
    const services = [
      await startNodeService({ dir, vars: { ...vars, NATS_URL: nats.url }, name: "relay-one" }),
      await startNodeService({ dir, vars: { ...vars, NATS_URL: nats.url }, name: "relay-two" }),
    ];
    try {
      const userId = randomUUID();
      const users = await Promise.all(services.map((service) => caller(service, userId)));
      const ids = [];
      for (let i = 0; i < 10; i += 1) {
        const connected = await users[i % 2].call("POST", "/connections", { providerId: randomUUID(), providerSlug: "bank", ...credentials("sk_two") });
        assert.equal(connected.status, 201, JSON.stringify(connected.json));
        ids.push(connected.json.id);
      }
      const answers = await Promise.all(ids.flatMap((id, i) => [
        users[i % 2].call("POST", `/providers/${id}/token-refreshes`, credentials("sk_race")),
        users[(i + 1) % 2].call("DELETE", `/providers/${id}`),
      ]));
      const events = await eventsOf(users[0]);
      const views = new Map();
      for (const id of ids) views.set(id, (await users[1].call("GET", `/providers/${id}`)).json);
      const { refreshedFirst, overlapped } = checkRacedHttpPairs({ ids, answers, views, events });
      console.log(`nats relay: of 10 racing pairs through two processes, ${overlapped} overlapped (one read before the other was stored; seldom, as each process runs a command on its synchronous SQLite driver between two of its events, the store's conformance suite races two clients in one process), ${refreshedFirst} refreshed first`);
      assertDelivered(await streamOf(nats.url, events.length), events);
      const delivering = services.filter((service) => /"msg":"events delivered"/.test(service.output())).length;
      console.log(`nats relay: ${events.length} events, delivered by ${delivering} of the two processes`);
    } finally {
      await Promise.all(services.map((service) => service.stop()));
      await nats.stop();
    }
  });

  test("NATS down: the service keeps answering, its events wait in the outbox and the log says so; NATS back: all delivered, in order", async () => {
    await withDeliveringService("down", async ({ nats, service, alice, first: before }) => {
      await nats.stop();
      const started = Date.now();
      await lifecycle(alice, 3);
      assert.ok(Date.now() - started < 10_000, "writes answered while NATS is down");
      const events = await eventsOf(alice);
      const waiting = events.length - before.length;
      /** Polls the log (up to 20 s) for a line that `matches`. */
      const logged = async (matches) => {
        for (let i = 0; i < 200; i += 1) {
          const found = logLines(service).filter(matches);
          if (found.length > 0) return found;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.fail(`no such log line:\n${service.output()}`);
      };
      const failures = await logged((line) => line.msg === "event delivery failed");
      assert.ok(failures.every((f) => f.setAside === false && f.attempts >= 1), "nothing set aside while NATS is down");
      const [lag] = await logged((line) => line.msg === "event relay lag" && line.pending === waiting);
      assert.ok(lag.oldestAgeMs > 0 && lag.setAside === 0, "the lag counts what waits, and how old it is");
      await nats.start();
      assertDelivered(await streamOf(nats.url, events.length), events);
    });
  });
});

test("a stream deleted while the service runs is made again at the next delivery, and the events go on into it in order", async () => {
  const { jetstreamManager } = await import("@nats-io/jetstream");
  await withDeliveringService("deleted-stream", async ({ nats, alice, first }) => {
    const nc = await connect({ servers: nats.url });
    await (await jetstreamManager(nc)).streams.delete(STREAM);
    await nc.close();
    await lifecycle(alice, 1);
    const later = (await eventsOf(alice)).slice(first.length);
    assertDelivered(await streamOf(nats.url, later.length), later);
  });
});

test("SIGTERM stops the service at once, exit 0, whether NATS was never reachable or went away after it connected", async () => {
  const never = await startNodeService({ dir: join(home, "never"), vars: { ...vars, NATS_URL: "nats://127.0.0.1:1" } });
  assert.deepEqual(await never.stop(), { code: 0, signal: null }, "NATS never reachable (SIGKILL after 10 s otherwise)");
  await withDeliveringService("gone", async ({ nats, service }) => {
    await nats.stop();
    assert.deepEqual(await service.stop(), { code: 0, signal: null }, "NATS gone after the service connected");
  });
});

test("outbox.mjs shows the lag and the events set aside, and requeues one, on the service's own database", async () => {
  const { execFileSync, spawnSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const { sqliteStore } = await import("connect-provider/stores/sqlite");
  const script = fileURLToPath(new URL("../../examples/node-service/outbox.mjs", import.meta.url));
  const path = join(home, "outbox-admin.sqlite");
  const db = new Database(path);
  const store = sqliteStore(db);
  await store.migrate();
  const userId = randomUUID();
  const events = [0, 1].map((n) => ({ eventType: "ProviderConnectionAttempted", eventId: randomUUID(), occurredAt: new Date(Date.UTC(2026, 11, 3, 8, 0, n)).toISOString(), userId, providerId: randomUUID(), providerSlug: "bank" }));
  for (const event of events) await store.eventBus.publish(event);
  assert.equal(await store.outbox.lease("relay", Date.now(), 60_000), true);
  assert.equal(await store.outbox.failed("relay", events[0].eventId, { error: "Error: message too large", nextAttemptAt: Date.now(), setAside: true }, Date.now()), true);
  const run = (...args) => execFileSync(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, DATABASE: path }, encoding: "utf8" });
  assert.deepEqual(JSON.parse(run("lag")), { pending: 1, oldestOccurredAt: events[1].occurredAt, setAside: 1 });
  const [aside] = JSON.parse(run("set-aside"));
  assert.deepEqual([aside.event, aside.attempts, aside.lastError], [events[0], 1, "Error: message too large"]);
  assert.deepEqual(JSON.parse(run("requeue", events[0].eventId)), { eventId: events[0].eventId, requeued: true });
  assert.deepEqual(JSON.parse(run("lag")), { pending: 2, oldestOccurredAt: events[0].occurredAt, setAside: 0 });
  const again = spawnSync(process.execPath, [script, "requeue", events[0].eventId], { env: { PATH: process.env.PATH, DATABASE: path }, encoding: "utf8" });
  assert.deepEqual([again.status, JSON.parse(again.stdout)], [1, { eventId: events[0].eventId, requeued: false }], "nothing to requeue: exit 1");
  const wrong = spawnSync(process.execPath, [script, "requeue"], { env: { PATH: process.env.PATH, DATABASE: path }, encoding: "utf8" });
  assert.deepEqual([wrong.status, wrong.stderr.trim()], [2, "usage: outbox.mjs lag | set-aside [limit] | requeue <eventId>"]);
  const missing = join(home, "not-the-service.sqlite");
  const nowhere = spawnSync(process.execPath, [script, "lag"], { env: { PATH: process.env.PATH, DATABASE: missing }, encoding: "utf8" });
  assert.deepEqual([nowhere.status, nowhere.stdout, nowhere.stderr.trim()], [2, "", `outbox.mjs: no database at ${missing}: set DATABASE (or DATABASE_URL) to the service's`], "no all-clear for a database that is not there");
  assert.equal(existsSync(missing), false, "and none made");
  // Another tool's SQLite file (mode 0644, no outbox): said, and left as it was, no table made, its mode kept.
  const other = join(home, "another-tools.sqlite");
  new Database(other).exec("CREATE TABLE notes (body TEXT)").close();
  chmodSync(other, 0o644);
  const stranger = spawnSync(process.execPath, [script, "lag"], { env: { PATH: process.env.PATH, DATABASE: other }, encoding: "utf8" });
  assert.deepEqual([stranger.status, stranger.stdout, stranger.stderr.trim()], [2, "", `outbox.mjs: ${other} is not the service's database (it has no outbox table): start the service on it once, which makes its tables`]);
  const untouched = new Database(other, { readonly: true });
  assert.deepEqual(untouched.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name), ["notes"], "no table made");
  untouched.close();
  assert.equal((statSync(other).mode & 0o777).toString(8), "644", "its mode kept");
  const journal = new Database(other, { readonly: true });
  assert.equal(journal.pragma("journal_mode", { simple: true }), "delete", "its journal mode kept (WAL, once set, stays with a file)");
  journal.close();
  const unreachable = spawnSync(process.execPath, [script, "lag"], { env: { PATH: process.env.PATH, DATABASE_URL: "postgresql://127.0.0.1:1/x" }, encoding: "utf8" });
  assert.equal(unreachable.status, 2);
  assert.match(unreachable.stderr, /^outbox\.mjs: .*ECONNREFUSED.*\n$/, "one line, no stack");
  db.close();
});
