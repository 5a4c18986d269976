// The plain-JS Worker of bench/worker-first-request.mjs: the baseline handler behind the same
// first-request-worker.js as the wasm one, so only the handler differs between the two.
import { BaselineConnectProviderHandler } from "./baseline/connect-provider.mjs";
import { firstRequestWorker } from "./first-request-worker.js";

export default firstRequestWorker(BaselineConnectProviderHandler);
