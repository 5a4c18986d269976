"use strict";
// Node, CommonJS: wasm-bindgen's Node output instantiates the module synchronously on load, so no
// init call is needed. index.mjs re-exports this file, so import and require share one instance.

// Node 20's V8 (11.x) can abort the process ("Fatal error: unreachable code") when it lazily
// deoptimises a function into which it inlined a JS-to-Wasm call (seen here under load). That one
// optimisation is turned off on those versions; later V8s are left alone.
if (process.versions.v8.startsWith("11.")) {
  require("node:v8").setFlagsFromString("--no-turbo-inline-js-wasm-calls");
}

const { createApi } = require("./api.cjs");

module.exports = createApi(require("./connect_provider.js"));
