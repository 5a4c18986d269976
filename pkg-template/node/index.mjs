// Node: the package's entry for import, and through index.cjs for require, so both share one
// instance. scripts/build.mjs bundles this file with api.js and the `web` glue into one ES module
// (as written, for readable stack traces): one file to resolve, read and compile instead of five
// through Node's CommonJS loader (a cold start about 2 ms shorter, docs/performance.md). The
// module is compiled and instantiated synchronously, on load, so require() can load it too.
// No V8 flag is set here: no export of the module returns a JS value, which is what V8 11 and 12
// could not deoptimise (see docs/runtimes.md). Older Node is refused rather than run untested.
import { createApi } from "../api.js";
import * as glue from "../web/connect_provider.js";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19) || major === 21 || (major === 22 && minor < 12)) {
  throw new Error(`connect-provider needs Node 20.19, 22.12 or later; this is ${process.version}. It is tested on Node 20, 22 and 24.`);
}

// Not `import … from "node:fs"`: that import alone took 1.3 ms of a cold start, and this 0.15.
const { readFileSync } = process.getBuiltinModule("node:fs");

glue.initSync({ module: readFileSync(new URL("../web/connect_provider_bg.wasm", import.meta.url)) });

// The table of handlers' classes and constants; scripts/build.mjs writes in their names.
// (The glue's functions are copied into a plain object: the bundle's stand-in for a module
// namespace reads each through a getter, and api.js calls some of them on every command.)
export const { __EXPORTS__ } = createApi({ ...glue });
