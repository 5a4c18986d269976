// The Node service's NATS delivery (examples/node-service/nats-events.mjs) against a real
// nats-server: a publish that fails in the middle of a batch leaves only the events before it in
// the stream, so the relay's retry keeps commit order. The failure is a message over the stream's
// size limit; the service itself against NATS is in nats_relay.test.mjs.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { publishInOrder, STREAM, SUBJECT_PREFIX } from "../../examples/node-service/nats-events.mjs";
import { startNats, streamMessages } from "./support/nats.mjs";

const dir = mkdtempSync(join(tmpdir(), "connect-provider-nats-order-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const event = (alias) => ({ eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-12-06T12:00:00.000Z", userId: crypto.randomUUID(), connectionId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "schwab", alias });

test("a publish refused in the middle of a batch leaves only the events before it in the stream; sent again from there, the stream is in commit order", async () => {
  const nats = await startNats(join(dir, "nats"));
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_PREFIX}.>`], max_msg_size: 2_048 });
    const js = jetstream(nc);
    // The third is over the stream's limit: refused, as a publish meeting a leader change would be.
    const events = [event("one"), event("two"), event("x".repeat(4_000)), event("four"), event("five")];
    const first = await publishInOrder(js, events).then(() => "published", (error) => error.message);
    assert.notEqual(first, "published");
    assert.deepEqual((await streamMessages(nats.url, STREAM)).map((m) => m.msgId), events.slice(0, 2).map((e) => e.eventId), "only the two before it");
    // The relay sends the rest again (the events before, a duplicate each, then the one at fault, now fixed, and the rest).
    const fixed = [...events.slice(0, 2), { ...events[2], alias: "three" }, ...events.slice(3)];
    const acks = await publishInOrder(js, fixed);
    assert.deepEqual(acks.map((ack) => ack.duplicate), [true, true, false, false, false]);
    assert.deepEqual((await streamMessages(nats.url, STREAM)).map((m) => m.msgId), events.map((e) => e.eventId), "each once, in commit order");
  } finally {
    await nc.close();
    await nats.stop();
  }
});
