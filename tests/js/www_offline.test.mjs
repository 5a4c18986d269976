// The browser app offline first, in headless Chromium against real services: the Node service
// (on SQLite) and the Worker under `wrangler dev` (on its local D1). Offline is Chromium's own
// (`context.setOffline`): the page, its reload (served by the app's service worker) and its calls
// to the service all go without a network. Each profile is a browser profile of its own.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { createSealer } from "connect-provider/service";
import { bearerCalls } from "./support/bearer-calls.mjs";
import { launchChromium } from "./support/chromium.mjs";
import { serviceSecrets, startNodeService, startWorkerUnderWrangler } from "./support/services.mjs";
import { tokenFactory } from "./support/tokens.mjs";
import { PLAINTEXT, connect, connections, disconnect, freePort, inAppDatabase, openApp, quotaExceededOn, replaceCredentials, startApp, timeline } from "./support/www-app.mjs";

const SECOND_SECRET = "sk_offline_second_Tr0ub4dor";
const output = fileURLToPath(new URL("../../test-output", import.meta.url));

/** The page's sync line, and how many pushes and pulls it has finished. */
const syncState = (page) =>
  page.evaluate(() => ({ status: document.querySelector("#sync-status").textContent, syncs: Number(document.querySelector("#sync-bar").dataset.syncs ?? 0) }));

/** Clicks "Sync now" and waits for that push and pull to end. */
async function syncNow(page) {
  const { syncs } = await syncState(page);
  await page.click("#sync-now");
  await page.waitForFunction((n) => Number(document.querySelector("#sync-bar").dataset.syncs ?? 0) > n, syncs, { timeout: 30_000 });
}

/** What waits to sync, as the page marks it: the flagged connections' slugs and the pending events' types. */
const pendingShown = (page) =>
  page.evaluate(() => ({
    connections: [...document.querySelectorAll(".connection")].filter((item) => item.querySelector(".flag-pending")).map((item) => item.querySelector(".slug").textContent),
    events: [...document.querySelectorAll(".event.event-pending")].map((item) => item.dataset.eventType),
  }));

/** A new profile of the user on the app, ready to load offline. */
async function openProfile(app) {
  const context = await launchChromium();
  const page = await openApp(context, app.url);
  await page.waitForSelector("body[data-offline-ready=true]");
  return { context, page };
}

/** The user's state on the service, as its routes answer it. */
async function serviceState(call) {
  const listed = await call("GET", "/providers");
  const events = await call("GET", "/events?limit=1000");
  assert.equal(listed.status, 200);
  assert.equal(events.status, 200);
  return {
    connections: listed.json.connections.map(({ id, providerSlug, alias, status, credentialType, version }) => ({ id, providerSlug, alias, status, credentialType, version })),
    events: events.json,
  };
}

/** The page's timeline as the service's events would show it: newest first, [eventType, reason]. */
const asTimeline = (events) => events.map((event) => [event.eventType, event.reason ?? null]).reverse();

/**
 * A service and the app in front of it, for one describe: `start` brings both up, the app's origin
 * allowed by the service; the describe's `after` takes both down and removes their files.
 */
function testbed(name) {
  const home = mkdtempSync(join(tmpdir(), `connect-provider-offline-${name}-`));
  const bed = {
    /** `deploy` starts the service; `sync(service, tokens)` is the page's sync-config. */
    async start({ deploy = startNodeService, env = {}, sync }) {
      const port = await freePort();
      const vars = serviceSecrets({ ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, RATE_LIMIT_WRITES_PER_MINUTE: "10000", ...env });
      bed.vars = vars;
      bed.service = await deploy({ dir: join(home, "service"), vars });
      bed.tokens = await tokenFactory(vars);
      bed.app = await startApp({ port, sync: await sync(bed.service, bed.tokens) });
      return bed;
    },
    /** Starts the killed service again, on its port and its database. */
    async restart() {
      bed.service = await bed.service.restart();
      return bed.service;
    },
  };
  after(async () => {
    await bed.app?.close();
    await bed.service?.stop();
    rmSync(home, { recursive: true, force: true });
  });
  return bed;
}

const DEPLOYMENTS = [
  { name: "Node service on SQLite", slug: "node", deploy: startNodeService },
  { name: "Worker under wrangler dev", slug: "worker", deploy: startWorkerUnderWrangler },
];

