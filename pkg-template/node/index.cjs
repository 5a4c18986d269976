"use strict";
// Node, CommonJS: the ES module entry itself, required, so require() and import share one
// instance. Node loads an ES module through require() from 20.19 and 22.12 on.
try {
  module.exports = require("./index.mjs");
} catch (error) {
  if (error?.code !== "ERR_REQUIRE_ESM") throw error;
  throw new Error(`connect-provider's require() needs Node 20.19, 22.12 or later, which load an ES module through require(); this is ${process.version}. import works on Node 20 and later.`, { cause: error });
}
