#!/usr/bin/env node
// Builds pkg/: one speed-optimised release build of the crate, bound by wasm-bindgen's `web`
// ES-module output (which Node, browsers, bundlers, Deno and workerd share), the wasm optimised
// by wasm-opt -O3 from npm's binaryen, plus pkg-template/.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync, transformSync } from "esbuild";

// Options: --features F (cargo features) and --out DIR (default pkg/), for test-only builds.
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, option("--out") ?? "pkg");
const features = option("--features");
const crate = "connect_provider";
const targetDir = features ? join(root, "target", `features-${features}`) : join(root, "target");
const wasm = join(targetDir, "wasm32-unknown-unknown/release", `${crate}.wasm`);
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };

function run(command, args) {
  console.log(`build: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd: root, stdio: "inherit", env });
}

// --stores-only: refresh pkg/stores, pkg/service, pkg/relay and the manifest from pkg-template on an existing
// pkg/, without cargo (for work on the JS side while the wasm stays as built).
if (process.argv.includes("--stores-only")) {
  for (const dir of ["stores", "service", "relay"]) {
    rmSync(join(pkg, dir), { recursive: true, force: true });
    cpSync(join(root, "pkg-template", dir), join(pkg, dir), { recursive: true });
  }
  cpSync(join(root, "pkg-template", "package.json"), join(pkg, "package.json"));
  writeStoreSchemas();
  writeCommonJsStores();
  console.log(`build: ${join(pkg, "stores")} refreshed`);
  process.exit(0);
}

const featureArgs = features ? ["--features", features, "--target-dir", targetDir] : [];
run("cargo", ["build", "--release", "--lib", "--target", "wasm32-unknown-unknown", ...featureArgs]);
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
cpSync(join(root, "pkg-template"), pkg, { recursive: true });

const web = join(pkg, "web");
run("wasm-bindgen", [wasm, "--target", "web", "--out-dir", web]);
const bound = join(web, `${crate}_bg.wasm`);
// The npm binaryen, never Debian's: its older wasm-opt breaks the externref table export.
// A function with one caller is inlined only when small: 1.2 KB less gzipped, no slower
// (docs/choices.md).
run(join(root, "node_modules/.bin/wasm-opt"), ["-O3", "--one-caller-inline-max-function-size", "20", bound, "-o", bound]);
console.log(`build: ${bound} is ${statSync(bound).size} bytes`);
checkNoExportReturnsJsValue(bound);
dropStaleCallbacks();
dedupeSnippetImports();
writeTypes();
await writeExports();
bundleNodeEntry();
writeStoreSchemas();
writeCommonJsStores();
minifyWebModules();

/**
 * No export the package calls after load may return a JS value (an `externref`). V8 11 and 12
 * (Node 20 and 22) inline JS-to-wasm calls into optimised JS, and when such a function is lazily
 * deoptimised while the call is under way, they cannot rebuild a frame whose wasm call returns
 * a reference: the process aborts ("unreachable code" in DoComputeBuiltinContinuation). So
 * results reach JS through an import the module calls, and this check fails the build should a
 * JS-valued return come back. The exceptions are called once, at load, never from hot code.
 */
function checkNoExportReturnsJsValue(wasmPath) {
  const loadTimeOnly = new Set(["__api"]);
  const text = execFileSync(join(root, "node_modules/.bin/wasm-dis"), [wasmPath], { encoding: "utf8", maxBuffer: 1 << 28 });
  const returnsRef = new Set();
  for (const match of text.matchAll(/^ \(func \$(\w+) [^\n]*\(result ([^)]*)\)/gm)) {
    if (match[2].includes("ref")) returnsRef.add(match[1]);
  }
  const offenders = [...text.matchAll(/^ \(export "([^"]+)" \(func \$(\w+)\)\)/gm)]
    .filter(([, name, func]) => returnsRef.has(func) && !loadTimeOnly.has(name))
    .map(([, name]) => name);
  if (offenders.length) throw new Error(`build: these exports return a JS value, which V8 11/12 cannot deoptimise: ${offenders.join(", ")}`);
  console.log("build: no export called after load returns a JS value");
}

/** Writes wasm-bindgen's declarations into index.d.ts, less `[Symbol.dispose]`, which would
 * make every consumer without the esnext lib fail to compile (`free()` does the same). */
function writeTypes() {
  const marker = "// @wasm-bindgen-declarations";
  const dispose = "    [Symbol.dispose](): void;\n";
  const declarations = readFileSync(join(pkg, "web", `${crate}.d.ts`), "utf8");
  // The classes, less the web glue's own loading (init, initSync and their types), which the
  // entries call themselves.
  const loading = "\nexport type InitInput";
  if (declarations.split(loading).length !== 2) throw new Error(`build: expected one ${loading.trim()} in the declarations`);
  const bindings = declarations.slice(0, declarations.indexOf(loading));
  if (!bindings.includes(dispose)) throw new Error("build: expected [Symbol.dispose] declarations");
  const index = join(pkg, "index.d.ts");
  const template = readFileSync(index, "utf8");
  if (template.split(marker).length !== 2) throw new Error(`build: expected one ${marker} in index.d.ts`);
  // The panic hook runs as the module starts (`#[wasm_bindgen(start)]`); no entry exports it.
  const panicHook = "export function install_panic_hook(): void;\n\n";
  if (!bindings.includes(panicHook)) throw new Error("build: expected the install_panic_hook declaration");
  // The glue's own restart (`__wbg_reset_state`, run at the next call after api.js's `__scheduleReinit`)
  // is declared without `export`, which a declaration file exports all the same; no entry does.
  const internal = /^declare function __wbg_\w+\([^)]*\): \w+;\n\n/gm;
  const declared = bindings.replaceAll(dispose, "").replace(panicHook, "").replace(internal, "").replace("/* tslint:disable */\n/* eslint-disable */\n", "");
  writeFileSync(index, template.replace(marker, declared));
}

