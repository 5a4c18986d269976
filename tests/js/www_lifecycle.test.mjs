// The browser app's connection lifecycle in headless Chromium, with real IndexedDB: disconnecting,
// replacing credentials (and its refusal), the Active only filter, the 30-minute expiry flag,
// other tabs, the keyboard, and a database left by the previous version of the app.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./support/chromium.mjs";
import {
  connect,
  disconnect,
  localInputIn,
  openApp,
  openReplaceForm,
  quotaExceededOn,
  replaceCredentials,
  row,
  rows,
  startApp,
  storedConnections,
  timeline,
  timelineShown,
} from "./support/www-app.mjs";

const output = fileURLToPath(new URL("../../test-output", import.meta.url));
const CONNECTED = [["ProviderConnectionSucceeded", null], ["ProviderConnectionAttempted", null]];
const BOTH_ACTIONS = ["Disconnect", "Replace credentials"];
let app;

before(async () => {
  app = await startApp();
});
after(() => app?.close());

async function appIn(t) {
  const context = await launchChromium();
  t.after(() => context.close());
  return { context, page: await openApp(context, app.url) };
}

const text = (page, selector) => page.locator(selector).textContent();
const focusedText = (page) => page.evaluate(() => document.activeElement?.textContent ?? null);

test("disconnecting keeps the connection listed as disconnected, logs two events and drops the credentials from IndexedDB", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { alias: "Retirement" });
  assert.deepEqual(await rows(page), [{ slug: "schwab", status: "active", credentials: "oauth2", flags: [], actions: BOTH_ACTIONS }]);
  assert.equal(await text(page, "#connections-summary"), "1 connection, 1 active.");
  const [before] = await storedConnections(page);

  await disconnect(page, "schwab");

  assert.equal(await row(page, "schwab").locator(".row-status").textContent(), "Disconnected schwab (Retirement).");
  assert.deepEqual(await rows(page), [{ slug: "schwab", status: "disconnected", credentials: "none", flags: [], actions: ["Replace credentials"] }]);
  assert.equal(await row(page, "schwab").locator(".expiry").textContent(), "—");
  assert.equal(await text(page, "#connections-summary"), "1 connection, 0 active.");
  assert.equal(await focusedText(page), "Replace credentials", "focus stays in the row when its Disconnect goes away");
  assert.deepEqual(await timeline(page), [["ProviderDisconnectionSucceeded", null], ["ProviderDisconnectionAttempted", null], ...CONNECTED]);
  const [succeeded, attempted] = await timelineShown(page);
  assert.deepEqual(
    [succeeded.label, succeeded.action, succeeded.slug, succeeded.look, attempted.label, attempted.action, attempted.look],
    ["Succeeded", "Disconnect", "schwab", "event event-succeeded", "Attempted", "Disconnect", "event event-attempted"],
  );

  const [stored] = await storedConnections(page);
  assert.equal(stored.id, before.id);
  assert.equal(stored.status, "disconnected");
  assert.equal(stored.credentials, null);
  assert.equal(stored.connectedAt, before.connectedAt);
  assert.equal(stored.version, before.version + 1, "one write, the next version");
  assert.ok(stored.updatedAt > before.updatedAt, `updatedAt moved on: ${before.updatedAt} to ${stored.updatedAt}`);

  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.deepEqual(await rows(page), [{ slug: "schwab", status: "disconnected", credentials: "none", flags: [], actions: ["Replace credentials"] }]);
  assert.deepEqual(page.errors, []);
});

