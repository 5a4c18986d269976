// A queued secret sealed to the service's key by the page (www/src/crypto/service-sealer.js) and
// opened by the service (connect-provider/service's sync-key.js): the two sides of one format.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { SyncSealError, createSyncKey } from "../../node_modules/connect-provider/service/sync-key.js";
import { sealToService, serviceKeyOf } from "../../www/src/crypto/service-sealer.js";

const USER = "0b6f3c7e-5d2a-4c1b-9e8f-7a6b5c4d3e2f";
const OTHER = "1c7a4d8f-6e3b-4d2c-8f9a-8b7c6d5e4f3a";
const current = randomBytes(32);
const old = randomBytes(32);

test("a secret sealed to the published key opens for its user, and for no one else", async () => {
  const key = createSyncKey([current, old]);
  const published = await key.published();
  assert.deepEqual(Object.keys(published).sort(), ["keyId", "publicKey"]);
  assert.deepEqual(Object.keys(published.publicKey).sort(), ["crv", "kty", "x", "y"], "no private part is published");
  assert.deepEqual(serviceKeyOf(JSON.parse(JSON.stringify(published))), published, "the page reads what the route answers");

  const secret = "sk_live_é🔑 sealed offline";
  const sealed = await sealToService(published, secret, USER.toUpperCase());
  assert.equal(sealed.length, 1 + 8 + 65 + 12 + new TextEncoder().encode(secret).length + 16);
  assert.equal(await key.open(sealed, USER), secret, "the user's id is bound in any case");
  await assert.rejects(key.open(sealed, OTHER), SyncSealError, "another user's push does not open it");
  for (const at of [0, 1, 9, 74, 80, sealed.length - 1]) {
    const altered = sealed.slice();
    altered[at] ^= 1;
    await assert.rejects(key.open(altered, USER), SyncSealError, `a byte altered at ${at}`);
  }
  await assert.rejects(key.open(sealed.subarray(0, 100), USER), SyncSealError, "cut short");
  assert.notDeepEqual(await sealToService(published, secret, USER), sealed, "each seal has its own one-off key and nonce");
});

test("the pair is derived from the credentials key: the same on every start, and an old key's pair still opens", async () => {
  const before = createSyncKey([old]);
  const again = createSyncKey([old]);
  assert.deepEqual(await again.published(), await before.published());
  const sealed = await sealToService(await before.published(), "sealed before the rotation", USER);
  const rotated = createSyncKey([current, old]);
  assert.notEqual((await rotated.published()).keyId, (await before.published()).keyId, "the current key publishes its own pair");
  assert.equal(await rotated.open(sealed, USER), "sealed before the rotation");
  await assert.rejects(createSyncKey([current]).open(sealed, USER), /a key this service does not hold/, "once the old key is dropped");
});

test("the page refuses a key that is not one", () => {
  for (const value of [null, {}, { keyId: "xyz", publicKey: { kty: "EC", crv: "P-256", x: "a", y: "b" } }, { keyId: "00112233445566778", publicKey: {} }, { keyId: "0011223344556677", publicKey: { kty: "RSA" } }]) {
    assert.equal(serviceKeyOf(value), null, JSON.stringify(value));
  }
});
