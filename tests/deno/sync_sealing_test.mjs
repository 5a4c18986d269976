// The queued-secret seal of the page opened by the service, in Deno: the cases Node runs too
// (tests/js/support/sync-sealing-cases.mjs).
import { syncSealingCases } from "../js/support/sync-sealing-cases.mjs";

for (const [name, run] of Object.entries(syncSealingCases)) Deno.test(`sync sealing: ${name}`, run);
