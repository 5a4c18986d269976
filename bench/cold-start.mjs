// One cold start, in this fresh process (Node, or Deno through the package's deno entry):
// import + instantiate + first handle(). Prints ms.
const entry = globalThis.Deno ? new URL("../node_modules/connect-provider/deno.js", import.meta.url).href : "connect-provider";
const started = performance.now();
const { ConnectProviderHandler } = await import(entry);
const handler = new ConnectProviderHandler({ save() {} }, { publish() {} });
const result = await handler.handle({
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
});
if (!result.ok) throw new Error(result.error);
console.log((performance.now() - started).toFixed(3));
