// A token for local use: HS256 under AUTH_JWT_SECRET, `sub` the user id, `exp` soon, and the
// configured issuer and audience. Each service's dev-token script prints one. A deployment that
// verifies against an identity provider's JWKS gets its tokens from that provider instead.
import { SignJWT } from "jose";
import { ConfigError, readAuthConfig } from "./config.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEFAULT_MINUTES = 60;
const MAX_MINUTES = 24 * 60;

/**
 * @param {Record<string, unknown>} env AUTH_JWT_SECRET, and AUTH_ISSUER and AUTH_AUDIENCE when set
 * @param {{ userId: string, minutes?: number }} claims
 */
export async function mintDevToken(env, { userId, minutes = DEFAULT_MINUTES }) {
  /** @type {string[]} */
  const problems = [];
  const auth = readAuthConfig(env, problems);
  if (auth && auth.kind !== "hs256") problems.push("dev tokens need AUTH_JWT_SECRET: with AUTH_JWKS_URL, tokens come from the identity provider");
  if (!UUID.test(userId)) problems.push("the user id must be a UUID");
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) problems.push(`minutes must be a whole number from 1 to ${MAX_MINUTES}`);
  if (problems.length > 0 || !auth || auth.kind !== "hs256") throw new ConfigError(problems);
  let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(userId.toLowerCase()).setIssuedAt().setExpirationTime(`${minutes}m`);
  if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
  if (auth.audience) jwt = jwt.setAudience(auth.audience);
  return jwt.sign(auth.secret);
}

/**
 * The scripts' command line, `[user-id] [minutes]`: a user id of your own, or a new one (told on
 * stderr); the token alone on stdout, so `TOKEN=$(… dev-token …)` works.
 * @param {Record<string, unknown>} env @param {string[]} args
 * @param {{ out: (line: string) => void, err: (line: string) => void }} io
 * @returns {Promise<number>} the exit code
 */
export async function devTokenCommand(env, args, { out, err }) {
  const [given, minutes] = args;
  if (given === "--help" || given === "-h") {
    out("usage: dev-token [user-id (a UUID; a new one when absent)] [minutes (60)]");
    return 0;
  }
  const userId = given ?? crypto.randomUUID();
  try {
    const token = await mintDevToken(env, { userId, minutes: minutes === undefined ? DEFAULT_MINUTES : Number(minutes) });
    if (given === undefined) err(`dev token for user ${userId}`);
    out(token);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(error.message.replace("connect-provider service refuses to start", "dev-token cannot mint a token"));
    return 1;
  }
}
