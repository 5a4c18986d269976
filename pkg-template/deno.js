// Deno: the wasm comes in as a source-phase import (Deno 2.6 and later), so Deno loads and compiles
// it with the module graph: no read permission, and a cold start about 0.5 ms shorter than reading
// it with `Deno.readFileSync` (docs/choices.md).
import { createApi } from "./api.js";
import * as glue from "./web/connect_provider.js";
import source wasmModule from "./web/connect_provider_bg.wasm";

glue.initSync({ module: wasmModule });

// The table of handlers' classes and constants; scripts/build.mjs writes in their names.
export const { __EXPORTS__ } = createApi(glue);
