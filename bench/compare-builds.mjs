// Two or more builds of the package side by side, for a choice a build setting decides (the
// allocator, opt-level): `node bench/compare-builds.mjs pkg target/pkg-os [--rounds 3]` times
// ConnectProvider, Disconnect and a List of 20 (in-memory adapters that return promises) in fresh
// processes, alternating builds round by round, and prints each build's best µs per command.
// Build a variant with e.g. `CARGO_PROFILE_RELEASE_OPT_LEVEL=s node scripts/build.mjs --out target/pkg-os`.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const USER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const id = (n) => `0190f5b2-3c4d-7e8f-9a0b-${String(n).padStart(12, "0")}`;
const WORKLOADS = { connect: 50_000, disconnect: 50_000, list: 15_000 };

if (process.argv[2] === "--child") {
  const [, , , dir, workload] = process.argv;
  console.log(await loop(createRequire(import.meta.url)(resolve(dir, "node/index.cjs")), workload));
} else {
  const at = process.argv.indexOf("--rounds");
  const rounds = at === -1 ? 3 : Number(process.argv[at + 1]);
  const dirs = process.argv.slice(2).filter((arg, i, all) => arg !== "--rounds" && all[i - 1] !== "--rounds");
  console.log(`| workload | ${dirs.join(" | ")} |\n|---|${dirs.map(() => "---").join("|")}|`);
  for (const workload of Object.keys(WORKLOADS)) {
    const best = dirs.map(() => Infinity);
    for (let round = 0; round < rounds; round++) {
      dirs.forEach((dir, i) => {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", dir, workload], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        best[i] = Math.min(best[i], Number(out));
      });
    }
    console.log(`| ${workload} | ${best.map((us) => `${us.toFixed(2)} µs`).join(" | ")} |`);
  }
}

function record(n) {
  const at = new Date(Date.UTC(2026, 10, 1 + n, 9)).toISOString();
  const credentials = { encryptedData: new Uint8Array(64).fill(n), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00.000Z" };
  return { id: id(n), userId: USER_ID, providerId: id(1000 + n), providerSlug: "schwab", status: "active", alias: `Account ${n}`,
    credentials, connectedAt: at, lastSyncAt: null, createdAt: at, updatedAt: at, version: 1 };
}

/** µs per command of one workload, after a warm-up, with adapters that return promises. */
async function loop(api, workload) {
  const stored = record(1);
  const connections = Array.from({ length: 20 }, (_, i) => record(i + 1));
  const repository = {
    save: async () => {},
    findById: async () => ({ ...stored, credentials: { ...stored.credentials } }),
    findByUserId: async () => connections,
    findActiveByUser: async () => connections,
  };
  const bus = { publish: async () => {} };
  const [handler, command] = {
    connect: () => [new api.ConnectProviderHandler(repository, bus), {
      userId: USER_ID, providerId: id(7), providerSlug: "schwab", alias: "Main",
      credentials: { encryptedData: new Uint8Array(64).fill(3), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
    }],
    disconnect: () => [new api.DisconnectProviderHandler(repository, bus), { userId: USER_ID, connectionId: id(1) }],
    list: () => [new api.ListProviderConnectionsHandler(repository), { userId: USER_ID }],
  }[workload]();
  for (let i = 0; i < 10_000; i++) {
    const result = await handler.handle(command);
    if (!result.ok) throw new Error(`${workload}: ${result.error}`);
  }
  const started = performance.now();
  for (let i = 0; i < WORKLOADS[workload]; i++) await handler.handle(command);
  return (((performance.now() - started) * 1000) / WORKLOADS[workload]).toFixed(2);
}
