// examples/node-service as its own process, driven over loopback HTTP, its SQLite read back.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { PROVIDER_ID, USER_ID } from "./contract/fixtures.mjs";

const server = fileURLToPath(new URL("../../examples/node-service/server.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "connect-provider-service-"));
const database = join(dir, "service.sqlite");
let child;
let base;

before(async () => {
  child = spawn(process.execPath, [server], { env: { ...process.env, DATABASE: database, PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (text) => {
      const match = text.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`service exited with ${code}`)));
  });
});
after(() => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body) => fetch(`${base}/connections`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
const command = (overrides = {}) => ({
  userId: USER_ID,
  providerId: PROVIDER_ID,
  providerSlug: "fidelity",
  credentials: { encryptedData: Buffer.from("sealed").toString("base64"), credentialType: "api_key" },
  ...overrides,
});

test("POST /connections stores the connection and its events in SQLite", async () => {
  const response = await post(command({ alias: "401k" }));
  assert.equal(response.status, 201);
  const { id } = await response.json();

  const db = new Database(database, { readonly: true });
  const row = db.prepare("SELECT * FROM provider_connections WHERE id = ?").get(id);
  db.close();
  assert.equal(row.provider_slug, "fidelity");
  assert.equal(row.alias, "401k");
  assert.equal(row.status, "active");
  assert.equal(row.credential_type, "api_key");
  assert.equal(row.expires_at, null);
  assert.equal(Buffer.from(row.encrypted_data).toString(), "sealed");

  const listed = await (await fetch(`${base}/connections?userId=${USER_ID}`)).json();
  assert.deepEqual(listed.map((c) => c.id), [id]);
  const events = await (await fetch(`${base}/events?userId=${USER_ID}`)).json();
  assert.deepEqual(events.map((e) => e.eventType), ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]);
  assert.equal(events[1].connectionId, id);
});

test("a refused command answers 422 with the error and records a Failed event", async () => {
  const response = await post(command({ alias: "x".repeat(101) }));
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), { error: "Alias exceeds maximum length" });
  const events = await (await fetch(`${base}/events?userId=${USER_ID}`)).json();
  assert.deepEqual(events.at(-1).reason, "Alias exceeds maximum length");
  const listed = await (await fetch(`${base}/connections?userId=${USER_ID}`)).json();
  assert.equal(listed.length, 1, "nothing new saved");
});

test("a body that is not JSON answers 400, an unknown path 404", async () => {
  assert.equal((await post("{not json")).status, 400);
  assert.equal((await fetch(`${base}/nowhere`)).status, 404);
});
