// One cold start in this fresh process (Node, or Deno), run from the app cold-app.mjs makes:
// import + instantiate + first handle(). The argument names what is started:
// - "wasm" and "js": the package and the plain-JS baseline, each imported by its package name;
// - "wasm-path" and "js-path": the same modules imported by their file paths, which skips the
//   resolution of a bare name;
// - "floor": only reading and compiling the package's wasm, which any build of it pays.
// Prints ms.
const kind = (globalThis.Deno?.args ?? process.argv.slice(2))[0] ?? "wasm";
const wasmUrl = new URL("./node_modules/connect-provider/web/connect_provider_bg.wasm", import.meta.url);
const entry = {
  wasm: "connect-provider",
  js: "connect-provider-baseline",
  "wasm-path": globalThis.Deno ? "./node_modules/connect-provider/deno.js" : "./node_modules/connect-provider/node/index.mjs",
  "js-path": "./node_modules/connect-provider-baseline/connect-provider.mjs",
}[kind];
const started = performance.now();
if (kind === "floor") {
  const bytes = globalThis.Deno ? Deno.readFileSync(wasmUrl) : process.getBuiltinModule("node:fs").readFileSync(wasmUrl);
  new WebAssembly.Module(bytes);
} else {
  const module = await import(entry);
  const Handler = kind.startsWith("js") ? module.BaselineConnectProviderHandler : module.ConnectProviderHandler;
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
