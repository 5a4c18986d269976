// Deno: reads the wasm beside the glue (needs read permission for it, e.g. --allow-read).
import { ConnectProviderHandler, connectProviderErrors, credentialExpiry, initSync } from "./web/connect_provider.js";

initSync({ module: await Deno.readFile(new URL("./web/connect_provider_bg.wasm", import.meta.url)) });

export { ConnectProviderHandler, credentialExpiry };
export const ConnectProviderError = connectProviderErrors();
