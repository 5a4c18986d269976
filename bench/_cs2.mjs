const t0 = performance.now();
const { ConnectProviderHandler } = await import("connect-provider");
const t1 = performance.now();
const handler = new ConnectProviderHandler({ save() {} }, { publish() {} });
const t2 = performance.now();
const result = await handler.handle({
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
});
const t3 = performance.now();
console.log(`import ${(t1 - t0).toFixed(2)} new ${(t2 - t1).toFixed(2)} first ${(t3 - t2).toFixed(2)} total ${(t3 - t0).toFixed(2)}`);
