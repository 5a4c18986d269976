// Runs a Worker in Cloudflare's workerd through Miniflare, bundled the way wrangler bundles it:
// esbuild with the `workerd` export condition, .wasm files kept as CompiledWasm modules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

export async function bundleWorker(entry, outdir) {
  await build({
    entryPoints: [entry],
    outdir,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    loader: { ".wasm": "copy" },
    logLevel: "warning",
  });
  return join(outdir, "worker.js");
}

export async function startWorker(scriptPath, options = {}) {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    ...options,
  });
  const url = await mf.ready;
  return { mf, url };
}

/** Applies a migration file to a D1 binding, one statement at a time. */
export async function migrate(db, file) {
  const statements = readFileSync(file, "utf8")
    .replace(/--.*$/gm, "")
    .split(";")
    .map((sql) => sql.trim())
    .filter(Boolean);
  await db.batch(statements.map((sql) => db.prepare(sql)));
}
