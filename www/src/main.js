// @ts-check
// Wires the wasm handlers to IndexedDB, the page, the other open tabs and (when the page has a
// sync-config.json) the service: offline first, every command runs here at once and is synced.
import {
  ConnectProviderHandler,
  DisconnectProviderHandler,
  ListExpiringConnectionsHandler,
  ListProviderConnectionsHandler,
  RefreshProviderTokensHandler,
} from "connect-provider";
import { indexedDbStore } from "connect-provider/stores/indexeddb";
import { sealedCredentials } from "./commands/sealed-credentials.js";
import { secretSealer } from "./crypto/secret-sealer.js";
import { keptServiceKey, sealToService } from "./crypto/service-sealer.js";
import { keepForOffline } from "./offline-shell.js";
import { providerIdFor } from "./providers.js";
import { openAppDatabase } from "./storage/database.js";
import { coalesced } from "./sync/coalesced.js";
import { localState } from "./sync/local-state.js";
import { pendingQueue } from "./sync/pending-queue.js";
import { clientId, readSnapshot } from "./sync/server-snapshot.js";
import { syncConfig, watchSignIn } from "./sync/sync-config.js";
import { syncEngine } from "./sync/sync-engine.js";
import { tabSync } from "./sync/tab-sync.js";
import { uuidV7 } from "./sync/uuid-v7.js";
import { connectForm } from "./ui/connect-form.js";
import { connectionsList } from "./ui/connections-list.js";
import { renderTimeline } from "./ui/event-timeline.js";
import { syncBar } from "./ui/sync-bar.js";

/** Connections whose credentials expire within this many minutes are flagged. */
const DUE_WITHIN_MINUTES = 30;
/** What a page whose user another tab signed out says, and answers a command with. */
const SIGNED_OUT = "Another user signed in, or this one out, in another tab: reload this page.";
/** The timeline reads the event log this many at a time. */
const EVENT_PAGE = 10_000;

/** This browser's user without a service to sync with: one id per browser profile. */
function localUserId() {
  const key = "connect-provider.userId";
  const existing = localStorage.getItem(key);
  if (existing) return existing;
  const created = crypto.randomUUID();
  localStorage.setItem(key, created);
  return created;
}

const element = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
/** A notice at the top of the page: shown with a message, hidden without. */
const topNotice = (/** @type {string} */ selector) => (/** @type {string} */ message = "") => {
  const notice = element(selector);
  notice.textContent = message;
  notice.hidden = !message;
};
/** About the database's version. */
const upgradeNotice = topNotice("#upgrade-notice");

// A config the page cannot sync with (a user id that is not one, a service over plain HTTP) is said
// here, and the page keeps its changes in this browser alone rather than sync as someone unsure.
const config = await syncConfig().catch((error) => {
  console.warn(error);
  topNotice("#config-notice")(`${error.message}. This page keeps its changes in this browser alone.`);
  return null;
});
const userId = config?.userId ?? localUserId();
const blocked = () => upgradeNotice("This app's database is being updated. Close its other tabs (or reload them) to continue.");
// The one database `connect-provider` holds the app's stores (the sealing key, the pending queue, the
// service's last answer) and the package store's `connections` and `events`. The app's are made
// first, and the connection closed.
const keys = await openAppDatabase(undefined, { onBlocked: blocked });
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
const refresher = new RefreshProviderTokensHandler(repository, eventBus, options);
const lister = new ListProviderConnectionsHandler(repository);
const expiring = new ListExpiringConnectionsHandler(repository);
const local = localState({ userId, store, handlers: { connect: connecter, refresh: refresher, disconnect: disconnecter } });
const bar = syncBar({ bar: element("#sync-bar"), status: element("#sync-status"), notice: element("#sync-notice"), button: element("#sync-now") });
/** Set when another tab reads another user's sign-in or a sign-out: this page then acts as no one. */
let signedOut = false;
const engine = config
  ? syncEngine({
      userId,
      clientId: await clientId(),
      endpoint: config,
      local,
      sealer,
      // Signed out by another tab: the bar stays hidden, whatever this page's engine still reports.
      onStatus: (state, count, synced) => {
        if (!signedOut) bar.status(state, count, synced);
      },
      onRejected: (rejections) => {
        bar.rejected(rejections);
        tabs.announceRejected(userId, rejections);
      },
      onChange: () => {
        void render();
        tabs.announce();
      },
      onWake: () => void sync(),
    })
  : null;
const sync = coalesced(async () => {
  if (signedOut) return;
  try {
    await engine?.sync();
  } catch (error) {
    // Not the network's fault (IndexedDB failed, say): the queue is untouched, and the next sync tries again.
    console.warn("sync failed:", error);
    bar.status("offline", -1);
  }
});

/**
 * Runs a command: with a service, queued and synced (see sync/sync-engine.js); without, here alone.
 * @param {Omit<import("./sync/pending-queue.js").PendingMutation, "id" | "userId">} mutation
 */
async function run(mutation) {
  if (signedOut) return { ok: false, error: SIGNED_OUT, code: "SIGNED_OUT" };
  const result = engine ? await engine.run(mutation) : await local.apply(mutation);
  await render();
  tabs.announce();
  if (result.ok) void sync();
  return result;
}

/**
 * The form's secret, sealed here, as a queued command keeps it: to the service's key once the page
 * has read it (nothing in this profile can open it again), else with the page's own key.
 * @param {{ secret: string, credentialType: string, expiresAt: string | null }} entered
 */
