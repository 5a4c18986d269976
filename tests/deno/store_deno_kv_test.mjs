// The store conformance suite on Deno KV: a fresh KV file per case, re-opened for reopen(), and
// migrate() run from other Deno processes at once by support/migrate_deno_kv.mjs. Needs
// --unstable-kv --allow-read --allow-write --allow-run (and --allow-env for the package).
import * as api from "connect-provider";
import { storeConformanceCases } from "connect-provider/stores/conformance";
import { denoKvStore } from "connect-provider/stores/deno-kv";

const migrateScript = new URL("./support/migrate_deno_kv.mjs", import.meta.url).pathname;

const harness = {
  api,
  async fresh() {
    const dir = await Deno.makeTempDir({ prefix: "connect-provider-deno-kv-" });
    const path = `${dir}/store.kv`;
    let kv = await Deno.openKv(path);
    return {
      store: denoKvStore(kv),
      async reopen() {
        kv.close();
        kv = await Deno.openKv(path);
        return denoKvStore(kv);
      },
      async migrateConcurrently(count) {
        const runs = Array.from({ length: count }, () =>
          new Deno.Command(Deno.execPath(), {
            args: ["run", "--unstable-kv", "--allow-read", "--allow-write", migrateScript, path],
            stdout: "piped",
            stderr: "piped",
          }).output(),
        );
        for (const { success, code, stderr } of await Promise.all(runs)) {
          if (!success) throw new Error(`migrate_deno_kv.mjs exited with ${code}: ${new TextDecoder().decode(stderr)}`);
        }
      },
      async close() {
        try {
          kv.close();
        } catch {
          // Closed already.
        }
        await Deno.remove(dir, { recursive: true });
      },
    };
  },
};

for (const { name, run } of storeConformanceCases(harness)) {
  Deno.test(`denoKvStore: ${name}`, run);
}
