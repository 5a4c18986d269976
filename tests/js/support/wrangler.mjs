// Runs wrangler as a user does, from tests/runtimes (installed apart from the workspace by
// scripts/setup.sh): on Node 22, since wrangler needs Node >= 22.12 whatever Node runs the tests.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const runtimes = (path) => fileURLToPath(new URL(`../../runtimes/node_modules/${path}`, import.meta.url));
export const NODE22 = runtimes("node22/bin/node");
export const WRANGLER = runtimes("wrangler/bin/wrangler.js");

/**
 * The environment wrangler runs in: offline, quiet, and writing nothing outside `home`.
 * @param {string} home a directory of the test's own
 */
export function wranglerEnv(home) {
  return {
    ...process.env,
    PATH: `${dirname(NODE22)}:${process.env.PATH}`, // so anything wrangler spawns as `node` is Node 22 too
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: join(home, "logs"),
    XDG_CONFIG_HOME: join(home, "config"), // wrangler's own settings and its dev registry
    CLOUDFLARE_CF_FETCH_ENABLED: "false", // no download of the Request.cf object: a placeholder serves
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
}

/**
 * A user's project: the example's files (copied, so wrangler's `.wrangler/` stays out of the
 * repository) and the package in the project's own node_modules. `install: "copy"` puts it there
 * as `npm install connect-provider` does; `"link"` links it, as npm does a folder dependency
 * (`npm install ../dir`, workspaces), so the package's real path is outside any node_modules.
 * @param {string} example the example's directory
 * @param {string} project where the project goes
 * @param {string} packageDir the connect-provider package
 * @param {"copy" | "link"} install
 */
export function userProject(example, project, packageDir, install) {
  cpSync(example, project, { recursive: true, filter: (path) => !/\/(\.wrangler|node_modules)$/.test(path) });
  const target = join(project, "node_modules", "connect-provider");
  mkdirSync(dirname(target), { recursive: true });
  if (install === "copy") cpSync(packageDir, target, { recursive: true });
  else symlinkSync(packageDir, target, "dir");
}

/** Runs one wrangler command to its end; its output is stdout and stderr together. */
export function wrangler(args, { cwd, env }) {
  const result = spawnSync(NODE22, [WRANGLER, ...args], { cwd, env, encoding: "utf8", timeout: 120_000 });
  // A Node 22 that is not there (tests/runtimes not set up) says so rather than printing nothing.
  if (result.error) return { status: null, output: String(result.error) };
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A port nothing listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `wrangler dev` in a process group of its own (wrangler runs workerd as a child), and
 * answers once it is ready, with its URL, its output so far and a `stop` that ends the group.
 */
export async function startDev(args, { cwd, env, timeoutMs = 60_000 }) {
  const child = spawn(NODE22, [WRANGLER, "dev", ...args], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const dev = { child, output: "", url: undefined, stop: () => stopGroup(child) };
  child.stdout.setEncoding("utf8").on("data", (text) => (dev.output += text));
  child.stderr.setEncoding("utf8").on("data", (text) => (dev.output += text));
  try {
    dev.url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev not ready in ${timeoutMs} ms:\n${dev.output}`)), timeoutMs);
      const look = () => {
        const match = dev.output.match(/Ready on (http:\/\/\S+)/);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on("data", look);
      child.stderr.on("data", look);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`wrangler dev exited with ${code}:\n${dev.output}`));
      });
    });
  } catch (error) {
    await dev.stop();
    throw error;
  }
  return dev;
}

const alive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * SIGTERM to the whole group, as Ctrl-C reaches wrangler and workerd; SIGKILL if any of it is
 * still there after `graceMs`. Answers whether the group ended on SIGTERM alone.
 * @param {import("node:child_process").ChildProcess} child
 */
export async function stopGroup(child, graceMs = 10_000) {
  if (!alive(child.pid)) return true;
  process.kill(-child.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(child.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!alive(child.pid)) return true;
  process.kill(-child.pid, "SIGKILL");
  return false;
}
