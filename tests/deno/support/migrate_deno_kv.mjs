// Runs the Deno KV store's migrate() on the KV file named by the first argument, as another
// process would, for the conformance suite's migrateConcurrently.
import { denoKvStore } from "connect-provider/stores/deno-kv";

const [path] = Deno.args;
if (!path) throw new Error("usage: migrate_deno_kv.mjs <kv file>");
const kv = await Deno.openKv(path);
try {
  await denoKvStore(kv).migrate();
} finally {
  kv.close();
}
