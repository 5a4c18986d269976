// @ts-check
// What the user can do with one listed connection: disconnect it, or replace its credentials.
// Made once per connection and kept across re-renders, so a half-filled form, focus and the
// last message survive another tab's change.
import { DisconnectProviderError, RefreshProviderTokensError } from "connect-provider";
import { connectionName, h } from "./format.js";
import { refreshForm } from "./refresh-form.js";

/** @typedef {import("connect-provider").ProviderConnectionView} ProviderConnectionView */
/** @typedef {import("connect-provider").HandlerResult<null>} Result */
/** @typedef {{ result: import("connect-provider").HandlerResult<null, import("connect-provider").RefreshFailure>, needsUserAction: boolean }} RefreshOutcome */
/** @typedef {import("./refresh-form.js").EnteredCredentials} EnteredCredentials */

/**
 * @typedef {object} ActionHandlers
 * @property {(view: ProviderConnectionView) => Promise<Result>} disconnect runs the command, re-renders, announces
 * @property {(view: ProviderConnectionView, entered: EnteredCredentials) => Promise<RefreshOutcome>} replaceCredentials likewise
 * @property {(view: ProviderConnectionView) => void} connectAgain takes the user to the connect form, filled in
 * @property {(message: string, ok: boolean) => void} notice for a result whose row is no longer listed
 */

const messageOf = (/** @type {unknown} */ error) => (error instanceof Error ? error.message : String(error));

/** A refusal by the domain, or a storage failure (after which nothing was saved). */
const failure = (/** @type {string} */ error, /** @type {string} */ databaseError, /** @type {string} */ refused, /** @type {string} */ unsaved) =>
  `${error.startsWith(databaseError) ? unsaved : refused}: ${error}`;

/**
 * @param {ProviderConnectionView} initial
 * @param {string} titleId the id of the element naming the connection, to describe the buttons
 * @param {ActionHandlers} handlers
 */
export function connectionActions(initial, titleId, handlers) {
  let view = initial;
  const disconnectButton = h("button", { type: "button", class: "secondary danger", "aria-describedby": titleId }, "Disconnect");
  const replaceButton = h(
    "button",
    { type: "button", class: "secondary", id: `replace-${view.id}`, "aria-expanded": "false", "aria-describedby": titleId },
    "Replace credentials",
  );
  const status = h("p", { class: "row-status", role: "status" });
  const form = refreshForm(view.id, {
    submit: (entered) => replace(entered),
    cancel: () => closeForm(),
  });
  replaceButton.setAttribute("aria-controls", form.element.id);
  // Named "Replace credentials" and the connection's name, like the button that opens it.
  form.element.setAttribute("aria-labelledby", `${replaceButton.id} ${titleId}`);
  const element = h("div", { class: "connection-actions" }, h("div", { class: "action-buttons" }, disconnectButton, replaceButton), status, form.element);

  /** Shows the outcome in the row, or in the list's notice when the row has left the list. */
  function say(/** @type {string} */ message, /** @type {boolean} */ ok) {
    if (!element.isConnected) return handlers.notice(message, ok);
    status.className = `row-status ${ok ? "status-ok" : "status-error"}`;
    status.textContent = message;
  }

  function closeForm() {
    form.close();
    replaceButton.setAttribute("aria-expanded", "false");
    replaceButton.focus();
  }

  replaceButton.addEventListener("click", () => {
    if (form.isOpen) return closeForm();
    status.textContent = "";
    form.open(view.credentialType);
    replaceButton.setAttribute("aria-expanded", "true");
  });

  disconnectButton.addEventListener("click", async () => {
    status.textContent = "";
    disconnectButton.disabled = true;
    try {
      const result = await handlers.disconnect(view);
      const name = connectionName(view);
      say(result.ok ? `Disconnected ${name}.` : failure(result.error, DisconnectProviderError.DATABASE_ERROR, "Not disconnected", "Could not save, nothing changed"), result.ok);
      // The button is gone from a disconnected row: keep the keyboard user in the row.
      if (disconnectButton.hidden && element.isConnected) replaceButton.focus();
    } catch (error) {
      say(`Not disconnected: ${messageOf(error)}`, false);
    } finally {
      disconnectButton.disabled = false;
    }
  });

  async function replace(/** @type {EnteredCredentials} */ entered) {
    /** @type {RefreshOutcome} */
    let outcome;
    try {
      outcome = await handlers.replaceCredentials(view, entered);
    } catch (error) {
      // Sealing failed (WebCrypto) or the module restarted after an internal error.
      return form.refused(`Not replaced: ${messageOf(error)}`);
    }
    const { result, needsUserAction } = outcome;
    const name = connectionName(view);
    if (result.ok) {
      closeForm();
      return say(`Replaced the credentials of ${name}.`, true);
    }
    if (!element.isConnected) return handlers.notice(`Credentials not replaced: ${result.error}`, false);
    if (result.error === RefreshProviderTokensError.INVALID_CREDENTIALS) form.secretError("Enter the new secret (and a valid expiry, if any).");
    if (needsUserAction) {
      const again = h("button", { type: "button", class: "secondary" }, `Connect ${view.providerSlug} again`);
      again.addEventListener("click", () => handlers.connectAgain(view));
      form.refused(`Not replaced: ${result.error}`, needsAction(view, again));
      again.focus();
      return;
    }
    form.refused(failure(result.error, RefreshProviderTokensError.DATABASE_ERROR, "Not replaced", "Could not save the new credentials, nothing changed"));
  }

  return {
    element,
    /** Brings the row's controls in line with the connection as now listed. */
    update(/** @type {ProviderConnectionView} */ next) {
      view = next;
      disconnectButton.hidden = view.status === "disconnected";
    },
  };
}

/** What the user must do when the domain says only they can mend the connection. */
function needsAction(/** @type {ProviderConnectionView} */ view, /** @type {HTMLElement} */ button) {
  return h(
    "div",
    { class: "needs-action" },
    h("p", {}, `Action needed: this connection is ${view.status}, so it cannot take new credentials. Connect ${connectionName(view)} again to use it.`),
    button,
  );
}
