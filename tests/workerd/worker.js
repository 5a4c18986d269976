// A Worker that runs the contract table inside workerd, within one request (where the clock
// stands still), and answers with the report.
import * as api from "connect-provider";
import { ConnectProviderError, ErrorCode } from "connect-provider";
import { runContractSuite } from "../js/contract/suite.mjs";

export default {
  async fetch() {
    const report = await runContractSuite(api);
    return Response.json({
      report,
      errors: ConnectProviderError,
      frozen: Object.isFrozen(ConnectProviderError),
      codes: Object.entries(ErrorCode),
      codesFrozen: Object.isFrozen(ErrorCode),
    });
  },
};