test("replacing credentials shows the new type and expiry, stores them sealed, and logs Attempted then Succeeded", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { provider: "coinbase" });
  const [before] = await storedConnections(page);

  const form = await openReplaceForm(page, "coinbase");
  const toggle = row(page, "coinbase").getByRole("button", { name: "Replace credentials", exact: true });
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal(await form.isVisible(), true);
  assert.equal(await page.getByRole("form", { name: "Replace credentials coinbase" }).count(), 1, "the form is named for its connection");
  assert.equal(await form.getByLabel("Credential type").inputValue(), "oauth2", "the form starts from the current type");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("name")), "credentialType", "focus moves into the form");

  const expiry = await localInputIn(page, 2 * 24 * 60);
  await replaceCredentials(page, "coinbase", { credentialType: "api_key", secret: "new-api-key-value", expiresAt: expiry });

  assert.equal(await row(page, "coinbase").locator(".row-status").textContent(), "Replaced the credentials of coinbase.");
  assert.equal(await form.isVisible(), false, "the form closes");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await focusedText(page), "Replace credentials", "focus returns to the button that opened the form");
  assert.deepEqual(await rows(page), [{ slug: "coinbase", status: "active", credentials: "api_key", flags: [], actions: BOTH_ACTIONS }]);
  const expiresAt = await page.evaluate((local) => new Date(local).toISOString(), expiry);
  const shown = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)), expiresAt);
  assert.equal(await row(page, "coinbase").locator(".expiry").textContent(), `Expires ${shown} `);
  assert.deepEqual(await timeline(page), [["ProviderTokenRefreshSucceeded", null], ["ProviderTokenRefreshAttempted", null], ...CONNECTED]);
  const [succeeded] = await timelineShown(page);
  assert.deepEqual([succeeded.label, succeeded.action, succeeded.slug], ["Succeeded", "Replace credentials", "coinbase"]);

  const [stored] = await storedConnections(page);
  assert.equal(stored.status, "active");
  assert.equal(stored.credentials.credentialType, "api_key");
  assert.equal(stored.credentials.expiresAt, expiresAt);
  assert.equal(stored.credentials.bytesAreUint8Array, true);
  assert.equal(stored.credentials.encryptedData.length, 12 + "new-api-key-value".length + 16);
  assert.notDeepEqual(stored.credentials.encryptedData, before.credentials.encryptedData);
  assert.equal(stored.version, before.version + 1, "one write, the next version");
  assert.ok(stored.updatedAt > before.updatedAt, `updatedAt moved on: ${before.updatedAt} to ${stored.updatedAt}`);
  assert.deepEqual(page.errors, []);
});

test("a replacement without a secret is refused at the secret field", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { provider: "vanguard" });
  await replaceCredentials(page, "vanguard", { secret: "" });

  const form = row(page, "vanguard").locator("form.refresh-form");
  const secret = form.getByLabel("New secret");
  assert.equal(await secret.getAttribute("aria-invalid"), "true");
  const describedBy = (await secret.getAttribute("aria-describedby")).split(" ");
  const errorId = describedBy.find((id) => id.includes("secret-error"));
  assert.equal(await page.locator(`[id="${errorId}"]`).textContent(), "Enter the new secret (and a valid expiry, if any).");
  assert.equal(await form.locator(".form-outcome").textContent(), "Not replaced: Invalid or missing credentials");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("name")), "secret");
  assert.deepEqual((await timeline(page)).slice(0, 2), [["ProviderTokenRefreshFailed", "Invalid or missing credentials"], ["ProviderTokenRefreshAttempted", null]]);
  assert.equal((await timelineShown(page))[0].needsAction, null, "only a not-active refusal needs the user");
  assert.deepEqual(await rows(page), [{ slug: "vanguard", status: "active", credentials: "oauth2", flags: [], actions: BOTH_ACTIONS }]);
});

test("replacing the credentials of a disconnected connection is refused with a needs-action message, and Connect again fills in the form", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { provider: "robinhood", alias: "Trading" });
  await disconnect(page, "robinhood");
  await replaceCredentials(page, "robinhood", { credentialType: "api_key", secret: "would-be-new" });

  const form = row(page, "robinhood").locator("form.refresh-form");
  assert.equal(await form.locator(".form-outcome .status-error").textContent(), "Not replaced: Connection is not active");
  assert.equal(
    await form.locator(".needs-action p").textContent(),
    "Action needed: this connection is disconnected, so it cannot take new credentials. Connect robinhood (Trading) again to use it.",
  );
  assert.equal(await focusedText(page), "Connect robinhood again");
  assert.equal(await row(page, "robinhood").locator(".row-status").textContent(), "", "no success message");
  const [failed, attempted] = await timelineShown(page);
  assert.deepEqual(
    [failed.type, failed.label, failed.look, failed.reason, failed.needsAction, attempted.type],
    ["ProviderTokenRefreshFailed", "Failed", "event event-failed", "Connection is not active", "Needs the user: connect again", "ProviderTokenRefreshAttempted"],
  );
  const [stored] = await storedConnections(page);
  assert.deepEqual([stored.status, stored.credentials], ["disconnected", null], "nothing was saved");

  await page.getByRole("button", { name: "Connect robinhood again" }).click();
  assert.equal(await page.inputValue("#provider"), "robinhood");
  assert.equal(await page.inputValue("#alias"), "Trading");
  assert.equal(await page.evaluate(() => document.activeElement.id), "secret");
  await page.fill("#secret", "a-fresh-secret");
  await page.click("#connect-form button[type=submit]");
  await page.waitForFunction(() => document.querySelectorAll(".connection").length === 2);
  assert.deepEqual(
    (await rows(page)).map((r) => [r.slug, r.status]),
    [["robinhood", "active"], ["robinhood", "disconnected"]],
  );
  assert.deepEqual(page.errors, []);
});

