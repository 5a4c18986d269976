// A NATS server with JetStream (Debian's nats-server, which scripts/setup.sh installs), started by a
// test on a free port with its storage in a temporary folder, stopped and started again on the same
// port and storage; and the stream read back whole, as a consumer would find it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { freePort } from "./wrangler.mjs";

export const NATS_SERVER = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].find((path) => existsSync(path)) ?? "nats-server";

/**
 * @param {string} storeDir JetStream's storage
 * @param {string[]} [options] more of nats-server's options (`--auth <token>`)
 * @returns {Promise<{ url: string, output: () => string, stop(): Promise<void>, start(): Promise<void> }>}
 */
export async function startNats(storeDir, options = []) {
  const port = await freePort();
  let output = "";
  /** @type {import("node:child_process").ChildProcess | null} */
  let child = null;
  async function start() {
    const started = spawn(NATS_SERVER, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir, ...options], { stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    const exited = new Promise((resolve) => started.once("exit", resolve));
    let own = "";
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Not left running (and holding the test file open) once given up on.
        started.kill("SIGKILL");
        reject(new Error(`nats-server not ready in 10 s:\n${output}`));
      }, 10_000);
      const look = (/** @type {string} */ text) => {
        output += text;
        own += text;
        if (/Server is ready/.test(own)) {
          clearTimeout(timer);
          resolve(undefined);
        }
      };
      started.stdout?.setEncoding("utf8").on("data", look);
      started.stderr?.setEncoding("utf8").on("data", look);
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${output}`));
      });
    });
    started.exitPromise = exited;
  }
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    output: () => output,
    start: async () => {
      output += "\n-- restarted --\n";
      await start();
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      running.kill("SIGTERM");
      await running.exitPromise;
    },
  };
}

/**
 * Every message of the stream, in its order: subject, Nats-Msg-Id and the payload's text. An
 * empty list when the stream does not exist.
 * @param {string} url @param {string} stream
 */
export async function streamMessages(url, stream) {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    let info;
    try {
      info = await jsm.streams.info(stream);
    } catch {
      return [];
    }
    const messages = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message) messages.push({ subject: message.subject, msgId: message.header.get("Nats-Msg-Id"), text: new TextDecoder().decode(message.data) });
    }
    return messages;
  } finally {
    await nc.close();
  }
}
