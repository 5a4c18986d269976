import { createRequire } from "node:module"; const { ConnectProviderHandler } = createRequire(import.meta.url)(process.env.PKG ?? "connect-provider");
const COMMAND = { userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c", providerSlug: "schwab", alias: "Retirement",
  credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" } };
const mode = process.argv[2] ?? "async";
const port = mode === "async" ? async () => {} : () => undefined;
const h = new ConnectProviderHandler({ save: port }, { publish: port });
const n = Number(process.argv[3] ?? 300000);
const t = performance.now();
for (let i = 0; i < n; i++) await h.handle(COMMAND);
console.log(mode, ((performance.now() - t) * 1000 / n).toFixed(2), "µs");
