// The service's events to NATS JetStream when NATS_URL is set: connect-provider/relay over the
// store's outbox (SQLite or PostgreSQL), nudged after each write, with a log line on every failed
// delivery and, every EVENT_RELAY_REPORT_MS (a minute), how far behind it is.
import { ConfigError } from "connect-provider/service";
import { createRelay } from "connect-provider/relay";
import { natsEvents } from "./nats-events.mjs";

/**
 * @param {import("connect-provider/stores/sqlite").OutboxConnectionStore} store
 * @param {Record<string, string | undefined>} env
 * @param {import("connect-provider/service").Log} log
 * @returns {{ nudge(): void, stop(): Promise<void> } | null} null when NATS_URL is unset
 */
export function startEventRelay(store, env, log) {
  const url = env.NATS_URL?.trim();
  if (!url) return null;
  // No user:password@ in it: NATS's errors, which the log keeps, may quote the URL.
  if (!/^(nats|tls):\/\/[^\s/@]+$/.test(url)) throw new ConfigError(["NATS_URL must be nats://host:port or tls://host:port, without credentials"]);
  const reportText = env.EVENT_RELAY_REPORT_MS?.trim() || "60000";
  const reportMs = Number(reportText);
  if (!/^\d+$/.test(reportText) || reportMs < 100) throw new ConfigError(["EVENT_RELAY_REPORT_MS must be a whole number of milliseconds, at least 100"]);

  const nats = natsEvents(url, { onDuplicates: (count) => log.info({ msg: "events the stream already had", count }) });
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
