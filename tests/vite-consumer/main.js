// A bundled consumer: Vite resolves "connect-provider" through the package's exports map and
// copies the wasm as an asset.
import { ConnectProviderError, ConnectProviderHandler } from "connect-provider";
import { runContractSuite } from "../js/contract/suite.mjs";

window.contractResult = {
  report: await runContractSuite(ConnectProviderHandler),
  errors: { ...ConnectProviderError },
  frozen: Object.isFrozen(ConnectProviderError),
};
