// Browsers and bundlers: fetches and instantiates the wasm once, on first import (top-level
// await), from the file beside the glue, which bundlers copy as an asset.
import { createApi } from "./api.js";
import init, * as glue from "./web/connect_provider.js";

await init({ module_or_path: new URL("./web/connect_provider_bg.wasm", import.meta.url) });

// The table of handlers' classes and constants; scripts/build.mjs writes in their names.
export const { __EXPORTS__ } = createApi(glue);
