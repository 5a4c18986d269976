// The attack suite of the three services (examples/node-service, examples/deno-service,
// examples/cloudflare-worker), each started for real the way its README starts it: Node on SQLite
// and on a real PostgreSQL, Deno on a KV file, the Worker in Miniflare and under wrangler dev. The
// same table of attacks runs against each (support/service-attacks.mjs); then the refusals to run
// open, and verification against an identity provider's JWKS.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, importJWK } from "jose";
import pg from "pg";
import { createSealer } from "connect-provider/service";
import { startPostgres } from "./support/postgres.mjs";
import { serviceContract } from "./support/service-contract.mjs";
import { attackSuite, AUDIENCE, ISSUER } from "./support/service-attacks.mjs";
import { freePort } from "./support/wrangler.mjs";
import {
  DENO,
  DENO_FLAGS,
  EXAMPLES,
  assertReadmeRun,
  runReadme,
  filesUnder,
  runToEnd,
  serviceSecrets,
  startDenoService,
  startNodeService,
  startWorkerInMiniflare,
  startWorkerUnderWrangler,
} from "./support/services.mjs";

const READ_SEALED = fileURLToPath(new URL("../deno/support/read_sealed.mjs", import.meta.url));

describe("the Node service on SQLite", () => attackSuite({ start: startNodeService, name: "Node on SQLite", overlaps: false }));

describe("the Node service on PostgreSQL", () => {
  let postgres;
  attackSuite({
    name: "Node on PostgreSQL",
    async start({ dir, vars }) {
      postgres = startPostgres();
      const database = await postgres.createDatabase("attacks");
      const service = await startNodeService({ dir, vars, databaseUrl: postgres.url(database) });
      return Object.assign(service, { database });
    },
    // Once the service has stopped: a checkpoint writes what the WAL holds into the tables' files,
    // then the whole data directory (WAL included) and the server's log are scanned.
    async atRest(service) {
      const client = new pg.Client(postgres.config(service.database));
      await client.connect();
      await client.query("CHECKPOINT");
      await client.end();
      return [...filesUnder(postgres.dataDir), join(postgres.socketDir, "server.log")];
    },
  });
  after(() => postgres?.stop());
});

describe("the Deno service on Deno KV", () => attackSuite({ start: startDenoService, name: "Deno on KV" }));

