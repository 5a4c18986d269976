// Tokens for the services' tests: a valid one for a user, and every kind of bad one, each with the
// name a failure reports. HS256 under the service's AUTH_JWT_SECRET unless said otherwise.
import { randomUUID } from "node:crypto";
import { SignJWT, generateKeyPair, exportSPKI } from "jose";

const encoder = new TextEncoder();
const base64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/**
 * @param {{ AUTH_JWT_SECRET: string, AUTH_ISSUER?: string, AUTH_AUDIENCE?: string }} vars the service's
 */
export async function tokenFactory(vars) {
  const secret = encoder.encode(vars.AUTH_JWT_SECRET);
  const rsa = await generateKeyPair("RS256");
  const ec = await generateKeyPair("ES256");

  /** A token with the service's claims, changed by `claims` (undefined drops one) and signed as `sign` says. */
  async function token(sub, { claims = {}, alg = "HS256", key = secret, header = {} } = {}) {
    const payload = { sub, iat: now(), exp: now() + 600, iss: vars.AUTH_ISSUER, aud: vars.AUTH_AUDIENCE, ...claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT", ...header }).sign(key);
  }

  /** `Authorization: Bearer <valid token>` for the user. */
  const valid = (userId, options) => token(userId, options);

  /**
   * Every way a request can fail to authenticate, as the headers it sends (built for `userId`, a
   * real user of the service, so only the fault differs from a good request).
   * @param {string} userId
   * @returns {Promise<{ kind: string, headers: Record<string, string> }[]>}
   */
  async function badCredentials(userId) {
    const good = await valid(userId);
    const [header, payload, signature] = good.split(".");
    const bearer = (value) => ({ authorization: `Bearer ${value}` });
    const otherUser = randomUUID();
    const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
    const unsigned = (alg, sig = "") => `${base64url({ alg, typ: "JWT" })}.${payload}.${sig}`;
    const kinds = [
      ["no Authorization header", {}],
      ["an empty Authorization header", { authorization: "" }],
      ["Bearer with no token", { authorization: "Bearer " }],
      ["another scheme (Basic)", { authorization: `Basic ${Buffer.from(`${userId}:x`).toString("base64")}` }],
      ["the token without its scheme", { authorization: good }],
      ["a token that is not a JWT", bearer("not-a-jwt")],
      ["a JWT of two parts", bearer(`${header}.${payload}`)],
      ["garbage in three parts", bearer("aaaa.bbbb.cccc")],
      ["alg: none, no signature", bearer(unsigned("none"))],
      ["alg: none, with a signature", bearer(unsigned("none", signature))],
      ["alg: None", bearer(unsigned("None", signature))],
      ["expired", bearer(await token(userId, { claims: { exp: now() - 120, iat: now() - 720 } }))],
      ["without exp", bearer(await token(userId, { claims: { exp: undefined } }))],
      ["without sub", bearer(await token(undefined))],
      ["sub not a UUID", bearer(await token("admin"))],
      ["sub a number", bearer(await token(42))],
      ["not yet valid (nbf in an hour)", bearer(await token(userId, { claims: { nbf: now() + 3600 } }))],
      ["signed with another secret", bearer(await token(userId, { key: encoder.encode("another-secret-of-at-least-32-bytes!!") }))],
      ["HS384 under the same secret", bearer(await token(userId, { alg: "HS384" }))],
      ["HS512 under the same secret", bearer(await token(userId, { alg: "HS512" }))],
      ["RS256 with a key of its own", bearer(await token(userId, { alg: "RS256", key: rsa.privateKey }))],
      ["ES256 with a key of its own", bearer(await token(userId, { alg: "ES256", key: ec.privateKey }))],
      ["a payload changed under the signature (sub swapped)", bearer(`${header}.${base64url({ ...forged, sub: otherUser })}.${signature}`)],
      ["exp pushed out under the signature", bearer(`${header}.${base64url({ ...forged, exp: now() + 86_400 * 365 })}.${signature}`)],
      ["a signature cut short", bearer(`${header}.${payload}.${signature.slice(0, -4)}`)],
      ["two tokens", { authorization: `Bearer ${good}, Bearer ${good}` }],
      ["a token over 8 KiB", bearer(await token(userId, { claims: { padding: "x".repeat(9000) } }))],
    ];
    if (vars.AUTH_ISSUER) {
      kinds.push(["another issuer", bearer(await token(userId, { claims: { iss: "https://evil.example/" } }))]);
      kinds.push(["no issuer", bearer(await token(userId, { claims: { iss: undefined } }))]);
    }
    if (vars.AUTH_AUDIENCE) {
      kinds.push(["another audience", bearer(await token(userId, { claims: { aud: "another-service" } }))]);
      kinds.push(["no audience", bearer(await token(userId, { claims: { aud: undefined } }))]);
    }
    return kinds.map(([kind, headers]) => ({ kind, headers }));
  }

  return { valid, token, badCredentials, rsa, ec, exportRsaPublicPem: () => exportSPKI(rsa.publicKey) };
}
