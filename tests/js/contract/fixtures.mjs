export const USER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
export const PROVIDER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";
export const SECRET = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x42, 0x17]);
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const ERRORS = {
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  INVALID_PROVIDER_SLUG: "Invalid provider slug",
  DATABASE_ERROR: "Database error occurred",
  INVALID_ALIAS: "Alias exceeds maximum length",
  INVALID_COMMAND: "Invalid command",
};

export function credentials(overrides = {}) {
  return { encryptedData: SECRET.slice(), credentialType: "oauth2", expiresAt: null, ...overrides };
}

export function command(overrides = {}) {
  return {
    userId: USER_ID,
    providerId: PROVIDER_ID,
    providerSlug: "schwab",
    credentials: credentials(),
    ...overrides,
  };
}
