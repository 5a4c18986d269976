// A loop to profile: `node --cpu-prof bench/profile.mjs [async|sync] [commands]` runs ConnectProvider
// commands one after another (adapters that return promises, or plain values) and prints µs per
// command. PKG=path/to/index.cjs loads another build, such as one bound with wasm-bindgen's
// --keep-debug so that the profile names the wasm functions (docs/performance.md).
import { createRequire } from "node:module";

const { ConnectProviderHandler } = createRequire(import.meta.url)(process.env.PKG ?? "connect-provider");
const COMMAND = {
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  alias: "Retirement",
  credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
};
const mode = process.argv[2] ?? "async";
const port = mode === "async" ? async () => {} : () => undefined;
const handler = new ConnectProviderHandler({ save: port }, { publish: port });
const commands = Number(process.argv[3] ?? 300_000);
const started = performance.now();
for (let i = 0; i < commands; i++) await handler.handle(COMMAND);
console.log(mode, (((performance.now() - started) * 1000) / commands).toFixed(2), "µs per command");