test("a storage failure while disconnecting or replacing is shown where the user acted, and nothing changes", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { provider: "schwab" });
  const [before] = await storedConnections(page);
  // From now on the connections store refuses every write, as a full disk would.
  await quotaExceededOn(page, { store: "connections", method: "put" });
  const reason = "Database error occurred: The quota has been exceeded.";

  await disconnect(page, "schwab");
  assert.equal(await row(page, "schwab").locator(".row-status").textContent(), `Could not save, nothing changed: ${reason}`);
  assert.deepEqual(await timeline(page), [["ProviderDisconnectionFailed", reason], ["ProviderDisconnectionAttempted", null], ...CONNECTED]);

  await replaceCredentials(page, "schwab", { credentialType: "api_key", secret: "never-saved" });
  const form = row(page, "schwab").locator("form.refresh-form");
  assert.equal(await form.locator(".form-outcome").textContent(), `Could not save the new credentials, nothing changed: ${reason}`);
  assert.equal(await form.locator(".needs-action").count(), 0, "a storage failure is not the user's to mend");
  const [failed] = await timelineShown(page);
  assert.deepEqual([failed.type, failed.reason, failed.needsAction], ["ProviderTokenRefreshFailed", reason, null]);

  assert.deepEqual(await rows(page), [{ slug: "schwab", status: "active", credentials: "oauth2", flags: [], actions: BOTH_ACTIONS }]);
  assert.deepEqual(await storedConnections(page), [before]);
  assert.deepEqual(page.errors, []);
});

test("Active only hides disconnected connections and shows them again", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { provider: "schwab" });
  await connect(page, { provider: "fidelity" });
  await disconnect(page, "fidelity");
  assert.deepEqual((await rows(page)).map((r) => [r.slug, r.status]), [["fidelity", "disconnected"], ["schwab", "active"]]);
  assert.equal(await text(page, "#connections-summary"), "2 connections, 1 active.");

  const filter = page.getByLabel("Active only");
  await filter.check();
  await page.waitForFunction(() => document.querySelectorAll(".connection").length === 1);
  assert.deepEqual((await rows(page)).map((r) => [r.slug, r.status]), [["schwab", "active"]]);
  assert.equal(await text(page, "#connections-summary"), "1 active connection shown.");

  // Disconnecting a listed row under the filter: it leaves, and the list says what happened.
  await disconnect(page, "schwab");
  assert.deepEqual(await rows(page), []);
  assert.equal(await text(page, "#connections .empty"), "No active connections.");
  assert.equal(await text(page, "#connections-notice"), "Disconnected schwab.");
  assert.equal(await page.evaluate(() => document.activeElement.id), "connections-notice", "focus is not lost with the row");
  assert.equal(await text(page, "#connections-summary"), "0 active connections shown.");

  await filter.uncheck();
  await page.waitForFunction(() => document.querySelectorAll(".connection").length === 2);
  assert.deepEqual((await rows(page)).map((r) => [r.slug, r.status]), [["fidelity", "disconnected"], ["schwab", "disconnected"]]);
  assert.equal(await text(page, "#connections-summary"), "2 connections, 0 active.");
  assert.equal(await text(page, "#connections-notice"), "");
});

