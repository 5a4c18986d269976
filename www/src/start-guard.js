// @ts-check
// Says on the page that the app could not start (its wasm would not load, IndexedDB is blocked or
// full, the database would not open): main.js awaits all of that at its top level, and a failure
// there would otherwise leave a page that looks ready and does nothing. Loaded before main.js; it
// stands down once main.js has marked the page ready (taking back what a failure that did not stop
// the start said), after which main.js says its own failures.
const notice = /** @type {HTMLElement | null} */ (document.querySelector("#start-notice"));

/** @param {unknown} error */
function startFailed(error) {
  if (!notice || document.body.dataset.ready === "true") return;
  const why = error instanceof Error ? error.message : String(error);
  notice.textContent = `This app could not start: ${why}. Reload the page to try again.`;
  notice.hidden = false;
}

window.addEventListener("error", (event) => startFailed(event.error ?? event.message));
window.addEventListener("unhandledrejection", (event) => startFailed(event.reason));

// Ready after all: whatever failed did not stop the start.
new MutationObserver((_, observer) => {
  if (document.body.dataset.ready !== "true") return;
  observer.disconnect();
  if (notice) notice.hidden = true;
}).observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
