//! TypeScript for what no derive describes: the commands (read field by field, not by serde),
//! the adapters' interfaces, the options and the results. The records and events are declared
//! by tsify from their shapes (`shapes/`).

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

/** Any object with the methods a handler uses; each may return a value, a promise or a thenable. */
export interface ProviderConnectionRepository {
  /** Inserts or replaces the connection with the same id. */
  save(connection: ProviderConnectionRecord): unknown;
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

/** What every `handle()` resolves with; it never rejects. */
export type HandlerResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type ConnectProviderResult = HandlerResult<string>;

/** Declared here because the package's JS adds it (the generated class only starts commands). */
export interface ConnectProviderHandler {
  /** Resolves with the new connection's id, or the error; never rejects. */
  handle(command: ConnectProviderCommand): Promise<ConnectProviderResult>;
}
"#;
