// The package's TypeScript declarations: correct use compiles under --strict, each wrong shape
// is a compile error, and the public surface has no `any`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const strict = ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext"];

function compile(args) {
  const run = spawnSync(process.execPath, [tsc, ...args], { encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

test("a consumer that uses the API correctly compiles with tsc --strict", () => {
  const { status, output } = compile(["-p", here("../types/tsconfig.json")]);
  assert.equal(status, 0, output);
});

test("each wrong shape in consumer-wrong.ts is a compile error, on exactly the marked lines", () => {
  const file = here("../types/consumer-wrong.ts");
  const marked = readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, i) => (line.startsWith("// ERROR:") ? [i + 2] : []));
  const { status, output } = compile([...strict, file]);
  assert.equal(status, 2, output);
  const failing = [...new Set([...output.matchAll(/consumer-wrong\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])))];
  assert.equal(marked.length, 21);
  assert.deepEqual(failing, marked, output);
});

test("the declarations have no `any`", () => {
  const declarations = readFileSync(createRequire(import.meta.url).resolve("connect-provider/package.json").replace("package.json", "index.d.ts"), "utf8");
  assert.doesNotMatch(declarations, /\bany\b/);
});

test("each entry declares exactly the values it exports, no more and no fewer", async () => {
  const ts = createRequire(import.meta.url)("typescript");
  // Every subpath of the package's exports that has declarations.
  const manifest = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("connect-provider/package.json"), "utf8"));
  const entries = Object.entries(manifest.exports)
    .filter(([, target]) => typeof target === "object" && target.types !== undefined)
    .map(([path]) => (path === "." ? "connect-provider" : `connect-provider/${path.slice(2)}`));
  assert.equal(entries.length, 10, entries.join(", "));
  const source = entries.map((entry, i) => `import * as entry${i} from "${entry}";\nexport { entry${i} };`).join("\n");
  const file = here("../types/__entries.ts");
  const options = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile;
  host.fileExists = ((exists) => (name) => name === file || exists(name))(host.fileExists);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const sourceFile = /** @type {import("typescript").SourceFile} */ (program.getSourceFile(file));
  const imports = sourceFile.statements.filter(ts.isImportDeclaration);
  const declaredOf = {};
  const exportedOf = {};
  for (const [i, entry] of entries.entries()) {
    const module = checker.getSymbolAtLocation(imports[i].moduleSpecifier);
    assert.ok(module, `${entry} has no declarations`);
    const declared = checker.getExportsOfModule(module)
      // A re-export (`export { x } from`) is an alias: what it names decides whether it is a value.
      .filter((symbol) => ((symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : checker.getExportSymbolOfSymbol(symbol)).flags & ts.SymbolFlags.Value) !== 0)
      .map((symbol) => symbol.name)
      .sort();
    declaredOf[entry] = declared;
    exportedOf[entry] = Object.keys(await import(entry)).filter((name) => name !== "default").sort();
  }
  assert.deepEqual(declaredOf, exportedOf);
});
