// @ts-check
// The line that says where the page stands with the service (synced, waiting, offline), the
// "Sync now" button, and the notice of commands the service refused and the page rolled back.

/** @typedef {import("../sync/sync-engine.js").SyncState} SyncState */

const waitingText = (/** @type {number} */ n) => `${n} change${n === 1 ? "" : "s"} waiting to sync`;

/**
 * @param {{ bar: HTMLElement, status: HTMLElement, notice: HTMLElement, button: HTMLElement }} elements
 */
export function syncBar({ bar, status, notice, button }) {
  let waiting = 0;
  let syncs = 0;
  return {
    /**
     * @param {SyncState} state @param {number} count how many wait (-1: unchanged)
     * @param {boolean} [synced] a push and pull just ended (counted in `data-syncs`, which tests wait on)
     */
    status(state, count, synced = false) {
      bar.hidden = false;
      if (synced) bar.dataset.syncs = String((syncs += 1));
      if (count >= 0) waiting = count;
      bar.dataset.state = state;
      status.textContent =
        state === "synced" ? "All changes synced."
        : state === "pending" ? `${waitingText(waiting)}.`
        : state === "syncing" ? "Syncing…"
        : state === "signed-out" ? "The service did not accept this sign-in: sign in again to sync."
        : state === "refused" ? `The service refused to sync${waiting ? `: ${waitingText(waiting)}, kept here` : ""}. Try again later, or ask its operators.`
        : waiting ? `Offline: ${waitingText(waiting)}.` : "Offline: changes will sync when the network is back.";
    },
    /** Each refused command, with why: it has been rolled back here. @param {{ label: string, message: string }[]} rejections */
    rejected(rejections) {
      notice.textContent = rejections.map(({ label, message }) => `${label} was undone: ${message}`).join(" ");
    },
    /** @param {() => void} listener */
    onSyncNow(listener) {
      button.addEventListener("click", () => {
        notice.textContent = "";
        listener();
      });
    },
  };
}
