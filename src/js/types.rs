//! The TypeScript shapes of the JS contract, so the generated `.d.ts` has no `any`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CONTRACT_TYPES: &'static str = r#"
export type CredentialType = "oauth2" | "api_key" | "link_token" | "certificate" | "file_import" | "custom";
export type ConnectionStatus = "pending" | "active" | "expired" | "revoked" | "failed" | "disconnected";

/** Credentials as a command carries them: already encrypted by the caller. */
export interface ProviderCredentialsInput {
  encryptedData: Uint8Array;
  credentialType: CredentialType;
  /** RFC 3339 with an offset; kept to the millisecond. */
  expiresAt?: string | null;
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
}

export interface ProviderCredentialsRecord {
  encryptedData: Uint8Array;
  credentialType: CredentialType;
  expiresAt: string | null;
}

/** What `save` receives. Timestamps are written as `Date.prototype.toISOString()` writes them. */
export interface ProviderConnectionRecord {
  id: string;
  userId: string;
  providerId: string;
  providerSlug: string;
  status: ConnectionStatus;
  alias: string | null;
  credentials: ProviderCredentialsRecord | null;
  connectedAt: string | null;
  lastSyncAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ProviderConnectionEventBase {
  eventId: string;
  occurredAt: string;
  userId: string;
  providerId: string;
  providerSlug: string;
}

export interface ProviderConnectionAttempted extends ProviderConnectionEventBase {
  eventType: "ProviderConnectionAttempted";
}

export interface ProviderConnectionSucceeded extends ProviderConnectionEventBase {
  eventType: "ProviderConnectionSucceeded";
  connectionId: string;
}

export interface ProviderConnectionFailed extends ProviderConnectionEventBase {
  eventType: "ProviderConnectionFailed";
  reason: string;
}

export type ProviderConnectionEvent =
  | ProviderConnectionAttempted
  | ProviderConnectionSucceeded
  | ProviderConnectionFailed;

/** Any object with `save`; its result (a value, promise or thenable) is awaited. */
export interface ProviderConnectionRepository {
  save(connection: ProviderConnectionRecord): unknown;
}

/** Any object with `publish`; a failure never changes the command's outcome. */
export interface EventBus {
  publish(event: ProviderConnectionEvent): unknown;
}

export interface ConnectProviderOptions {
  /** Deadline for each `save` and `publish` call, 1 to 2147483647 ms; 10000 by default. */
  timeoutMs?: number;
  /** Receives each failed publish; without it they go to `console.error`. */
  onEventBusError?: (error: unknown, event: ProviderConnectionEvent) => void;
}

export type ConnectProviderResult = { ok: true; value: string } | { ok: false; error: string };
"#;
