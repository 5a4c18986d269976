// The app's reading of a `Retry-After` (www/src/sync/sync-client.js), a unit test of that one piece:
// the page's use of it runs in Chromium against the services (www_offline.test.mjs).
import assert from "node:assert/strict";
import { test } from "node:test";
import { retryAfterMs } from "../../www/src/sync/sync-client.js";

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

test("Retry-After in seconds or as an HTTP date is a wait in ms, at most an hour; anything else is none", () => {
  const cases = [
    [null, null],
    ["3", 3_000],
    [" 0 ", 0],
    ["120", 120_000],
    ["3600", 3_600_000],
    ["86400", 3_600_000],
    ["Sun, 06 Dec 2026 12:00:30 GMT", 30_000],
    ["Sun, 06 Dec 2026 11:59:00 GMT", 0],
    ["Mon, 07 Dec 2026 12:00:00 GMT", 3_600_000],
    ["", null],
    ["-5", null],
    ["1.5", null],
    ["soon", null],
    ["1e3", null],
  ];
  assert.deepEqual(cases.map(([value]) => [value, retryAfterMs(value, NOW)]), cases);
});
