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
    assert.equal(first, "message size exceeds maximum allowed", "refused for its size");
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

test("a server that asks for a token: with NATS_TOKEN the events reach the stream; without it, the log says why each try fails (once a reason), and close() returns at once", async () => {
  const { natsEvents } = await import("../../examples/node-service/nats-events.mjs");
  const { natsAuth } = await import("../../examples/node-service/event-relay.mjs");
  const nats = await startNats(join(dir, "nats-token"), ["--auth", "s3cret-token"]);
  try {
    const refused = [];
    const without = natsEvents(nats.url, { onConnectError: (reason) => refused.push(reason) });
    for (let i = 0; i < 100 && refused.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    assert.equal(refused.length, 1, `one reason, told once: ${JSON.stringify(refused)}`);
    assert.match(refused[0], /authorization/i);
    await assert.rejects(without.deliver([event("no-token")]), { message: "NATS is not connected" });
    const closing = Date.now();
    await without.close();
    assert.ok(Date.now() - closing < 1_000, "close() does not wait on a connection that never came");

    const withToken = natsEvents(nats.url, { auth: natsAuth({ NATS_TOKEN: "s3cret-token" }), onConnectError: (reason) => refused.push(reason) });
    const sent = [event("one"), event("two")];
    let delivered = false;
    for (let i = 0; i < 100 && !delivered; i += 1) {
      delivered = await withToken.deliver(sent).then(() => true, () => false);
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await withToken.close();
    assert.equal(delivered, true);
    assert.equal(refused.length, 1, "no failure with the token");
    const nc = await connect({ servers: nats.url, token: "s3cret-token" });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(STREAM);
      assert.equal(info.state.messages, 2);
    } finally {
      await nc.close();
    }
  } finally {
    await nats.stop();
  }
});

test("NATS credentials and the lag report's interval are read or refused by name", async () => {
  const { natsAuth, startEventRelay } = await import("../../examples/node-service/event-relay.mjs");
  assert.deepEqual(natsAuth({}), {});
  assert.deepEqual(natsAuth({ NATS_TOKEN: "t" }), { token: "t" });
  assert.deepEqual(natsAuth({ NATS_USER: "u", NATS_PASSWORD: "p" }), { user: "u", pass: "p" });
  assert.throws(() => natsAuth({ NATS_TOKEN: "t", NATS_USER: "u", NATS_PASSWORD: "p" }), (error) => error.problems?.[0] === "NATS_TOKEN or NATS_USER with NATS_PASSWORD: not both");
  assert.throws(() => natsAuth({ NATS_USER: "u" }), (error) => error.problems?.[0] === "NATS_USER and NATS_PASSWORD go together");
  for (const report of ["99", "2147483648", "99999999999", "1e3"]) {
    await assert.rejects(
      startEventRelay(/** @type {any} */ ({}), { NATS_URL: "nats://127.0.0.1:1", EVENT_RELAY_REPORT_MS: report }, /** @type {any} */ ({})),
      (error) => error.problems?.[0] === "EVENT_RELAY_REPORT_MS must be a whole number of milliseconds from 100 to 2147483647",
      report,
    );
  }
});
