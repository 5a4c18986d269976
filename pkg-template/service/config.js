// The service's settings, read once from its environment (process.env, Deno.env, a Worker's env)
// and checked whole. A missing or weak authentication or sealing setting is refused, with every
// problem named and no secret's value repeated: there is no open mode.
import { DEFAULT_RETENTION_HOURS } from "./idempotency-expiry.js";

/** At least a SHA-256 block's worth of key for HS256 (RFC 7518 §3.2 asks for 256 bits). */
export const MIN_HS256_SECRET_BYTES = 32;
export const CREDENTIALS_KEY_BYTES = 32;
export const DEFAULT_WRITES_PER_MINUTE = 60;
const MAX_WRITES_PER_MINUTE = 10_000;
const MAX_RETENTION_HOURS = 720;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Every problem of a configuration, in one error; `message` is what the service prints. */
export class ConfigError extends Error {
  /** @param {string[]} problems */
  constructor(problems) {
    super(`connect-provider service refuses to start:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * @typedef {{ kind: "hs256", secret: Uint8Array, issuer?: string, audience?: string }
 *   | { kind: "jwks", url: URL, issuer: string, audience: string }} AuthConfig
 * @typedef {{
 *   auth: AuthConfig,
 *   credentials: { key: Uint8Array, oldKeys: Uint8Array[] },
 *   writesPerMinute: number,
 *   allowedOrigins: string[],
 *   idempotencyRetentionMs: number,
 * }} ServiceConfig
 */

/**
 * A variable's value, or undefined when it is unset or blank. A Worker's `[vars]` may hold numbers
 * and booleans; they are read as their text.
 * @param {Record<string, unknown>} env @param {string} name
 */
function valueOf(env, name) {
  const raw = env[name];
  const value = typeof raw === "number" || typeof raw === "boolean" ? String(raw) : raw;
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * How tokens are verified: AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (RS256/ES256), never both and
 * never neither; AUTH_ISSUER and AUTH_AUDIENCE are checked when set, and are required with a JWKS
 * (an identity provider's keys sign tokens for every application it serves).
 * @param {Record<string, unknown>} env
 * @param {string[]} problems where a problem is added
 * @returns {AuthConfig | undefined}
 */
export function readAuthConfig(env, problems) {
  const secret = valueOf(env, "AUTH_JWT_SECRET");
  const jwksUrl = valueOf(env, "AUTH_JWKS_URL");
  const issuer = valueOf(env, "AUTH_ISSUER")?.trim();
  const audience = valueOf(env, "AUTH_AUDIENCE")?.trim();
  if (secret === undefined && jwksUrl === undefined) {
    problems.push(
      "no authentication is configured: set AUTH_JWT_SECRET (HS256, at least 32 bytes) or AUTH_JWKS_URL (RS256/ES256); there is no open mode",
    );
    return undefined;
  }
  if (secret !== undefined && jwksUrl !== undefined) {
    problems.push("AUTH_JWT_SECRET and AUTH_JWKS_URL are both set: set exactly one");
    return undefined;
  }
  if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length < MIN_HS256_SECRET_BYTES) {
      problems.push(`AUTH_JWT_SECRET is ${bytes.length} bytes: HS256 needs at least ${MIN_HS256_SECRET_BYTES} (try \`openssl rand -base64 32\`)`);
      return undefined;
    }
    if (new Set(bytes).size < 8) {
      problems.push("AUTH_JWT_SECRET repeats a few characters: use a random secret (`openssl rand -base64 32`)");
      return undefined;
    }
    const placeholder = placeholderIn(bytes);
    if (placeholder !== null) {
      problems.push(`AUTH_JWT_SECRET looks like a placeholder (it holds ${placeholder}): use a random secret (\`openssl rand -base64 32\`)`);
      return undefined;
    }
    return { kind: "hs256", secret: bytes, issuer, audience };
  }
  let url;
  try {
    url = new URL(/** @type {string} */ (jwksUrl).trim());
  } catch {
    problems.push("AUTH_JWKS_URL is not a URL");
    return undefined;
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    problems.push("AUTH_JWKS_URL must be https (plain http is allowed for a loopback address only)");
  }
  if (url.username || url.password) problems.push("AUTH_JWKS_URL must not carry credentials");
  if (issuer === undefined) problems.push("AUTH_ISSUER is required with AUTH_JWKS_URL (the identity provider's issuer)");
  if (audience === undefined) problems.push("AUTH_AUDIENCE is required with AUTH_JWKS_URL (this service's audience at the identity provider)");
  if (issuer === undefined || audience === undefined) return undefined;
  return { kind: "jwks", url, issuer, audience };
}

/** Words of the secrets copied from examples and docs (jwt.io's `your-256-bit-secret`, `changeme`, …). */
const PLACEHOLDER_WORDS = ["secret", "changeme", "change-me", "password", "example", "placeholder", "0123456789"];

/**
 * What makes `bytes` a placeholder rather than a random value, or null: a word of copied example
 * secrets (in ASCII, any case), or a run of 16 bytes each one more than the one before
 * (`abcdefghijklmnop`, 0x00 to 0x0f), which random bytes hold with odds of 256^-15 a place.
 * @param {Uint8Array} bytes @returns {string | null}
 */
function placeholderIn(bytes) {
  const text = String.fromCharCode(...bytes).toLowerCase();
  const word = PLACEHOLDER_WORDS.find((candidate) => text.includes(candidate));
  if (word !== undefined) return JSON.stringify(word);
  for (let run = 1, i = 1; i < bytes.length; i += 1) {
    run = bytes[i] === bytes[i - 1] + 1 ? run + 1 : 1;
    if (run === 16) return "a run of 16 consecutive bytes";
  }
  return null;
}

