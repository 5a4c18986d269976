// Types for every entry of the package. The declarations below the marker are wasm-bindgen's,
// written in by scripts/build.mjs.

/* The error strings a failed result's `error` starts with, one frozen object per handler. */

export declare const ConnectProviderError: Readonly<{
  INVALID_CREDENTIALS: "Invalid or missing credentials";
  INVALID_PROVIDER_SLUG: "Invalid provider slug";
  DATABASE_ERROR: "Database error occurred";
  INVALID_ALIAS: "Alias exceeds maximum length";
  INVALID_COMMAND: "Invalid command";
}>;

export declare const DisconnectProviderError: Readonly<{
  CONNECTION_NOT_FOUND: "Connection not found";
  NOT_OWNED_BY_USER: "Connection not owned by user";
  DATABASE_ERROR: "Database error occurred";
  INVALID_COMMAND: "Invalid command";
}>;

export declare const RefreshProviderTokensError: Readonly<{
  CONNECTION_NOT_FOUND: "Connection not found";
  NOT_OWNED_BY_USER: "Connection not owned by user";
  INVALID_CREDENTIALS: "Invalid or missing credentials";
  NOT_ACTIVE: "Connection is not active";
  DATABASE_ERROR: "Database error occurred";
  INVALID_COMMAND: "Invalid command";
}>;

export declare const GetProviderConnectionError: Readonly<{
  CONNECTION_NOT_FOUND: "Connection not found";
  NOT_OWNED_BY_USER: "Connection not owned by user";
  DATABASE_ERROR: "Database error occurred";
  INVALID_COMMAND: "Invalid command";
}>;

export declare const ListProviderConnectionsError: Readonly<{
  DATABASE_ERROR: "Database error occurred";
  INVALID_COMMAND: "Invalid command";
}>;

export declare const ListExpiringConnectionsError: Readonly<{
  DATABASE_ERROR: "Database error occurred";
  INVALID_COMMAND: "Invalid command";
}>;

// @wasm-bindgen-declarations
