// Prints, as JSON lines, each connection a Deno KV file holds for the users named on the command
// line: { id, userId, status, sealed (hex, or null) }, read through the package's denoKvStore. For
// tests/js/service_attacks.test.mjs, which starts the Deno service and cannot read KV from Node.
//   deno run --unstable-kv --allow-read --allow-write read_sealed.mjs <kv file> <user id>...
import { denoKvStore } from "connect-provider/stores/deno-kv";

const [path, ...users] = Deno.args;
const kv = await Deno.openKv(path);
try {
  const store = denoKvStore(kv);
  for (const userId of users) {
    for (const record of await store.repository.findByUserId(userId)) {
      const bytes = record.credentials?.encryptedData;
      const sealed = bytes ? Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("") : null;
      console.log(JSON.stringify({ id: record.id, userId: record.userId, status: record.status, sealed }));
    }
  }
} finally {
  kv.close();
}
