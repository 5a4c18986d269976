// @ts-check
// The connect form: reads what the user typed, and shows a failure next to the field it concerns.
import { ConnectProviderError } from "connect-provider";
import { CREDENTIAL_TYPES, KNOWN_PROVIDERS } from "../providers.js";
import { INCOMPLETE_EXPIRY, expiryFromInput, h } from "./format.js";

const OTHER = "__other";

/** @param {HTMLFormElement} form */
export function connectForm(form) {
  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  const provider = /** @type {HTMLSelectElement} */ (form.elements.namedItem("provider"));
  const otherSlug = field("providerSlug");
  const status = /** @type {HTMLElement} */ (form.querySelector("#form-status"));

  provider.append(...KNOWN_PROVIDERS.map((p) => h("option", { value: p.slug }, `${p.name} (${p.slug})`)), h("option", { value: OTHER }, "Other…"));
  field("credentialType").append(...CREDENTIAL_TYPES.map(([value, label]) => h("option", { value }, label)));
  const toggleOther = () => {
    const other = provider.value === OTHER;
    /** @type {HTMLElement} */ (form.querySelector("#other-provider")).hidden = !other;
    if (other) otherSlug.focus();
  };
  provider.addEventListener("change", toggleOther);

  function clearErrors() {
    for (const message of form.querySelectorAll(".field-error")) message.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    status.textContent = "";
    status.className = "";
  }

  /** Puts `message` under the field with `name`, marks it invalid and moves focus there. */
  function fieldError(/** @type {string} */ name, /** @type {string} */ message) {
    const input = name === "provider" && provider.value === OTHER ? otherSlug : field(name);
    input.setAttribute("aria-invalid", "true");
    /** @type {HTMLElement} */ (form.querySelector(`#${name}-error`)).textContent = message;
    input.focus();
  }

  return {
    /** What the user entered; the secret leaves here only to be sealed. */
    values() {
      return {
        providerSlug: provider.value === OTHER ? otherSlug.value.trim() : provider.value,
        alias: field("alias").value.trim() || null,
        credentialType: field("credentialType").value,
        secret: field("secret").value,
        expiresAt: expiryFromInput(field("expiresAt").value),
      };
    },

    /** @param {(values: ReturnType<typeof this.values>) => Promise<void>} submit */
    onSubmit(submit) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearErrors();
        // A date or time half typed reads as no value at all: said, not taken as "no expiry".
        if (field("expiresAt").validity.badInput) return fieldError("expiresAt", INCOMPLETE_EXPIRY);
        const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
        button.disabled = true;
        const values = this.values();
        field("secret").value = "";
        try {
          await submit(values);
        } catch (error) {
          // Sealing (WebCrypto) or the queue (a full disk) failed before the command ran: nothing was stored.
          status.className = "status-error";
          status.textContent = `Not connected: ${error instanceof Error ? error.message : String(error)}`;
        } finally {
          button.disabled = false;
        }
      });
      /** @type {HTMLFieldSetElement} */ (form.querySelector("fieldset")).disabled = false;
    },

    /**
     * Fills in the provider and alias of a connection to make again, and puts the cursor at the
     * secret: what "Connect again" does for a connection that can no longer take credentials.
     * @param {{ providerSlug: string, alias: string | null }} connection
     */
    prefill({ providerSlug, alias }) {
      clearErrors();
      const known = KNOWN_PROVIDERS.some((p) => p.slug === providerSlug);
      provider.value = known ? providerSlug : OTHER;
      otherSlug.value = known ? "" : providerSlug;
      toggleOther();
      field("alias").value = alias ?? "";
      field("secret").focus();
    },

    /** @param {import("connect-provider").ConnectProviderResult} result @param {string} slug */
    showResult(result, slug) {
      if (result.ok) {
        status.className = "status-ok";
        status.textContent = `Connected ${slug}.`;
        form.reset();
        toggleOther();
        return;
      }
      const { error } = result;
      if (error === ConnectProviderError.INVALID_PROVIDER_SLUG) fieldError("provider", "Enter a provider slug of 1 to 50 characters.");
      else if (error === ConnectProviderError.INVALID_ALIAS) fieldError("alias", "Keep the alias to 100 characters or fewer.");
      else if (error === ConnectProviderError.INVALID_CREDENTIALS) fieldError("secret", "Enter the secret (and a valid expiry, if any).");
      status.className = "status-error";
      status.textContent = error.startsWith(ConnectProviderError.DATABASE_ERROR)
        ? `Could not save the connection, nothing was stored: ${error}`
        : `Not connected: ${error}`;
    },
  };
}
