// Types for every entry of the package: the contract, written here, and below the marker the
// declarations wasm-bindgen makes from the Rust shapes (and the handlers' `handle()`) and the
// error objects (at their marker), written in by scripts/build.mjs from the table of handlers.

/* The error strings a failed result's `error` starts with, one frozen object per handler; and
   the codes every failed result carries (`ErrorCode`, its type declared below the marker). */

export declare const ErrorCode: Readonly<{ [Code in ErrorCode]: Code }>;

// @error-objects

/* The contract's commands, adapters, options and results (the records and views below the
   marker are declared by tsify from the Rust shapes). */
export type CredentialType = "oauth2" | "api_key" | "link_token" | "certificate" | "file_import" | "custom";
export type ConnectionStatus = "pending" | "active" | "expired" | "revoked" | "failed" | "disconnected";

/** Credentials as a command carries them: already encrypted by the caller. */
export interface ProviderCredentialsInput {
  encryptedData: Uint8Array;
  credentialType: CredentialType;
  /** RFC 3339 with an offset, or a valid `Date`; kept to the millisecond. */
  expiresAt?: string | Date | null;
}

export interface ConnectProviderCommand {
  /** Hyphenated UUID strings. */
  userId: string;
  providerId: string;
  /** 1 to 50 Unicode code points. */
  providerSlug: string;
  credentials: ProviderCredentialsInput | null | undefined;
  /** At most 100 Unicode code points. */
  alias?: string | null;
  /**
   * The new connection's id, made by the caller (a browser connecting offline): a UUID v7, used
   * as is. Refused as `INVALID_CONNECTION_ID` when it is not v7, and as `CONNECTION_ID_TAKEN`
   * when another connection has it and the repository's `save` answers `false` for it, as the
   * package's stores do (a store without versions that overwrites answers nothing, and the id
   * is the new connection's). Absent or null: the handler makes one.
   */
  connectionId?: string | null;
}

/** What a find may answer with: the value itself, or a promise or thenable of it. */
export type Found<T> = T | PromiseLike<T>;

/**
 * Any object with the methods a handler uses (each handler's constructor names the ones it
 * needs); each may return a value, a promise or a thenable. A record read back has the shape
 * `save` receives, whatever its status.
 */
export interface ProviderConnectionRepository {
  /**
   * Stores the record at `connection.version` if the stored one is still `version - 1` (none,
   * for version 1), checked inside the database; answers `false` when it is not (a stale write:
   * the handler reads again and decides again). Any other answer is "stored"; a store without
   * versions may answer nothing, and then the last writer wins.
   */
  save(connection: ProviderConnectionRecord): unknown;
  /**
   * `save`, and `events` appended to the log of `eventBus`, in one atomic step; answers `false`
   * (nothing written) on a stale version. Used instead of `save` + `publish` when the command's
   * event bus is this repository's `eventBus`.
   */
  commit?(connection: ProviderConnectionRecord, events: ProviderEvent[]): unknown;
  /** The bus whose log `commit` appends to. */
  readonly eventBus?: EventBus;
  /** The connection with this id, or `null`/`undefined`. */
  findById(connectionId: string): Found<ProviderConnectionRecord | null | undefined>;
  /** The user's connections in every status. */
  findByUserId(userId: string): Found<ProviderConnectionRecord[]>;
  /** The user's connections with status `"active"`. */
  findActiveByUser(userId: string): Found<ProviderConnectionRecord[]>;
  /** Active connections whose `credentials.expiresAt` is at or before `instant` (an ISO string). */
  findExpiringBefore(instant: string): Found<ProviderConnectionRecord[]>;
}

/** Any object with `publish`; a failure never changes the command's outcome. */
export interface EventBus {
  publish(event: ProviderEvent): unknown;
}

export interface HandlerOptions {
  /** Deadline for each repository and bus call, 1 to 2147483647 ms; 10000 by default. */
  timeoutMs?: number;
  /** Receives each failed publish; without it they go to `console.error`. */
  onEventBusError?: (error: unknown, event: ProviderEvent) => void;
}

