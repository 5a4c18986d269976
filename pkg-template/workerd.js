// Cloudflare Workers (workerd): the runtime compiles imported .wasm files ahead of time and
// forbids compiling at run time, so the module comes in through an import.
import wasmModule from "./web/connect_provider_bg.wasm";
import { ConnectProviderHandler, connectProviderErrors, credentialExpiry, initSync } from "./web/connect_provider.js";

initSync({ module: wasmModule });

export { ConnectProviderHandler, credentialExpiry };
export const ConnectProviderError = connectProviderErrors();
