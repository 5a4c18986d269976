// The browser app (npm start's Vite server) in headless Chromium, with real IndexedDB.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import { launchChromium } from "./support/chromium.mjs";

const PLAINTEXT = "hunter2-correct-horse-battery";
const output = fileURLToPath(new URL("../../test-output", import.meta.url));
let vite;
let appUrl;

function freePort() {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  vite = await createServer({
    configFile: fileURLToPath(new URL("../../www/vite.config.js", import.meta.url)),
    server: { port: await freePort(), strictPort: true },
    logLevel: "warn",
  });
  await vite.listen();
  appUrl = vite.resolvedUrls.local[0];
});
after(() => vite?.close());

async function openApp(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error));
  await page.goto(appUrl);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function connect(page, { provider = "schwab", slug, alias = "", secret = PLAINTEXT } = {}) {
  await page.selectOption("#provider", provider);
  if (slug !== undefined) await page.fill("#provider-slug", slug);
  await page.fill("#alias", alias);
  await page.fill("#secret", secret);
  await page.click("button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#form-status").textContent !== "");
}

const connections = (page) =>
  page.$$eval(".connection", (items) =>
    items.map((item) => [item.querySelector(".slug").textContent, item.querySelector(".alias")?.textContent ?? null, item.querySelector(".badge").textContent]),
  );
const timeline = (page) =>
  page.$$eval(".event", (items) => items.map((item) => [item.dataset.eventType, item.querySelector(".event-reason")?.textContent ?? null]));

/** Every record of every store, with bytes decoded as text so a plaintext search sees them. */
const dumpIndexedDb = (page) =>
  page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("connect-provider");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const decode = (value) =>
      JSON.stringify(value, (_, v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) + Array.from(v).join(",") : v));
    const dump = {};
    for (const name of db.objectStoreNames) {
      const records = await new Promise((resolve) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
      });
      dump[name] = records.map(decode);
    }
    return dump;
  });

test("connecting lists the connection with its Attempted and Succeeded events, and both survive a reload", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context);
  await connect(page, { alias: "Retirement" });

  assert.equal(await page.textContent("#form-status"), "Connected schwab.");
  assert.deepEqual(await connections(page), [["schwab", "Retirement", "active"]]);
  assert.deepEqual(await timeline(page), [["ProviderConnectionSucceeded", null], ["ProviderConnectionAttempted", null]]);
  assert.equal(await page.inputValue("#secret"), "", "the secret is not left in the form");

  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.deepEqual(await connections(page), [["schwab", "Retirement", "active"]]);
  assert.deepEqual(await timeline(page), [["ProviderConnectionSucceeded", null], ["ProviderConnectionAttempted", null]]);

  mkdirSync(output, { recursive: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  await connect(page, { provider: "__other", slug: "s".repeat(51) });
  await page.screenshot({ path: `${output}/www-app.png`, fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("a too-long slug shows the error at the field, records a Failed event and adds no connection", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context);
  await connect(page, { provider: "__other", slug: "x".repeat(51) });

  assert.equal(await page.textContent("#provider-error"), "Enter a provider slug of 1 to 50 characters.");
  assert.equal(await page.getAttribute("#provider-slug", "aria-invalid"), "true");
  assert.equal(await page.textContent("#form-status"), "Not connected: Invalid provider slug");
  assert.deepEqual(await timeline(page), [["ProviderConnectionFailed", "Invalid provider slug"], ["ProviderConnectionAttempted", null]]);
  assert.deepEqual(await connections(page), []);
});

test("a too-long alias shows the error at the alias field", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context);
  await connect(page, { alias: "a".repeat(101) });
  assert.equal(await page.textContent("#alias-error"), "Keep the alias to 100 characters or fewer.");
  assert.deepEqual(await connections(page), []);
});

test("a storage failure (quota exceeded) is shown at the form and nothing is half-saved", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  // A real browser, a real quota error: the connections store refuses every write.
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (this.name === "connections") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return put.apply(this, args);
    };
  });
  const page = await openApp(context);
  await connect(page);
  const reason = "Database error occurred: The quota has been exceeded.";
  assert.equal(await page.textContent("#form-status"), `Could not save the connection, nothing was stored: ${reason}`);
  assert.deepEqual(await timeline(page), [["ProviderConnectionFailed", reason], ["ProviderConnectionAttempted", null]]);
  assert.deepEqual(await connections(page), []);
  assert.deepEqual((await dumpIndexedDb(page)).connections, []);
});

test("a second tab sees a connection made in the first", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const first = await openApp(context);
  const second = await openApp(context);
  await connect(first, { provider: "vanguard", alias: "IRA" });
  await second.waitForSelector(".connection");
  assert.deepEqual(await connections(second), [["vanguard", "IRA", "active"]]);
  assert.deepEqual((await timeline(second)).map(([type]) => type), ["ProviderConnectionSucceeded", "ProviderConnectionAttempted"]);
});

test("the secret's plaintext appears nowhere in IndexedDB, only its ciphertext", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context);
  await connect(page, { provider: "fidelity" });
  const dump = await dumpIndexedDb(page);
  assert.equal(dump.connections.length, 1);
  assert.ok(!JSON.stringify(dump).includes(PLAINTEXT), "plaintext found in IndexedDB");
  const stored = await page.evaluate(() => document.body.innerText);
  assert.ok(!stored.includes(PLAINTEXT), "plaintext shown on the page");
  // 12-byte IV + ciphertext + 16-byte tag
  const bytes = JSON.parse(dump.connections[0]).credentials.encryptedData;
  assert.equal(bytes.split(",").length >= 12 + PLAINTEXT.length + 16, true);
});

test("works from the keyboard and at phone width", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.focus("#provider");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Brokerage");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.type(PLAINTEXT);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".connection");
  assert.deepEqual(await connections(page), [["schwab", "Brokerage", "active"]]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 375px (overflow ${overflow}px)`);
});
