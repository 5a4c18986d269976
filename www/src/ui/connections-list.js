// @ts-check
// The connections list: what is stored, never the secret.
import { credentialExpiry } from "connect-provider";
import { formatDateTime, h } from "./format.js";

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */

const EXPIRY_LABELS = { expired: "Expired", expiring_soon: "Expiring soon" };

/** @param {ProviderConnectionRecord} connection */
function expiryLine(connection) {
  const expiresAt = connection.credentials?.expiresAt ?? null;
  if (!expiresAt) return h("span", {}, "No expiry");
  const state = credentialExpiry(expiresAt);
  const flag = state === "expired" || state === "expiring_soon" ? h("span", { class: `flag flag-${state}` }, EXPIRY_LABELS[state]) : null;
  return h("span", {}, `Expires ${formatDateTime(expiresAt)} `, flag);
}

/** @param {ProviderConnectionRecord} connection */
function connectionItem(connection) {
  return h(
    "li",
    { class: "connection", "data-connection-id": connection.id },
    h(
      "div",
      { class: "connection-head" },
      h("strong", { class: "slug" }, connection.providerSlug),
      connection.alias ? h("span", { class: "alias" }, connection.alias) : null,
      h("span", { class: `badge badge-${connection.status}` }, connection.status),
    ),
    h(
      "dl",
      { class: "connection-facts" },
      h("dt", {}, "Connected"),
      h("dd", {}, connection.connectedAt ? formatDateTime(connection.connectedAt) : "—"),
      h("dt", {}, "Credentials"),
      h("dd", {}, connection.credentials?.credentialType ?? "none"),
      h("dt", {}, "Expiry"),
      h("dd", {}, expiryLine(connection)),
    ),
  );
}

/**
 * @param {HTMLElement} container
 * @param {ProviderConnectionRecord[]} connections
 */
export function renderConnections(container, connections) {
  container.replaceChildren(
    connections.length
      ? h("ul", { class: "connections" }, ...connections.map(connectionItem))
      : h("p", { class: "empty" }, "No providers connected yet."),
  );
}
