// A bundled consumer: Vite resolves "connect-provider" through the package's exports map and
// copies the wasm as an asset.
import * as api from "connect-provider";
import { ConnectProviderError, ErrorCode } from "connect-provider";
import { runContractSuite } from "../js/contract/suite.mjs";

window.contractResult = {
  report: await runContractSuite(api),
  errors: { ...ConnectProviderError },
  frozen: Object.isFrozen(ConnectProviderError),
  codes: Object.entries(ErrorCode),
  codesFrozen: Object.isFrozen(ErrorCode),
};
