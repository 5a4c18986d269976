// A queued secret sealed to the service's key by the page and opened by the service, in Node: the
// cases of support/sync-sealing-cases.mjs (Deno runs them too), and the page's check of a key.
import assert from "node:assert/strict";
import { test } from "node:test";
import { serviceKeyOf } from "../../www/src/crypto/service-sealer.js";
import { FIXED_PAIR, syncSealingCases } from "./support/sync-sealing-cases.mjs";

for (const [name, run] of Object.entries(syncSealingCases)) test(name, run);

test("the page keeps a key only when it is a point on P-256 whose id is its own", async () => {
  assert.deepEqual(await serviceKeyOf({ ...FIXED_PAIR, more: "ignored" }), FIXED_PAIR);
  const offCurve = { ...FIXED_PAIR.publicKey, y: `${FIXED_PAIR.publicKey.y.slice(0, -2)}Ab` };
  for (const value of [{ ...FIXED_PAIR, keyId: "0011223344556677" }, { ...FIXED_PAIR, publicKey: offCurve }, null, {}, { keyId: "xyz", publicKey: { kty: "EC", crv: "P-256", x: "a", y: "b" } }, { keyId: "00112233445566778", publicKey: {} }, { keyId: "0011223344556677", publicKey: { kty: "RSA" } }]) {
    assert.equal(await serviceKeyOf(value), null, JSON.stringify(value));
  }
});
