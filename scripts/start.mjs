// `npm start`: the Node service (examples/node-service) on a SQLite file under target/dev/, and the
// browser app (www/) beside it on Vite's dev server, syncing to the service as one local user with a
// development token. The user, the secrets and the data are kept in target/dev/ across starts, so
// what was connected yesterday is there today. Ctrl-C stops both.
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mintDevToken } from "connect-provider/service/dev-token";
import { createServer } from "vite";
import { syncConfigPlugin } from "../www/sync-config-plugin.js";

const repo = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const HOST = "127.0.0.1";
/** A port from the environment, or the default; anything else stops the start, naming the variable. @param {string} name @param {number} fallback */
function portOf(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    console.error(`${name} must be a port number from 1 to 65535 (it is ${JSON.stringify(text)})`);
    process.exit(1);
  }
  return port;
}
const APP_PORT = portOf("APP_PORT", 5173);
const SERVICE_PORT = portOf("SERVICE_PORT", 8787);
/** The longest a development token lives (connect-provider/service/dev-token's limit: a day). */
const TOKEN_MINUTES = 24 * 60;

/** The local user and the service's two secrets, made on the first start and kept (owner-only). */
function devIdentity() {
  const dir = repo("target/dev");
  const file = `${dir}/identity.json`;
  mkdirSync(dir, { recursive: true });
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const made = { userId: randomUUID(), AUTH_JWT_SECRET: randomBytes(32).toString("base64"), CREDENTIALS_KEY: randomBytes(32).toString("base64") };
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

/** Starts the service and resolves with its URL once it listens. */
function startService(identity, appOrigin) {
  const child = spawn(process.execPath, [repo("examples/node-service/server.mjs")], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST,
      PORT: String(SERVICE_PORT),
      DATABASE: repo("target/dev/service.sqlite"),
      ALLOWED_ORIGINS: appOrigin,
      AUTH_JWT_SECRET: identity.AUTH_JWT_SECRET,
      CREDENTIALS_KEY: identity.CREDENTIALS_KEY,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stdout.setEncoding("utf8").on("data", (text) => {
      process.stdout.write(text);
      seen += text;
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) resolve({ child, url: match[1] });
    });
    child.once("exit", (code) => reject(new Error(`the service exited (${code}) before listening`)));
  });
}

const identity = devIdentity();
const appOrigin = `http://${HOST}:${APP_PORT}`;
const service = await startService(identity, appOrigin);
// The service must not outlive a start that fails after it (the app's port taken, say): it would
// hold its port, and the next `npm start` would fail on it.
process.once("exit", () => service.child.kill("SIGTERM"));
/** The service stopping on its own, from now on (while the app starts too): the start stops with it. @type {(code: number | null) => void} */
let onServiceExit = (code) => {
  console.error(`the service stopped (${code}) while the app was starting`);
  process.exit(1);
};
service.child.once("exit", (code) => onServiceExit(code));
const token = await mintDevToken(identity, { userId: identity.userId, minutes: TOKEN_MINUTES });
const vite = await createServer({
  configFile: repo("www/vite.config.js"),
  server: { host: HOST, port: APP_PORT, strictPort: true },
  plugins: [syncConfigPlugin({ service: service.url, token, userId: identity.userId, syncEveryMs: 10_000 })],
});
await vite.listen();
console.log(`\n  The app:     ${appOrigin}/  (syncs as user ${identity.userId})`);
console.log(`  The service: ${service.url}  (SQLite at target/dev/service.sqlite)`);
console.log("  Go offline in the browser's devtools, make changes, reload, go online: they arrive on the service.\n");

onServiceExit = (code) => {
  console.error(`the service stopped (${code})`);
  void vite.close().then(() => process.exit(1));
};
const stop = async () => {
  // Stopped on purpose: the service's exit is awaited, not reported as a failure.
  onServiceExit = () => {};
  const exited = new Promise((resolve) => service.child.once("exit", resolve));
  service.child.kill("SIGTERM");
  await Promise.all([vite.close(), exited]);
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
