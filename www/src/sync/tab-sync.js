// @ts-check
// Keeps tabs of the app in step: each announces a change, the others re-read IndexedDB.

const CHANNEL = "connect-provider";

/** @param {() => void} onRemoteChange */
export function tabSync(onRemoteChange) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => onRemoteChange();
  return {
    announce: () => channel.postMessage({ type: "changed" }),
  };
}
