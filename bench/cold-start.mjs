// One cold start, in this fresh process: import + instantiate + first handle(). Prints ms.
const started = performance.now();
const { ConnectProviderHandler } = await import("connect-provider");
const handler = new ConnectProviderHandler({ save() {} }, { publish() {} });
const result = await handler.handle({
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
});
if (!result.ok) throw new Error(result.error);
console.log((performance.now() - started).toFixed(3));