for (const deployment of DEPLOYMENTS) {
  describe(`the app offline first, syncing to the ${deployment.name}`, () => {
    const bed = testbed(deployment.slug);
    const userId = randomUUID();
    let service;
    let app;
    let call;
    let tokens;

    before(async () => {
      let token;
      ({ service, app, tokens } = await bed.start({
        deploy: deployment.deploy,
        sync: async (started, issued) => {
          token = await issued.valid(userId);
          return { service: started.url, token, userId, syncEveryMs: 600_000 };
        },
      }));
      call = bearerCalls(service.url, token);
    });

    test("commands made offline survive a reload, are marked as waiting, and reach the service once the network is back", { timeout: 180_000 }, async (t) => {
      const { context, page } = await openProfile(app);
      t.after(() => context.close());
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");

      await context.setOffline(true);
      await connect(page, { alias: "Retirement" });
      assert.equal(await page.textContent("#form-status"), "Connected schwab.");
      await connect(page, { provider: "fidelity", alias: "Brokerage" });
      await replaceCredentials(page, "schwab", { credentialType: "api_key", secret: SECOND_SECRET });
      await disconnect(page, "fidelity");
      const made = {
        connections: await connections(page),
        timeline: await timeline(page),
      };
      assert.deepEqual([...made.connections].sort(), [["fidelity", "Brokerage", "disconnected"], ["schwab", "Retirement", "active"]]);
      assert.equal((await syncState(page)).status, "Offline: 4 changes waiting to sync.");

      await page.reload();
      await page.waitForSelector("body[data-ready=true]");
      assert.deepEqual(await connections(page), made.connections, "the page came back offline, its commands applied");
      assert.deepEqual(await timeline(page), made.timeline);
      assert.deepEqual(await pendingShown(page), { connections: made.connections.map(([slug]) => slug), events: made.timeline.map(([type]) => type) });
      assert.deepEqual((await serviceState(call)).connections, [], "nothing reached the service while offline");
      const queued = await page.evaluate(dumpEverything);
      assert.equal(JSON.parse(queued.databases["connect-provider/pending"]).length, 4, "the four commands wait in the queue");
      const queuedText = JSON.stringify(queued);
      assert.ok(!queuedText.includes(PLAINTEXT) && !queuedText.includes(SECOND_SECRET), "no secret in plaintext while its command waits in the queue");
      // The page read the service's key at its first sync: each queued secret is sealed to it, which
      // nothing in this profile can open (the service's private key is not in it).
      const published = (await call("GET", "/sync/key")).json;
      const sealedQueue = await inAppDatabase(page, async (db) => {
        const entries = await new Promise((resolve) => {
          const request = db.transaction("pending").objectStore("pending").getAll();
          request.onsuccess = () => resolve(request.result);
        });
        const hex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
        return entries.filter((entry) => entry.args.credentials).map(({ args }) => [args.credentials.sealedTo, hex(args.credentials.sealed.subarray(0, 9)), args.credentials.sealed.length]);
      });
      const overhead = 1 + 8 + 65 + 12 + 16;
      assert.deepEqual(sealedQueue, [
        ["service", `01${published.keyId}`, overhead + PLAINTEXT.length],
        ["service", `01${published.keyId}`, overhead + PLAINTEXT.length],
        ["service", `01${published.keyId}`, overhead + SECOND_SECRET.length],
      ]);
      /** @type {string[]} */
      const pushes = [];
      page.on("request", (request) => {
        if (new URL(request.url()).pathname === "/sync/push") pushes.push(request.postData() ?? "");
      });
      mkdirSync(output, { recursive: true });
      await page.setViewportSize({ width: 1200, height: 900 });
      await page.screenshot({ path: `${output}/www-offline-${deployment.slug}.png`, fullPage: true });

      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.", null, { timeout: 30_000 });
      const onService = await serviceState(call);
      const ids = await page.$$eval(".connection", (items) => items.map((item) => item.dataset.connectionId));
      assert.deepEqual(
        onService.connections.map(({ id, providerSlug, alias, status, credentialType, version }) => [id, providerSlug, alias, status, credentialType, version]).sort(),
        [
          [ids[made.connections.findIndex(([slug]) => slug === "schwab")], "schwab", "Retirement", "active", "api_key", 2],
          [ids[made.connections.findIndex(([slug]) => slug === "fidelity")], "fidelity", "Brokerage", "disconnected", null, 2],
        ].sort(),
        "the service holds the connections the page made, under the page's own ids",
      );
      assert.deepEqual(asTimeline(onService.events), made.timeline, "and the same events, in the same order");
      assert.deepEqual(await connections(page), made.connections);
      assert.deepEqual(await timeline(page), made.timeline);
      assert.deepEqual(await pendingShown(page), { connections: [], events: [] });
      assert.deepEqual(
        await page.$$eval(".event", (items) => items.map((item) => item.querySelector("time").getAttribute("datetime"))),
        onService.events.map((event) => event.occurredAt).reverse(),
        "the page now shows the service's own events",
      );
      assert.deepEqual(page.errors, []);
      const rest = JSON.stringify(await page.evaluate(dumpEverything));
      assert.ok(!rest.includes(PLAINTEXT) && !rest.includes(SECOND_SECRET), "no secret in plaintext in IndexedDB or storage");
      assert.ok(!service.output().includes(PLAINTEXT) && !service.output().includes(SECOND_SECRET), "nor in the service's log");
      const pushed = pushes.flatMap((body) => JSON.parse(body).mutations).filter((mutation) => mutation.args.credentials);
      assert.deepEqual(
        pushed.map(({ args }) => Object.keys(args.credentials).sort()),
        [0, 1, 2].map(() => ["credentialType", "expiresAt", "sealedSecret"]),
        "the push carried each secret as it was sealed, and no plaintext",
      );
      if (service.database) {
        const db = new Database(service.database, { readonly: true, timeout: 5_000 });
        const stored = db.prepare("SELECT encrypted_credentials FROM provider_connections WHERE id = ?").get(ids[made.connections.findIndex(([slug]) => slug === "schwab")]);
        db.close();
        const sealer = await createSealer({ key: Uint8Array.from(Buffer.from(bed.vars.CREDENTIALS_KEY, "base64")) });
        assert.equal(await sealer.open(new Uint8Array(stored.encrypted_credentials), userId), SECOND_SECRET, "the service opened the sealed secret and stored it under its own key");
      }
    });

    test("a push the service refuses whole (a 4xx) keeps every change queued, and the page says the service refused it, not Offline; a 429 says the change waits; Sync now does not wait out its Retry-After, and sends them", { timeout: 180_000 }, async (t) => {
      const { context, page } = await openProfile(app);
      t.after(() => context.close());
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
      const before = (await serviceState(call)).connections.length;
      await context.setOffline(true);
      await connect(page, { provider: "robinhood", alias: "Refused whole" });
      const origin = new URL(app.url).origin;
      await page.route(`${service.url}/sync/push`, (route) =>
        route.fulfill({ status: 413, contentType: "application/json", headers: { "access-control-allow-origin": origin }, body: '{"error":"Request body too large"}' }),
      );
      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector("#sync-bar").dataset.state === "refused", null, { timeout: 30_000 });
      assert.equal((await syncState(page)).status, "The service refused to sync: 1 change waiting to sync, kept here. Try again later, or ask its operators.");
      assert.equal((await serviceState(call)).connections.length, before, "nothing reached the service");
      assert.deepEqual((await pendingShown(page)).connections, ["robinhood"], "the change is still shown, waiting");
      // The write limit reached: online, the change waiting.
      await page.unroute(`${service.url}/sync/push`);
      await page.route(`${service.url}/sync/push`, (route) =>
        route.fulfill({ status: 429, contentType: "application/json", headers: { "access-control-allow-origin": origin, "access-control-expose-headers": "retry-after", "retry-after": "30" }, body: '{"error":"Too many requests"}' }),
      );
      await page.click("#sync-now");
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "1 change waiting to sync.", null, { timeout: 30_000 });
      assert.equal(await page.evaluate(() => document.querySelector("#sync-bar").dataset.state), "pending");
      await page.unroute(`${service.url}/sync/push`);
      await syncNow(page);
      assert.equal((await syncState(page)).status, "All changes synced.");
      assert.deepEqual((await serviceState(call)).connections.filter((c) => c.alias === "Refused whole").map((c) => c.providerSlug), ["robinhood"]);
    });

    test("a 429's Retry-After holds the page's syncs back until it has passed, then the page pushes what waits without being asked", { timeout: 180_000 }, async (t) => {
      const { context, page } = await openProfile(app);
      t.after(() => context.close());
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
      const origin = new URL(app.url).origin;
      const pushes = [];
      await page.route(`${service.url}/sync/push`, (route) => {
        pushes.push(Date.now());
        if (pushes.length > 1) return route.continue();
        return route.fulfill({ status: 429, contentType: "application/json", headers: { "access-control-allow-origin": origin, "access-control-expose-headers": "retry-after", "retry-after": "3" }, body: '{"error":"Too many requests"}' });
      });
      await connect(page, { provider: "coinbase", alias: "Held back 1" });
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "1 change waiting to sync.", null, { timeout: 30_000 });
      // A command made while the wait runs asks for a sync, which shows what waits and calls nobody.
      await connect(page, { provider: "plaid", alias: "Held back 2" });
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "2 changes waiting to sync.", null, { timeout: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(pushes.length, 1, "no push while the service's Retry-After runs");
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.", null, { timeout: 30_000 });
      assert.equal(pushes.length, 2, "one push after the wait carried both changes");
      assert.ok(pushes[1] - pushes[0] >= 2_900, `the second push came ${pushes[1] - pushes[0]} ms after the 429, not 3 s`);
      const aliases = (await serviceState(call)).connections.map((c) => c.alias).filter((alias) => alias?.startsWith("Held back")).sort();
      assert.deepEqual(aliases, ["Held back 1", "Held back 2"]);
      // A wait of 0 is none, and a 503's wait wakes nothing: neither calls the service again by itself.
      await page.unroute(`${service.url}/sync/push`);
      for (const [status, retryAfter] of [[429, "0"], [503, "1"]]) {
        const refused = [];
        await page.route(`${service.url}/sync/push`, (route) => {
          refused.push(Date.now());
          return route.fulfill({ status, contentType: "application/json", headers: { "access-control-allow-origin": origin, "access-control-expose-headers": "retry-after", "retry-after": retryAfter }, body: '{"error":"Not now"}' });
        });
        await connect(page, { provider: "coinbase", alias: `Not now ${status}` });
        await page.waitForFunction(() => /1 change waiting to sync/.test(document.querySelector("#sync-status").textContent), null, { timeout: 30_000 });
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        assert.equal(refused.length, 1, `${status} with Retry-After ${retryAfter}: one push, and no more by itself`);
        await page.unroute(`${service.url}/sync/push`);
        await syncNow(page);
        assert.equal((await syncState(page)).status, "All changes synced.");
      }
    });

    test("two profiles of one user converge, and a command the service refuses is rolled back with its reason", { timeout: 180_000 }, async (t) => {
      const laptop = await openProfile(app);
      const phone = await openProfile(app);
      t.after(() => Promise.all([laptop.context.close(), phone.context.close()]));
      await connect(laptop.page, { provider: "vanguard", alias: "Both" });
      await laptop.page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
      await syncNow(phone.page);
      assert.deepEqual((await connections(phone.page)).find(([slug]) => slug === "vanguard"), ["vanguard", "Both", "active"]);

      await phone.context.setOffline(true);
      await replaceCredentials(phone.page, "vanguard", { secret: SECOND_SECRET });
      assert.deepEqual((await pendingShown(phone.page)).connections, ["vanguard"]);
      await disconnect(laptop.page, "vanguard");
      await laptop.page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");

      await phone.context.setOffline(false);
      await phone.page.waitForFunction(() => document.querySelector("#sync-notice").textContent !== "", null, { timeout: 30_000 });
      assert.equal(await phone.page.textContent("#sync-notice"), "Replacing the credentials of vanguard was undone: Connection is not active: connect again");
      await phone.page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
      assert.deepEqual((await connections(phone.page)).find(([slug]) => slug === "vanguard"), ["vanguard", "Both", "disconnected"]);
      await syncNow(laptop.page);
      assert.deepEqual(await connections(phone.page), await connections(laptop.page), "both profiles list the same");
      assert.deepEqual(await timeline(phone.page), await timeline(laptop.page), "and the same events");
      assert.deepEqual(await timeline(laptop.page), asTimeline((await serviceState(call)).events), "the service's");
      assert.deepEqual(await pendingShown(phone.page), { connections: [], events: [] });
    });

    test("another user's token neither pulls this user's data nor pushes to it", { timeout: 120_000 }, async (t) => {
      const { context, page } = await openProfile(app);
      t.after(() => context.close());
      await connect(page, { provider: "__other", slug: "intruders-target", alias: "Mine" });
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
      const mine = await serviceState(call);
      const connectionId = mine.connections.find((c) => c.alias === "Mine").id;
      const clientId = await page.evaluate(() => new Promise((resolve) => {
        const opening = indexedDB.open("connect-provider");
        opening.onsuccess = () => {
          const get = opening.result.transaction("sync").objectStore("sync").get("clientId");
          get.onsuccess = () => resolve(get.result);
        };
      }));

      const intruder = bearerCalls(service.url, await tokens.valid(randomUUID()));
      const pulled = await intruder("GET", `/sync/pull?clientId=${encodeURIComponent(clientId)}`);
      assert.deepEqual(pulled.json, { connections: [], events: [], lastMutationId: 0, cursor: null, more: false });
      const pushed = await intruder("POST", "/sync/push", { clientId, mutations: [{ id: Number.MAX_SAFE_INTEGER, name: "disconnect", args: { connectionId } }] });
      assert.deepEqual(pushed.json.results, [{ id: Number.MAX_SAFE_INTEGER, ok: false, code: "CONNECTION_NOT_FOUND", error: "Connection not found" }]);
      assert.equal((await intruder("GET", `/sync/pull?clientId=x&cursor=${mine.events.at(-1).eventId}`)).status, 400);

      assert.deepEqual(await serviceState(call), mine, "nothing of this user's changed");
      await disconnect(page, "intruders-target");
      await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
      assert.equal((await serviceState(call)).connections.find((c) => c.id === connectionId).status, "disconnected", "and the page's client still syncs: its numbers are its own");
      assert.equal(await page.textContent("#sync-notice"), "");
    });
  });
}