/** After an internal panic the module restarts on a fresh instance (see api.js); promises the
 * old instance was awaiting may still settle and call its closures. wasm-bindgen throws there,
 * from a promise callback, which Node reports as an unhandled rejection; those callbacks belong
 * to calls already rejected, so they are dropped instead. (The package's own awaiting uses no
 * wasm-bindgen closures, so the glue may have none to patch.) */
function dropStaleCallbacks() {
  const from = "throw new Error('Cannot invoke closure from previous WASM instance');";
  const to = "return; // connect-provider: a callback of an instance that was restarted";
  const glue = join(pkg, "web", `${crate}.js`);
  const source = readFileSync(glue, "utf8");
  if (source.includes(from)) writeFileSync(glue, source.replaceAll(from, to));
}

/** wasm-bindgen 0.2.130 imports a snippet module once for each function the wasm imports from
 * it directly (`import * as import1 …`, `import2`, … of the same file) and lists each under the
 * same key of its import object: bundlers warn `Duplicate key "./snippets/…"` (wrangler did, in
 * a user's build). The copies are one module, so one import and one key remain. */
function dedupeSnippetImports() {
  const path = join(pkg, "web", `${crate}.js`);
  let source = readFileSync(path, "utf8");
  const first = new Map();
  for (const [line, name, module] of source.matchAll(/^import \* as (import\d+) from "([^"]+)"\n/gm)) {
    if (!first.has(module)) {
      first.set(module, name);
      continue;
    }
    const entry = `        "${module}": ${name},\n`;
    if (!source.includes(entry)) throw new Error(`build: ${path} has no import object entry ${entry.trim()}`);
    source = source.replace(line, "").replace(entry, "");
  }
  writeFileSync(path, source);
}

/** The table of handlers (src/js/handlers/table.rs) decides what the package exports: the built
 * module is instantiated once here, each ES module entry's `export const { __EXPORTS__ }` becomes
 * its names, and index.d.ts's `// @error-objects` marker the error objects with their strings. */
