// The browser app (www/) served by Vite in this process, and what the tests do and read in it.
import { createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import { syncConfigPlugin } from "../../../www/sync-config-plugin.js";

export const PLAINTEXT = "hunter2-correct-horse-battery";

export function freePort() {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts www/'s Vite dev server (on `port`, or a free one); `close()` stops it. With `sync`, the page
 * syncs to that service as that user (its sync-config.json), as under `npm start`.
 * @param {{ port?: number, sync?: { service: string, token: string, userId: string, syncEveryMs?: number } }} [options]
 */
export async function startApp({ port, sync } = {}) {
  const vite = await createServer({
    configFile: fileURLToPath(new URL("../../../www/vite.config.js", import.meta.url)),
    server: { port: port ?? (await freePort()), strictPort: true },
    plugins: sync ? [syncConfigPlugin(sync)] : [],
    logLevel: "warn",
  });
  await vite.listen();
  return { url: vite.resolvedUrls.local[0], close: () => vite.close() };
}

/** A new tab on the app, ready; `page.errors` and `page.logs` collect page errors and console text. */
export async function openApp(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.logs = [];
  page.on("pageerror", (error) => page.errors.push(error));
  page.on("console", (message) => page.logs.push(message.text()));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** `minutes` from now as a `datetime-local` value in the page's time zone (to the minute, rounded down). */
export const localInputIn = (page, minutes) =>
  page.evaluate((ms) => {
    const at = new Date(Date.now() + ms);
    const pad = (n) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  }, minutes * 60_000);

/** Fills and submits the connect form, and waits for its status. */
export async function connect(page, { provider = "schwab", slug, alias = "", secret = PLAINTEXT, credentialType, expiresAt } = {}) {
  await page.selectOption("#provider", provider);
  if (slug !== undefined) await page.fill("#provider-slug", slug);
  await page.fill("#alias", alias);
  if (credentialType) await page.selectOption("#credential-type", credentialType);
  if (expiresAt) await page.fill("#expires-at", expiresAt);
  await page.fill("#secret", secret);
  await page.click("#connect-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#form-status").textContent !== "");
}

/** The listed connection whose slug is exactly `slug`. */
export const row = (page, slug) => page.locator(".connection").filter({ has: page.locator(".slug", { hasText: new RegExp(`^${slug}$`) }) });

/** Clicks the row's Disconnect and waits for the outcome (in the row, or the list's notice). */
export async function disconnect(page, slug) {
  await row(page, slug).getByRole("button", { name: "Disconnect", exact: true }).click();
  await page.waitForFunction(
    (s) => {
      const item = [...document.querySelectorAll(".connection")].find((i) => i.querySelector(".slug").textContent === s);
      return (item && item.querySelector(".row-status").textContent !== "") || document.querySelector("#connections-notice").textContent !== "";
    },
    slug,
  );
}

/** Opens the row's Replace credentials form and returns it (a locator). */
export async function openReplaceForm(page, slug) {
  await row(page, slug).getByRole("button", { name: "Replace credentials", exact: true }).click();
  return row(page, slug).locator("form.refresh-form");
}

/** Submits the open form of `slug` with these values, and waits for any outcome. */
export async function replaceCredentials(page, slug, { credentialType, secret = "", expiresAt } = {}) {
  const form = row(page, slug).locator("form.refresh-form");
  if (!(await form.isVisible())) await openReplaceForm(page, slug);
  if (credentialType) await form.getByLabel("Credential type").selectOption(credentialType);
  await form.getByLabel("New secret").fill(secret);
  if (expiresAt !== undefined) await form.getByLabel("Expires").fill(expiresAt);
  await form.getByRole("button", { name: "Save new credentials" }).click();
  await page.waitForFunction((s) => {
    const item = [...document.querySelectorAll(".connection")].find((i) => i.querySelector(".slug").textContent === s);
    if (!item) return document.querySelector("#connections-notice").textContent !== "";
    return [".row-status", ".form-outcome", ".refresh-form .field-error"].some((selector) => item.querySelector(selector).textContent !== "");
  }, slug);
}

/** The list as the user sees it: [slug, alias, status badge]. */
export const connections = (page) =>
  page.$$eval(".connection", (items) =>
    items.map((item) => [item.querySelector(".slug").textContent, item.querySelector(".alias")?.textContent ?? null, item.querySelector(".badge").textContent]),
  );

/** Each row in full: status, credential type, expiry flags, the due flag and the visible action buttons. */
export const rows = (page) =>
  page.$$eval(".connection", (items) =>
    items.map((item) => ({
      slug: item.querySelector(".slug").textContent,
      status: item.querySelector(".badge").textContent,
      credentials: item.querySelector(".credential-type").textContent,
      flags: [...item.querySelectorAll(".flag")].map((flag) => flag.textContent),
      actions: [...item.querySelectorAll(".action-buttons button")].filter((b) => !b.hidden).map((b) => b.textContent),
    })),
  );

/** The timeline, newest first: [eventType, reason or null]. */
export const timeline = (page) =>
  page.$$eval(".event", (items) => items.map((item) => [item.dataset.eventType, item.querySelector(".event-reason")?.textContent ?? null]));

/** The timeline as shown: outcome label, action, slug, reason and needs-action text. */
export const timelineShown = (page) =>
  page.$$eval(".event", (items) =>
    items.map((item) => ({
      type: item.dataset.eventType,
      look: item.className,
      label: item.querySelector(".event-label").textContent,
      action: item.querySelector(".event-action").textContent,
      slug: item.querySelector(".event-slug").textContent,
      reason: item.querySelector(".event-reason")?.textContent ?? null,
      needsAction: item.querySelector(".event-needs-action")?.textContent ?? null,
    })),
  );

/**
 * Runs `body(db)` in the page, on the app's database opened at its current version, and closes it
 * after. `body` is a function's source (run in the page, so it closes over nothing of the test's).
 */
export const inAppDatabase = (page, body) =>
  page.evaluate(`(async () => {
    const db = await new Promise((resolve, reject) => {
      const opening = indexedDB.open("connect-provider");
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    try {
      return await (${body})(db);
    } finally {
      db.close();
    }
  })()`);

/**
 * From now on (`where`: "now" in this page, or "init" in each page the context loads) `method`
 * ("put" or "add") on the object store `store` throws a QuotaExceededError, as a full disk would.
 */
export function quotaExceededOn(target, { store, method, where = "now" }) {
  const install = ([name, verb]) => {
    const original = IDBObjectStore.prototype[verb];
    IDBObjectStore.prototype[verb] = function (...args) {
      if (this.name === name) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return original.apply(this, args);
    };
  };
  return where === "init" ? target.addInitScript(install, [store, method]) : target.evaluate(install, [store, method]);
}

/** The connection record as IndexedDB holds it, bytes as an array of numbers. */
export const storedConnections = (page) =>
  inAppDatabase(page, async (db) => {
    const records = await new Promise((resolve) => {
      const request = db.transaction("connections").objectStore("connections").getAll();
      request.onsuccess = () => resolve(request.result);
    });
    return records.map((record) => ({
      ...record,
      credentials: record.credentials && {
        ...record.credentials,
        bytesAreUint8Array: record.credentials.encryptedData instanceof Uint8Array,
        encryptedData: Array.from(record.credentials.encryptedData),
      },
    }));
  });

/** Every record of every store, with bytes decoded as text so a plaintext search sees them. */
export const dumpIndexedDb = (page) =>
  inAppDatabase(page, async (db) => {
    const decode = (value) =>
      // Bytes as their text (for a search for plaintext) and their values, apart: a byte 0x2C in the
      // text would otherwise read as one more value.
      JSON.stringify(value, (_, v) => (v instanceof Uint8Array ? { text: new TextDecoder().decode(v), bytes: Array.from(v) } : v));
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
