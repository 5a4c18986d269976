// What the query tables check of every case: the result (views computed by the domain's rules
// from the stored records) and the repository calls.
import { expectEqual, expectTrue } from "./expect.mjs";
import { lifecyclePorts } from "./ports.mjs";

export async function runQueryCase(Handler, contractCase) {
  const records = contractCase.records?.() ?? [];
  const ports = lifecyclePorts({ records, behaviour: contractCase.behaviour?.() });
  const handler = new Handler(ports.repository, contractCase.options);
  const result = await handler.handle(contractCase.query());
  handler.free();
  const expected = contractCase.expect;
  const wanted = typeof expected.result === "function" ? expected.result(records) : expected.result;
  if (expected.partialError) {
    expectTrue(result.ok === false && result.error.startsWith(wanted.error), `result.error starts with ${wanted.error}: ${result.error}`);
  } else {
    expectEqual(result, wanted, "result");
  }
  expectEqual(ports.calls.map(([method]) => method), expected.calls, "repository calls");
  if (expected.argument) expected.argument(ports.calls[0]?.[1]);
}
