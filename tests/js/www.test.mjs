// The browser app (npm start's Vite server) in headless Chromium, with real IndexedDB.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./support/chromium.mjs";
import { PLAINTEXT, connect, connections, dumpIndexedDb, inAppDatabase, openApp, openReplaceForm, quotaExceededOn, replaceCredentials, row, startApp, storedConnections, timeline } from "./support/www-app.mjs";

const REPLACED = "second-secret-tr0ub4dor-and-3";
const output = fileURLToPath(new URL("../../test-output", import.meta.url));
let app;

before(async () => {
  app = await startApp();
});
after(() => app?.close());

test("connecting lists the connection with its Attempted and Succeeded events, and both survive a reload", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
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
  const page = await openApp(context, app.url);
  await connect(page, { provider: "__other", slug: "x".repeat(51) });

  assert.equal(await page.textContent("#provider-error"), "Enter a provider slug of 1 to 50 characters.");
  assert.equal(await page.getAttribute("#provider-slug", "aria-invalid"), "true");
  assert.equal(await page.textContent("#form-status"), "Not connected: Invalid provider slug");
  assert.deepEqual(await timeline(page), [["ProviderConnectionFailed", "Invalid provider slug"], ["ProviderConnectionAttempted", null]]);
  assert.deepEqual(await connections(page), []);
});

test("an expiry half typed is said at its field, in the connect form and the replace form, and nothing runs", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
  await page.fill("#secret", PLAINTEXT);
  await page.click("#expires-at");
  await page.keyboard.type("12"); // the month alone: the input reads as empty, its validity as bad input
  await page.click("#connect-form button[type=submit]");
  assert.equal(await page.textContent("#expiresAt-error"), "Enter the whole date and time, or clear it.");
  assert.equal(await page.getAttribute("#expires-at", "aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "expires-at");
  assert.equal(await page.inputValue("#secret"), PLAINTEXT, "the secret is kept for the corrected submit");
  assert.deepEqual(await connections(page), []);
  assert.deepEqual(await timeline(page), []);

  await page.fill("#secret", "");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await connect(page, { alias: "Kept" });
  const before = await timeline(page);
  await openReplaceForm(page, "schwab");
  const form = row(page, "schwab").locator("form.refresh-form");
  await form.getByLabel("New secret").fill(REPLACED);
  await form.getByLabel("Expires").click();
  await page.keyboard.type("12");
  await form.getByRole("button", { name: "Save new credentials" }).click();
  assert.equal(await form.locator("[id^=refresh-expires-error-]").textContent(), "Enter the whole date and time, or clear it.");
  assert.equal(await form.getByLabel("Expires").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await timeline(page), before, "no refresh ran");
  assert.deepEqual(page.errors, []);
});

test("until the page has started its connect form is disabled, so no submit can put the secret in the URL; a start that fails says so on the page", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.route("**/*.wasm", (route) => route.abort("connectionreset"));
  await page.goto(app.url);
  await page.waitForSelector("#start-notice:not([hidden])", { timeout: 30_000 });
  assert.match(await page.textContent("#start-notice"), /^This app could not start: .+\. Reload the page to try again\.$/);
  assert.equal(await page.getAttribute("body", "data-ready"), null);
  for (const field of ["#provider", "#alias", "#credential-type", "#secret", "#expires-at", "#connect-form button[type=submit]"]) {
    assert.equal(await page.isDisabled(field), true, `${field} is disabled`);
  }
  await assert.rejects(page.fill("#secret", PLAINTEXT, { timeout: 500 }), /Timeout/, "nothing can be typed, so nothing can be submitted");
  assert.equal(new URL(page.url()).search, "");

  await page.unroute("**/*.wasm");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.isHidden("#start-notice"), true);
  assert.equal(await page.isDisabled("#secret"), false);
});

