// @ts-check
// Wires the wasm handler to IndexedDB, the page and the other open tabs.
import { ConnectProviderHandler } from "connect-provider";
import { secretSealer } from "./crypto/secret-sealer.js";
import { providerIdFor } from "./providers.js";
import { openDatabase } from "./storage/database.js";
import { indexedDbEventBus } from "./storage/indexeddb-event-bus.js";
import { indexedDbRepository } from "./storage/indexeddb-repository.js";
import { tabSync } from "./sync/tab-sync.js";
import { connectForm } from "./ui/connect-form.js";
import { renderConnections } from "./ui/connections-list.js";
import { renderTimeline } from "./ui/event-timeline.js";

/** This browser's user: the app has no sign-in, so one id per browser profile. */
function currentUserId() {
  const key = "connect-provider.userId";
  const existing = localStorage.getItem(key);
  if (existing) return existing;
  const created = crypto.randomUUID();
  localStorage.setItem(key, created);
  return created;
}

const userId = currentUserId();
const db = await openDatabase();
const sealer = await secretSealer(db);
const repository = indexedDbRepository(db);
const eventBus = indexedDbEventBus(db, { onPublished: () => void render() });
const handler = new ConnectProviderHandler(repository, eventBus, {
  onEventBusError: (error, event) => console.warn(`event ${event.eventType} was not stored:`, error),
});
const sync = tabSync(() => void render());
const form = connectForm(/** @type {HTMLFormElement} */ (document.querySelector("#connect-form")));

async function render() {
  const [connections, events] = await Promise.all([repository.listForUser(userId), eventBus.listForUser(userId)]);
  renderConnections(/** @type {HTMLElement} */ (document.querySelector("#connections")), connections);
  renderTimeline(/** @type {HTMLElement} */ (document.querySelector("#timeline")), events);
}

form.onSubmit(async ({ secret, credentialType, expiresAt, providerSlug, alias }) => {
  const credentials = secret ? { encryptedData: await sealer.seal(secret), credentialType, expiresAt } : null;
  const result = await handler.handle({ userId, providerId: providerIdFor(providerSlug), providerSlug, alias, credentials });
  form.showResult(result, providerSlug);
  await render();
  sync.announce();
});

await render();
document.body.dataset.ready = "true";
