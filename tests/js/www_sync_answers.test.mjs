// The browser app's sync client (www/src/sync/sync-client.js) against a real HTTP server that answers
// 200 with bodies that are not the routes' answers: each is SyncMalformed (the page's "try later"),
// never a snapshot written from it, nor a push or pull sent again at once. The page's use of the
// client runs in Chromium against the services (www_offline.test.mjs).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { pullAnswer, pushAnswer, SyncMalformed, SyncUnavailable, syncClient } from "../../www/src/sync/sync-client.js";

/** What the server answers next, as JSON text, and the requests it saw. */
let nextBody = "{}";
const seen = [];
const server = createServer((request, response) => {
  seen.push(`${request.method} ${request.url}`);
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(nextBody);
  });
});
before(() => new Promise((resolve) => server.listen(0, "127.0.0.1", resolve)));
after(() => new Promise((resolve) => server.close(resolve)));
const client = () => syncClient({ service: `http://127.0.0.1:${/** @type {any} */ (server.address()).port}/`, token: "t" });

const EVENT = { eventType: "ProviderConnectionAttempted", eventId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b" };
const mutations = [{ id: 4, name: "disconnect", args: {} }, { id: 7, name: "disconnect", args: {} }];

test("a push answered 200 with anything but its answer is SyncMalformed, naming what is wrong; the service's own answers pass", async () => {
  const cases = [
    ["null", "it needs lastMutationId and results"],
    [JSON.stringify({ results: [{ id: 4, ok: true }, { id: 7, ok: true }] }), "it needs lastMutationId and results"],
    [JSON.stringify({ lastMutationId: "7", results: [] }), "it needs lastMutationId and results"],
    [JSON.stringify({ lastMutationId: 7, results: {} }), "it needs lastMutationId and results"],
    [JSON.stringify({ lastMutationId: 9, results: [{ id: 4 }, { id: 7 }, { id: 9 }] }), "more results than mutations"],
    [JSON.stringify({ lastMutationId: 7, results: [{ id: 7, ok: true }] }), "result 0 is not mutation 4's"],
    [JSON.stringify({ lastMutationId: 4, results: [{ id: 4, ok: true }, { id: 7, ok: true }] }), "its lastMutationId is behind mutation 7, which it answered"],
    [JSON.stringify({ lastMutationId: 3, results: [{ id: 4, ok: false, code: "NOT_ACTIVE", error: "Connection is not active" }] }), "its lastMutationId is behind mutation 4, which it answered"],
    [JSON.stringify({ lastMutationId: 3, results: [{ id: 4, applied: "before" }] }), "its lastMutationId is behind mutation 4, which it answered"],
  ];
  for (const [body, why] of cases) {
    nextBody = body;
    await assert.rejects(client().push("c", mutations), (error) => {
      assert.ok(error instanceof SyncMalformed && error instanceof SyncUnavailable, body);
      assert.equal(error.message, `The service's push answer is malformed: ${why}`, body);
      return true;
    });
  }
  for (const answer of [
    { lastMutationId: 7, results: [{ id: 4, applied: "before" }, { id: 7, ok: false, code: "NOT_ACTIVE", error: "Connection is not active" }] },
    { lastMutationId: 4, results: [{ id: 4, ok: true }] },
    { lastMutationId: 3, results: [] },
  ]) {
    nextBody = JSON.stringify(answer);
    assert.deepEqual(await client().push("c", mutations), answer);
  }
  assert.equal(seen.filter((line) => line === "POST /sync/push").length, cases.length + 3, "one request a push: none sent again");
});

test("a pull answered 200 with anything but its answer is SyncMalformed, a page that says more without moving past the cursor too", async () => {
  const page = { connections: [], events: [EVENT], lastMutationId: 0, cursor: EVENT.eventId, more: false };
  const cases = [
    [{ ...page, connections: null }, "it needs connections, events, lastMutationId, cursor and more"],
    [{ ...page, events: "none" }, "it needs connections, events, lastMutationId, cursor and more"],
    [{ ...page, lastMutationId: -1 }, "it needs connections, events, lastMutationId, cursor and more"],
    [{ ...page, cursor: 5 }, "it needs connections, events, lastMutationId, cursor and more"],
    [{ ...page, more: "false" }, "it needs connections, events, lastMutationId, cursor and more"],
    [{ ...page, connections: [{ userId: "u" }] }, "a connection without its id"],
    [{ ...page, events: [{ eventType: "ProviderConnectionAttempted" }] }, "an event without its eventId"],
    [{ ...page, events: [], more: true }, "more to come, but no event past the cursor"],
    [{ ...page, cursor: "0190f5b2-0000-7000-8000-000000000001", more: true }, "more to come, but no event past the cursor"],
    [{ ...page, events: [EVENT, { ...EVENT, eventType: "ProviderConnectionSucceeded" }] }, "an eventId twice"],
    [{ ...page, cursor: null }, "its cursor is not its last event's id (nor, with no event, the cursor sent)"],
    [{ ...page, cursor: "0190f5b2-0000-7000-8000-000000000002" }, "its cursor is not its last event's id (nor, with no event, the cursor sent)"],
    [{ ...page, events: [], cursor: null }, "its cursor is not its last event's id (nor, with no event, the cursor sent)"],
  ];
  for (const [answer, why] of cases) {
    nextBody = JSON.stringify(answer);
    await assert.rejects(client().pull("c", "0190f5b2-0000-7000-8000-000000000001"), (error) => {
      assert.ok(error instanceof SyncMalformed, JSON.stringify(answer));
      assert.equal(error.message, `The service's pull answer is malformed: ${why}`, JSON.stringify(answer));
      return true;
    });
  }
  for (const answer of [page, { ...page, more: true }, { ...page, events: [], cursor: null }]) {
    nextBody = JSON.stringify(answer);
    assert.deepEqual(await client().pull("c", null), answer);
  }
});

test("the checks alone: what the service answers passes as it is", () => {
  const answer = { lastMutationId: 7, results: [{ id: 4, ok: true, value: "x" }, { id: 7, applied: "before" }] };
  assert.equal(pushAnswer(answer, mutations), answer);
  const page = { connections: [{ id: "a" }], events: [], lastMutationId: 7, cursor: null, more: false };
  assert.equal(pullAnswer(page, null), page);
  const nothingNew = { ...page, cursor: EVENT.eventId };
  assert.equal(pullAnswer(nothingNew, EVENT.eventId), nothingNew, "no event after the cursor: the cursor sent, again");
});
