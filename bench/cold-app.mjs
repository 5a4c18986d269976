// The app a cold start is timed in (target/bench/cold-app): cold-start.mjs beside a node_modules
// holding the installed package and the plain-JS baseline as a package of its own, so both are
// imported the way an app imports a dependency (a bare name, resolved through an `exports` map at
// the same depth) and neither pays for resolution the other skips. Made afresh on each run.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Makes the app and answers the path of its script. */
export function prepareColdApp() {
  const app = `${root}target/bench/cold-app`;
  rmSync(app, { recursive: true, force: true });
  mkdirSync(`${app}/node_modules`, { recursive: true });
  writeFileSync(`${app}/package.json`, `${JSON.stringify({ private: true, type: "module" }, null, 2)}\n`);
  cpSync(`${root}node_modules/connect-provider`, `${app}/node_modules/connect-provider`, { recursive: true });
  const baseline = `${app}/node_modules/connect-provider-baseline`;
  cpSync(`${root}bench/baseline`, baseline, { recursive: true });
  const entry = "./connect-provider.mjs";
  const manifest = { name: "connect-provider-baseline", version: "0.0.0", type: "module", exports: { ".": { node: { import: entry }, default: entry } } };
  writeFileSync(`${baseline}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(`${root}bench/cold-start.mjs`, `${app}/cold-start.mjs`);
  return `${app}/cold-start.mjs`;
}
