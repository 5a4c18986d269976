// One cold start in this fresh process (Node, or Deno through the package's deno entry): import +
// instantiate + first handle(), of the wasm handler or, with the argument "js", of the plain-JS
// baseline; with "floor", only reading and compiling the package's wasm, which any build of it
// pays before its first command. Prints ms.
const kind = (globalThis.Deno?.args ?? process.argv.slice(2))[0] ?? "wasm";
const wasmUrl = new URL("../node_modules/connect-provider/web/connect_provider_bg.wasm", import.meta.url);
const entry =
  kind === "js"
    ? "./baseline/connect-provider.mjs"
    : globalThis.Deno
      ? new URL("../node_modules/connect-provider/deno.js", import.meta.url).href
      : "connect-provider";
const started = performance.now();
if (kind === "floor") {
  const bytes = globalThis.Deno ? await Deno.readFile(wasmUrl) : (await import("node:fs")).readFileSync(wasmUrl);
  new WebAssembly.Module(bytes);
} else {
  const module = await import(entry);
  const Handler = kind === "js" ? module.BaselineConnectProviderHandler : module.ConnectProviderHandler;
  const handler = new Handler({ save() {} }, { publish() {} });
  const result = await handler.handle({
    userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
    providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
    providerSlug: "schwab",
    credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
  });
  if (!result.ok) throw new Error(result.error);
}
console.log((performance.now() - started).toFixed(3));