async function pendingCredentials(entered) {
  // A kept key that is damaged (its point, or an id not the point's own) is no key: sealed with the page's own key, as before any was read.
  const serviceKey = config ? await keptServiceKey(config.service) : null;
  if (serviceKey) {
    const toService = { seal: (/** @type {string} */ plaintext) => sealToService(serviceKey, plaintext, userId) };
    const sealed = await sealedCredentials(toService, entered).catch((error) => void console.warn("the service's key could not seal:", error));
    if (sealed !== undefined) return sealed && { sealed: sealed.encryptedData, credentialType: sealed.credentialType, expiresAt: sealed.expiresAt, sealedTo: /** @type {const} */ ("service") };
  }
  const sealed = await sealedCredentials(sealer, entered);
  return sealed && { sealed: sealed.encryptedData, credentialType: sealed.credentialType, expiresAt: sealed.expiresAt };
}
const form = connectForm(/** @type {HTMLFormElement} */ (document.querySelector("#connect-form")));
const activeOnly = /** @type {HTMLInputElement} */ (document.querySelector("#active-only"));

const list = connectionsList(
  { container: element("#connections"), summary: element("#connections-summary"), notice: element("#connections-notice") },
  {
    disconnect: (view) => run({ name: "disconnect", args: { connectionId: view.id }, label: `Disconnecting ${view.providerSlug}` }),
    async replaceCredentials(view, entered) {
      const credentials = await pendingCredentials(entered);
      const result = await run({ name: "refresh", args: { connectionId: view.id, credentials: credentials ?? undefined }, label: `Replacing the credentials of ${view.providerSlug}` });
      return { result, needsUserAction: !result.ok && result.needsUserAction };
    },
    connectAgain(view) {
      form.prefill(view);
      element("#connect-title").scrollIntoView({ block: "nearest" });
    },
  },
);

/** What waits for the service: the connections pending commands touch, and the events it has not logged. */
async function pendingMarks() {
  if (!engine) return { connections: new Set(), isPending: () => false };
  const snapshot = await readSnapshot(userId);
  const pending = await pendingQueue(userId).all(snapshot.lastMutationId);
  const logged = new Set(snapshot.events.map((event) => event.eventId));
  return {
    connections: new Set(pending.map((mutation) => mutation.args.connectionId)),
    isPending: (/** @type {{ eventId: string }} */ event) => !logged.has(event.eventId),
  };
}

// Never rejects: a page that cannot be drawn again (IndexedDB failing, say) keeps what it shows, and
// the command or sync that asked for it goes on.
const render = coalesced(() => draw().catch((error) => console.warn("the page was not drawn again:", error)));

async function draw() {
  const [listed, due, events, marks] = await Promise.all([
    lister.handle({ userId, activeOnly: activeOnly.checked }),
    expiring.handle({ withinMinutes: DUE_WITHIN_MINUTES }),
    timelineOf(userId),
    pendingMarks(),
  ]);
  if (!listed.ok) list.notice(`Could not read the connections: ${listed.error}`, false);
  else {
    // The expiring query is every user's (a refresh job's); this page flags its own user's.
    const dueIds = new Set(due.ok ? due.value.connections.filter((c) => c.userId === userId).map((c) => c.id) : []);
    list.update(listed.value, { activeOnly: activeOnly.checked, due: dueIds, pending: marks.connections });
    if (!due.ok) list.notice(`Could not check which credentials expire soon: ${due.error}`, false);
  }
  renderTimeline(element("#timeline"), events, marks.isPending);
}

/** What waits to sync, shown again (another tab changed it, or the network went). */
const showWaiting = () => void engine?.report().catch((error) => console.warn("the sync status was not read:", error));
// Another tab changed the state or synced: show it, and what still waits here; its user's refused
// commands are this tab's user's too when they are one user.
const tabs = tabSync({
  onChange() {
    void render();
    showWaiting();
  },
  onRejected: (from, rejections) => from === userId && bar.rejected(rejections),
});

form.onSubmit(async (entered) => {
  const { providerSlug, alias } = entered;
  const credentials = await pendingCredentials(entered);
  const args = { connectionId: uuidV7(), providerId: providerIdFor(providerSlug), providerSlug, alias, credentials: credentials ?? undefined };
  const result = await run({ name: "connect", args, label: `Connecting ${providerSlug}` });
  form.showResult(result, providerSlug);
});

activeOnly.addEventListener("change", () => {
  list.clearNotice();
  void render();
});
// Expiry flags are judged at the time of reading: read again every minute.
setInterval(() => void render(), 60_000);

if (engine) {
  // Another tab signed another user in, or this one out: this page neither syncs under the last
  // token nor shows the last user's connections any longer.
  watchSignIn(userId, () => {
    signedOut = true;
    element("main").hidden = true;
    element("#sync-bar").hidden = true;
    topNotice("#config-notice")(SIGNED_OUT);
  });
  // The page's state is made again from the service's last answer and the queue: a command whose
  // tab closed before it was applied here is applied now.
  await engine.start(async (connectionId) => (await repository.findById(connectionId))?.userId ?? null).catch((error) => {
    // The page still draws what IndexedDB holds; the next sync makes its state again.
    console.warn("the page's state was not made again:", error);
    bar.status("offline", -1);
  });
  bar.onSyncNow(() => {
    engine.resume();
    void sync();
  });
  window.addEventListener("online", () => void sync());
  window.addEventListener("offline", showWaiting);
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && void sync());
  setInterval(() => void sync(), config?.syncEveryMs);
}
await render();
document.body.dataset.ready = "true";
await keepForOffline().catch((error) => console.warn("the app will not load offline:", error));
document.body.dataset.offlineReady = "true";
void sync();
