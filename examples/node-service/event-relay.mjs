// The service's events to NATS JetStream when NATS_URL is set: connect-provider/relay over the
// store's outbox (SQLite or PostgreSQL), nudged after each write, with a log line on every failed
// delivery and, every EVENT_RELAY_REPORT_MS (a minute), how far behind it is.
import { ConfigError } from "connect-provider/service";
import { createRelay } from "connect-provider/relay";

/**
 * The server's credentials, if it asks for any: NATS_TOKEN, or NATS_USER with NATS_PASSWORD (kept out
 * of NATS_URL, which the log may quote).
 * @param {Record<string, string | undefined>} env
 */
export function natsAuth(env) {
  const [token, user, pass] = [env.NATS_TOKEN, env.NATS_USER, env.NATS_PASSWORD].map((value) => (value === "" ? undefined : value));
  if (token !== undefined && (user !== undefined || pass !== undefined)) throw new ConfigError(["NATS_TOKEN or NATS_USER with NATS_PASSWORD: not both"]);
  if (token !== undefined) return { token };
  if ((user === undefined) !== (pass === undefined)) throw new ConfigError(["NATS_USER and NATS_PASSWORD go together"]);
  return user === undefined ? {} : { user, pass };
}

/**
 * @param {import("connect-provider/stores/sqlite").OutboxConnectionStore} store
 * @param {Record<string, string | undefined>} env
 * @param {import("connect-provider/service").Log} log
 * @returns {Promise<{ nudge(): void, stop(): Promise<void> } | null>} null when NATS_URL is unset
 */
export async function startEventRelay(store, env, log) {
  const url = env.NATS_URL?.trim();
  if (!url) return null;
  // No user:password@ in it: NATS's errors, which the log keeps, may quote the URL.
  if (!/^(nats|tls):\/\/[^\s/@]+$/.test(url)) throw new ConfigError(["NATS_URL must be nats://host:port or tls://host:port, without credentials"]);
  const reportText = env.EVENT_RELAY_REPORT_MS?.trim() || "60000";
  const reportMs = Number(reportText);
  // Past 2^31 - 1 ms a timer fires at once (Node takes such a delay for 1 ms).
  if (!/^\d+$/.test(reportText) || reportMs < 100 || reportMs > 2_147_483_647) {
    throw new ConfigError(["EVENT_RELAY_REPORT_MS must be a whole number of milliseconds from 100 to 2147483647"]);
  }
  const auth = natsAuth(env);

  // Loaded only now: a service without NATS_URL runs in a project that never installed the NATS client.
  const { natsEvents } = await import("./nats-events.mjs");
  const nats = natsEvents(url, {
    auth,
    onDuplicates: (count) => log.info({ msg: "events the stream already had", count }),
    onConnectError: (reason) => log.error({ msg: "NATS connection failed", error: reason }),
  });
  const relay = createRelay(store.outbox, nats.deliver, {
    onFailure: (failure) => log.error({ msg: failure.setAside ? "event set aside" : "event delivery failed", ...failure }),
  });
  const running = relay.start({
    onDrain: (result, error) => {
      if (error !== undefined) log.error({ msg: "event relay failed", error: error instanceof Error ? error.message : String(error) });
      else if (result && result.delivered > 0) log.info({ msg: "events delivered", count: result.delivered });
    },
  });
  const report = setInterval(() => {
    relay.lag().then(
      (lag) => log.info({ msg: "event relay lag", ...lag }),
      (error) => log.error({ msg: "event relay lag unknown", error: error instanceof Error ? error.message : String(error) }),
    );
  }, reportMs);
  report.unref();
  return {
    nudge: running.nudge,
    async stop() {
      clearInterval(report);
      await running.stop();
      await nats.close();
    },
  };
}
