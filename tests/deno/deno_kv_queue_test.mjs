// denoKvStore(kv, { queue }) on a real KV file: each logged event is enqueued in the atomic operation
// that logs it and consumed once by store.queue.listen (kv.listenQueue), a large event read back from
// the log; a stale commit enqueues nothing; a failing handler is retried by KV, and one KV gave up on
// is listed by undelivered(); a redelivered message is dropped. Needs --unstable-kv.
import * as api from "connect-provider";
import { denoKvStore } from "connect-provider/stores/deno-kv";

/** A fresh KV file with a queued store on it; `close` closes and removes it. */
async function open(queue = true) {
  const dir = await Deno.makeTempDir({ prefix: "connect-provider-kv-queue-" });
  const kv = await Deno.openKv(`${dir}/kv.sqlite`);
  const store = denoKvStore(kv, { queue });
  await store.migrate();
  return {
    kv,
    store,
    async close() {
      kv.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function assertEquals(actual, expected, message) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${message}\n  actual:   ${a}\n  expected: ${e}`);
}

/** Waits (up to 15 s) until `done()` holds. */
async function until(done, what) {
  for (let i = 0; i < 300; i += 1) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out: ${what}`);
}

const byId = (a, b) => (a.eventId < b.eventId ? -1 : 1);
const credentials = () => ({ encryptedData: crypto.getRandomValues(new Uint8Array(24)), credentialType: "oauth2" });

Deno.test("each logged event is enqueued with it and handed to the listener once, a large one read from the log", async () => {
  const { store, close } = await open();
  const consumed = [];
  const listening = store.queue.listen((event) => void consumed.push(event));
  try {
    const userId = crypto.randomUUID();
    const connected = await new api.ConnectProviderHandler(store.repository, store.eventBus).handle({ userId, providerId: crypto.randomUUID(), providerSlug: "bank", credentials: credentials() });
    const connectionId = connected.value;
    await new api.RefreshProviderTokensHandler(store.repository, store.eventBus).handle({ userId, connectionId, credentials: credentials() });
    await new api.DisconnectProviderHandler(store.repository, store.eventBus).handle({ userId, connectionId });
    const large = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId, providerId: crypto.randomUUID(), providerSlug: "x".repeat(40_000) };
    await store.eventBus.publish(large);
    const log = await store.events({ userId });
    assertEquals(log.length, 7, "the log");
    await until(() => consumed.length >= log.length, "every event consumed");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assertEquals([...consumed].sort(byId), [...log].sort(byId), "each event once, as logged");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("a commit refused as stale enqueues nothing; a redelivered message is dropped", async () => {
  const { kv, store, close } = await open();
  const consumed = [];
  const listening = store.queue.listen((event) => void consumed.push(event.eventId));
  try {
    const userId = crypto.randomUUID();
    const record = { id: crypto.randomUUID(), userId, providerId: crypto.randomUUID(), providerSlug: "bank", status: "pending", alias: null, credentials: null, connectedAt: null, lastSyncAt: null, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), version: 1 };
    const event = (n) => ({ eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date(Date.now() + n).toISOString(), userId, providerId: record.providerId, providerSlug: "bank" });
    const [first, stale] = [event(0), event(1)];
    assertEquals(await store.repository.commit(record, [first]), true, "v1 committed");
    assertEquals(await store.repository.commit(record, [stale]), false, "v1 again is stale");
    await until(() => consumed.includes(first.eventId), "the committed event");
    const sequence = (await kv.get(["connect_provider", "event_ids", first.eventId])).value.sequence;
    // A pending mark beside the copy: the listener clears it when it drops the copy as consumed.
    const pending = ["connect_provider", "pending_events", first.eventId];
    await kv.atomic().set(pending, { sequence, enqueuedAt: Date.now() }).enqueue({ connectProviderEvent: 1, eventId: first.eventId, sequence, data: null }).commit();
    await until(async () => (await kv.get(pending)).versionstamp === null, "the copy handed over, and dropped");
    assertEquals(consumed, [first.eventId], "the stale commit's event never came, nor the redelivery");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("a handler that fails is retried by KV until it succeeds; one that keeps failing is kept for an operator, in undelivered(), and no sweep sends it again", async () => {
  const { kv, store, close } = await open({ backoffSchedule: [20, 20] });
  const tries = new Map();
  const consumed = [];
  const [flaky, poison] = [crypto.randomUUID(), crypto.randomUUID()];
  const listening = store.queue.listen((event) => {
    tries.set(event.eventId, (tries.get(event.eventId) ?? 0) + 1);
    if (event.eventId === poison || (event.eventId === flaky && tries.get(flaky) === 1)) throw new Error("not now");
    consumed.push(event.eventId);
  });
  try {
    const userId = crypto.randomUUID();
    for (const eventId of [flaky, poison]) {
      await store.eventBus.publish({ eventType: "ProviderConnectionAttempted", eventId, occurredAt: new Date().toISOString(), userId, providerId: crypto.randomUUID(), providerSlug: "bank" });
    }
    await until(async () => (await store.queue.undelivered()).length === 1 && consumed.includes(flaky), "the flaky one consumed, the poison one given up");
    assertEquals(consumed, [flaky], "consumed once, on its second try");
    assertEquals(tries.get(poison), 3, "the poison one: the first delivery and the schedule's two retries");
    assertEquals((await store.queue.undelivered()).map((e) => e.eventId), [poison], "kept for an operator");
    const pendingMark = async () => (await kv.get(["connect_provider", "pending_events", poison])).versionstamp;
    if ((await pendingMark()) === null) throw new Error("the poison one's pending mark is kept until a sweep");
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 0, "a sweep does not enqueue again what KV gave up on");
    assertEquals(await pendingMark(), null, "and drops its pending mark");
    assertEquals((await store.queue.undelivered()).map((e) => e.eventId), [poison], "still kept for an operator");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("while KV retries a message whose handler threw, no sweep sends a copy of it; once KV gives up, none either", async () => {
  const { kv, store, close } = await open({ backoffSchedule: [600, 600] });
  let tries = 0;
  const listening = store.queue.listen(() => {
    tries += 1;
    throw new Error("not now");
  });
  try {
    const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" };
    await store.eventBus.publish(event);
    await until(() => tries === 1, "the first try");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const mark = (await kv.get(["connect_provider", "pending_events", event.eventId])).value;
    assertEquals(typeof mark?.retryingUntil, "number", "the failure is on the pending mark");
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 0, "KV will try it again: no copy");
    await until(async () => tries === 3 && (await store.queue.undelivered()).length === 1, "KV's two retries, then given up");
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 0, "given up: no copy either");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assertEquals(tries, 3, "one message, tried three times: nothing sent it again");
    assertEquals((await store.queue.undelivered()).map((e) => e.eventId), [event.eventId], "kept for an operator");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("denoKvStore refuses a queue option it cannot use, by name", async () => {
  const { kv, close } = await open(false);
  try {
    for (const queue of ["yes", { backoffSchedule: [-1] }, { backoffSchedule: [1, 2, 3, 4, 5, 6] }, null]) {
      let message = "";
      try {
        denoKvStore(kv, { queue });
      } catch (error) {
        message = error.message;
      }
      assertEquals(message, "denoKvStore: options.queue must be true, false or { backoffSchedule: number[] }", `queue ${JSON.stringify(queue)}`);
    }
    assertEquals(denoKvStore(kv).queue, undefined, "no queue unless asked");
  } finally {
    await close();
  }
});

Deno.test("redeliver() enqueues again what is still not consumed (a message KV set aside when its process died), and each event is still handed over once", async () => {
  const { kv, store, close } = await open();
  let listening;
  try {
    const userId = crypto.randomUUID();
    const events = [0, 1, 2].map((n) => ({ eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date(Date.now() + n).toISOString(), userId, providerId: crypto.randomUUID(), providerSlug: "bank" }));
    for (const event of events) await store.eventBus.publish(event);
    const pending = async () => (await Array.fromAsync(kv.list({ prefix: ["connect_provider", "pending_events"] }))).length;
    assertEquals(await pending(), 3, "a pending mark per message");
    assertEquals(await store.queue.redeliver({ olderThanMs: 60_000 }), 0, "none is old enough");
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 3, "all three enqueued again");
    const consumed = [];
    listening = store.queue.listen((event) => void consumed.push(event.eventId));
    await until(async () => consumed.length >= 3 && (await pending()) === 0, "consumed, and the marks cleared");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assertEquals([...consumed].sort(), events.map((e) => e.eventId).sort(), "each once, though each was enqueued twice");
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 0, "nothing left to enqueue again");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("two copies of one event handed over at once (a sweep's and KV's) take turns: a slow handler runs once, and the second copy finds the consumed mark", async () => {
  const { kv, store, close } = await open();
  let listening;
  try {
    const events = [0, 1, 2].map((n) => ({ eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date(Date.now() + n).toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" }));
    for (const event of events) await store.eventBus.publish(event);
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 3, "each enqueued a second time");
    const started = [];
    listening = store.queue.listen(async (event) => {
      started.push(event.eventId);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const pending = async () => (await Array.fromAsync(kv.list({ prefix: ["connect_provider", "pending_events"] }))).length;
    await until(async () => started.length >= 3 && (await pending()) === 0, "consumed, and the marks cleared");
    await new Promise((resolve) => setTimeout(resolve, 500));
    assertEquals([...started].sort(), events.map((e) => e.eventId).sort(), "each handed over once");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("stop() takes no message from then on and waits for the one being handled; what it left stays pending, and is handed over once after the restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-provider-kv-queue-" });
  const path = `${dir}/kv.sqlite`;
  const event = (n) => ({ eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date(Date.now() + n).toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" });
  try {
    let kv = await Deno.openKv(path);
    let store = denoKvStore(kv, { queue: true });
    await store.migrate();
    const first = event(0);
    const handled = [];
    let finished = false;
    let listening = store.queue.listen(async (e) => {
      handled.push(e.eventId);
      await new Promise((resolve) => setTimeout(resolve, 400));
      finished = true;
    });
    await store.eventBus.publish(first);
    await until(() => handled.length === 1, "the first handed over");
    await store.queue.stop();
    assertEquals(finished, true, "stop() waited for the handler in flight");
    const later = event(1);
    await store.eventBus.publish(later);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assertEquals(handled, [first.eventId], "nothing taken after stop()");
    kv.close();
    await listening;

    kv = await Deno.openKv(path);
    store = denoKvStore(kv, { queue: true });
    const again = [];
    listening = store.queue.listen((e) => void again.push(e.eventId));
    try {
      // KV keeps the untaken message aside, as one in flight at a kill; the service's sweep sends it
      // again (its pending mark stayed), and the first's mark went with its consumption.
      assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 1, "the one left is still pending");
      await until(() => again.includes(later.eventId), "the one left handed over after the restart");
      await new Promise((resolve) => setTimeout(resolve, 500));
      assertEquals(again, [later.eventId], "the one left, once; the first not again");
      assertEquals(await store.queue.undelivered(), [], "none given up on");
    } finally {
      kv.close();
      await listening;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a message redeliver() sends again is retried on the store's own schedule, not KV's", async () => {
  const { store, close } = await open({ backoffSchedule: [] });
  let tries = 0;
  let listening;
  try {
    const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" };
    await store.eventBus.publish(event);
    assertEquals(await store.queue.redeliver({ olderThanMs: 0 }), 1, "enqueued again");
    listening = store.queue.listen(() => {
      tries += 1;
      throw new Error("not now");
    });
    await until(async () => tries >= 2 && (await store.queue.undelivered()).length === 1, "both messages tried and given up");
    // KV's own schedule would try the second message again after a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assertEquals(tries, 2, "each message tried once: no retries, as the store's schedule says");
    assertEquals((await store.queue.undelivered()).map((e) => e.eventId), [event.eventId], "kept for an operator");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("idle() resolves once the message being handled is done and marked consumed, so a stop that awaits it cuts off no handler", async () => {
  const { kv, store, close } = await open();
  let started = false;
  const done = [];
  const listening = store.queue.listen(async (event) => {
    started = true;
    await new Promise((resolve) => setTimeout(resolve, 300));
    done.push(event.eventId);
  });
  try {
    await store.queue.idle(); // nothing in flight: at once
    const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" };
    await store.eventBus.publish(event);
    await until(() => started, "the handler started");
    const idle = store.queue.idle();
    assertEquals(done, [], "still handling when idle() was called");
    await idle;
    assertEquals(done, [event.eventId], "the handler had ended");
    const marks = [(await kv.get(["connect_provider", "consumed_events", event.eventId])).versionstamp !== null, (await kv.get(["connect_provider", "pending_events", event.eventId])).versionstamp];
    assertEquals(marks, [true, null], "and its consumed mark was written, its pending mark cleared");
  } finally {
    await close();
    await listening;
  }
});

Deno.test("redeliver() passes over marks that are not due yet, so they never take the places of older ones", async () => {
  const { kv, store, close } = await open();
  try {
    const userId = crypto.randomUUID();
    // Ids in the order the marks list in: the first two are swept (and so marked afresh) just before the last is due.
    const ids = ["00000000-0000-7000-8000-000000000001", "00000000-0000-7000-8000-000000000002", "00000000-0000-7000-8000-000000000003"];
    for (const eventId of ids) await store.eventBus.publish({ eventType: "ProviderConnectionAttempted", eventId, occurredAt: new Date().toISOString(), userId, providerId: crypto.randomUUID(), providerSlug: "bank" });
    // The marks 2 s old; the two swept are marked afresh, and stay not due for 1.5 s, however slow the machine.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assertEquals(await store.queue.redeliver({ olderThanMs: 0, limit: 2 }), 2, "the first two, marked afresh");
    assertEquals(await store.queue.redeliver({ olderThanMs: 1500, limit: 2 }), 1, "the last, though the two before it are not due");
    const marked = (await Array.fromAsync(kv.list({ prefix: ["connect_provider", "pending_events"] }))).map((entry) => entry.key.at(-1));
    assertEquals(marked, ids, "every event still pending (nothing consumed them)");
  } finally {
    await close();
  }
});
