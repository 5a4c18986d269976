// @ts-check
// The connections list, as ListProviderConnectionsHandler returns it. Each connection keeps one
// list item across renders (keyed by id): only what changed is rewritten, so the controls in it,
// their focus and a form being filled in are left alone while other tabs make changes.
import { connectionActions } from "./connection-actions.js";
import { connectionDetails } from "./connection-details.js";
import { counted, h } from "./format.js";

/** @typedef {import("connect-provider").ProviderConnectionView} ProviderConnectionView */
/** @typedef {import("connect-provider").ProviderConnectionList} ProviderConnectionList */
/** @typedef {import("./connection-actions.js").ActionHandlers} ActionHandlers */

/**
 * @param {{ container: HTMLElement, summary: HTMLElement, notice: HTMLElement }} elements
 * @param {Omit<ActionHandlers, "notice">} handlers
 */
export function connectionsList({ container, summary, notice }, handlers) {
  const list = h("ul", { class: "connections" });
  const empty = h("p", { class: "empty" });
  /** @type {Map<string, { item: HTMLLIElement, details: HTMLElement, actions: ReturnType<typeof connectionActions>, shown: string }>} */
  const rows = new Map();

  function showNotice(/** @type {string} */ message, /** @type {boolean} */ ok) {
    notice.className = ok ? "status-ok" : "status-error";
    notice.textContent = message;
  }

  /** A result whose row has left the list (the filter hides it): focus follows if it left with the row. */
  function rowNotice(/** @type {string} */ message, /** @type {boolean} */ ok) {
    showNotice(message, ok);
    if (!document.activeElement || document.activeElement === document.body) notice.focus();
  }

  function rowFor(/** @type {ProviderConnectionView} */ view) {
    const existing = rows.get(view.id);
    if (existing) return existing;
    const titleId = `connection-title-${view.id}`;
    const details = h("div", { class: "connection-details" });
    const actions = connectionActions(view, titleId, { ...handlers, notice: rowNotice });
    const item = h("li", { class: "connection", "data-connection-id": view.id }, details, actions.element);
    const row = { item, details, actions, shown: "" };
    rows.set(view.id, row);
    return row;
  }

  return {
    /**
     * @param {ProviderConnectionList} listed
     * @param {{ activeOnly: boolean, due: Set<string>, pending?: Set<string> }} context `due`: ids of connections
     *   expiring within 30 minutes; `pending`: ids changed by commands the service has not answered yet
     */
    update({ connections, totalCount, activeCount }, { activeOnly, due, pending = new Set() }) {
      const focused = document.activeElement;
      const items = connections.map((view) => {
        const row = rowFor(view);
        const titleId = `connection-title-${view.id}`;
        const flags = { titleId, due: due.has(view.id), pending: pending.has(view.id) };
        const shown = JSON.stringify([view, flags]);
        if (shown !== row.shown) {
          row.details.replaceChildren(...connectionDetails(view, flags));
          row.shown = shown;
        }
        row.actions.update(view);
        return row.item;
      });
      // Moving an item out of the document takes focus with it, so only reorder when needed.
      if (items.length !== list.children.length || items.some((item, i) => list.children[i] !== item)) list.replaceChildren(...items);
      empty.textContent = activeOnly ? "No active connections." : "No providers connected yet.";
      const content = items.length ? list : empty;
      if (content.parentNode !== container) container.replaceChildren(content);
      if (focused instanceof HTMLElement && focused !== document.activeElement && focused.isConnected) focused.focus();
      summary.textContent = activeOnly
        ? `${counted(activeCount, "active connection")} shown.`
        : `${counted(totalCount, "connection")}, ${activeCount} active.`;
    },

    notice: showNotice,
    clearNotice: () => void (notice.textContent = ""),
  };
}
