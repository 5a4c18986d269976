// The plain-JS baseline's cold start, for comparison: import + first handle(). Prints ms.
const started = performance.now();
const { BaselineConnectProviderHandler } = await import("./baseline-handler.mjs");
const handler = new BaselineConnectProviderHandler({ save() {} }, { publish() {} });
const result = await handler.handle({
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
});
if (!result.ok) throw new Error(result.error);
console.log((performance.now() - started).toFixed(3));
