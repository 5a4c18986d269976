// Cloudflare Workers (workerd): the runtime compiles imported .wasm files ahead of time and
// forbids compiling at run time, so the module comes in through an import.
import { createApi } from "./api.js";
import wasmModule from "./web/connect_provider_bg.wasm";
import * as glue from "./web/connect_provider.js";

glue.initSync({ module: wasmModule });

// The table of handlers' classes and constants; scripts/build.mjs writes in their names.
export const { __EXPORTS__ } = createApi(glue);
