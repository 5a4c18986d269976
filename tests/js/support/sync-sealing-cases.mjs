// The queued-secret seal of the page (www/src/crypto/service-sealer.js) opened by the service
// (connect-provider/service's sync-key.js), as cases that run unchanged in Node
// (tests/js/sync_sealing.test.mjs) and Deno (tests/deno/sync_sealing_test.mjs): the two runtimes'
// WebCrypto differ where it matters here (Deno imports an off-curve point, refusing it only at deriveBits).
import { SyncKeyNotHeld, SyncSealError, createSyncKey } from "../../../node_modules/connect-provider/service/sync-key.js";
import { sealToService } from "../../../www/src/crypto/service-sealer.js";
import { expectEqual, expectTrue } from "../contract/expect.mjs";

const USER = "0b6f3c7e-5d2a-4c1b-9e8f-7a6b5c4d3e2f";
const OTHER = "1c7a4d8f-6e3b-4d2c-8f9a-8b7c6d5e4f3a";
/** A fixed credentials key, and the pair every runtime must derive from it. */
const FIXED_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
export const FIXED_PAIR = {
  keyId: "3a44eb74d0ddc6f5",
  publicKey: { kty: "EC", crv: "P-256", x: "gRYv00Qf0b0Azb_PJWZVcCWQWDqRmaGZN6Vgspn-XwU", y: "pgaNXBiXpiiOl5f2pcJ4k-n0krdZloMhJQItX9kjZ28" },
};
const hex = (/** @type {Uint8Array} */ bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

/** The error `promise` rejects with, or null. @param {Promise<unknown>} promise */
const rejection = (promise) => promise.then(() => null, (error) => error);

export const syncSealingCases = {
  async "the pair is derived from the credentials key alike in every runtime, and publishes no private part"() {
    expectEqual(await createSyncKey([FIXED_KEY]).published(), FIXED_PAIR, "the fixed key's pair");
  },

  async "a secret sealed to the published key opens for its user, and for no one else; each byte of the seal counts"() {
    const key = createSyncKey([FIXED_KEY]);
    const secret = "sk_live_é🔑 sealed offline";
    const sealed = await sealToService(FIXED_PAIR, secret, USER.toUpperCase());
    expectEqual(sealed.length, 1 + 8 + 65 + 12 + new TextEncoder().encode(secret).length + 16, "the seal's length");
    expectEqual(await key.open(sealed, USER), secret, "opened, the user's id bound in any case");
    expectTrue((await rejection(key.open(sealed, OTHER))) instanceof SyncSealError, "another user's push does not open it");
    // The version, the one-off point's prefix and both its coordinates (an off-curve point), the nonce,
    // the ciphertext and the tag.
    for (const at of [0, 9, 10, 41, 73, 74, 85, 86, 90, sealed.length - 17, sealed.length - 1]) {
      const altered = sealed.slice();
      altered[at] ^= 1;
      expectTrue((await rejection(key.open(altered, USER))) instanceof SyncSealError, `a byte altered at ${at}`);
    }
    expectTrue((await rejection(key.open(sealed.subarray(0, 100), USER))) instanceof SyncSealError, "cut short");
    // The same one-off point in its hybrid encoding (prefix 6 or 7 with y's parity), which a WebCrypto may
    // import as the same point: refused, as the point's bytes themselves are bound, not only its value.
    const hybrid = sealed.slice();
    hybrid[9] = 0x06 | (hybrid[73] & 1);
    expectTrue((await rejection(key.open(hybrid, USER))) instanceof SyncSealError, "the one-off point re-encoded as hybrid");
    // The key id: another pair's, which this service does not hold (not the seal's fault: the push stops there).
    const otherPair = sealed.slice();
    otherPair[1] ^= 1;
    const notHeld = await rejection(key.open(otherPair, USER));
    expectTrue(notHeld instanceof SyncKeyNotHeld && notHeld.keyId === hex(otherPair.subarray(1, 9)), `another pair's key id: ${notHeld}`);
    expectTrue(hex(await sealToService(FIXED_PAIR, secret, USER)) !== hex(sealed), "each seal has its own one-off key and nonce");
  },

  async "a secret opens exactly as it was sealed, a leading U+FEFF kept; the seal of a secret over 32 KiB is not opened"() {
    const key = createSyncKey([FIXED_KEY]);
    for (const secret of ["\uFEFFsk_bom", "\uFEFF", "sk_\uFEFF", "s".repeat(32_768), "é".repeat(16_384)]) {
      expectEqual(await key.open(await sealToService(FIXED_PAIR, secret, USER), USER), secret, `${JSON.stringify(secret.slice(0, 8))}, ${secret.length} units`);
    }
    for (const secret of ["s".repeat(32_769), "é".repeat(16_384) + "a"]) {
      expectTrue((await rejection(key.open(await sealToService(FIXED_PAIR, secret, USER), USER))) instanceof SyncSealError, `${new TextEncoder().encode(secret).length} bytes`);
    }
  },

  async "an old key's pair still opens what was sealed to it; once dropped, the key is not held"() {
    const old = crypto.getRandomValues(new Uint8Array(32));
    const before = createSyncKey([old]);
    expectEqual(await createSyncKey([old]).published(), await before.published(), "the same key, the same pair");
    const sealed = await sealToService(await before.published(), "sealed before the rotation", USER);
    const rotated = createSyncKey([FIXED_KEY, old]);
    expectEqual(await rotated.published(), FIXED_PAIR, "the current key publishes its own pair");
    expectEqual(await rotated.open(sealed, USER), "sealed before the rotation", "the old pair opens");
    expectTrue((await rejection(createSyncKey([FIXED_KEY]).open(sealed, USER))) instanceof SyncKeyNotHeld, "once the old key is dropped");
  },
};
