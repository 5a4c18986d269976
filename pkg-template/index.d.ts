// Types for every entry of the package. The declarations below the marker are wasm-bindgen's,
// written in by scripts/build.mjs.

/** The error strings a failed result's `error` starts with. Frozen. */
export declare const ConnectProviderError: Readonly<{
  INVALID_CREDENTIALS: "Invalid or missing credentials";
  INVALID_PROVIDER_SLUG: "Invalid provider slug";
  DATABASE_ERROR: "Database error occurred";
  INVALID_ALIAS: "Alias exceeds maximum length";
  INVALID_COMMAND: "Invalid command";
}>;

// @wasm-bindgen-declarations
