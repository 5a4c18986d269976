// @ts-check
// The small "Replace credentials" form of one connection: type, a new secret and an optional
// expiry. The secret leaves the input only to be sealed, and the input is cleared at once.
import { CREDENTIAL_TYPES } from "../providers.js";
import { INCOMPLETE_EXPIRY, expiryFromInput, h } from "./format.js";

/** @typedef {{ secret: string, credentialType: string, expiresAt: string | null }} EnteredCredentials */

/**
 * @param {string} connectionId used to make the form's element ids unique on the page
 * @param {{ submit: (entered: EnteredCredentials) => Promise<void>, cancel: () => void }} on
 */
export function refreshForm(connectionId, on) {
  const id = (/** @type {string} */ part) => `refresh-${part}-${connectionId}`;
  const type = h("select", { id: id("type"), name: "credentialType" }, ...CREDENTIAL_TYPES.map(([value, label]) => h("option", { value }, label)));
  const secret = h("input", {
    id: id("secret"),
    name: "secret",
    type: "password",
    autocomplete: "off",
    "aria-describedby": `${id("secret-hint")} ${id("secret-error")}`,
  });
  const secretError = h("p", { class: "field-error", id: id("secret-error") });
  const expires = h("input", { id: id("expires"), name: "expiresAt", type: "datetime-local", "aria-describedby": id("expires-error") });
  const expiresError = h("p", { class: "field-error", id: id("expires-error") });
  const submitButton = h("button", { type: "submit" }, "Save new credentials");
  const cancelButton = h("button", { type: "button", class: "secondary" }, "Cancel");
  const outcome = h("div", { class: "form-outcome", id: id("outcome"), role: "status", "aria-live": "polite" });

  const form = h(
    "form",
    { class: "refresh-form", id: id("form"), novalidate: "", hidden: "", "aria-describedby": id("outcome") },
    h("div", { class: "field" }, h("label", { for: type.id }, "Credential type"), type),
    h(
      "div",
      { class: "field" },
      h("label", { for: secret.id }, "New secret"),
      secret,
      h("p", { class: "hint", id: id("secret-hint") }, "Encrypted here like the first one; never stored or shown in plain text."),
      secretError,
    ),
    h("div", { class: "field" }, h("label", { for: expires.id }, "Expires ", h("span", { class: "optional" }, "(optional)")), expires, expiresError),
    h("div", { class: "form-buttons" }, submitButton, cancelButton),
    outcome,
  );

  function clearMessages() {
    secretError.textContent = "";
    secret.removeAttribute("aria-invalid");
    expiresError.textContent = "";
    expires.removeAttribute("aria-invalid");
    outcome.replaceChildren();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    // A date or time half typed reads as no value at all: said, not taken as "no expiry".
    if (expires.validity.badInput) {
      expiresError.textContent = INCOMPLETE_EXPIRY;
      expires.setAttribute("aria-invalid", "true");
      return expires.focus();
    }
    const entered = { credentialType: type.value, secret: secret.value, expiresAt: expiryFromInput(expires.value) };
    secret.value = "";
    submitButton.disabled = true;
    try {
      await on.submit(entered);
    } finally {
      submitButton.disabled = false;
    }
  });
  cancelButton.addEventListener("click", () => on.cancel());
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") on.cancel();
  });

  return {
    element: form,
    get isOpen() {
      return !form.hidden;
    },

    /** Shows the form, starting from the connection's current credential type. */
    open(/** @type {string | null} */ currentType) {
      clearMessages();
      form.reset();
      if (currentType) type.value = currentType;
      form.hidden = false;
      type.focus();
    },

    close() {
      clearMessages();
      form.reset();
      form.hidden = true;
    },

    /** Marks the secret field with `message` and puts the cursor there. */
    secretError(/** @type {string} */ message) {
      secret.setAttribute("aria-invalid", "true");
      secretError.textContent = message;
      secret.focus();
    },

    /** A refusal of the whole form, with what the user can do about it, if anything. */
    refused(/** @type {string} */ message, /** @type {HTMLElement | null} */ action = null) {
      outcome.replaceChildren(h("p", { class: "status-error" }, message), ...(action ? [action] : []));
    },
  };
}
