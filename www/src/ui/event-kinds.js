// @ts-check
// The nine event types the handlers publish: what was done, and how it went.

/** @typedef {import("connect-provider").ProviderEvent["eventType"]} EventType */
/** @typedef {"attempted" | "succeeded" | "failed"} Outcome */

/** @type {Record<EventType, { action: string, outcome: Outcome }>} */
export const EVENT_KINDS = {
  ProviderConnectionAttempted: { action: "Connect", outcome: "attempted" },
  ProviderConnectionSucceeded: { action: "Connect", outcome: "succeeded" },
  ProviderConnectionFailed: { action: "Connect", outcome: "failed" },
  ProviderDisconnectionAttempted: { action: "Disconnect", outcome: "attempted" },
  ProviderDisconnectionSucceeded: { action: "Disconnect", outcome: "succeeded" },
  ProviderDisconnectionFailed: { action: "Disconnect", outcome: "failed" },
  ProviderTokenRefreshAttempted: { action: "Replace credentials", outcome: "attempted" },
  ProviderTokenRefreshSucceeded: { action: "Replace credentials", outcome: "succeeded" },
  ProviderTokenRefreshFailed: { action: "Replace credentials", outcome: "failed" },
};

export const OUTCOME_LABELS = { attempted: "Attempted", succeeded: "Succeeded", failed: "Failed" };
