// @ts-check
// Wires the wasm handlers to IndexedDB, the page and the other open tabs.
import { ConnectProviderHandler, DisconnectProviderHandler, ListExpiringConnectionsHandler, ListProviderConnectionsHandler } from "connect-provider";
import { indexedDbStore } from "connect-provider/stores/indexeddb";
import { refreshCredentials } from "./commands/refresh-credentials.js";
import { sealedCredentials } from "./commands/sealed-credentials.js";
import { secretSealer } from "./crypto/secret-sealer.js";
import { providerIdFor } from "./providers.js";
import { openKeyDatabase } from "./storage/database.js";
import { coalesced } from "./sync/coalesced.js";
import { tabSync } from "./sync/tab-sync.js";
import { connectForm } from "./ui/connect-form.js";
import { connectionsList } from "./ui/connections-list.js";
import { renderTimeline } from "./ui/event-timeline.js";

/** Connections whose credentials expire within this many minutes are flagged. */
const DUE_WITHIN_MINUTES = 30;
/** The timeline reads the event log this many at a time. */
const EVENT_PAGE = 10_000;

/** This browser's user: the app has no sign-in, so one id per browser profile. */
function currentUserId() {
  const key = "connect-provider.userId";
  const existing = localStorage.getItem(key);
  if (existing) return existing;
  const created = crypto.randomUUID();
  localStorage.setItem(key, created);
  return created;
}

const element = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
/** Shows (or, without a message, hides) the notice about the database's version. */
function upgradeNotice(/** @type {string} */ message = "") {
  const notice = element("#upgrade-notice");
  notice.textContent = message;
  notice.hidden = !message;
}

const userId = currentUserId();
const blocked = () => upgradeNotice("This app's database is being updated. Close its other tabs (or reload them) to continue.");
// The one database `connect-provider` holds the sealing key (the app's `keys`) and the package
// store's `connections` and `events`. The key is read first, and its connection closed.
const keys = await openKeyDatabase(undefined, { onBlocked: blocked });
const sealer = await secretSealer(keys);
keys.close();
const store = indexedDbStore({
  onBlocked: blocked,
  // Not reloaded for the user, who may be typing: the store lets go of the database and this page says so.
  onVersionChange: () => upgradeNotice("A newer version of this app is open in another tab. Reload this page to keep using it."),
});
await store.migrate();
upgradeNotice();
const repository = store.repository;
/** The user's events, newest first (the store's log is in publishing order). */
async function timelineOf(/** @type {string} */ userId) {
  const events = [];
  for (;;) {
    const after = events.length ? events[events.length - 1].eventId : undefined;
    const page = await store.events({ userId, after, limit: EVENT_PAGE });
    events.push(...page);
    if (page.length < EVENT_PAGE) return events.reverse();
  }
}
// The store's own bus: its repository then commits each command's change and closing event in
// one IndexedDB transaction. Every command renders once it has answered.
const eventBus = store.eventBus;
const options = {
  onEventBusError: (/** @type {unknown} */ error, /** @type {{ eventType: string }} */ event) =>
    console.warn(`event ${event.eventType} was not stored:`, error),
};
const connecter = new ConnectProviderHandler(repository, eventBus, options);
const disconnecter = new DisconnectProviderHandler(repository, eventBus, options);
const replaceCredentials = refreshCredentials({ userId, repository, eventBus, sealer, options });
const lister = new ListProviderConnectionsHandler(repository);
const expiring = new ListExpiringConnectionsHandler(repository);
const sync = tabSync(() => void render());
const form = connectForm(/** @type {HTMLFormElement} */ (document.querySelector("#connect-form")));
const activeOnly = /** @type {HTMLInputElement} */ (document.querySelector("#active-only"));

const list = connectionsList(
  { container: element("#connections"), summary: element("#connections-summary"), notice: element("#connections-notice") },
  {
    async disconnect(view) {
      const result = await disconnecter.handle({ userId, connectionId: view.id });
      await render();
      sync.announce();
      return result;
    },
    async replaceCredentials(view, entered) {
      const outcome = await replaceCredentials(view.id, entered);
      await render();
      sync.announce();
      return outcome;
    },
    connectAgain(view) {
      form.prefill(view);
      element("#connect-title").scrollIntoView({ block: "nearest" });
    },
  },
);

const render = coalesced(async () => {
  const [listed, due, events] = await Promise.all([
    lister.handle({ userId, activeOnly: activeOnly.checked }),
    expiring.handle({ withinMinutes: DUE_WITHIN_MINUTES }),
    timelineOf(userId),
  ]);
  if (!listed.ok) list.notice(`Could not read the connections: ${listed.error}`, false);
  else {
    // The expiring query is every user's (a refresh job's); this page flags its own user's.
    const dueIds = new Set(due.ok ? due.value.connections.filter((c) => c.userId === userId).map((c) => c.id) : []);
    list.update(listed.value, { activeOnly: activeOnly.checked, due: dueIds });
    if (!due.ok) list.notice(`Could not check which credentials expire soon: ${due.error}`, false);
  }
  renderTimeline(element("#timeline"), events);
});

form.onSubmit(async (entered) => {
  const { providerSlug, alias } = entered;
  const credentials = await sealedCredentials(sealer, entered);
  const result = await connecter.handle({ userId, providerId: providerIdFor(providerSlug), providerSlug, alias, credentials });
  form.showResult(result, providerSlug);
  await render();
  sync.announce();
});

activeOnly.addEventListener("change", () => {
  list.clearNotice();
  void render();
});
// Expiry flags are judged at the time of reading: read again every minute.
setInterval(() => void render(), 60_000);

await render();
document.body.dataset.ready = "true";
