// Many commands through one handler: wasm memory stays flat after warm-up. `npm test` runs
// 50,000; `npm run long-run` runs 1,000,000 (LONG_RUN_COMMANDS sets any count). After warm-up the
// allocator may still take one more 64 KiB page, once, as its high-water mark settles (seen at
// 21,500 and 77,500 commands, then flat to 1,000,000); anything more is a leak. A leak of even
// 3 bytes a command shows in `npm test`'s 25,000 commands after warm-up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConnectProviderHandler, wasmMemoryBytes } from "connect-provider";
import { command, credentials } from "./contract/fixtures.mjs";

const TOTAL = Number(process.env.LONG_RUN_COMMANDS ?? 50_000);
const BATCH = 500;

test(`${TOTAL} commands through one handler keep wasm memory flat after warm-up`, async () => {
  let saved = 0;
  let published = 0;
  const handler = new ConnectProviderHandler({ save: async () => void saved++ }, { publish: () => void published++ });
  const commands = [
    command({ credentials: credentials({ encryptedData: new Uint8Array(2048).fill(1) }) }),
    command({ alias: "Retirement" }),
    command({ providerSlug: "" }),
    command({ credentials: null }),
  ];
  const warmUp = Math.min(25_000, TOTAL / 2);
  let warm = 0;
  const started = performance.now();
  for (let done = 0; done < TOTAL; done += BATCH) {
    if (done >= warmUp && warm === 0) warm = wasmMemoryBytes();
    const results = await Promise.all(Array.from({ length: BATCH }, (_, i) => handler.handle(commands[(done + i) % commands.length])));
    assert.equal(results.filter((r) => r.ok).length, BATCH / 2);
  }
  const seconds = (performance.now() - started) / 1000;
  assert.equal(saved, TOTAL / 2);
  assert.equal(published, TOTAL * 2);
  const end = wasmMemoryBytes();
  assert.ok(end - warm <= 65_536, `wasm memory grew after warm-up: ${warm} -> ${end}`);
  console.log(`long run: ${TOTAL} commands in ${seconds.toFixed(1)} s, wasm memory ${warm} bytes after warm-up, ${end} at the end`);
});