test("credentials expiring within 30 minutes are flagged, besides the domain's own expiry badge", async (t) => {
  const { page } = await appIn(t);
  await connect(page, { provider: "schwab" });
  await connect(page, { provider: "vanguard", expiresAt: await localInputIn(page, 120) });
  await connect(page, { provider: "plaid", credentialType: "link_token", expiresAt: await localInputIn(page, 10) });
  await connect(page, { provider: "coinbase", expiresAt: await localInputIn(page, 3) });
  await connect(page, { provider: "fidelity", expiresAt: await localInputIn(page, -2) });
  // The form's status comes before the list is drawn again: wait for the fifth row.
  await page.waitForFunction(() => document.querySelectorAll(".connection").length === 5);

  const flags = async () => Object.fromEntries((await rows(page)).map((r) => [r.slug, r.flags]));
  assert.deepEqual(await flags(), {
    fidelity: ["Refresh overdue", "Expired"],
    coinbase: ["Expires within 30 min", "Expiring soon"],
    plaid: ["Expires within 30 min"],
    vanguard: [],
    schwab: [],
  });

  // New credentials without an expiry take the flag away; a disconnected connection is not flagged.
  await replaceCredentials(page, "plaid", { credentialType: "link_token", secret: "renewed-link-token" });
  await disconnect(page, "coinbase");
  assert.deepEqual(await flags(), { fidelity: ["Refresh overdue", "Expired"], coinbase: [], plaid: [], vanguard: [], schwab: [] });

  mkdirSync(output, { recursive: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  await replaceCredentials(page, "coinbase", { secret: "too-late" });
  await page.screenshot({ path: `${output}/www-lifecycle.png`, fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("a second tab sees each change: a replacement, a disconnect and a refusal, made in either tab", async (t) => {
  const { context, page: first } = await appIn(t);
  const second = await openApp(context, app.url);
  await connect(first, { provider: "schwab" });
  await connect(first, { provider: "fidelity" });
  await second.waitForFunction(() => document.querySelectorAll(".connection").length === 2);

  await replaceCredentials(first, "schwab", { credentialType: "certificate", secret: "a-certificate" });
  await second.waitForFunction(() => document.querySelector(".event").dataset.eventType === "ProviderTokenRefreshSucceeded");
  assert.deepEqual((await rows(second)).find((r) => r.slug === "schwab"), { slug: "schwab", status: "active", credentials: "certificate", flags: [], actions: BOTH_ACTIONS });

  await disconnect(second, "fidelity");
  await first.waitForFunction(() => document.querySelector(".event").dataset.eventType === "ProviderDisconnectionSucceeded");
  assert.deepEqual((await rows(first)).map((r) => [r.slug, r.status]), [["fidelity", "disconnected"], ["schwab", "active"]]);
  assert.equal(await text(first, "#connections-summary"), "2 connections, 1 active.");

  // A form being filled in survives the other tab's change, and its answer reflects it.
  const form = await openReplaceForm(second, "schwab");
  await form.getByLabel("New secret").fill("typed-before-the-change");
  await disconnect(first, "schwab");
  await second.waitForFunction(() => document.querySelectorAll(".badge-disconnected").length === 2);
  assert.equal(await form.isVisible(), true);
  assert.equal(await form.getByLabel("New secret").inputValue(), "typed-before-the-change");
  assert.equal(await second.evaluate(() => document.activeElement.getAttribute("name")), "secret", "focus stays in the form");
  await form.getByRole("button", { name: "Save new credentials" }).click();
  await second.waitForFunction(() => document.querySelector(".needs-action") !== null);
  assert.equal(await form.locator(".form-outcome .status-error").textContent(), "Not replaced: Connection is not active");

  await first.waitForFunction(() => document.querySelector(".event").dataset.eventType === "ProviderTokenRefreshFailed");
  const [failed] = await timelineShown(first);
  assert.deepEqual([failed.slug, failed.reason, failed.needsAction], ["schwab", "Connection is not active", "Needs the user: connect again"]);
  assert.deepEqual(await timeline(first), await timeline(second));
  assert.deepEqual([...first.errors, ...second.errors], []);
});

test("the row's actions work from the keyboard, in one column at phone width", async (t) => {
  const { page } = await appIn(t);
  await page.setViewportSize({ width: 375, height: 800 });
  await connect(page, { provider: "__other", slug: "a-very-long-provider-slug-for-a-small-screen", alias: "Joint brokerage account" });
  const slug = "a-very-long-provider-slug-for-a-small-screen";

  await row(page, slug).getByRole("button", { name: "Replace credentials", exact: true }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("name")), "credentialType");
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok((await overflow()) <= 0, "no horizontal scrolling with the form open");
  await page.keyboard.press("Escape");
  assert.equal(await row(page, slug).locator("form.refresh-form").isVisible(), false, "Escape closes the form");
  assert.equal(await focusedText(page), "Replace credentials");

  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowDown"); // api_key
  await page.keyboard.press("Tab");
  await page.keyboard.type("typed-on-a-phone");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector(".row-status").textContent !== "");
  assert.equal(await row(page, slug).locator(".row-status").textContent(), `Replaced the credentials of ${slug} (Joint brokerage account).`);
  assert.equal((await rows(page))[0].credentials, "api_key");

  await page.keyboard.press("Shift+Tab"); // back to Disconnect
  assert.equal(await focusedText(page), "Disconnect");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector(".badge").textContent === "disconnected");
  assert.ok((await overflow()) <= 0, `no horizontal scrolling at 375px`);
  const columns = await page.evaluate(() => new Set([...document.querySelectorAll(".card")].map((card) => card.getBoundingClientRect().left)).size);
  assert.equal(columns, 1, "one column");
});

test("a database left by the previous version is upgraded in place once its old tab lets go", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  // A page of the same origin that is not the app: it plays the old version, holding version 1 open.
  const old = await context.newPage();
  await old.goto(new URL("src/styles.css", app.url).href);
  const soon = new Date(Date.now() + 10 * 60_000).toISOString();
  await old.evaluate(async (expiresAt) => {
    const userId = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
    localStorage.setItem("connect-provider.userId", userId);
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("connect-provider", 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("connections", { keyPath: "id" }).createIndex("byUser", "userId");
        open.result.createObjectStore("events", { keyPath: "eventId" }).createIndex("byUser", "userId");
        open.result.createObjectStore("keys");
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const record = (id, slug, status, credentials, at) => ({
      id, userId, providerId: "0190f5b2-0000-7000-8000-000000000001", providerSlug: slug, status, alias: null, credentials,
      connectedAt: at, lastSyncAt: null, createdAt: at, updatedAt: at,
    });
    const transaction = db.transaction("connections", "readwrite");
    transaction.objectStore("connections").put(record("01a00000-0000-7000-8000-000000000001", "schwab", "active", { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2", expiresAt }, "2026-01-02T03:04:05.678Z"));
    transaction.objectStore("connections").put(record("01a00000-0000-7000-8000-000000000002", "fidelity", "disconnected", null, "2026-01-03T03:04:05.678Z"));
    await new Promise((resolve) => (transaction.oncomplete = resolve));
    window.oldDb = db;
  }, soon);

  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error));
  await page.goto(app.url);
  await page.waitForSelector("#upgrade-notice:not([hidden])");
  assert.equal(await page.textContent("#upgrade-notice"), "This app's database is being updated. Close its other tabs (or reload them) to continue.");
  assert.equal(await page.getAttribute("body", "data-ready"), null);

  await old.evaluate(() => window.oldDb.close());
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.isVisible("#upgrade-notice"), false);
  assert.deepEqual(await rows(page), [
    { slug: "fidelity", status: "disconnected", credentials: "none", flags: [], actions: ["Replace credentials"] },
    { slug: "schwab", status: "active", credentials: "oauth2", flags: ["Expires within 30 min"], actions: BOTH_ACTIONS },
  ]);
  await page.getByLabel("Active only").check();
  await page.waitForFunction(() => document.querySelectorAll(".connection").length === 1);
  assert.deepEqual((await rows(page)).map((r) => r.slug), ["schwab"]);

  const schema = await page.evaluate(async () => {
    const db = await new Promise((resolve) => {
      const open = indexedDB.open("connect-provider");
      open.onsuccess = () => resolve(open.result);
    });
    const indexes = [...db.transaction("connections").objectStore("connections").indexNames];
    db.close();
    return { version: db.version, indexes };
  });
  // Two upgrades: the app's stores (pending, sync) at 2, the package store's indexes at 3.
  assert.deepEqual(schema, { version: 3, indexes: ["byStatusExpiry", "byUser", "byUserStatus"] });
  const stored = await storedConnections(page);
  assert.deepEqual(stored.find((c) => c.providerSlug === "schwab").credentials.encryptedData, [1, 2, 3], "old bytes read back");

  // The old record goes through the handlers like a new one.
  await disconnect(page, "schwab");
  assert.equal(await text(page, "#connections-notice"), "Disconnected schwab.");

  // And this version does not block the next: it lets go of the database and asks for a reload.
  const upgraded = await old.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("connect-provider", 4);
        open.onblocked = () => reject(new Error("blocked by the app"));
        open.onsuccess = () => {
          open.result.close();
          resolve(open.result.version);
        };
      }),
  );
  assert.equal(upgraded, 4);
  await page.waitForSelector("#upgrade-notice:not([hidden])");
  assert.equal(await page.textContent("#upgrade-notice"), "A newer version of this app is open in another tab. Reload this page to keep using it.");
  assert.deepEqual(page.errors, []);
});
