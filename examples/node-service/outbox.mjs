#!/usr/bin/env node
// The operator's view of the service's outbox, on the same database the service uses (DATABASE or
// DATABASE_URL): how far behind the relay is, the events set aside after failing again and again
// (with their last error, never their content beyond the event itself), and putting one back in line.
//   node examples/node-service/outbox.mjs lag
//   node examples/node-service/outbox.mjs set-aside [limit]
//   node examples/node-service/outbox.mjs requeue <eventId>
// Prints one JSON document; exits 2 on a usage error or a database it cannot open or that is not
// the service's (nothing is made, migrated or chmod-ed: a SQLite file that is not there is not made),
// 1 when there was nothing to requeue.
import { openStore } from "./store.mjs";

const [command, argument] = process.argv.slice(2);
const usage = "usage: outbox.mjs lag | set-aside [limit] | requeue <eventId>";
if (!["lag", "set-aside", "requeue"].includes(command ?? "") || (command === "requeue" && !argument)) {
  console.error(usage);
  process.exit(2);
}
/** @type {Awaited<ReturnType<typeof openStore>>} */
let opened;
try {
  opened = await openStore(process.env, (error) => console.error(String(error)), { create: false });
} catch (error) {
  // A wrong DATABASE or an unreachable DATABASE_URL: said in one line, and nothing made.
  console.error(`outbox.mjs: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const { store, close } = opened;
const outbox = /** @type {import("connect-provider/stores/sqlite").EventOutbox} */ (/** @type {any} */ (store).outbox);
try {
  if (command === "lag") {
    console.log(JSON.stringify(await outbox.lag()));
  } else if (command === "set-aside") {
    const limit = argument === undefined ? 100 : Number(argument);
    console.log(JSON.stringify(await outbox.setAside(limit), null, 2));
  } else {
    const requeued = await outbox.requeue(/** @type {string} */ (argument));
    console.log(JSON.stringify({ eventId: argument, requeued }));
    process.exitCode = requeued ? 0 : 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
} finally {
  await close();
}
