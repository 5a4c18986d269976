// Prints a token for local use, signed with AUTH_JWT_SECRET (and AUTH_ISSUER, AUTH_AUDIENCE when set):
//   TOKEN=$(deno run --allow-env dev-token.ts [user-id] [minutes])
import { devTokenCommand } from "connect-provider/service/dev-token";

Deno.exitCode = await devTokenCommand(Deno.env.toObject(), Deno.args, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
