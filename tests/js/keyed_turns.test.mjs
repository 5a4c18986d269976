// The sync push's turns per client (service/keyed-turns.js), alone: one at a time per key, and a
// wait that ends even when the turn before never does (on Workers, a push whose client went away is
// cancelled with its I/O pending, and its turn never ends).
import assert from "node:assert/strict";
import { test } from "node:test";
import { TURN_WAIT_MS, keyedTurns } from "../../node_modules/connect-provider/service/keyed-turns.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("turns of one key run one after the other, in the order they came; another key's run beside them", async () => {
  const inTurn = keyedTurns();
  const log = [];
  const gate = (name) => {
    let open;
    const opened = new Promise((resolve) => (open = resolve));
    return { open, run: async () => (log.push(`${name} starts`), await opened, log.push(`${name} ends`), name) };
  };
  const [a, b, c, other] = ["a", "b", "c", "other"].map(gate);
  const runs = [inTurn("k", a.run), inTurn("k", b.run), inTurn("k", c.run), inTurn("j", other.run)];
  await tick();
  assert.deepEqual(log, ["a starts", "other starts"]);
  c.open();
  b.open();
  await tick();
  assert.deepEqual(log, ["a starts", "other starts"], "b and c wait for a, though they could end");
  a.open();
  other.open();
  assert.deepEqual(await Promise.all(runs), ["a", "b", "c", "other"]);
  assert.deepEqual(log, ["a starts", "other starts", "a ends", "other ends", "b starts", "b ends", "c starts", "c ends"]);
});

test("a turn whose work never ends holds the next one back waitMs at most (10 s by default); a turn that comes while that one runs waits for it", async () => {
  assert.equal(TURN_WAIT_MS, 10_000);
  const inTurn = keyedTurns(400);
  void inTurn("client", () => new Promise(() => {})); // cancelled: never settles
  const started = performance.now();
  const at = () => Math.round(performance.now() - started);
  const log = [];
  const second = inTurn("client", async () => {
    log.push(["second starts", at() >= 390]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    log.push(["second ends"]);
  });
  // The second is running (from 400 ms to 500); the third's own wait would end at 850 ms.
  await new Promise((resolve) => setTimeout(resolve, 450));
  const third = inTurn("client", async () => log.push(["third starts"]));
  await Promise.all([second, third]);
  assert.deepEqual(log, [["second starts", true], ["second ends"], ["third starts"]]);
});

test("a turn whose work fails lets the next one run, and the failure is its own", async () => {
  const inTurn = keyedTurns();
  const failed = inTurn("k", async () => {
    throw new Error("the store went away");
  });
  const next = inTurn("k", async () => "ran");
  await assert.rejects(failed, { message: "the store went away" });
  assert.equal(await next, "ran");
});
