#!/usr/bin/env node
// Prints a token for local use, signed with AUTH_JWT_SECRET (and AUTH_ISSUER, AUTH_AUDIENCE when set):
//   TOKEN=$(node examples/node-service/dev-token.mjs [user-id] [minutes])
import { devTokenCommand } from "connect-provider/service/dev-token";

process.exitCode = await devTokenCommand(process.env, process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