describe("the Node service killed in the middle of a push", () => {
  const bed = testbed("kill");

  test("the push retried after a restart applies each command once", { timeout: 180_000 }, async (t) => {
    const userId = randomUUID();
    let token;
    // A port of its own, kept across the restart: the page's sync-config names it.
    let { service, app } = await bed.start({
      env: { PORT: String(await freePort()) },
      sync: async (started, tokens) => {
        token = await tokens.valid(userId);
        return { service: started.url, token, userId, syncEveryMs: 600_000 };
      },
    });
    const { context, page } = await openProfile(app);
    t.after(() => context.close());

    const COMMANDS = 40;
    await context.setOffline(true);
    for (let i = 0; i < COMMANDS; i += 1) await connect(page, { alias: `Account ${i}` });
    assert.equal((await syncState(page)).status, `Offline: ${COMMANDS} changes waiting to sync.`);

    // Killed once the push has applied some of the commands, and before it could answer.
    const db = new Database(service.database, { readonly: true, timeout: 5_000 });
    t.after(() => db.close());
    const applied = () => db.prepare("SELECT count(*) AS n FROM provider_connections").get().n;
    let killedAfter = -1;
    let pushAnswered;
    let answeredBeforeKill;
    // The main flow waits for the handler to have killed the service and failed the push: the
    // page may still show its earlier "Offline" status just after going online, before its push
    // starts, so that status alone does not say the push was cut (a race CI met).
    let pushCut;
    const cut = new Promise((resolve) => (pushCut = resolve));
    await page.route(`${service.url}/sync/push`, async (route) => {
      let settled = false;
      const answer = route.fetch().then(
        (response) => (pushAnswered = `with ${response.status()}`),
        (error) => (pushAnswered = `with ${error.message}`),
      );
      answer.finally(() => (settled = true));
      // Bounded: a push that ends (or never starts applying) fails the assertion below, not the timeout.
      const giveUp = Date.now() + 60_000;
      while (applied() < 5 && !settled && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 1));
      answeredBeforeKill = settled ? pushAnswered : "not before the kill";
      service.kill("SIGKILL");
      killedAfter = applied();
      await answer;
      await route.abort("connectionreset");
      pushCut();
    });
    await context.setOffline(false);
    await Promise.race([cut, new Promise((_, reject) => setTimeout(() => reject(new Error("the page's push never reached the service")), 90_000).unref())]);
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent.startsWith("Offline"), null, { timeout: 30_000 });
    await page.unroute(`${service.url}/sync/push`);
    await service.exited;
    assert.ok(killedAfter >= 5 && killedAfter < COMMANDS, `killed in the middle: ${killedAfter} of ${COMMANDS} applied, the push answered ${answeredBeforeKill}`);
    // What the database held once the process was gone: each applied command's Attempted, and the cut one's if it had begun.
    const appliedAtKill = applied();
    const attemptedAtKill = db.prepare("SELECT count(*) AS n FROM provider_connection_events WHERE event_type = 'ProviderConnectionAttempted'").get().n;
    assert.ok(attemptedAtKill === appliedAtKill || attemptedAtKill === appliedAtKill + 1, `${attemptedAtKill} Attempted at the kill, ${appliedAtKill} applied`);
    assert.equal((await syncState(page)).status, `Offline: ${COMMANDS} changes waiting to sync.`, "the page holds every command until the service answers");

    service = await bed.restart();
    await syncNow(page);
    assert.equal((await syncState(page)).status, "All changes synced.");
    assert.equal(await page.textContent("#sync-notice"), "", "no command was refused (as taken, or any other way)");
    const state = await serviceState(bearerCalls(service.url, token));
    assert.deepEqual(state.connections.map((c) => c.alias).sort(), Array.from({ length: COMMANDS }, (_, i) => `Account ${i}`).sort(), "each command applied once");
    const succeeded = state.events.filter((e) => e.eventType === "ProviderConnectionSucceeded").map((e) => e.connectionId);
    assert.deepEqual(succeeded.sort(), state.connections.map((c) => c.id).sort(), "one Succeeded for each connection, no more");
    // A command the kill cut short had published its Attempted; its retry attempts again, as does every command not applied.
    const attempted = state.events.filter((e) => e.eventType === "ProviderConnectionAttempted").length;
    assert.equal(attempted, attemptedAtKill + (COMMANDS - appliedAtKill), `Attempted events for ${COMMANDS} commands, ${appliedAtKill} applied before the kill`);
    assert.equal(state.events.length, succeeded.length + attempted, "and no other event");
    assert.deepEqual((await connections(page)).length, COMMANDS);
  });
});

/** Everything the page's origin stores (IndexedDB, localStorage), as text, to search for secrets. */
async function dumpEverything() {
  const out = { localStorage: { ...localStorage }, databases: {} };
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const opening = indexedDB.open(name);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    for (const store of db.objectStoreNames) {
      out.databases[`${name}/${store}`] = await new Promise((resolve) => {
        const all = db.transaction(store).objectStore(store).getAll();
        all.onsuccess = () => resolve(JSON.stringify(all.result, (_, value) => (value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? new TextDecoder().decode(value) : value)));
      });
    }
    db.close();
  }
  return out;
}

