// @ts-check
// Every event the handlers published, newest first: connecting, disconnecting and replacing
// credentials, each Attempted, Succeeded or Failed (with its reason, and whether the user must act).
import { EVENT_KINDS, OUTCOME_LABELS } from "./event-kinds.js";
import { formatTime, h } from "./format.js";

/** @typedef {import("connect-provider").ProviderEvent} ProviderEvent */

/** Which provider the event concerns; lifecycle events name none when the connection was not found. */
function subjectOf(/** @type {ProviderEvent} */ event) {
  if (event.providerSlug === null) return "(unknown connection)";
  return event.providerSlug || "(no slug)";
}

/** @param {ProviderEvent} event @param {boolean} pending */
function eventItem(event, pending) {
  // A type this page does not know (a newer service's) is shown by its name.
  const { action, outcome } = EVENT_KINDS[event.eventType] ?? { action: event.eventType, outcome: "attempted" };
  const needsAction = event.eventType === "ProviderTokenRefreshFailed" && event.needsUserAction;
  return h(
    "li",
    { class: `event event-${outcome}${pending ? " event-pending" : ""}`, "data-event-type": event.eventType },
    h("span", { class: "event-label" }, OUTCOME_LABELS[outcome]),
    h("span", { class: "event-subject" }, h("span", { class: "event-action" }, action), " ", h("span", { class: "event-slug" }, subjectOf(event))),
    h("time", { datetime: event.occurredAt }, formatTime(event.occurredAt)),
    "reason" in event ? h("span", { class: "event-reason" }, event.reason) : null,
    needsAction ? h("span", { class: "event-needs-action" }, "Needs the user: connect again") : null,
    pending ? h("span", { class: "event-pending-tag" }, "Waiting to sync") : null,
  );
}

/**
 * @param {HTMLElement} container
 * @param {ProviderEvent[]} events
 * @param {(event: ProviderEvent) => boolean} [isPending] made here, not yet in the service's log
 */
export function renderTimeline(container, events, isPending = () => false) {
  container.replaceChildren(
    events.length ? h("ol", { class: "timeline" }, ...events.map((event) => eventItem(event, isPending(event)))) : h("p", { class: "empty" }, "No events yet."),
  );
}
