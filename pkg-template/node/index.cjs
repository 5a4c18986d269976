"use strict";
// Node, CommonJS: wasm-bindgen's Node output instantiates the module synchronously on load, so no
// init call is needed. index.mjs re-exports this file, so import and require share one instance.
// No V8 flag is set here: no export of the module returns a JS value, which is what V8 11 and 12
// could not deoptimise (see docs/runtimes.md). Older Node is refused rather than run untested.

const major = Number(process.versions.node.split(".")[0]);
if (major < 20) {
  throw new Error(`connect-provider needs Node 20 or later; this is ${process.version}. It is tested on Node 20, 22 and 24.`);
}

const { createApi } = require("./api.cjs");

module.exports = createApi(require("./connect_provider.js"));
