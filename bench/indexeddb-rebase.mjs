// The offline app's rebase in headless Chromium: `replaceUser` of the IndexedDB store, as the app
// runs it after every sync, for a user whose log holds N events the service sent and 2 this page
// made, rebased onto the N and 2 more. Beside it, in the same page and database, the same log
// rewritten whole (every one of the user's events deleted and added again, in one transaction),
// which is what each rebase cost before it kept the events already in place. Median of 7 rebases.
// Prints one JSON line of rows.
import { launchChromium } from "../tests/js/support/chromium.mjs";
import { serveDirectory } from "../tests/js/support/static-server.mjs";

const SIZES = [100, 1000, 5000];
const server = await serveDirectory(new URL("..", import.meta.url).pathname);
const context = await launchChromium();
try {
  const page = await context.newPage();
  await page.goto(`${server.url}/tests/browser/store-indexeddb.html`);
  await page.waitForFunction(() => "storeTools" in window);
  const rows = [];
  for (const events of SIZES) rows.push({ events, ...(await page.evaluate(timeRebases, events)) });
  console.log(JSON.stringify({ chromium: context.browser()?.version() ?? "", rows }));
} finally {
  await context.close();
  await server.close();
}

/** Runs in the page: median ms of `replaceUser` and of a whole rewrite, for a log of `n` events. */
async function timeRebases(n) {
  const { indexedDbStore, deleteDatabase } = window.storeTools;
  const name = `rebase-bench-${crypto.randomUUID()}`;
  const store = indexedDbStore({ name });
  const userId = crypto.randomUUID();
  const record = { id: crypto.randomUUID(), userId, providerId: crypto.randomUUID(), providerSlug: "schwab", status: "active", alias: null,
    credentials: { encryptedData: Uint8Array.of(7), credentialType: "api_key", expiresAt: null },
    connectedAt: "2026-01-01T00:00:00Z", lastSyncAt: null, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", version: 1 };
  const event = () => ({ eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-01-01T00:00:00Z", userId, connectionId: record.id, providerId: record.providerId, providerSlug: "schwab" });
  const median = (times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  let server = Array.from({ length: n }, event);
  await store.replaceUser(userId, { records: [record], events: server });
  const rebase = [];
  for (let i = 0; i < 7; i++) {
    await store.eventBus.publish(event());
    await store.eventBus.publish(event());
    server = [...server, event(), event()];
    const started = performance.now();
    await store.replaceUser(userId, { records: [record], events: server });
    rebase.push(performance.now() - started);
  }
  const kept = (await store.events({ userId, limit: 10_000 })).map((e) => e.eventId).join() === server.map((e) => e.eventId).join();
  store.close();
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open(name);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const rewrite = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    await new Promise((resolve, reject) => {
      const transaction = db.transaction("events", "readwrite");
      const log = transaction.objectStore("events");
      const own = log.index("byUserSequence").getAll(IDBKeyRange.bound([userId, 0], [userId, Infinity]));
      own.onsuccess = () => {
        for (const row of own.result) log.delete(row.sequence);
        for (const { sequence, ...row } of own.result) log.add(row);
      };
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
    rewrite.push(performance.now() - started);
  }
  db.close();
  await deleteDatabase(name);
  if (!kept) throw new Error("the rebase did not leave the server's events in order");
  return { rebaseMs: median(rebase), rewriteMs: median(rewrite) };
}
