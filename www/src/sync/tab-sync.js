// @ts-check
// Keeps tabs of the app in step: each announces a change, the others re-read IndexedDB; a tab whose
// sync had commands refused tells the others why, for the user may be looking at another tab.

const CHANNEL = "connect-provider";

/**
 * @typedef {{ label: string, message: string }} Rejection
 * @param {{ onChange: () => void, onRejected: (userId: string, rejections: Rejection[]) => void }} listeners
 */
export function tabSync({ onChange, onRejected }) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = ({ data }) => {
    if (data?.type === "rejected" && typeof data.userId === "string" && Array.isArray(data.rejections)) onRejected(data.userId, data.rejections);
    else onChange();
  };
  return {
    announce: () => channel.postMessage({ type: "changed" }),
    /** @param {string} userId @param {Rejection[]} rejections */
    announceRejected: (userId, rejections) => channel.postMessage({ type: "rejected", userId, rejections }),
  };
}