async function writeExports() {
  const glue = await import(pathToFileURL(join(pkg, "web", `${crate}.js`)).href);
  const { createApi } = await import(pathToFileURL(join(pkg, "api.js")).href);
  glue.initSync({ module: readFileSync(join(pkg, "web", `${crate}_bg.wasm`)) });
  const api = createApi(glue);
  const names = Object.keys(api);
  const placeholder = "{ __EXPORTS__ }";
  for (const file of ["node/index.mjs", "browser.js", "deno.js", "workerd.js"]) {
    const path = join(pkg, file);
    const source = readFileSync(path, "utf8");
    if (source.split(placeholder).length !== 2) throw new Error(`build: expected one ${placeholder} in ${path}`);
    writeFileSync(path, source.replace(placeholder, `{\n${names.map((name) => `  ${name},`).join("\n")}\n}`));
  }
  const marker = "// @error-objects";
  const errors = names.filter((name) => /^[A-Z]\w*Error$/.test(name)).map((name) => {
    const entries = Object.entries(api[name]).map(([key, text]) => `  ${key}: ${JSON.stringify(text)};`);
    return `export declare const ${name}: Readonly<{\n${entries.join("\n")}\n}>;\n`;
  });
  const index = join(pkg, "index.d.ts");
  const template = readFileSync(index, "utf8");
  if (template.split(marker).length !== 2) throw new Error(`build: expected one ${marker} in index.d.ts`);
  writeFileSync(index, template.replace(marker, errors.join("\n")));
  console.log(`build: the entries export ${names.length} names`);
}

/** Node's entry is one ES module: node/index.mjs with api.js and the web glue bundled in, as
 * written (esbuild, not minified), for readable stack traces; the wasm stays in web/. */
function bundleNodeEntry() {
  const entry = join(pkg, "node", "index.mjs");
  buildSync({
    entryPoints: [entry], outfile: entry, allowOverwrite: true, bundle: true, format: "esm", platform: "node", target: "node20", logLevel: "warning",
    banner: { js: "// connect-provider for Node: pkg-template/node/index.mjs with api.js and the web glue, bundled by scripts/build.mjs." },
  });
}

/** The stores run the schema's .sql files (stores/sql/<dialect>/NNNN_name.sql, shipped as they are
 * for users who run their own migrations) from one module, since a Worker or a browser cannot read
 * a file: the build writes each file's text into stores/schema.js. */
function writeStoreSchemas() {
  const sql = join(pkg, "stores", "sql");
  const dialects = { SQLITE_MIGRATIONS: "sqlite", POSTGRES_MIGRATIONS: "postgres" };
  const lines = ["// Written by scripts/build.mjs from stores/sql/: each migration's version, name and SQL."];
  for (const [name, dialect] of Object.entries(dialects)) {
    const migrations = readdirSync(join(sql, dialect)).filter((file) => /^\d{4}_\w+\.sql$/.test(file)).sort().map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(0, -4),
      sql: readFileSync(join(sql, dialect, file), "utf8"),
    }));
    if (migrations.length === 0) throw new Error(`build: no migrations in ${join(sql, dialect)}`);
    lines.push(`export const ${name} = ${JSON.stringify(migrations, null, 2)};`);
  }
  writeFileSync(join(pkg, "stores", "schema.js"), `${lines.join("\n")}\n`);
}

/** The Node stores (and the conformance suite) for `require` too: each bundled by esbuild as one
 * CommonJS file, the modules it shares with the others inlined. */
function writeCommonJsStores() {
  for (const name of ["sqlite", "postgres", "conformance"]) {
    buildSync({ entryPoints: [join(pkg, "stores", `${name}.js`)], outfile: join(pkg, "stores", `${name}.cjs`), bundle: true, format: "cjs", platform: "node", target: "node20", logLevel: "warning" });
  }
}

/** What browsers, Deno and workerd load is minified (esbuild, names kept), since every byte is
 * downloaded; Node's bundle stays as written, for readable stack traces. Run last, on the
 * patched glue. */
function minifyWebModules() {
  const web = readdirSync(join(pkg, "web"), { recursive: true }).map((file) => join("web", file));
  for (const file of [...web, "api.js", "browser.js", "deno.js", "workerd.js"].filter((f) => f.endsWith(".js"))) {
    const path = join(pkg, file);
    // Deno's entry imports its wasm in the source phase, which no target below esnext has.
    const target = file === "deno.js" ? "esnext" : "es2022";
    const { code } = transformSync(readFileSync(path, "utf8"), { minify: true, keepNames: true, format: "esm", target, legalComments: "none" });
    writeFileSync(path, code);
  }
}