describe("commands whose secrets take more than one push", () => {
  // Sealed with the page's own key (the service's key not read: a secret goes as its plaintext, and one of
  // 62 KB fits no push) and sealed to the service's (as base64, a third more: one of 62 KB is over the
  // service's 32 KiB before it is too large for a push).
  for (const sealing of ["the page's own key", "the service's key"]) {
  const bed = testbed(sealing === "the service's key" ? "large-service-key" : "large-page-key");
  test(`sealed with ${sealing}: go in as many pushes as the service's 64 KiB body takes; one too large for any push, and one over the service's 32 KiB secret, are dropped with their reason`, { timeout: 180_000 }, async (t) => {
    const userId = randomUUID();
    let token;
    const { service, app } = await bed.start({
      sync: async (started, tokens) => {
        token = await tokens.valid(userId);
        return { service: started.url, token, userId, syncEveryMs: 600_000 };
      },
    });
    const context = await launchChromium();
    t.after(() => context.close());
    if (sealing === "the page's own key") await context.route("**/sync/key", (route) => route.abort());
    const page = await openApp(context, app.url);
    await page.waitForSelector("body[data-offline-ready=true]");
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.");
    assert.equal(await page.evaluate(() => localStorage.getItem("connect-provider.serviceKey") !== null), sealing === "the service's key");

    await context.setOffline(true);
    // Four secrets of 20 KB (80 KB of pushes), one of 62 KB (no push carries it with its command),
    // one of 40 KB (a push carries it, the service takes at most 32 KiB), one small.
    for (let i = 0; i < 4; i += 1) await connect(page, { alias: `Large ${i}`, secret: `sk_${String(i).repeat(20_000)}` });
    await connect(page, { alias: "Huge", secret: `sk_${"h".repeat(62_000)}` });
    await connect(page, { alias: "Over", secret: `sk_${"o".repeat(40_000)}` });
    await connect(page, { alias: "After", secret: "sk_after" });
    assert.equal((await syncState(page)).status, "Offline: 7 changes waiting to sync.");
    await context.setOffline(false);
    // Going online syncs by itself, and a sync ends by asking for another while anything is left.
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.", null, { timeout: 60_000 }).catch(() => {});
    assert.equal((await syncState(page)).status, "All changes synced.");
    const notice = await page.textContent("#sync-notice");
    assert.equal(notice.match(/was undone: Too large to sync: the service takes a secret of at most 32 KiB/g)?.length, 2, notice);
    assert.doesNotMatch(notice, /Invalid or missing credentials/);
    const state = await serviceState(bearerCalls(service.url, token));
    assert.deepEqual(state.connections.map((c) => c.alias).sort(), ["After", "Large 0", "Large 1", "Large 2", "Large 3"]);
    assert.equal((await connections(page)).length, 5, "the dropped command undone in the page");
  });
  }
});

