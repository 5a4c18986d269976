// Deno: reads the wasm beside the glue (needs read permission for it, e.g. --allow-read).
import { createApi } from "./api.js";
import * as glue from "./web/connect_provider.js";

glue.initSync({ module: await Deno.readFile(new URL("./web/connect_provider_bg.wasm", import.meta.url)) });

// The table of handlers' classes and constants; scripts/build.mjs writes in their names.
export const { __EXPORTS__ } = createApi(glue);
