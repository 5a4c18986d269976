const t0 = performance.now();
crypto.getRandomValues(new Uint8Array(16));
const t1 = performance.now();
const { BaselineConnectProviderHandler } = await import("./baseline-handler.mjs");
const t2 = performance.now();
console.log(`crypto first ${(t1 - t0).toFixed(2)} baseline import ${(t2 - t1).toFixed(2)}`);