describe("one browser profile, and a sync cut short or raced", () => {
  const bed = testbed("edges");
  let service;
  let app;
  let tokens;
  /** The page's sync-config.json, as the app serves it on each request: a test signs another user in by changing it. */
  let signedIn;

  before(async () => {
    ({ service, app, tokens } = await bed.start({ sync: (started) => (signedIn = { service: started.url, token: "", userId: "", syncEveryMs: 600_000 }) }));
  });

  /** Signs `userId` in (the next load of the page reads it); their calls to the service. */
  async function signIn(userId) {
    signedIn.userId = userId;
    signedIn.token = await tokens.valid(userId);
    return bearerCalls(service.url, signedIn.token);
  }
  const synced = (page) => page.waitForFunction(() => document.querySelector("#sync-status").textContent === "All changes synced.", null, { timeout: 30_000 });
  /** Waits for the sync notice to say something (`text`, when given). */
  const noticeShown = (page, text = "") =>
    page.waitForFunction((expected) => { const shown = document.querySelector("#sync-notice").textContent; return shown !== "" && shown.includes(expected); }, text, { timeout: 30_000 });
  /** Holds the Web Lock `name` in the page, as another tab of the app would, until `window.releaseHeld()`. */
  const holdLock = (page, name) =>
    page.evaluate((lock) => new Promise((held) => {
      navigator.locks.request(lock, () => new Promise((release) => {
        window.releaseHeld = release;
        held();
      }));
    }), name);

  test("a secret queued before the page has read the service's key is sealed with the page's own key and pushed as a secret; one queued after, sealed to the service, goes in the same push as sealedSecret", { timeout: 180_000 }, async (t) => {
    const userId = randomUUID();
    const call = await signIn(userId);
    const context = await launchChromium();
    t.after(() => context.close());
    // The key cannot be read at first (an older service, say): the page syncs without it.
    await context.route("**/sync/key", (route) => route.abort());
    const page = await openApp(context, app.url);
    await page.waitForSelector("body[data-offline-ready=true]");
    await synced(page);
    await context.setOffline(true);
    await connect(page, { provider: "schwab", alias: "Before the key", secret: "sk_before_the_key" });
    // Online again: the key is read, and the push fails (the network drops), so the command waits on.
    await context.unroute("**/sync/key");
    await context.route("**/sync/push", (route) => route.abort());
    await context.setOffline(false);
    await page.waitForFunction(() => localStorage.getItem("connect-provider.serviceKey") !== null, null, { timeout: 30_000 });
    await page.waitForFunction(() => /waiting to sync/.test(document.querySelector("#sync-status").textContent), null, { timeout: 30_000 });
    await context.setOffline(true);
    await connect(page, { provider: "fidelity", alias: "After the key", secret: "sk_after_the_key" });
    const queued = await inAppDatabase(page, async (db) => {
      const entries = await new Promise((resolve) => {
        const request = db.transaction("pending").objectStore("pending").getAll();
        request.onsuccess = () => resolve(request.result);
      });
      return entries.map(({ args }) => [args.alias, args.credentials.sealedTo ?? "page", args.credentials.sealed[0] === 1 && args.credentials.sealed.length]);
    });
    const overhead = 1 + 8 + 65 + 12 + 16;
    assert.equal(queued.length, 2);
    assert.deepEqual([queued[0].slice(0, 2), queued[1]], [["Before the key", "page"], ["After the key", "service", overhead + "sk_after_the_key".length]]);

    const pushes = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/sync/push") pushes.push(JSON.parse(request.postData() ?? "{}"));
    });
    await context.unroute("**/sync/push");
    await context.setOffline(false);
    await synced(page);
    assert.deepEqual(
      pushes.map(({ mutations }) => mutations.map(({ args }) => [args.alias, Object.keys(args.credentials).sort()])),
      [[["Before the key", ["credentialType", "expiresAt", "secret"]], ["After the key", ["credentialType", "expiresAt", "sealedSecret"]]]],
      "one push: the first secret as the page decrypted it, the second as sealed to the service",
    );
    assert.deepEqual(pushes[0].mutations[0].args.credentials.secret, "sk_before_the_key");
    const listed = (await call("GET", "/providers")).json.connections;
    assert.deepEqual(listed.map(({ alias, status }) => [alias, status]).sort(), [["After the key", "active"], ["Before the key", "active"]]);
    const db = new Database(service.database, { readonly: true, timeout: 5_000 });
    const stored = db.prepare("SELECT alias, encrypted_credentials FROM provider_connections WHERE user_id = ? ORDER BY alias").all(userId);
    db.close();
    const sealer = await createSealer({ key: Uint8Array.from(Buffer.from(bed.vars.CREDENTIALS_KEY, "base64")) });
    assert.deepEqual(
      await Promise.all(stored.map(async ({ alias, encrypted_credentials }) => [alias, await sealer.open(new Uint8Array(encrypted_credentials), userId)])),
      [["After the key", "sk_after_the_key"], ["Before the key", "sk_before_the_key"]],
    );
  });

  test("a kept service key that is damaged (a point that does not import, or an id not the point's own) seals with the page's own key: the commands are made, and synced", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    // Offline throughout, so no sync reads the key again over the damage.
    await context.setOffline(true);
    const damages = [
      ["Damaged point", { x: "AA" }, {}],
      // An id that is well formed but not the point's: sealed to it, the secret would wait for a pair the service does not hold, for good.
      ["Damaged id", {}, { keyId: "0011223344556677" }],
    ];
    const original = await page.evaluate(() => localStorage.getItem("connect-provider.serviceKey"));
    for (const [alias, point, id] of damages) {
      await page.evaluate(([kept, point, id]) => {
        const { service, key } = JSON.parse(kept);
        localStorage.setItem("connect-provider.serviceKey", JSON.stringify({ service, key: { ...key, ...id, publicKey: { ...key.publicKey, ...point } } }));
      }, [original, point, id]);
      await connect(page, { provider: "schwab", alias });
      assert.equal(await page.textContent("#form-status"), "Connected schwab.", alias);
    }
    const sealedTo = await inAppDatabase(page, async (db) => {
      const entries = await new Promise((resolve) => {
        const request = db.transaction("pending").objectStore("pending").getAll();
        request.onsuccess = () => resolve(request.result);
      });
      return entries.map(({ args }) => [args.alias, args.credentials.sealedTo ?? "page"]);
    });
    assert.deepEqual(sealedTo, [["Damaged point", "page"], ["Damaged id", "page"]]);
    await context.setOffline(false);
    await synced(page);
    assert.deepEqual((await call("GET", "/providers")).json.connections.map(({ alias, status }) => [alias, status]).sort(), [["Damaged id", "active"], ["Damaged point", "active"]]);
  });

  test("commands queued by one user are pushed under that user's token alone, when they sign in again", { timeout: 180_000 }, async (t) => {
    const alice = randomUUID();
    const bob = randomUUID();
    const asAlice = await signIn(alice);
    const { context, page: alicesPage } = await openProfile(app);
    t.after(() => context.close());
    await synced(alicesPage);
    await context.setOffline(true);
    await connect(alicesPage, { provider: "schwab", alias: "Alice's" });
    await connect(alicesPage, { provider: "fidelity", alias: "Alice's too" });
    assert.equal((await syncState(alicesPage)).status, "Offline: 2 changes waiting to sync.");
    // The second as the app's first offline version stored it, naming no user.
    await editPendingIn(alicesPage, (entries) => entries.slice(1).map(({ userId, ...entry }) => entry));

    // Alice closes the app offline; with the network back, Bob signs in on the same browser profile.
    await alicesPage.close();
    await context.setOffline(false);
    const asBob = await signIn(bob);
    const page = await openApp(context, app.url);
    await synced(page);
    await syncNow(page);
    assert.deepEqual(await connections(page), [], "Bob's page shows nothing of Alice's");
    assert.deepEqual((await serviceState(asBob)).connections, [], "and nothing of hers went in under his token");
    await connect(page, { provider: "fidelity", alias: "Bob's" });
    await synced(page);
    assert.deepEqual((await serviceState(asBob)).connections.map((c) => c.alias), ["Bob's"]);
    assert.deepEqual((await serviceState(asAlice)).connections, [], "Alice's command still waits in the browser");

    await signIn(alice);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await synced(page);
    assert.deepEqual([...(await connections(page))].sort(), [["fidelity", "Alice's too", "active"], ["schwab", "Alice's", "active"]].sort());
    const hers = await serviceState(asAlice);
    assert.deepEqual(hers.connections.map((c) => [c.alias, c.status]).sort(), [["Alice's", "active"], ["Alice's too", "active"]].sort(), "pushed once she is back, the one that named no user too");
    assert.deepEqual(hers.events.map((e) => e.eventType), ["ProviderConnectionAttempted", "ProviderConnectionSucceeded", "ProviderConnectionAttempted", "ProviderConnectionSucceeded"]);
    assert.deepEqual((await serviceState(asBob)).connections.map((c) => c.alias), ["Bob's"]);
    assert.equal(await page.textContent("#sync-notice"), "");
    assert.deepEqual(page.errors, []);
  });

  test("a push whose pull fails keeps its commands on the page, through a reload, until a pull brings them", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    let pulls = 0;
    await page.route(`${service.url}/sync/pull?**`, (route) => {
      pulls += 1;
      return route.abort("connectionreset");
    });
    await connect(page, { provider: "vanguard", alias: "Pushed" });
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent.startsWith("Offline"), null, { timeout: 30_000 });
    assert.ok(pulls >= 1, "the pull after the push failed");
    const pushed = await serviceState(call);
    assert.deepEqual(pushed.connections.map((c) => [c.alias, c.status, c.version]), [["Pushed", "active", 1]], "the push went in");

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent.startsWith("Offline"), null, { timeout: 30_000 });
    assert.deepEqual(await connections(page), [["vanguard", "Pushed", "active"]], "still shown after a reload with no pull yet");
    assert.deepEqual(await pendingShown(page), { connections: ["vanguard"], events: ["ProviderConnectionSucceeded", "ProviderConnectionAttempted"] });

    await page.unroute(`${service.url}/sync/pull?**`);
    await syncNow(page);
    assert.equal((await syncState(page)).status, "All changes synced.");
    assert.equal(await page.textContent("#sync-notice"), "", "pushed again, it was answered as applied before, not refused as taken");
    assert.deepEqual(await serviceState(call), pushed, "and applied once");
    assert.deepEqual(await connections(page), [["vanguard", "Pushed", "active"]]);
    assert.deepEqual(await timeline(page), asTimeline(pushed.events));
    assert.deepEqual(await pendingShown(page), { connections: [], events: [] });
  });

  /**
   * A profile with one connect synced, backed up, then one more synced; the profile's database then
   * put back as the backup held it (its queue's key generator set again by the keys copied), from a
   * page of the app's origin that does not open it. Answers the user's calls and the client id.
   */
  async function restoredFromBackup(context) {
    const call = await signIn(randomUUID());
    const page = await openApp(context, app.url);
    await page.waitForSelector("body[data-offline-ready=true]");
    await synced(page);
    await connect(page, { provider: "schwab", alias: "Before the backup" });
    await synced(page);
    await copyIndexedDb(page, "connect-provider", "backup");
    await connect(page, { provider: "fidelity", alias: "After the backup" });
    await synced(page);
    const clientId = await clientIdOf(page);
    await page.close();
    const restorer = await context.newPage();
    await restorer.goto(new URL("sw.js", app.url).href);
    await copyIndexedDb(restorer, "backup", "connect-provider");
    await restorer.close();
    return { call, clientId };
  }
  const BACKED_UP = [["fidelity", "After the backup", "active"], ["schwab", "Before the backup", "active"]];
  const onService = async (call) => (await serviceState(call)).connections.map((c) => [c.providerSlug, c.alias, c.status]).sort();

  test("a profile restored from a backup pushes the commands made after the restore: its mutation numbers follow the clock past those the service took since the backup, and go up by one where the clock stands still", { timeout: 180_000 }, async (t) => {
    const context = await launchChromium();
    t.after(() => context.close());
    const { call, clientId } = await restoredFromBackup(context);

    await context.setOffline(true);
    const restored = await openApp(context, app.url);
    assert.deepEqual(await connections(restored), [["schwab", "Before the backup", "active"]], "the backup's state");
    const frozenAt = await restored.evaluate(() => {
      const now = Date.now();
      Date.now = () => now;
      return now;
    });
    await connect(restored, { provider: "vanguard", alias: "After the restore" });
    await connect(restored, { provider: "robinhood", alias: "In the same millisecond" });
    const queued = await inAppDatabase(restored, `(db) => new Promise((resolve) => {
      const keys = db.transaction("pending").objectStore("pending").getAllKeys();
      keys.onsuccess = () => resolve(keys.result);
    })`);
    assert.deepEqual(queued, [frozenAt, frozenAt + 1]);
    await context.setOffline(false);
    await synced(restored);
    await syncNow(restored);
    const expected = [...BACKED_UP, ["robinhood", "In the same millisecond", "active"], ["vanguard", "After the restore", "active"]].sort();
    assert.deepEqual(await onService(call), expected, "the commands made after the restore went in");
    assert.deepEqual([...(await connections(restored))].sort(), expected);
    assert.deepEqual(await pendingShown(restored), { connections: [], events: [] });
    assert.equal(await clientIdOf(restored), clientId, "under the profile's client id");
    assert.equal(await restored.textContent("#sync-notice"), "");
    assert.deepEqual(restored.errors, []);
  });

  test("a profile restored from a backup onto a machine whose clock is an hour behind pushes its commands once it has pulled: the numbers given out go on past the pull's", { timeout: 180_000 }, async (t) => {
    const context = await launchChromium();
    t.after(() => context.close());
    const { call } = await restoredFromBackup(context);

    await context.addInitScript(() => {
      const clock = Date.now;
      Date.now = () => clock() - 3_600_000;
    });
    const restored = await openApp(context, app.url);
    await synced(restored);
    await syncNow(restored);
    await connect(restored, { provider: "vanguard", alias: "After the restore" });
    await synced(restored);
    await syncNow(restored);
    const expected = [...BACKED_UP, ["vanguard", "After the restore", "active"]];
    assert.deepEqual(await onService(call), expected);
    assert.deepEqual([...(await connections(restored))].sort(), expected);
    assert.equal(await restored.textContent("#sync-notice"), "");
    assert.deepEqual(restored.errors, []);
  });

  test("a queue the app's earlier version numbered by its key generator is pushed with the commands numbered by the clock after it", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    await context.setOffline(true);
    await connect(page, { provider: "schwab", alias: "Numbered 1" });
    // As the earlier version left it: the entry under the key generator's first number, no clock kept.
    await inAppDatabase(page, `async (db) => {
      const transaction = db.transaction(["pending", "sync"], "readwrite");
      const pending = transaction.objectStore("pending");
      const all = pending.getAll();
      all.onsuccess = () => {
        pending.clear();
        for (const entry of all.result) pending.put({ ...entry, id: 1 });
        transaction.objectStore("sync").delete("mutationClock");
      };
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
      });
    }`);
    await connect(page, { provider: "fidelity", alias: "Numbered by the clock" });
    await context.setOffline(false);
    await synced(page);
    await syncNow(page);
    const expected = [["fidelity", "Numbered by the clock", "active"], ["schwab", "Numbered 1", "active"]];
    assert.deepEqual(await onService(call), expected);
    assert.deepEqual([...(await connections(page))].sort(), expected);
    assert.deepEqual(await pendingShown(page), { connections: [], events: [] });
    assert.equal(await page.textContent("#sync-notice"), "");
  });

  test("a host whose sync-config.json does not answer within 10 s keeps the config read last: the page starts as the same user, and syncs", { timeout: 180_000 }, async (t) => {
    const userId = randomUUID();
    const call = await signIn(userId);
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    await connect(page, { provider: "schwab", alias: "Kept" });
    await synced(page);
    await page.route("**/sync-config.json", () => {}); // never answered
    await page.reload();
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem("connect-provider.syncConfig"))).userId, userId, "the kept config stays");
    assert.deepEqual(await connections(page), [["schwab", "Kept", "active"]]);
    await connect(page, { provider: "fidelity", alias: "After the wait" });
    await synced(page);
    assert.deepEqual((await serviceState(call)).connections.map((c) => c.alias).sort(), ["After the wait", "Kept"]);
    assert.equal(await page.isHidden("#config-notice"), true);
  });

  test("a pull cut short after a page keeps that page: a reload shows its state, and the next pull goes on from its cursor", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    // The first page is the service's own answer said to have more; then every pull fails, until let through.
    let mode = "first page";
    let firstPage;
    const cursors = [];
    await page.route(`${service.url}/sync/pull?**`, async (route) => {
      cursors.push(new URL(route.request().url()).searchParams.get("cursor"));
      if (mode === "through") return route.continue();
      if (mode === "cut") return route.abort("connectionreset");
      mode = "cut";
      const response = await route.fetch();
      firstPage = await response.json();
      return route.fulfill({ response, json: { ...firstPage, more: true } });
    });
    await connect(page, { provider: "vanguard", alias: "Paged" });
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent.startsWith("Offline"), null, { timeout: 30_000 });
    const pushed = await serviceState(call);
    assert.deepEqual(pushed.connections.map((c) => [c.alias, c.status, c.version]), [["Paged", "active", 1]]);
    assert.deepEqual(firstPage.events.map((e) => e.eventId), pushed.events.map((e) => e.eventId), "the first page held every event");
    assert.equal(cursors.length, 2);
    assert.equal(cursors[1], firstPage.cursor, "the second page was asked for after the first");

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForFunction(() => document.querySelector("#sync-status").textContent.startsWith("Offline"), null, { timeout: 30_000 });
    assert.deepEqual(await connections(page), [["vanguard", "Paged", "active"]]);
    assert.deepEqual(await pendingShown(page), { connections: [], events: [] }, "the first page was kept: its state is the service's, with nothing waiting");
    assert.deepEqual(await timeline(page), asTimeline(pushed.events));

    mode = "through";
    const before = cursors.length;
    await syncNow(page);
    assert.equal((await syncState(page)).status, "All changes synced.");
    assert.ok(cursors.length > before);
    assert.equal(cursors.at(-1), firstPage.cursor, "the next pull went on from the kept page's cursor, not from the start");
    assert.deepEqual(await serviceState(call), pushed);
    assert.deepEqual(await timeline(page), asTimeline(pushed.events));
  });

  test("a push never sends a command whose run in another tab has not ended", { timeout: 180_000 }, async (t) => {
    const userId = randomUUID();
    const call = await signIn(userId);
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await connect(page, { provider: "schwab", alias: "Kept" });
    await synced(page);
    const before = await serviceState(call);
    const connectionId = before.connections[0].id;
    const pushes = [];
    await page.route(`${service.url}/sync/push`, (route) => {
      pushes.push(route.request().postDataJSON().mutations.map((m) => m.name));
      return route.continue();
    });

    // Another tab mid-command: it holds the state lock and has queued a disconnect that its own run
    // will refuse (and drop) before letting go.
    await holdLock(page, "connect-provider:state");
    const heldId = await page.evaluate((entry) => new Promise((resolve, reject) => {
      const opening = indexedDB.open("connect-provider");
      opening.onsuccess = () => {
        const add = opening.result.transaction("pending", "readwrite").objectStore("pending").add(entry);
        add.onsuccess = () => resolve(add.result);
        add.onerror = () => reject(add.error);
      };
    }), { userId, name: "disconnect", args: { connectionId }, label: "Disconnecting schwab" });
    const { syncs } = await syncState(page);
    await page.click("#sync-now");
    await page.waitForTimeout(2_000);
    assert.deepEqual(pushes, [], "no push while the command runs");
    await page.evaluate((id) => new Promise((resolve) => {
      const opening = indexedDB.open("connect-provider");
      opening.onsuccess = () => {
        const transaction = opening.result.transaction("pending", "readwrite");
        transaction.objectStore("pending").delete(id);
        transaction.oncomplete = () => {
          window.releaseHeld();
          resolve();
        };
      };
    }), heldId);
    await page.waitForFunction((n) => Number(document.querySelector("#sync-bar").dataset.syncs ?? 0) > n, syncs, { timeout: 30_000 });
    assert.equal((await syncState(page)).status, "All changes synced.");
    assert.deepEqual(pushes, [], "the refused command was never pushed");
    assert.deepEqual(await serviceState(call), before, "and the connection is as it was");
    assert.deepEqual(await connections(page), [["schwab", "Kept", "active"]]);
  });

  /** A user's laptop and phone, each its own profile: vanguard connected on the laptop, and the phone synced with it. */
  async function vanguardOnTwoDevices(/** @type {import("node:test").TestContext} */ t) {
    await signIn(randomUUID());
    const laptop = await openProfile(app);
    const phone = await openProfile(app);
    t.after(() => Promise.all([laptop.context.close(), phone.context.close()]));
    await connect(laptop.page, { provider: "vanguard", alias: "Both" });
    await synced(laptop.page);
    await syncNow(phone.page);
    return { laptop, phone, pulled: await timeline(phone.page) };
  }

  test("a command the service refuses is shown as refused at once, and taken off the page even when the pull after the push fails", { timeout: 180_000 }, async (t) => {
    const { laptop, phone, pulled } = await vanguardOnTwoDevices(t);
    assert.deepEqual(pulled, [["ProviderConnectionSucceeded", null], ["ProviderConnectionAttempted", null]]);

    await phone.context.setOffline(true);
    await replaceCredentials(phone.page, "vanguard", { secret: SECOND_SECRET });
    await disconnect(laptop.page, "vanguard");
    await synced(laptop.page);
    // The pull hangs until the refusal has been shown (a user may close the tab meanwhile), then fails.
    let pullReached;
    const pullHeld = new Promise((resolve) => (pullReached = resolve));
    let letPullFail;
    const failPull = new Promise((resolve) => (letPullFail = resolve));
    await phone.page.route(`${service.url}/sync/pull?**`, async (route) => {
      pullReached();
      await failPull;
      await route.abort("connectionreset");
    });
    await phone.context.setOffline(false);
    await pullHeld;
    await noticeShown(phone.page);
    assert.equal(await phone.page.textContent("#sync-notice"), "Replacing the credentials of vanguard was undone: Connection is not active: connect again");
    assert.equal((await syncState(phone.page)).status, "Syncing…", "shown while the pull still hangs");
    letPullFail();
    await phone.page.waitForFunction(() => document.querySelector("#sync-status").textContent.startsWith("Offline"), null, { timeout: 30_000 });
    assert.deepEqual(await timeline(phone.page), pulled, "the refused refresh's own events are gone from the page");
    assert.deepEqual(await pendingShown(phone.page), { connections: [], events: [] });
    assert.equal((await syncState(phone.page)).status, "Offline: changes will sync when the network is back.");
  });

  test("a refused command's change is taken off another tab of the profile even when the tab that synced closes while its pull hangs: the other tab's next command, made offline, makes the state again first", { timeout: 180_000 }, async (t) => {
    const { laptop, phone, pulled } = await vanguardOnTwoDevices(t);
    // The phone's second tab never reaches the sync routes: the first tab is the one that syncs.
    const otherTab = await openApp(phone.context, app.url);
    await otherTab.route(`${service.url}/sync/**`, (route) => route.abort("connectionreset"));

    await phone.context.setOffline(true);
    await replaceCredentials(phone.page, "vanguard", { secret: SECOND_SECRET });
    const refreshed = await timeline(otherTab);
    assert.deepEqual(refreshed.slice(0, 2).map(([type]) => type), ["ProviderTokenRefreshSucceeded", "ProviderTokenRefreshAttempted"], "the other tab shows the refresh made offline");
    await disconnect(laptop.page, "vanguard");
    await synced(laptop.page);
    let pullReached;
    const pullHeld = new Promise((resolve) => (pullReached = resolve));
    await phone.page.route(`${service.url}/sync/pull?**`, () => pullReached());
    await phone.context.setOffline(false);
    await pullHeld;
    await noticeShown(phone.page);
    await phone.page.close();
    assert.equal(await otherTab.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("connect-provider.rebuilding.")).length), 1, "the state is marked to be made again");

    await phone.context.setOffline(true);
    await connect(otherTab, { provider: "fidelity", alias: "After" });
    const after = await timeline(otherTab);
    assert.deepEqual(after.slice(2), pulled, "the refused refresh's events are gone; the pulled ones stay");
    assert.deepEqual(after.slice(0, 2).map(([type]) => type), ["ProviderConnectionSucceeded", "ProviderConnectionAttempted"], "then the new connect's");
    assert.equal(await otherTab.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("connect-provider.rebuilding.")).length), 0, "the rebuild finished");
    assert.deepEqual(otherTab.errors, []);
  });

  test("a secret the page can no longer decrypt is dropped with its reason, shown in every tab, and the commands after it go on; one sealed to the service and altered is refused by the service", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    const otherTab = await openApp(context, app.url);
    await synced(otherTab);
    await context.setOffline(true);
    await connect(page, { provider: "schwab", alias: "Damaged" });
    await connect(page, { provider: "vanguard", alias: "Altered" });
    await connect(page, { provider: "fidelity", alias: "After" });
    await editPendingIn(page, (entries) =>
      entries.flatMap((entry) => {
        const { sealed, sealedTo, ...credentials } = entry.args.credentials;
        // Sealed with the page's own key (before the page had read the service's), its bytes damaged.
        if (entry.args.alias === "Damaged") return [{ ...entry, args: { ...entry.args, credentials: { ...credentials, sealed: new Uint8Array([1, 2, 3]) } } }];
        // Sealed to the service, one byte of its ciphertext altered: only the service can tell.
        if (entry.args.alias === "Altered") return [{ ...entry, args: { ...entry.args, credentials: { ...credentials, sealedTo, sealed: sealed.map((byte, i) => (i === sealed.length - 1 ? byte ^ 1 : byte)) } } }];
        return [];
      }),
    );
    await context.setOffline(false);
    // Either tab may be the one that syncs: both say why.
    const UNDONE = "Connecting schwab was undone: Its secret could not be read back in this browser: enter it again";
    const REFUSED = "Connecting vanguard was undone: Invalid or missing credentials";
    await Promise.all([noticeShown(page, REFUSED), noticeShown(otherTab, REFUSED)]);
    for (const tab of [page, otherTab]) {
      const notice = await tab.textContent("#sync-notice");
      assert.ok(notice.includes(UNDONE) && notice.includes(REFUSED), notice);
    }
    await synced(page);
    assert.deepEqual((await serviceState(call)).connections.map((c) => c.alias), ["After"]);
    assert.deepEqual(await connections(page), [["fidelity", "After", "active"]]);
  });

  test("a tab that finds another tab syncing waits its turn, then pushes what it made", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    await holdLock(page, "connect-provider:sync");
    await connect(page, { provider: "schwab", alias: "Waited" });
    await page.waitForTimeout(1_000);
    assert.equal((await syncState(page)).status, "1 change waiting to sync.");
    assert.deepEqual((await serviceState(call)).connections, [], "nothing pushed while the other tab syncs");
    await page.evaluate(() => window.releaseHeld());
    await synced(page);
    assert.deepEqual((await serviceState(call)).connections.map((c) => c.alias), ["Waited"]);
  });

  test("a config's user id is read lower-cased, as the service reads the token's; one that is no UUID is said on the page, which then syncs nothing", { timeout: 180_000 }, async (t) => {
    const userId = randomUUID();
    const call = await signIn(userId);
    signedIn.userId = userId.toUpperCase();
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    await connect(page, { provider: "schwab", alias: "Upper" });
    await synced(page);
    assert.deepEqual((await serviceState(call)).connections.map((c) => c.alias), ["Upper"]);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await synced(page);
    assert.deepEqual(await connections(page), [["schwab", "Upper", "active"]], "the pulled record is this user's");

    signedIn.userId = "not-a-uuid";
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.textContent("#config-notice"), "sync-config.json: userId must be a UUID. This page keeps its changes in this browser alone.");
    assert.equal(await page.isHidden("#sync-bar"), true, "no sync, as no one");
    assert.deepEqual(await page.evaluate(() => localStorage.getItem("connect-provider.syncConfig")), null, "the kept config gone");
    assert.deepEqual(page.errors, []);
  });

  /** A new user signed in on a profile of their own, with one connection synced. */
  async function signedInWithAConnection(t, alias) {
    await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    await connect(page, { provider: "schwab", alias });
    await synced(page);
    return { context, page };
  }

  /**
   * A user signed in and synced, then the host answering the config with `answer`: the reloaded
   * page syncs as no one, shows none of the user's connections, and keeps no config.
   */
  async function signedOutBy(t, answer) {
    const { context, page } = await signedInWithAConnection(t, "Signed in");
    await page.route("**/sync-config.json", (route) => route.fulfill(answer));
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.isHidden("#sync-bar"), true, "no sync under the kept token");
    assert.deepEqual(await connections(page), [], "nor the signed-out user's connections");
    assert.equal(await page.evaluate(() => localStorage.getItem("connect-provider.syncConfig")), null, "the kept config gone");
    return { context, page };
  }

  test("a host that answers its sign-in page for the config signs the kept config out: the page syncs as no one, online or offline", { timeout: 180_000 }, async (t) => {
    const { context, page } = await signedOutBy(t, { status: 200, contentType: "text/html", body: "<!doctype html><title>Sign in</title>" });
    await page.unroute("**/sync-config.json");
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.isHidden("#sync-bar"), true, "offline, no kept config to fall back on");
  });

  test("a host that redirects the config to a sign-in elsewhere (single sign-on) signs the kept config out", { timeout: 180_000 }, async (t) => {
    // A cross-origin sign-in page sends no CORS headers: a followed redirect would reject like the network down.
    await signedOutBy(t, { status: 302, headers: { location: "https://sign-in.invalid/login" } });
  });

  test("a host that redirects the config within its own origin is followed: the page syncs as the config's user; a redirect to a config on another origin, even one with CORS, signs it out", { timeout: 180_000 }, async (t) => {
    const { page } = await signedInWithAConnection(t, "Moved config");
    const config = await page.evaluate(() => localStorage.getItem("connect-provider.syncConfig"));
    assert.ok(config, "a kept config");
    // The app's server answers the config under any query too; the route catches only the bare path.
    // (Chromium follows a routed redirect past the routes, to the network.)
    await page.route("**/sync-config.json", (route) => route.fulfill({ status: 302, headers: { location: "/sync-config.json?moved=1" } }));
    await page.reload();
    await synced(page);
    assert.deepEqual(await connections(page), [["schwab", "Moved config", "active"]], "the user's connections, synced");
    assert.equal(await page.evaluate(() => localStorage.getItem("connect-provider.syncConfig")), config, "the config kept");

    // The same config, served with CORS by a server on another origin (another port): not the host's word.
    const elsewhere = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
      response.end(config);
    });
    await new Promise((listening) => elsewhere.listen(0, "127.0.0.1", listening));
    t.after(() => elsewhere.close());
    const other = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (elsewhere.address()).port}/sync-config.json`;
    assert.deepEqual(await page.evaluate(async (url) => (await fetch(url)).json(), other), JSON.parse(config), "the other origin serves the config to the page");
    await page.unroute("**/sync-config.json");
    await page.route("**/sync-config.json", (route) => route.fulfill({ status: 302, headers: { location: other } }));
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.isHidden("#sync-bar"), true, "no sync under a config from another origin");
    assert.deepEqual(await connections(page), [], "nor the user's connections");
    assert.equal(await page.evaluate(() => localStorage.getItem("connect-provider.syncConfig")), null, "the kept config gone");
  });

  test("a tab left open stops syncing and hides its user's connections when another tab reads another user's sign-in or a sign-out; the same user's does not", { timeout: 180_000 }, async (t) => {
    const { context, page } = await signedInWithAConnection(t, "First user's");
    const calls = [];
    page.on("request", (request) => request.url().startsWith(service.url) && calls.push(request.url()));
    const signedOutNotice = "Another user signed in, or this one out, in another tab: reload this page.";

    // The same user, loaded again in another tab, its config read again and changed (another
    // sync interval), so that the kept config is written and this tab hears of it: nothing changes here.
    signedIn.syncEveryMs = 600_001;
    const same = await openApp(context, app.url);
    await synced(same);
    await same.close();
    assert.equal(await page.isHidden("#config-notice"), true, "no notice for the same user");
    await syncNow(page);
    assert.ok(calls.length > 0, "this tab still syncs");
    assert.deepEqual(await connections(page), [["schwab", "First user's", "active"]]);

    // Another user signs in, in another tab.
    await signIn(randomUUID());
    const other = await openApp(context, app.url);
    await synced(other);
    await page.waitForFunction((text) => document.querySelector("#config-notice").textContent === text, signedOutNotice, { timeout: 10_000 });
    assert.equal(await page.isHidden("main"), true, "the first user's connections are hidden");
    // A change in another tab is told to this one, whose engine reports what waits: the bar stays hidden.
    await connect(other, { provider: "vanguard", alias: "Second user's" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await page.evaluate(() => document.querySelector("#sync-bar").hidden), true, "the sync bar stays hidden");
    calls.length = 0;
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual(calls, [], "no call to the service under the first user's token");

    // A sign-out (the host answers no config) read in another tab does the same.
    const { context: second, page: first } = await openProfile(app);
    t.after(() => second.close());
    await synced(first);
    await second.route("**/sync-config.json", (route) => route.fulfill({ status: 404, body: "" }));
    const signedOut = await openApp(second, app.url);
    assert.equal(await signedOut.isHidden("#sync-bar"), true, "the new tab syncs as no one");
    await first.waitForFunction((text) => document.querySelector("#config-notice").textContent === text, signedOutNotice, { timeout: 10_000 });
    assert.equal(await first.isHidden("main"), true);
    assert.deepEqual([...page.errors, ...first.errors], []);
  });

  test("a rebuild left unfinished in one tab (a write failed, or the tab closed) is finished by the next command of another, offline", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    await synced(page);
    await context.setOffline(true);
    await connect(page, { provider: "schwab", alias: "Made offline" });
    const other = await openApp(context, app.url);
    assert.deepEqual(await connections(other), [["schwab", "Made offline", "active"]]);
    // The first tab makes its state again on its reload, but the log refuses its writes: the
    // snapshot (no connection) is in place, the queued connect is not.
    await quotaExceededOn(page, { store: "events", method: "add", where: "init" });
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.deepEqual(await connections(page), [], "the state as the failed rebuild left it");
    await page.close();
    await connect(other, { provider: "fidelity", alias: "Second" });
    assert.equal(await other.textContent("#form-status"), "Connected fidelity.");
    const both = [["fidelity", "Second", "active"], ["schwab", "Made offline", "active"]];
    assert.deepEqual((await connections(other)).sort(), both, "the queued connect is in place again");
    await other.reload();
    await other.waitForSelector("body[data-ready=true]");
    assert.deepEqual((await connections(other)).sort(), both);
    await context.setOffline(false);
    await syncNow(other);
    assert.deepEqual((await serviceState(call)).connections.map((c) => c.alias).sort(), ["Made offline", "Second"]);
    assert.deepEqual(other.errors, []);
  });

  test("a queue that cannot be written (quota exceeded) is said at the form, and nothing is stored or sent", { timeout: 180_000 }, async (t) => {
    const call = await signIn(randomUUID());
    const context = await launchChromium();
    t.after(() => context.close());
    await quotaExceededOn(context, { store: "pending", method: "add", where: "init" });
    const page = await openApp(context, app.url);
    await synced(page);
    await connect(page, { provider: "schwab", alias: "Full" });
    assert.equal(await page.textContent("#form-status"), "Not connected: The quota has been exceeded.");
    assert.deepEqual(await connections(page), []);
    await syncNow(page);
    assert.deepEqual((await serviceState(call)).connections, [], "nothing sent");
    assert.deepEqual(page.errors, []);
  });

  test("a sign-in the service refused stays shown when another tab changes the state or a command is made", { timeout: 180_000 }, async (t) => {
    await signIn(randomUUID());
    signedIn.token = "not-a-token";
    const { context, page } = await openProfile(app);
    t.after(() => context.close());
    const SIGNED_OUT = "The service did not accept this sign-in: sign in again to sync.";
    await page.waitForFunction((text) => document.querySelector("#sync-status").textContent === text, SIGNED_OUT, { timeout: 30_000 });
    // Another tab announces a change, as it does after each command and sync.
    await page.evaluate(() => new BroadcastChannel("connect-provider").postMessage({ type: "changed" }));
    const replaced = await page
      .waitForFunction((text) => document.querySelector("#sync-status").textContent !== text, SIGNED_OUT, { timeout: 2_000 })
      .then(() => page.textContent("#sync-status"), () => null);
    assert.equal(replaced, null, "not replaced by the count of what waits");
    await context.setOffline(true);
    await connect(page, { provider: "schwab", alias: "Signed out" });
    assert.equal((await syncState(page)).status, "Offline: 1 change waiting to sync.", "offline says so");
  });
});

/** The page's client id, as its `sync` store keeps it. */
const clientIdOf = (page) =>
  inAppDatabase(page, `(db) => new Promise((resolve) => {
    const get = db.transaction("sync").objectStore("sync").get("clientId");
    get.onsuccess = () => resolve(get.result);
  })`);

/**
 * Makes the IndexedDB database `to` (deleted first) a copy of `from` in the page: its version, its
 * stores with their keys and indexes, and every record (values the page cannot hand out, such as
 * its CryptoKeys, copied within the page). A store's key generator is set by the keys copied (past
 * the largest), which for an emptied queue is less than the source's.
 */
const copyIndexedDb = (page, from, to) =>
  page.evaluate(async ([from, to]) => {
    const settle = (request) => new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const source = await settle(indexedDB.open(from));
    const stores = [];
    const reading = source.transaction([...source.objectStoreNames]); // one transaction: a copy at one instant
    for (const name of source.objectStoreNames) {
      const store = reading.objectStore(name);
      const indexes = [...store.indexNames].map((index) => store.index(index)).map(({ name, keyPath, unique, multiEntry }) => ({ name, keyPath, unique, multiEntry }));
      const [keys, values] = await Promise.all([settle(store.getAllKeys()), settle(store.getAll())]);
      stores.push({ name, keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes, keys, values });
    }
    const version = source.version;
    source.close();
    await settle(indexedDB.deleteDatabase(to));
    const opening = indexedDB.open(to, version);
    opening.onupgradeneeded = () => {
      for (const { name, keyPath, autoIncrement, indexes } of stores) {
        const made = opening.result.createObjectStore(name, { keyPath, autoIncrement });
        for (const index of indexes) made.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
      }
    };
    const target = await settle(opening);
    const transaction = target.transaction([...target.objectStoreNames], "readwrite");
    for (const { name, keyPath, keys, values } of stores) {
      const store = transaction.objectStore(name);
      values.forEach((value, i) => (keyPath === null ? store.put(value, keys[i]) : store.put(value)));
    }
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
    target.close();
  }, [from, to]);

/**
 * Rewrites the page's pending queue: `change` (run in the page, so it closes over nothing) gets its
 * entries and answers those to put back (by their ids).
 */
const editPendingIn = (page, change) =>
  inAppDatabase(
    page,
    `async (db) => {
      const entries = await new Promise((resolve) => {
        const all = db.transaction("pending").objectStore("pending").getAll();
        all.onsuccess = () => resolve(all.result);
      });
      await new Promise((resolve, reject) => {
        const transaction = db.transaction("pending", "readwrite");
        for (const entry of (${change})(entries)) transaction.objectStore("pending").put(entry);
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
      });
    }`,
  );
