// The Deno example is TypeScript a user copies: `deno check` (strict, against the installed
// package's types) must pass on it, as `tsc --strict` must on tests/types for Node.

for (const file of ["examples/deno-service/main.ts", "examples/deno-service/dev-token.ts"]) {
  Deno.test(`deno check ${file} reports no type error`, async () => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", file],
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    if (code !== 0 || said !== "") throw new Error(`deno check ${file} exited ${code}:\n${said}`);
  });
}
