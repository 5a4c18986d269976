export * from "./node/connect_provider.js";

/** The error strings a failed result's `error` starts with. Frozen. */
export declare const ConnectProviderError: Readonly<{
  INVALID_CREDENTIALS: "Invalid or missing credentials";
  INVALID_PROVIDER_SLUG: "Invalid provider slug";
  DATABASE_ERROR: "Database error occurred";
  INVALID_ALIAS: "Alias exceeds maximum length";
  INVALID_COMMAND: "Invalid command";
}>;
