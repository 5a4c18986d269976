// Every contract table in Deno, against the installed package (its "deno" export).
import * as api from "connect-provider";
import { ConnectProviderError, ErrorCode } from "connect-provider";
import { contractTables } from "../js/contract/tables.mjs";
import { ERROR_CODES, ERRORS } from "../js/contract/fixtures.mjs";
import { expectEqual } from "../js/contract/expect.mjs";

for (const table of contractTables) {
  for (const contractCase of table.cases) {
    Deno.test(`${table.handler}: ${contractCase.name}`, () => table.run(api[table.handler], contractCase));
  }
}

Deno.test("ConnectProviderError is frozen and holds the exact strings", () => {
  expectEqual({ ...ConnectProviderError }, ERRORS, "ConnectProviderError");
  expectEqual(Object.isFrozen(ConnectProviderError), true, "frozen");
});

Deno.test("ErrorCode is frozen and holds the twelve codes, each its own name", () => {
  expectEqual(Object.entries(ErrorCode), ERROR_CODES.map((code) => [code, code]), "ErrorCode");
  expectEqual(Object.isFrozen(ErrorCode), true, "frozen");
});

Deno.test("Deno loads the package's deno export", () => {
  const resolved = import.meta.resolve("connect-provider");
  expectEqual(resolved.endsWith("/connect-provider/deno.js"), true, `resolved to ${resolved}`);
});

Deno.test("the package answers in a process given no permissions at all (its wasm comes in as a module)", async () => {
  const script = new URL("./support/connect_once.mjs", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", script.pathname],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  expectEqual(code, 0, `exit code; stderr: ${new TextDecoder().decode(stderr)}`);
  const answered = JSON.parse(new TextDecoder().decode(stdout));
  expectEqual(answered.connected, { ok: true, value: answered.record.id }, "the connection's answer");
  expectEqual(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(answered.record.id), true, "a v7 id");
  expectEqual(answered.refused, { ok: false, error: "Invalid command: userId must be a UUID string", code: "INVALID_COMMAND" }, "the refusal");
  expectEqual(answered.saved, 1, "records saved");
  expectEqual({ status: answered.record.status, bytes: answered.record.bytes }, { status: "active", bytes: [1, 2, 3] }, "the record");
  expectEqual(answered.published, ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"], "events in order");
});
