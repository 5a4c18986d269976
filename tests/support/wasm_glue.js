// The module's wasm-bindgen glue, for tests/wasm_bridge.rs to hand to the package's real
// `createApi(glue)` (pkg-template/api.js). wasm-bindgen-test-runner writes the glue as
// <tmp>/wasm-bindgen-test.js and copies this file to
// <tmp>/snippets/connect-provider-<hash>/tests/support/wasm_glue.js; the glue loads it while
// the glue itself is still loading, so the glue is looked up on first call, never imported
// statically.
//
// - Node (the runner's default CommonJS mode): the glue is require()d and this ESM file is
//   require()d by it; a static import of the glue is a require cycle Node refuses, so the glue
//   is taken from require's cache. `node:module` comes from process.getBuiltinModule, not an
//   import, so that this file still loads in a browser.
// - Browser (tests/wasm_browser.rs): the runner's run.js imports the glue as
//   `./wasm-bindgen-test` (no extension; its server adds it), and this imports the same URL,
//   so it gets that one, already initialised, instance.

/** Resolves with the glue's exports. */
export async function testGlue() {
  const builtin = globalThis.process?.getBuiltinModule;
  if (typeof builtin !== "function") return import("../../../../wasm-bindgen-test");
  const { createRequire } = builtin("node:module");
  const require = createRequire(import.meta.url);
  const path = require.resolve("../../../../wasm-bindgen-test.js");
  const glue = require.cache[path];
  if (glue === undefined) throw new Error(`wasm_glue.js: no loaded glue at ${path}`);
  return glue.exports;
}
