#!/usr/bin/env node
// Builds pkg/: one speed-optimised release build of the crate, bound by wasm-bindgen twice
// (Node's CommonJS output, and the `web` ES-module output that browsers, bundlers, Deno and
// workerd share), each wasm optimised by wasm-opt -O3 from npm's binaryen, plus pkg-template/.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
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
const bindings = [
  { dir: "node", target: "nodejs" },
  { dir: "web", target: "web" },
];

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

for (const { dir, target } of bindings) {
  const out = join(pkg, dir);
  run("wasm-bindgen", [wasm, "--target", target, "--out-dir", out]);
  const bound = join(out, `${crate}_bg.wasm`);
  // The npm binaryen, never Debian's: its older wasm-opt breaks the externref table export.
  // A function with one caller is inlined only when small: 1.2 KB less gzipped, no slower
  // (docs/choices.md).
  run(join(root, "node_modules/.bin/wasm-opt"), ["-O3", "--one-caller-inline-max-function-size", "20", bound, "-o", bound]);
  console.log(`build: ${bound} is ${statSync(bound).size} bytes`);
}
checkNoExportReturnsJsValue(join(pkg, "web", `${crate}_bg.wasm`));
shareWasm();
dropStaleCallbacks();
dedupeSnippetImports();
writeTypes();
writeCommonJsApi();
writeCommonJsSnippets();
writeExports();
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

/** Both bindings come from one wasm, byte for byte, so the package ships it once: the Node
 * glue is pointed at web/'s copy. Fails the build if the glue no longer reads it this way. */
function shareWasm() {
  const nodeWasm = join(pkg, "node", `${crate}_bg.wasm`);
  const webWasm = join(pkg, "web", `${crate}_bg.wasm`);
  if (!readFileSync(nodeWasm).equals(readFileSync(webWasm))) throw new Error("build: node and web wasm differ");
  const glue = join(pkg, "node", `${crate}.js`);
  const from = `\`\${__dirname}/${crate}_bg.wasm\``;
  const source = readFileSync(glue, "utf8");
  if (source.split(from).length !== 2) throw new Error(`build: expected one ${from} in ${glue}`);
  writeFileSync(glue, source.replace(from, `\`\${__dirname}/../web/${crate}_bg.wasm\``));
  rmSync(nodeWasm);
}

/** Writes wasm-bindgen's declarations into index.d.ts, less `[Symbol.dispose]`, which would
 * make every consumer without the esnext lib fail to compile (`free()` does the same). */
function writeTypes() {
  const marker = "// @wasm-bindgen-declarations";
  const dispose = "    [Symbol.dispose](): void;\n";
  const bindings = readFileSync(join(pkg, "node", `${crate}.d.ts`), "utf8");
  if (!bindings.includes(dispose)) throw new Error("build: expected [Symbol.dispose] declarations");
  const index = join(pkg, "index.d.ts");
  const template = readFileSync(index, "utf8");
  if (template.split(marker).length !== 2) throw new Error(`build: expected one ${marker} in index.d.ts`);
  writeFileSync(index, template.replace(marker, bindings.replaceAll(dispose, "").replace("/* tslint:disable */\n/* eslint-disable */\n", "")));
}

/** The Node CommonJS entry needs the API wrapper as CommonJS: the same file, its one export
 * rewritten. */
function writeCommonJsApi() {
  const source = readFileSync(join(pkg, "api.js"), "utf8");
  const from = "export function createApi(";
  if (source.split("export ").length !== 2 || !source.includes(from)) throw new Error("build: api.js must have exactly one export, createApi");
  const cjs = `"use strict";\n${source.replace(from, "function createApi(")}\nmodule.exports = { createApi };\n`;
  writeFileSync(join(pkg, "node", "api.cjs"), cjs);
}

/** After an internal panic the module restarts on a fresh instance (see api.js); promises the
 * old instance was awaiting may still settle and call its closures. wasm-bindgen throws there,
 * from a promise callback, which Node reports as an unhandled rejection; those callbacks belong
 * to calls already rejected, so they are dropped instead. (The package's own awaiting uses no
 * wasm-bindgen closures, so the glue may have none to patch.) */
function dropStaleCallbacks() {
  const from = "throw new Error('Cannot invoke closure from previous WASM instance');";
  const to = "return; // connect-provider: a callback of an instance that was restarted";
  for (const dir of ["node", "web"]) {
    const glue = join(pkg, dir, `${crate}.js`);
    const source = readFileSync(glue, "utf8");
    if (source.includes(from)) writeFileSync(glue, source.replaceAll(from, to));
  }
}

/** wasm-bindgen 0.2.130 imports a snippet module once for each function the wasm imports from
 * it directly (`import * as import1 …`, `import2`, … of the same file) and lists each under the
 * same key of its import object: bundlers warn `Duplicate key "./snippets/…"` (wrangler did, in
 * a user's build). The copies are one module, so one import and one key remain. */
function dedupeSnippetImports() {
  for (const dir of ["node", "web"]) {
    const path = join(pkg, dir, `${crate}.js`);
    let source = readFileSync(path, "utf8");
    const imports = [...source.matchAll(/^(?:import \* as (import\d+) from "([^"]+)"|const (import\d+) = require\("([^"]+)"\);)\n/gm)];
    const first = new Map();
    for (const match of imports) {
      const name = match[1] ?? match[3];
      const module = match[2] ?? match[4];
      if (!first.has(module)) {
        first.set(module, name);
        continue;
      }
      const entry = `        "${module}": ${name},\n`;
      if (!source.includes(entry)) throw new Error(`build: ${path} has no import object entry ${entry.trim()}`);
      source = source.replace(match[0], "").replace(entry, "");
    }
    writeFileSync(path, source);
  }
}

/** wasm-bindgen's Node output `require`s the crate's JS snippets (seam.js), written as ES
 * modules; Node 20 cannot require those, so the Node copies are rewritten as CommonJS. Only
 * `export function` is allowed in a snippet, which this checks. */
function writeCommonJsSnippets() {
  const snippets = join(pkg, "node", "snippets");
  for (const entry of readdirSync(snippets, { recursive: true })) {
    const file = join(snippets, entry);
    if (!file.endsWith(".js")) continue;
    const source = readFileSync(file, "utf8");
    const names = [...source.matchAll(/^export function (\w+)\(/gm)].map((match) => match[1]);
    if (source.split("export ").length - 1 !== names.length) throw new Error(`build: ${file} may only export functions`);
    const cjs = `"use strict";\n${source.replace(/^export function /gm, "function ")}\nmodule.exports = { ${names.join(", ")} };\n`;
    writeFileSync(file, cjs);
  }
}

/** The table of handlers (src/js/handlers/table.rs) decides what the package exports: the built
 * module is loaded once here, each ES module entry's `export const { __EXPORTS__ }` becomes its
 * names, and index.d.ts's `// @error-objects` marker the error objects with their strings. */
function writeExports() {
  const api = createRequire(import.meta.url)(join(pkg, "node", "index.cjs"));
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
 * downloaded; Node's CommonJS copies stay as written, for readable stack traces. Run last, on
 * the patched glue. */
function minifyWebModules() {
  const web = readdirSync(join(pkg, "web"), { recursive: true }).map((file) => join("web", file));
  for (const file of [...web, "api.js", "browser.js", "deno.js", "workerd.js"].filter((f) => f.endsWith(".js"))) {
    const path = join(pkg, file);
    const { code } = transformSync(readFileSync(path, "utf8"), { minify: true, keepNames: true, format: "esm", target: "es2022", legalComments: "none" });
    writeFileSync(path, code);
  }
}
