// The Node service's events to NATS JetStream: `deliver(events)` for connect-provider/relay. Each
// event goes to the stream CONNECT_PROVIDER_EVENTS (made if missing), on the subject
// connect-provider.events.<eventType>, with its eventId as `Nats-Msg-Id` (so the stream drops a
// redelivery within its duplicate window) and its JSON as the event log holds it as payload (a Failed
// event's reason with the database's message, which GET /events leaves out).
// The connection is made in the background and kept up by the client (close() stops both, so a
// service with NATS gone still stops at once on SIGTERM): while NATS is down, deliver
// rejects at once (it never queues a publish for later, which could land after the relay has sent
// the events again) and the events wait in the outbox.
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

export const STREAM = "CONNECT_PROVIDER_EVENTS";
export const SUBJECT_PREFIX = "connect-provider.events";

/**
 * Publishes `events` in their order without waiting between them, and answers the acknowledgements.
 * Each after the first expects the one before it as the stream's last message (`Nats-Expected-Last-Msg-Id`):
 * a publish that fails in the middle (a stream leader changing, a message too large) fails every one
 * after it too, so the stream holds only the events before it and the relay's retry of the rest keeps
 * commit order. Without it, the events after a failed one could be stored ahead of it. (A stream other
 * publishers also write to fails such batches; the relay then sends each event alone, which expects
 * nothing.)
 * @param {Pick<import("@nats-io/jetstream").JetStreamClient, "publish">} js
 * @param {import("connect-provider").ProviderEvent[]} events
 * @param {AbortSignal} [signal] the relay's: nothing is published once it has aborted
 */
export function publishInOrder(js, events, signal) {
  if (signal?.aborted) return Promise.reject(new Error("the delivery was given up"));
  return Promise.all(
    events.map((event, i) =>
      js.publish(`${SUBJECT_PREFIX}.${event.eventType}`, JSON.stringify(event), {
        msgID: event.eventId,
        ...(i === 0 ? {} : { expect: { lastMsgID: events[i - 1].eventId } }),
      }),
    ),
  );
}

/**
 * @param {string} url NATS_URL, e.g. nats://127.0.0.1:4222; tls://… requires TLS (the client would
 *   otherwise take the scheme for a hint and speak plain text to a server that offers no TLS)
 * @param {{
 *   onDuplicates?: (count: number) => void,
 *   onConnectError?: (message: string) => void,
 *   auth?: { token: string } | { user: string, pass: string } | {},
 * }} [hooks] `onDuplicates`: told how many of a batch the stream had already; `onConnectError`: why a
 *   try to connect failed, each time the reason changes; `auth`: the server's token, or user and password
 */
export function natsEvents(url, { onDuplicates = () => {}, onConnectError = () => {}, auth = {} } = {}) {
  /** Set by close(): no connection is tried after it, and one that comes up is closed. */
  let closing = false;
  /** The first connection, tried every 500 ms until it is made or close() is called. */
  const connecting = (async () => {
    let lastReason = "";
    for (;;) {
      if (closing) throw new Error("NATS connection closed");
      try {
        // Each try is bounded (timeout) and fails at once when refused; once made, the client keeps
        // it up by itself (reconnecting), until close().
        const tls = /^tls:/i.test(url) ? { tls: {} } : {};
        const nc = await connect({ servers: url, ...tls, ...auth, timeout: 2_000, maxReconnectAttempts: -1, reconnectTimeWait: 500, name: "connect-provider" });
        if (closing) {
          await nc.close().catch(() => {});
          throw new Error("NATS connection closed");
        }
        return nc;
      } catch (error) {
        if (closing) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        if (reason !== lastReason) {
          lastReason = reason;
          try {
            onConnectError(reason);
          } catch {}
        }
        // An unreferenced timer: a service that is stopping is not kept up by the next try.
        await new Promise((resolve) => setTimeout(resolve, 500).unref());
      }
    }
  })();
  connecting.catch(() => {});
  /** @type {Promise<import("@nats-io/jetstream").JetStreamClient> | null} */
  let ready = null;
  /** Whether the client is between a disconnect and its reconnect. */
  let down = true;
  connecting.then(
    async (nc) => {
      down = false;
      for await (const status of nc.status()) {
        if (status.type === "disconnect" || status.type === "reconnecting") down = true;
        if (status.type === "reconnect") down = false;
      }
    },
    () => {},
  );

  /** The stream, made once the connection is up (and looked for again after a failed delivery). */
  function client() {
    ready ??= (async () => {
      const nc = await connecting;
      const jsm = await jetstreamManager(nc);
      try {
        await jsm.streams.info(STREAM);
      } catch {
        await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_PREFIX}.>`] });
      }
      return jetstream(nc);
    })().catch((error) => {
      ready = null;
      throw error;
    });
    return ready;
  }

  return {
    /**
     * Publishes the events in their order (publishInOrder): resolves when the stream has them all.
     * Sends nothing once the relay's signal has aborted, nor while the connection is down.
     * @param {import("connect-provider").ProviderEvent[]} events
     * @param {{ signal?: AbortSignal }} [context]
     */
    async deliver(events, { signal } = {}) {
      if (down) throw new Error("NATS is not connected");
      const js = await client();
      if (signal?.aborted || down) throw new Error("NATS is not connected, or the delivery was given up");
      let acks;
      try {
        acks = await publishInOrder(js, events, signal);
      } catch (error) {
        // The stream may be gone (deleted by an operator: "no responders"): the next delivery looks
        // for it again, and makes it if missing.
        ready = null;
        throw error;
      }
      const duplicates = acks.filter((ack) => ack.duplicate).length;
      if (duplicates > 0) onDuplicates(duplicates);
    },
    /**
     * Closes the connection, or stops trying to make it; a client still reconnecting stops too (its
     * timers would keep the process up). Not a drain: nothing is subscribed and every publish was
     * awaited to its acknowledgement, and a drain waits for a PONG with no limit, minutes on a
     * connection that stays open while NATS answers nothing.
     */
    async close() {
      closing = true;
      const nc = await Promise.race([connecting.catch(() => null), new Promise((resolve) => setTimeout(resolve, 100, null).unref())]);
      if (!nc) return;
      if (!nc.isClosed()) await nc.close().catch(() => {});
    },
  };
}
