// @ts-check
// Every event the handler published, newest first.
import { formatTime, h } from "./format.js";

/** @typedef {import("connect-provider").ProviderConnectionEvent} ProviderConnectionEvent */

const LABELS = {
  ProviderConnectionAttempted: "Attempted",
  ProviderConnectionSucceeded: "Succeeded",
  ProviderConnectionFailed: "Failed",
};

/** @param {ProviderConnectionEvent} event */
function eventItem(event) {
  const label = LABELS[event.eventType];
  return h(
    "li",
    { class: `event event-${label.toLowerCase()}`, "data-event-type": event.eventType },
    h("span", { class: "event-label" }, label),
    h("span", { class: "event-slug" }, event.providerSlug || "(no slug)"),
    h("time", { datetime: event.occurredAt }, formatTime(event.occurredAt)),
    event.eventType === "ProviderConnectionFailed" ? h("span", { class: "event-reason" }, event.reason) : null,
  );
}

/**
 * @param {HTMLElement} container
 * @param {ProviderConnectionEvent[]} events
 */
export function renderTimeline(container, events) {
  container.replaceChildren(
    events.length ? h("ol", { class: "timeline" }, ...events.map(eventItem)) : h("p", { class: "empty" }, "No events yet."),
  );
}
