// @ts-check
// Well-known providers with stable ids; any other slug gets a fresh id when connected.

/** @type {{ slug: string, name: string, id: string }[]} */
export const KNOWN_PROVIDERS = [
  { slug: "schwab", name: "Charles Schwab", id: "0190f5b2-0000-7000-8000-000000000001" },
  { slug: "fidelity", name: "Fidelity", id: "0190f5b2-0000-7000-8000-000000000002" },
  { slug: "vanguard", name: "Vanguard", id: "0190f5b2-0000-7000-8000-000000000003" },
  { slug: "robinhood", name: "Robinhood", id: "0190f5b2-0000-7000-8000-000000000004" },
  { slug: "coinbase", name: "Coinbase", id: "0190f5b2-0000-7000-8000-000000000005" },
  { slug: "plaid", name: "Plaid (bank link)", id: "0190f5b2-0000-7000-8000-000000000006" },
];

export const CREDENTIAL_TYPES = [
  ["oauth2", "OAuth 2 token"],
  ["api_key", "API key"],
  ["link_token", "Link token"],
  ["certificate", "Certificate"],
  ["file_import", "File import"],
  ["custom", "Custom"],
];

export function providerIdFor(/** @type {string} */ slug) {
  return KNOWN_PROVIDERS.find((provider) => provider.slug === slug)?.id ?? crypto.randomUUID();
}
