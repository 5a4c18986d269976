"use strict";
// Node, CommonJS: wasm-bindgen's Node output instantiates the module synchronously on load, so no
// init call is needed. index.mjs re-exports this file, so import and require share one instance.
const glue = require("./connect_provider.js");

exports.ConnectProviderHandler = glue.ConnectProviderHandler;
exports.credentialExpiry = glue.credentialExpiry;
exports.ConnectProviderError = glue.connectProviderErrors();
