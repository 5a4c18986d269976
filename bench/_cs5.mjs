const t0 = performance.now();
const { ConnectProviderHandler } = await import("connect-provider");
const T = globalThis.__T; T.unshift(["esm resolve", t0]); T.push(["import done", performance.now()]);
const h = new ConnectProviderHandler({ save() {} }, { publish() {} });
await h.handle({ userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c", providerSlug: "schwab", credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" } });
T.push(["first handle", performance.now()]);
const out = []; for (let i = 1; i < T.length; i++) out.push(`${T[i][0]} ${(T[i][1] - T[i - 1][1]).toFixed(2)}`);
console.log(out.join(" | "), "| total", (T.at(-1)[1] - t0).toFixed(2));
