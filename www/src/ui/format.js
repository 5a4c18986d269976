// @ts-check

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

export const formatDateTime = (/** @type {string} */ iso) => dateTime.format(new Date(iso));
export const formatTime = (/** @type {string} */ iso) => time.format(new Date(iso));

/** `count` and the noun, plural when it is not 1. */
export const counted = (/** @type {number} */ count, /** @type {string} */ noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * A `datetime-local` value (local time, no offset) as the instant the handlers take, or `null`
 * when empty. A value that is no date is passed on as typed, for the handler to refuse.
 */
export function expiryFromInput(/** @type {string} */ value) {
  if (!value) return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? value : instant.toISOString();
}

/** What a form says of an expiry whose date or time is half typed (the input then reads as empty). */
export const INCOMPLETE_EXPIRY = "Enter the whole date and time, or clear it.";

/** How a connection is named in messages: its slug, and its alias when it has one. */
export const connectionName = (/** @type {{ providerSlug: string, alias: string | null }} */ c) =>
  c.alias ? `${c.providerSlug} (${c.alias})` : c.providerSlug;

/**
 * Builds an element; children are nodes or text, never HTML, so stored strings cannot inject markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string | null | undefined | false)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}
