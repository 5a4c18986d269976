// Who is calling: the `sub` of the request's Bearer JWT, verified with jose against the configured
// HS256 secret or the identity provider's JWKS. Only the algorithms of that configuration are
// accepted (never `none`, never an HMAC over a public key), `exp` and `sub` are required, `sub`
// must be a UUID, and issuer and audience are checked when configured. Every refusal is the same
// answer, so a caller learns nothing about which check failed.
import { createRemoteJWKSet, errors, jwtVerify } from "jose";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A compact JWS, signature included (a token with an empty signature is refused before jose). */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
/** Far above any real token; what is longer is refused unread. */
const MAX_AUTHORIZATION_LENGTH = 8192;
/** Seconds of clock skew allowed on exp and nbf. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** The identity provider's keys could not be fetched: the caller is neither let in nor blamed (503). */
export class AuthUnavailable extends Error {
  name = "AuthUnavailable";
}

/**
 * @param {import("./config.js").AuthConfig} auth
 * @returns {Promise<(request: Request) => Promise<string | null>>} the caller's user id (lower case), or null
 */
export async function createAuthenticator(auth) {
  const hs256 = auth.kind === "hs256";
  const key = hs256
    ? // Imported for HMAC-SHA-256 verification only: jose then refuses it for any other algorithm.
      await crypto.subtle.importKey("raw", auth.secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"])
    : createRemoteJWKSet(auth.url, { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  /** @type {import("jose").JWTVerifyOptions} */
  const options = {
    algorithms: hs256 ? ["HS256"] : ["RS256", "ES256"],
    requiredClaims: ["exp", "sub"],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(auth.issuer === undefined ? {} : { issuer: auth.issuer }),
    ...(auth.audience === undefined ? {} : { audience: auth.audience }),
  };

  return async function authenticate(request) {
    const header = request.headers.get("authorization");
    if (header === null || header.length > MAX_AUTHORIZATION_LENGTH) return null;
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return null;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, /** @type {any} */ (key), options));
    } catch (error) {
      if (!hs256 && unreachable(error)) throw new AuthUnavailable("the identity provider's JWKS could not be fetched", { cause: error });
      return null;
    }
    return typeof payload.sub === "string" && UUID.test(payload.sub) ? payload.sub.toLowerCase() : null;
  };
}

/**
 * A JWKS that did not come (timeout, network, an answer other than 200, not JSON, not a JWKS), as
 * opposed to a token that failed. jose throws its plain `JOSEError` (no subclass, so the generic
 * code) only where the key set's answer was not 200 or not JSON. @param {unknown} error
 */
function unreachable(error) {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return error.code === "ERR_JOSE_GENERIC";
  return true;
}
