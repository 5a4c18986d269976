// One call of a Deno KV file's idempotency keys, through the package's denoKvStore, answered as one
// JSON line: for tests/js/support/services.mjs, which reaches the Deno service's KV from Node (as
// another instance of the service would) to claim keys, complete them, and read what is kept.
//   deno run --unstable-kv --allow-read --allow-write idempotency_keys.mjs <kv file> <method> <JSON arguments>
// <method> is one of store.idempotency's (claim, complete, release, purge), or `records`: every
// key's entry as the store wrote it, its kept answer (UTF-8 bytes in KV) as the JSON text it holds.
import { denoKvStore } from "connect-provider/stores/deno-kv";

const [path, method, args] = Deno.args;
const kv = await Deno.openKv(path);
try {
  let answer;
  if (method === "records") {
    answer = [];
    for await (const entry of kv.list({ prefix: ["connect_provider", "idempotency"] })) {
      const { response, ...rest } = entry.value;
      answer.push({ userId: entry.key[2], key: entry.key[3], ...rest, response: response instanceof Uint8Array ? new TextDecoder().decode(response) : response });
    }
  } else {
    const keys = denoKvStore(kv).idempotency;
    answer = await keys[method](...JSON.parse(args));
  }
  console.log(JSON.stringify(answer));
} finally {
  kv.close();
}