describe("the Deno service, as its README runs it (the service contract, the dev-token script, the sealed secrets in KV)", () => {
  const vars = serviceSecrets({ EXPIRING_JOB_INTERVAL_MS: "200" });
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-deno-service-"));
  let service;
  before(async () => {
    service = await startDenoService({ dir, vars });
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  serviceContract({ service: () => service, vars, expiringRun: async () => {} });

  test("the README's commands run as written: secrets, start, a dev token, connect, list, get, refresh, disconnect, events", async () => {
    const readme = mkdtempSync(join(dir, "readme-"));
    const { stdout, stderr } = await runReadme(join(EXAMPLES.denoDir, "README.md"), {
      port: await freePort(),
      vars: {},
      replace: [["KV_PATH=service.kv", `KV_PATH=${join(readme, "service.kv")}`]],
    });
    assertReadmeRun(stdout, stderr, "deno-kv");
  });

  test("dev-token.ts prints a token for the user that the service accepts", async () => {
    const userId = randomUUID();
    const minted = await runToEnd(DENO, ["run", "--allow-env", EXAMPLES.denoDevToken, userId], vars);
    assert.equal(minted.code, 0, minted.stderr);
    const listed = await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${minted.stdout.trim()}` } });
    assert.equal(listed.status, 200);
    const refused = await runToEnd(DENO, ["run", "--allow-env", EXAMPLES.denoDevToken], { CREDENTIALS_KEY: vars.CREDENTIALS_KEY });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no authentication is configured/);
  });

  test("SIGTERM shuts the server down and closes KV, exiting 0; KV then holds each secret sealed for its user", async () => {
    const { tokenFactory } = await import("./support/tokens.mjs");
    const userId = randomUUID();
    const token = await (await tokenFactory(vars)).valid(userId);
    const connected = await fetch(`${service.url}/connections`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ providerId: randomUUID(), providerSlug: "schwab", credentials: { secret: "sk_live_in_kv", credentialType: "api_key" } }),
    });
    assert.equal(connected.status, 201);
    await service.stop();
    assert.deepEqual(await service.exited, { code: 0, signal: null });
    assert.match(service.output(), /listening on http:\/\/127\.0\.0\.1:\d+ \(store: deno-kv\)/);
    const read = await runToEnd(DENO, ["run", "--unstable-kv", "--allow-read", "--allow-write", "--allow-env", READ_SEALED, service.kvPath, userId], {});
    assert.equal(read.code, 0, read.stderr);
    const [record] = read.stdout.trim().split("\n").map((line) => JSON.parse(line));
    const sealer = await createSealer({ key: Uint8Array.from(Buffer.from(vars.CREDENTIALS_KEY, "base64")) });
    assert.equal(await sealer.open(Uint8Array.from(Buffer.from(record.sealed, "hex")), userId), "sk_live_in_kv");
  });
});

describe("the Worker in Miniflare, on D1", () => attackSuite({ start: startWorkerInMiniflare, name: "the Worker in Miniflare" }));

describe("the Worker under wrangler dev, on a local D1", () => attackSuite({ start: startWorkerUnderWrangler, name: "the Worker under wrangler dev" }));

/** Configurations that would run open or weak, each with the variable its refusal must name. */
const OPEN_OR_WEAK = [
  ["no authentication at all", (vars) => ({ CREDENTIALS_KEY: vars.CREDENTIALS_KEY }), /AUTH_JWT_SECRET.*AUTH_JWKS_URL.*no open mode/],
  ["an HS256 secret of 31 bytes", (vars) => ({ ...vars, AUTH_JWT_SECRET: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p" }), /AUTH_JWT_SECRET is 31 bytes/],
  ["a long secret of one repeated character", (vars) => ({ ...vars, AUTH_JWT_SECRET: "x".repeat(64) }), /AUTH_JWT_SECRET repeats/],
  ["no CREDENTIALS_KEY", (vars) => ({ AUTH_JWT_SECRET: vars.AUTH_JWT_SECRET }), /CREDENTIALS_KEY is not set/],
  ["a CREDENTIALS_KEY of 16 bytes", (vars) => ({ ...vars, CREDENTIALS_KEY: Buffer.alloc(16, 7).toString("base64") }), /CREDENTIALS_KEY is 16 bytes/],
  ["jwt.io's placeholder secret", (vars) => ({ ...vars, AUTH_JWT_SECRET: "your-256-bit-secret-your-256-bit" }), /AUTH_JWT_SECRET looks like a placeholder \(it holds "secret"\)/],
  ["a secret counting up", (vars) => ({ ...vars, AUTH_JWT_SECRET: "abcdefghijklmnopqrstuvwxyz012345" }), /AUTH_JWT_SECRET looks like a placeholder \(it holds a run of 16 consecutive bytes\)/],
  ["a secret of hex digits in order", (vars) => ({ ...vars, AUTH_JWT_SECRET: "0123456789abcdef0123456789abcdef" }), /AUTH_JWT_SECRET looks like a placeholder \(it holds "0123456789"\)/],
  ["a CREDENTIALS_KEY of the bytes 0 to 31", (vars) => ({ ...vars, CREDENTIALS_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("base64") }), /CREDENTIALS_KEY is not random \(it holds a run of 16 consecutive bytes\)/],
  ["a CREDENTIALS_KEY that is not base64", (vars) => ({ ...vars, CREDENTIALS_KEY: "not base64 at all!" }), /CREDENTIALS_KEY is not base64/],
  ["an old key of the wrong size", (vars) => ({ ...vars, CREDENTIALS_OLD_KEYS: "AAAA" }), /CREDENTIALS_OLD_KEYS\[0\] is 3 bytes/],
  ["both a secret and a JWKS", (vars) => ({ ...vars, AUTH_JWKS_URL: "https://idp.example/jwks" }), /both set/],
  ["a JWKS over plain http", (vars) => ({ CREDENTIALS_KEY: vars.CREDENTIALS_KEY, AUTH_JWKS_URL: "http://idp.example/jwks", AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }), /must be https/],
  ["a JWKS without issuer and audience", (vars) => ({ CREDENTIALS_KEY: vars.CREDENTIALS_KEY, AUTH_JWKS_URL: "https://idp.example/jwks" }), /AUTH_ISSUER is required.*\n.*AUTH_AUDIENCE is required/],
  ["a wildcard origin", (vars) => ({ ...vars, ALLOWED_ORIGINS: "*" }), /ALLOWED_ORIGINS/],
];

describe("no service runs open or with a weak configuration", () => {
  const vars = serviceSecrets();
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-refusals-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** Its refusal names the problem and never repeats a secret's value. */
  const assertRefusal = ({ code, stdout, stderr }, config, pattern, what) => {
    assert.equal(code, 1, `${what}: exit code (${stdout}${stderr})`);
    assert.match(stderr, /refuses to start/, what);
    assert.match(stderr, pattern, what);
    assert.doesNotMatch(stdout, /listening/, what);
    for (const name of ["AUTH_JWT_SECRET", "CREDENTIALS_KEY"]) if (config[name]) assert.ok(!stderr.includes(config[name]), `${what}: ${name}'s value is not printed`);
  };

  test("the Node service exits 1 before listening, naming the problem", async () => {
    for (const [what, configure, pattern] of OPEN_OR_WEAK) {
      const config = configure(vars);
      assertRefusal(await runToEnd(process.execPath, [EXAMPLES.node], { ...config, PORT: "0", DATABASE: join(dir, "never.sqlite") }), config, pattern, what);
    }
  });

  test("the Deno service exits 1 before listening, naming the problem", async () => {
    for (const [what, configure, pattern] of OPEN_OR_WEAK.slice(0, 5)) {
      const config = configure(vars);
      assertRefusal(await runToEnd(DENO, ["run", ...DENO_FLAGS, EXAMPLES.deno], { ...config, PORT: "0", KV_PATH: join(dir, "never.kv") }), config, pattern, what);
    }
  });

  test("the Worker answers 500 to every route, with no detail, and never opens D1", async () => {
    for (const [what, configure] of OPEN_OR_WEAK.slice(0, 5)) {
      const workerDir = mkdtempSync(join(dir, "worker-"));
      const worker = await startWorkerInMiniflare({ dir: workerDir, vars: configure(vars), migrate: false });
      try {
        const token = await new SignJWT({ sub: randomUUID() }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode(vars.AUTH_JWT_SECRET));
        for (const [method, path] of [["POST", "/connections"], ["GET", "/providers"], ["GET", `/providers/${randomUUID()}`], ["DELETE", `/providers/${randomUUID()}`], ["POST", `/providers/${randomUUID()}/token-refreshes`], ["GET", "/events"], ["GET", "/nowhere"], ["OPTIONS", "/providers"]]) {
          const response = await fetch(`${worker.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: method === "POST" ? "{}" : undefined });
          assert.equal(response.status, 500, `${what}: ${method} ${path}`);
          assert.equal(await response.text(), '{"error":"Internal error"}');
          assert.equal(response.headers.get("cache-control"), "no-store");
        }
        await worker.stop();
        assert.deepEqual(filesUnder(join(workerDir, "persist", "d1")).filter((file) => !file.includes("metadata.sqlite")), [], `${what}: no D1 database was opened`);
        assert.match(worker.output(), /configuration refused/);
      } finally {
        await worker.stop();
      }
    }
  });
});

describe("tokens of an identity provider, verified against its JWKS (RS256 and ES256 only)", () => {
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-jwks-"));
  let jwks;
  let keys;
  let services = [];
  const issue = (key, { alg, kid, claims = {} }) =>
    new SignJWT({ sub: claims.sub ?? randomUUID(), iss: ISSUER, aud: AUDIENCE, ...claims }).setProtectedHeader({ alg, kid, typ: "JWT" }).setIssuedAt().setExpirationTime(claims.exp ?? "5m").sign(key);

  before(async () => {
    const rsa = await generateKeyPair("RS256", { extractable: true });
    const ec = await generateKeyPair("ES256", { extractable: true });
    const impostor = await generateKeyPair("RS256");
    const jwk = async (publicKey, kid, alg) => ({ ...(await exportJWK(publicKey)), kid, alg, use: "sig" });
    const body = JSON.stringify({ keys: [await jwk(rsa.publicKey, "rsa-1", "RS256"), await jwk(ec.publicKey, "ec-1", "ES256")] });
    jwks = createServer((request, response) => response.writeHead(200, { "content-type": "application/json" }).end(body));
    await new Promise((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    const pem = await exportSPKI(rsa.publicKey);
    // The same RSA key, for RSA-PSS: a PS256 signature the JWKS's key would verify, were PS256 allowed.
    const pss = await importJWK({ ...(await exportJWK(rsa.privateKey)), alg: "PS256" }, "PS256");
    keys = { rsa, ec, impostor, pem, pss };
    const vars = { CREDENTIALS_KEY: serviceSecrets().CREDENTIALS_KEY, AUTH_JWKS_URL: `http://127.0.0.1:${jwks.address().port}/jwks`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE };
    services = await Promise.all([
      startNodeService({ dir: join(dir, "node"), vars }),
      startDenoService({ dir: join(dir, "deno"), vars }),
      startWorkerInMiniflare({ dir: join(dir, "worker"), vars }),
    ]);
  });
  after(async () => {
    await Promise.all(services.map((service) => service.stop()));
    jwks?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("RS256 and ES256 tokens of the JWKS's keys are accepted; a forged, confused, other-algorithm or expired one gets 401", async () => {
    const cases = [
      ["RS256 of the JWKS's key", await issue(keys.rsa.privateKey, { alg: "RS256", kid: "rsa-1" }), 200],
      ["ES256 of the JWKS's key", await issue(keys.ec.privateKey, { alg: "ES256", kid: "ec-1" }), 200],
      ["RS256 of another key, under the JWKS key's kid", await issue(keys.impostor.privateKey, { alg: "RS256", kid: "rsa-1" }), 401],
      ["HS256 keyed with the RSA public key (algorithm confusion)", await issue(new TextEncoder().encode(keys.pem), { alg: "HS256", kid: "rsa-1" }), 401],
      ["PS256 with the JWKS's RSA key", await issue(keys.pss, { alg: "PS256", kid: "rsa-1" }), 401],
      ["a kid the JWKS does not have", await issue(keys.rsa.privateKey, { alg: "RS256", kid: "rsa-2" }), 401],
      ["expired", await issue(keys.rsa.privateKey, { alg: "RS256", kid: "rsa-1", claims: { exp: Math.floor(Date.now() / 1000) - 60 } }), 401],
      ["another audience", await issue(keys.ec.privateKey, { alg: "ES256", kid: "ec-1", claims: { aud: "another-service" } }), 401],
      ["another issuer", await issue(keys.ec.privateKey, { alg: "ES256", kid: "ec-1", claims: { iss: "https://evil.example/" } }), 401],
    ];
    for (const service of services) {
      for (const [what, token, status] of cases) {
        const response = await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, status, `${service.name}: ${what}: ${await response.text()}`);
        if (status === 401) assert.equal(response.headers.get("www-authenticate"), 'Bearer error="invalid_token"');
      }
    }
  });

  test("a JWKS that cannot be fetched (no server, 503, a redirect, HTML) is 503 for a good token, never a way in or a 401", async () => {
    // A key-set host that is down in each way but the first (nothing listens on port 9).
    const broken = createServer((request, response) => {
      if (request.url === "/down") response.writeHead(503, { "content-type": "application/json" }).end("{}");
      else if (request.url === "/moved") response.writeHead(302, { location: "/jwks" }).end();
      else response.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
    });
    await new Promise((resolve) => broken.listen(0, "127.0.0.1", resolve));
    const host = `http://127.0.0.1:${broken.address().port}`;
    try {
      for (const url of ["http://127.0.0.1:9/jwks", `${host}/down`, `${host}/moved`, `${host}/html`]) {
        const vars = { CREDENTIALS_KEY: serviceSecrets().CREDENTIALS_KEY, AUTH_JWKS_URL: url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE };
        const service = await startNodeService({ dir: mkdtempSync(join(dir, "down-")), vars });
        try {
          const token = await issue(keys.rsa.privateKey, { alg: "RS256", kid: "rsa-1" });
          const response = await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${token}` } });
          assert.equal(response.status, 503, `${url}: ${await response.text()}`);
          assert.equal((await fetch(`${service.url}/providers`)).status, 401, `${url}: no token is still 401`);
          const forged = await issue(keys.impostor.privateKey, { alg: "RS256", kid: "rsa-1" });
          const refused = await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${forged}` } });
          assert.equal(refused.status, 503, `${url}: a forged token is never let in (the keys cannot be fetched: 503, as for a valid one)`);
        } finally {
          await service.stop();
        }
      }
    } finally {
      broken.close();
    }
  });
});