/**
 * A 32-byte AES key from standard base64 (`openssl rand -base64 32`).
 * @param {string} name @param {string} text @param {string[]} problems
 */
function aesKey(name, text, problems) {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed)) {
    problems.push(`${name} is not base64 (make one with \`openssl rand -base64 32\`)`);
    return undefined;
  }
  const bytes = Uint8Array.from(atob(trimmed), (char) => char.charCodeAt(0));
  if (bytes.length !== CREDENTIALS_KEY_BYTES) {
    problems.push(`${name} is ${bytes.length} bytes: AES-256-GCM takes exactly ${CREDENTIALS_KEY_BYTES} (\`openssl rand -base64 32\`)`);
    return undefined;
  }
  if (new Set(bytes).size < 8) {
    problems.push(`${name} is not random (its bytes repeat): make one with \`openssl rand -base64 32\``);
    return undefined;
  }
  const placeholder = placeholderIn(bytes);
  if (placeholder !== null) {
    problems.push(`${name} is not random (it holds ${placeholder}): make one with \`openssl rand -base64 32\``);
    return undefined;
  }
  return bytes;
}

/** @param {string | undefined} text @param {string[]} problems */
function writesPerMinute(text, problems) {
  if (text === undefined) return DEFAULT_WRITES_PER_MINUTE;
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1 || value > MAX_WRITES_PER_MINUTE) {
    problems.push(`RATE_LIMIT_WRITES_PER_MINUTE must be a whole number from 1 to ${MAX_WRITES_PER_MINUTE}`);
    return DEFAULT_WRITES_PER_MINUTE;
  }
  return value;
}

/**
 * IDEMPOTENCY_RETENTION_HOURS: how long an Idempotency-Key and its answer are kept, in whole hours
 * from 24 (the least a client may count on) to 720; 24 by default.
 * @param {string | undefined} text @param {string[]} problems
 */
function idempotencyRetention(text, problems) {
  const hours = text === undefined ? DEFAULT_RETENTION_HOURS : Number(text.trim());
  if (!Number.isInteger(hours) || hours < DEFAULT_RETENTION_HOURS || hours > MAX_RETENTION_HOURS) {
    problems.push(`IDEMPOTENCY_RETENTION_HOURS must be a whole number of hours from ${DEFAULT_RETENTION_HOURS} to ${MAX_RETENTION_HOURS}`);
    return DEFAULT_RETENTION_HOURS * 3_600_000;
  }
  return hours * 3_600_000;
}

/**
 * The retention alone, for a job that runs without the rest of the configuration (the Worker's
 * cron): the default when the setting is not a valid one, which the fetch handler refuses anyway.
 * @param {Record<string, unknown>} env
 */
export function readIdempotencyRetentionMs(env) {
  return idempotencyRetention(valueOf(env, "IDEMPOTENCY_RETENTION_HOURS"), []);
}

/** ALLOWED_ORIGINS: origins (scheme://host[:port]) separated by commas; no wildcard. @param {string | undefined} text @param {string[]} problems */
function allowedOrigins(text, problems) {
  if (text === undefined) return [];
  const origins = text.split(",").map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.origin !== origin) {
      problems.push(`ALLOWED_ORIGINS: ${JSON.stringify(origin.slice(0, 100))} is not an origin like https://app.example.com (no path, no wildcard)`);
    }
  }
  return origins;
}

/**
 * The whole configuration, or a ConfigError naming every problem.
 * @param {Record<string, unknown>} env
 * @returns {ServiceConfig}
 */
export function readConfig(env) {
  /** @type {string[]} */
  const problems = [];
  const auth = readAuthConfig(env, problems);

  const keyText = valueOf(env, "CREDENTIALS_KEY");
  if (keyText === undefined) problems.push("CREDENTIALS_KEY is not set: 32 random bytes as base64 (`openssl rand -base64 32`) seal the credentials");
  const key = keyText === undefined ? undefined : aesKey("CREDENTIALS_KEY", keyText, problems);
  const oldKeys = (valueOf(env, "CREDENTIALS_OLD_KEYS") ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((text, i) => aesKey(`CREDENTIALS_OLD_KEYS[${i}]`, text, problems));

  const config = {
    auth,
    credentials: { key, oldKeys },
    writesPerMinute: writesPerMinute(valueOf(env, "RATE_LIMIT_WRITES_PER_MINUTE"), problems),
    allowedOrigins: allowedOrigins(valueOf(env, "ALLOWED_ORIGINS"), problems),
    idempotencyRetentionMs: idempotencyRetention(valueOf(env, "IDEMPOTENCY_RETENTION_HOURS"), problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return /** @type {ServiceConfig} */ (config);
}

/**
 * HOST and PORT of a service that listens (Node, Deno): 127.0.0.1 and 8787 by default; PORT 0 picks
 * a free port.
 * @param {Record<string, unknown>} env
 */
export function readListenAddress(env) {
  const host = valueOf(env, "HOST")?.trim() ?? "127.0.0.1";
  const portText = valueOf(env, "PORT")?.trim() ?? "8787";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new ConfigError(["PORT must be a whole number from 0 (any free port) to 65535"]);
  return { host, port };
}

/**
 * EXPIRING_JOB_INTERVAL_MS of a service that runs the expiring job on a timer (Node, Deno): ten
 * minutes by default, at least 100 ms.
 * @param {Record<string, unknown>} env
 */
export function readJobIntervalMs(env, defaultMs = 10 * 60_000) {
  const text = valueOf(env, "EXPIRING_JOB_INTERVAL_MS")?.trim();
  if (text === undefined) return defaultMs;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 100 || value > 2_147_483_647) {
    throw new ConfigError(["EXPIRING_JOB_INTERVAL_MS must be a whole number of milliseconds from 100 to 2147483647"]);
  }
  return value;
}
