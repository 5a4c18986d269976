// `npm start` (scripts/start.mjs) refuses ports it cannot use before it starts anything, naming the
// variable. (Its whole run, the service and the app together, is checked by hand at each stop: see
// the README's two commands.)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/start.mjs", import.meta.url));

test("APP_PORT or SERVICE_PORT that is no port stops npm start at once, naming it, with nothing started", () => {
  for (const [name, value] of [["APP_PORT", "abc"], ["SERVICE_PORT", "70000"], ["APP_PORT", "0"], ["SERVICE_PORT", "80.5"]]) {
    const run = spawnSync(process.execPath, [script], { env: { PATH: process.env.PATH, [name]: value }, encoding: "utf8", timeout: 30_000 });
    assert.deepEqual(
      [run.status, run.stdout, run.stderr.trim()],
      [1, "", `${name} must be a port number from 1 to 65535 (it is ${JSON.stringify(value)})`],
    );
  }
});
