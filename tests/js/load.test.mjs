// Real adapters under real load: each scenario of support/load-scenario.mjs runs in fresh
// processes of the Node that runs this file, several times, and must finish with the exact
// outcomes every time. A V8 abort ("Fatal error ... unreachable code") cannot be caught inside
// the process it kills, hence a child process per run. `npm test` runs this file on Node 20, 22
// and 24; LOAD_RUNS sets the runs per scenario (3 by default; the million-command one runs once).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SCENARIO = fileURLToPath(new URL("./support/load-scenario.mjs", import.meta.url));
const RUNS = Number(process.env.LOAD_RUNS ?? 3);

for (const [name, runs] of [
  ["timer-10k", RUNS],
  ["immediate-50k", RUNS],
  ["workers-500", RUNS],
  ["workers-2000-mixed", RUNS],
  ["million", 1],
]) {
  test(`${name}: ${runs} fresh process(es) on Node ${process.version}, every one completes with the exact outcomes`, () => {
    for (let run = 1; run <= runs; run++) {
      const child = spawnSync(process.execPath, [SCENARIO, name], { encoding: "utf8", timeout: 300_000 });
      const output = `${child.stdout}${child.stderr}`;
      assert.doesNotMatch(output, /Fatal error|unreachable code/, `run ${run} aborted V8:\n${output.slice(-2000)}`);
      assert.equal(child.signal, null, `run ${run} was killed by ${child.signal}:\n${output.slice(-2000)}`);
      assert.equal(child.status, 0, `run ${run} failed:\n${output.slice(-2000)}`);
    }
  });
}