export interface QueryOptions {
  /** Deadline for each repository call, 1 to 2147483647 ms; 10000 by default. */
  timeoutMs?: number;
}

export interface DisconnectProviderCommand {
  userId: string;
  connectionId: string;
  /** The `version` the caller last read: another is refused with `VERSION_MISMATCH`. 1 to 2^53 - 1. */
  expectedVersion?: number | null;
}

export interface RefreshProviderTokensCommand {
  userId: string;
  connectionId: string;
  credentials: ProviderCredentialsInput | null | undefined;
  /** The `version` the caller last read: another is refused with `VERSION_MISMATCH`. 1 to 2^53 - 1. */
  expectedVersion?: number | null;
}

export interface GetProviderConnectionQuery {
  userId: string;
  connectionId: string;
}

export interface ListProviderConnectionsQuery {
  userId: string;
  /** Only the active ones (`findActiveByUser`); false by default (`findByUserId`). */
  activeOnly?: boolean | null;
}

export interface ListExpiringConnectionsQuery {
  /** A whole number from 0 to 10080; 30 by default. */
  withinMinutes?: number | null;
}

/** The events ConnectProvider publishes (the name the package had before the lifecycle). */
export type ProviderConnectionEvent = Extract<ProviderEvent, { eventType: `ProviderConnection${string}` }>;

/** A failed result: the contract's message and its stable code. */
export interface HandlerFailure {
  ok: false;
  error: string;
  code: ErrorCode;
}

/** A refresh's failure also says whether only the user can mend it (connect again). */
export interface RefreshFailure extends HandlerFailure {
  needsUserAction: boolean;
}

/** What every `handle()` resolves with; it rejects only on an internal trap, or when called after `free()`. */
export type HandlerResult<T, F extends HandlerFailure = HandlerFailure> = { ok: true; value: T } | F;

export type ConnectProviderResult = HandlerResult<string>;

export type CredentialExpiry = "never" | "valid" | "expiring_soon" | "expired";

/* The events `publish` receives (src/js/shapes/provider_event.rs writes them). */

export interface ProviderConnectionAttempted {
  eventId: string;
  occurredAt: string;
  userId: string;
  providerId: string;
  providerSlug: string;
}

export interface ProviderConnectionSucceeded {
  eventId: string;
  occurredAt: string;
  userId: string;
  connectionId: string;
  providerId: string;
  providerSlug: string;
}

export interface ProviderConnectionFailed {
  eventId: string;
  occurredAt: string;
  userId: string;
  providerId: string;
  providerSlug: string;
  reason: string;
}

/**
 * Attempted and Succeeded of disconnecting and of refreshing credentials. `userId` is the
 * requester's; `providerId` and `providerSlug` are `null` when no connection was found.
 */
export interface ConnectionLifecycleEvent {
  eventId: string;
  occurredAt: string;
  userId: string;
  connectionId: string;
  providerId: string | null;
  providerSlug: string | null;
}

export interface ConnectionLifecycleFailed extends ConnectionLifecycleEvent {
  reason: string;
}

export interface ProviderTokenRefreshFailed extends ConnectionLifecycleFailed {
  needsUserAction: boolean;
}

export type ProviderEvent =
  | ({ eventType: "ProviderConnectionAttempted" } & ProviderConnectionAttempted)
  | ({ eventType: "ProviderConnectionSucceeded" } & ProviderConnectionSucceeded)
  | ({ eventType: "ProviderConnectionFailed" } & ProviderConnectionFailed)
  | ({ eventType: "ProviderDisconnectionAttempted" } & ConnectionLifecycleEvent)
  | ({ eventType: "ProviderDisconnectionSucceeded" } & ConnectionLifecycleEvent)
  | ({ eventType: "ProviderDisconnectionFailed" } & ConnectionLifecycleFailed)
  | ({ eventType: "ProviderTokenRefreshAttempted" } & ConnectionLifecycleEvent)
  | ({ eventType: "ProviderTokenRefreshSucceeded" } & ConnectionLifecycleEvent)
  | ({ eventType: "ProviderTokenRefreshFailed" } & ProviderTokenRefreshFailed);

// @wasm-bindgen-declarations
