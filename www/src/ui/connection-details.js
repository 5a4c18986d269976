// @ts-check
// What a listed connection shows of itself (never the secret): name, status, flags and facts,
// all from the package's ProviderConnectionView.
import { formatDateTime, h } from "./format.js";

/** @typedef {import("connect-provider").ProviderConnectionView} ProviderConnectionView */

const EXPIRY_LABELS = { expired: "Expired", expiring_soon: "Expiring soon" };

/** The expiry, with the domain's own verdict (`credentialExpiry`) as a flag when it matters. */
function expiryLine(/** @type {ProviderConnectionView} */ view) {
  if (!view.credentialsExpireAt) return h("span", {}, view.credentialType ? "No expiry" : "—");
  const state = view.credentialExpiry;
  const flag = state === "expired" || state === "expiring_soon" ? h("span", { class: `flag flag-${state}` }, EXPIRY_LABELS[state]) : null;
  return h("span", {}, `Expires ${formatDateTime(view.credentialsExpireAt)} `, flag);
}

/** The flag for a connection that ListExpiringConnectionsHandler returned: due for new credentials. */
function dueFlag(/** @type {ProviderConnectionView} */ view) {
  const text = view.credentialExpiry === "expired" ? "Refresh overdue" : "Expires within 30 min";
  return h("span", { class: "flag flag-due" }, text);
}

/**
 * @param {ProviderConnectionView} view
 * @param {{ titleId: string, due: boolean, pending?: boolean }} context `due`: in the expiring-within-30-minutes
 *   list; `pending`: changed here by a command the service has not answered yet
 * @returns {HTMLElement[]}
 */
export function connectionDetails(view, { titleId, due, pending = false }) {
  return [
    h(
      "div",
      { class: "connection-head" },
      h(
        "span",
        { class: "connection-title", id: titleId },
        h("strong", { class: "slug" }, view.providerSlug),
        view.alias ? " " : null,
        view.alias ? h("span", { class: "alias" }, view.alias) : null,
      ),
      h(
        "span",
        { class: "badges" },
        pending ? h("span", { class: "flag flag-pending" }, "Waiting to sync") : null,
        due ? dueFlag(view) : null, h("span", { class: `badge badge-${view.status}` }, view.status)),
    ),
    h(
      "dl",
      { class: "connection-facts" },
      h("dt", {}, "Connected"),
      h("dd", {}, view.connectedAt ? formatDateTime(view.connectedAt) : "—"),
      h("dt", {}, "Credentials"),
      h("dd", { class: "credential-type" }, view.credentialType ?? "none"),
      h("dt", {}, "Expiry"),
      h("dd", { class: "expiry" }, expiryLine(view)),
    ),
  ];
}