test("a host that never answers for sync-config.json holds the start back 10 s at most: the page starts on what it kept (here nothing: this browser alone)", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await context.newPage();
  let asked = 0;
  await page.route("**/sync-config.json", () => {
    asked += 1; // never answered
  });
  await page.goto(app.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  assert.equal(asked, 1);
  assert.equal(await page.isHidden("#config-notice"), true);
  assert.equal(await page.isHidden("#sync-bar"), true, "no sync without a config");
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error));
  await connect(page, { alias: "Here alone" });
  assert.deepEqual(await connections(page), [["schwab", "Here alone", "active"]]);
  assert.deepEqual(page.errors, []);
});

test("the app's server sends no CORS headers: another local origin cannot read sync-config.json's token", async () => {
  const served = await startApp({ sync: { service: "https://service.example", token: "dev-token-for-this-test", userId: "6d3d2e63-4c1f-4b89-9a57-3f6ad5c0f1a2" } });
  try {
    for (const origin of ["http://localhost:3000", "http://127.0.0.1:8080"]) {
      const { status, headers, body } = await getWithOrigin(new URL("sync-config.json", served.url), origin);
      assert.equal(status, 200);
      assert.equal(JSON.parse(body).token, "dev-token-for-this-test", "served to the page's own origin");
      assert.equal(headers["access-control-allow-origin"], undefined, `nothing lets ${origin} read it`);
    }
  } finally {
    await served.close();
  }
});

/** GET `url` with an Origin header, as another origin's page would send it. */
function getWithOrigin(url, origin) {
  return new Promise((resolve, reject) => {
    request(url, { headers: { origin } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body }));
    })
      .on("error", reject)
      .end();
  });
}

test("the offline cache holds the files of the app's last load alone: an earlier version's are removed, the page's own kept", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
  await page.waitForSelector("body[data-offline-ready=true]");
  const kept = () => page.evaluate(async () => (await (await caches.open("connect-provider-app-v1")).keys()).map(({ url }) => new URL(url).pathname + new URL(url).search));
  const before = await kept();
  await page.evaluate(async () => {
    const cache = await caches.open("connect-provider-app-v1");
    await cache.put("/assets/main-0ld0ld.js", new Response("// an earlier build"));
    await cache.put("/src/main.js?t=1", new Response("// an earlier dev server module"));
    await cache.put("/?alias=x", new Response("<!doctype html>"));
  });
  await page.reload();
  await page.waitForSelector("body[data-offline-ready=true]");
  const after = await kept();
  assert.deepEqual(after.filter((path) => ["/assets/main-0ld0ld.js", "/src/main.js?t=1", "/?alias=x"].includes(path)), [], "the earlier files are gone");
  assert.deepEqual([...after].sort(), [...before].sort(), "the same files as the load before");
  assert.ok(after.includes("/") && after.some((path) => path.endsWith(".wasm")), `the page and its wasm: ${after.join(", ")}`);
  assert.deepEqual(page.errors, []);
});

test("a too-long alias shows the error at the alias field", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
  await connect(page, { alias: "a".repeat(101) });
  assert.equal(await page.textContent("#alias-error"), "Keep the alias to 100 characters or fewer.");
  assert.deepEqual(await connections(page), []);
});

test("a storage failure (quota exceeded) is shown at the form and nothing is half-saved", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  // A real browser, a real quota error: the connections store refuses every write.
  await quotaExceededOn(context, { store: "connections", method: "put", where: "init" });
  const page = await openApp(context, app.url);
  await connect(page);
  const reason = "Database error occurred: The quota has been exceeded.";
  assert.equal(await page.textContent("#form-status"), `Could not save the connection, nothing was stored: ${reason}`);
  assert.deepEqual(await timeline(page), [["ProviderConnectionFailed", reason], ["ProviderConnectionAttempted", null]]);
  assert.deepEqual(await connections(page), []);
  assert.deepEqual((await dumpIndexedDb(page)).connections, []);
});

