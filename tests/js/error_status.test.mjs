// The services' status for each failure code (connect-provider/service): every code the
// package declares has its status, and only a database error (or a code the edge does not know) is
// a 500 that shows the client nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "connect-provider";
import { statusOf } from "connect-provider/service";

const EXPECTED = {
  CONNECTION_NOT_FOUND: { status: 404, error: "Connection not found" },
  NOT_OWNED_BY_USER: { status: 404, error: "Connection not found" },
  NOT_ACTIVE: { status: 403, error: "Connection is not active" },
  INVALID_CREDENTIALS: { status: 400, error: "Invalid or missing credentials" },
  INVALID_PROVIDER_SLUG: { status: 400, error: "Invalid provider slug" },
  INVALID_ALIAS: { status: 400, error: "Alias exceeds maximum length" },
  INVALID_COMMAND: { status: 400, error: "Invalid command: userId must be a UUID string" },
  DATABASE_ERROR: { status: 500 },
  CONFLICT: { status: 409, error: "Connection was changed by another command; try again" },
  VERSION_MISMATCH: { status: 412, error: "Precondition failed: the connection has changed" },
  INVALID_CONNECTION_ID: { status: 400, error: "Connection id must be a UUID v7" },
  CONNECTION_ID_TAKEN: { status: 409, error: "Connection id already in use" },
};
const MESSAGES = {
  CONNECTION_NOT_FOUND: "Connection not found",
  NOT_OWNED_BY_USER: "Connection not owned by user",
  NOT_ACTIVE: "Connection is not active",
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  INVALID_PROVIDER_SLUG: "Invalid provider slug",
  INVALID_ALIAS: "Alias exceeds maximum length",
  INVALID_COMMAND: "Invalid command: userId must be a UUID string",
  DATABASE_ERROR: "Database error occurred: connection reset",
  CONFLICT: "Connection was changed by another command; try again",
  VERSION_MISMATCH: "Connection has changed since the version expected",
  INVALID_CONNECTION_ID: "Connection id must be a UUID v7",
  CONNECTION_ID_TAKEN: "Connection id already in use",
};

test("every code the package declares maps to its status, another user's connection worded as a missing one", () => {
  assert.deepEqual(Object.keys(ErrorCode).sort(), Object.keys(EXPECTED).sort());
  for (const code of Object.values(ErrorCode)) {
    assert.deepEqual(statusOf({ ok: false, code, error: MESSAGES[code] }), EXPECTED[code], code);
  }
});

test("a code the edge does not know is a 500 that shows nothing", () => {
  assert.deepEqual(statusOf({ ok: false, code: "SOMETHING_NEW", error: "detail that must stay in the log" }), { status: 500 });
});
