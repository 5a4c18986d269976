// Types of connect-provider/service/dev-token: a local token under AUTH_JWT_SECRET, apart from the
// service so that a dev-token script loads jose alone, not the wasm.
/** The minutes a token lasts when `claims.minutes` is not given (at most 1,440). */
export declare const DEFAULT_MINUTES: 60;
export declare function mintDevToken(env: object, claims: { userId: string; minutes?: number }): Promise<string>;
export declare function devTokenCommand(
  env: object,
  args: string[],
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number>;