test("an event of a type this page does not know (a newer service's) is shown by its name, and the timeline still draws", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
  await connect(page);
  // Filed as the store files a published event: its columns and the event, under the next sequence.
  await inAppDatabase(page, async (db) => {
    const transaction = db.transaction("events", "readwrite");
    const log = transaction.objectStore("events");
    const last = await new Promise((resolve) => {
      const reading = log.openCursor(null, "prev");
      reading.onsuccess = () => resolve(reading.result.value);
    });
    const eventId = crypto.randomUUID();
    const { sequence, ...columns } = last;
    log.add({ ...columns, eventId, eventType: "ProviderConnectionPaused", event: { ...last.event, eventId, eventType: "ProviderConnectionPaused" } });
    await new Promise((resolve) => (transaction.oncomplete = resolve));
  });
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.deepEqual(await timeline(page), [["ProviderConnectionPaused", null], ["ProviderConnectionSucceeded", null], ["ProviderConnectionAttempted", null]]);
  assert.equal(await page.locator(".event .event-action").first().textContent(), "ProviderConnectionPaused");
  assert.deepEqual(page.errors, []);
});

test("a second tab sees a connection made in the first", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const first = await openApp(context, app.url);
  const second = await openApp(context, app.url);
  await connect(first, { provider: "vanguard", alias: "IRA" });
  await second.waitForSelector(".connection");
  assert.deepEqual(await connections(second), [["vanguard", "IRA", "active"]]);
  assert.deepEqual((await timeline(second)).map(([type]) => type), ["ProviderConnectionSucceeded", "ProviderConnectionAttempted"]);
});

test("neither the first secret's plaintext nor a replacement's appears in IndexedDB, the page or the console", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
  await connect(page, { provider: "fidelity" });
  const dump = await dumpIndexedDb(page);
  assert.equal(dump.connections.length, 1);
  assert.ok(!JSON.stringify(dump).includes(PLAINTEXT), "plaintext found in IndexedDB");
  const stored = await page.evaluate(() => document.body.innerText);
  assert.ok(!stored.includes(PLAINTEXT), "plaintext shown on the page");
  // 12-byte IV + ciphertext + 16-byte tag
  const { bytes } = JSON.parse(dump.connections[0]).credentials.encryptedData;
  assert.equal(bytes.length, 12 + PLAINTEXT.length + 16);
  const [first] = await storedConnections(page);

  await replaceCredentials(page, "fidelity", { credentialType: "api_key", secret: REPLACED });
  assert.equal(await row(page, "fidelity").locator(".row-status").textContent(), "Replaced the credentials of fidelity.");
  assert.equal(await row(page, "fidelity").getByLabel("New secret").inputValue(), "", "the new secret is not left in the form");
  const after = await dumpIndexedDb(page);
  for (const secret of [PLAINTEXT, REPLACED]) {
    assert.ok(!JSON.stringify(after).includes(secret), `plaintext ${secret} found in IndexedDB`);
    assert.ok(!(await page.evaluate(() => document.body.innerText)).includes(secret), `plaintext ${secret} shown on the page`);
    assert.ok(!page.logs.some((line) => line.includes(secret)), `plaintext ${secret} logged`);
  }
  const [replaced] = await storedConnections(page);
  assert.equal(replaced.credentials.credentialType, "api_key");
  assert.equal(replaced.credentials.bytesAreUint8Array, true);
  assert.equal(replaced.credentials.encryptedData.length, 12 + REPLACED.length + 16);
  assert.notDeepEqual(replaced.credentials.encryptedData.slice(0, 12), first.credentials.encryptedData.slice(0, 12), "a fresh IV");
  // Sealed like the first: the key kept in IndexedDB opens it.
  const opened = await page.evaluate(async (sealed) => {
    const db = await new Promise((resolve) => {
      const open = indexedDB.open("connect-provider");
      open.onsuccess = () => resolve(open.result);
    });
    const key = await new Promise((resolve) => {
      const request = db.transaction("keys").objectStore("keys").get("credentials-aes-gcm");
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    const bytes = new Uint8Array(sealed);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, key, bytes.slice(12));
    return new TextDecoder().decode(plain);
  }, replaced.credentials.encryptedData);
  assert.equal(opened, REPLACED);
});

test("works from the keyboard and at phone width", async (t) => {
  const context = await launchChromium();
  t.after(() => context.close());
  const page = await openApp(context, app.url);
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
