// Types of connect-provider/relay: a store's outbox delivered, in commit order, at least once.
import type { ProviderEvent } from "../index.js";
import type { EventOutbox } from "../stores/index.js";

/** Each option left out, or given as `undefined`, takes its default (in brackets). */
export interface RelayOptions {
  /** Events handed to `deliver` at once (1 to 1,000; 100). */
  batchSize?: number;
  /**
   * How long the store's lease lasts, renewed before each send (1 s to 10 min; 15 s): how long
   * events wait after a relay died holding it.
   */
  leaseMs?: number;
  /**
   * A `deliver` that has not settled by then counts as failed, and its signal aborts (at most a third
   * of leaseMs; 5 s, or that third if shorter).
   */
  deliverTimeoutMs?: number;
  /**
   * Failures of one event after which, if the message system takes an event behind it (the first that has
   * not failed as often, sent alone; its refusal counts against it), it is set aside (8).
   */
  maxAttempts?: number;
  /** The first retry's wait, doubled at each failure up to maxBackoffMs (500 ms, 60 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often start()'s loop drains when nothing nudges it (500 ms). */
  intervalMs?: number;
  /**
   * How long one drain goes on taking batches (1 ms to an hour; no bound by default): past it the drain
   * sends no further batch, gives the lease up (on its own) and leaves the rest to the next drain. For a
   * drain in a Worker's `waitUntil`, which the platform cuts off after 30 s.
   */
  drainForMs?: number;
  /** This relay's name in the lease, 1 to 100 characters (a random UUID). */
  holder?: string;
  /** The clock, in milliseconds since the epoch (Date.now). */
  now?: () => number;
  /**
   * Each failed delivery: which event, how often, when it is tried again or whether it was set aside. It
   * may throw or reject; the relay goes on.
   */
  onFailure?: (failure: DeliveryFailure) => void | Promise<unknown>;
}

export interface DeliveryFailure {
  eventId: string;
  attempts: number;
  /** The error's name and message, at most 500 characters. */
  error: string;
  retryAt: string;
  setAside: boolean;
}

export interface DrainResult {
  delivered: number;
  failed: number;
  setAside: number;
  /** Whether this relay held the lease (another relay's turn otherwise). */
  leased: boolean;
  /** When the first waiting event may be tried again, after a failure. */
  retryAt: string | null;
}

export interface RunningRelay {
  /** Drains soon, rather than at the next interval: call it after a write. */
  nudge(): void;
  /** Ends the loop after the send in progress (not the whole backlog), and gives the lease up. */
  stop(): Promise<void>;
}

export interface Relay {
  readonly holder: string;
  /**
   * Delivers what waits, in commit order, until the outbox is empty, a failure must wait, or the lease is
   * lost. Without a loop running, it gives the lease up when it ends. Rejects with the store's error (which
   * counts against no event).
   */
  drain(): Promise<DrainResult>;
  /** How far behind delivery is. */
  lag(): Promise<{ pending: number; oldestOccurredAt: string | null; oldestAgeMs: number | null; setAside: number }>;
  /**
   * Drains in a loop (one per relay: throws while one runs). After a drain that failed, the next waits
   * intervalMs, doubled each time up to maxBackoffMs. `onDrain` may throw or reject.
   */
  start(hooks?: { onDrain?: (result: DrainResult | null, error?: unknown) => void | Promise<unknown> }): RunningRelay;
}

export declare const RELAY_DEFAULTS: Readonly<Required<Omit<RelayOptions, "holder" | "now" | "onFailure" | "drainForMs">>>;

/**
 * `deliver` resolves once the message system has taken every event it was given; it may be called
 * again with the same events. When its `signal` aborts (it took over deliverTimeoutMs), it should
 * send nothing more: the relay counts it as failed and may send the events again.
 */
export declare function createRelay(
  outbox: Pick<EventOutbox, "lease" | "release" | "pending" | "delivered" | "failed" | "lag">,
  deliver: (events: ProviderEvent[], context: { signal: AbortSignal }) => Promise<unknown> | unknown,
  options?: RelayOptions,
): Relay;
