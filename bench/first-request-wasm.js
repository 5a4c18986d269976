// The wasm Worker of bench/worker-first-request.mjs: the package's workerd entry (resolved by the
// `workerd` export condition, its .wasm a CompiledWasm module) behind first-request-worker.js.
import { ConnectProviderHandler } from "connect-provider";
import { firstRequestWorker } from "./first-request-worker.js";

export default firstRequestWorker(ConnectProviderHandler);
