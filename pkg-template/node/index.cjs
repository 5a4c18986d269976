"use strict";
// Node, CommonJS: wasm-bindgen's Node output instantiates the module synchronously on load, so no
// init call is needed. index.mjs re-exports this file, so import and require share one instance.
// No V8 flag is set here: see "Node 20's V8" in the README.

const { createApi } = require("./api.cjs");

module.exports = createApi(require("./connect_provider.js"));
