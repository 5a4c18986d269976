// Types of connect-provider/service/dev-token: a local token under AUTH_JWT_SECRET, apart from the
// service so that a dev-token script loads jose alone, not the wasm.
export declare function mintDevToken(env: Record<string, unknown>, claims: { userId: string; minutes?: number }): Promise<string>;
export declare function devTokenCommand(
  env: Record<string, unknown>,
  args: string[],
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number>;
