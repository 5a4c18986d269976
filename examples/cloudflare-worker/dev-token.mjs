#!/usr/bin/env node
// Prints a token for `wrangler dev`, signed with the AUTH_JWT_SECRET of the environment or, when it
// has none, of .dev.vars beside this file (AUTH_ISSUER and AUTH_AUDIENCE likewise):
//   TOKEN=$(node dev-token.mjs [user-id] [minutes])
import { existsSync, readFileSync } from "node:fs";
import { devTokenCommand } from "connect-provider/service/dev-token";

/** .dev.vars as wrangler reads it: NAME=value lines, values optionally quoted, # comments. */
function devVars(path) {
  if (!existsSync(path)) return {};
  const vars = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith("#")) vars[match[1]] = match[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

const env = { ...devVars(new URL("./.dev.vars", import.meta.url).pathname), ...process.env };
process.exitCode = await devTokenCommand(env, process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) });
