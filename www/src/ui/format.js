// @ts-check

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

export const formatDateTime = (/** @type {string} */ iso) => dateTime.format(new Date(iso));
export const formatTime = (/** @type {string} */ iso) => time.format(new Date(iso));

/**
 * Builds an element; children are nodes or text, never HTML, so stored strings cannot inject markup.
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string | null | undefined | false)[]} children
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}
