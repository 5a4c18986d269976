// A real PostgreSQL server for a test file: Debian's postgresql (scripts/setup.sh installs it where
// it is missing), initialised in a temporary directory and listening only on a Unix socket there
// (no TCP port), stopped and removed by stop(). As root, the server runs as the `postgres` user.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const PORT = 5432;

/** The newest installed server's bin directory. */
function serverBin() {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "postgres"))) : [];
  if (versions.length === 0) throw new Error("no PostgreSQL server under /usr/lib/postgresql: run `npm run setup`");
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
}

/** Runs a server binary, as the `postgres` user when this process is root (initdb refuses root). */
function asServerUser(bin, args) {
  const root = process.getuid?.() === 0;
  const [command, argv] = root ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  return execFileSync(command, argv, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

export function startPostgres() {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-pg-"));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })));
  const data = join(dir, "data");
  asServerUser(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  asServerUser(join(bin, "pg_ctl"), [
    "-D", data, "-w", "-l", join(dir, "server.log"),
    "-o", `-k ${dir} -p ${PORT} -c listen_addresses='' -c fsync=off -c max_connections=200`,
    "start",
  ]);
  let databases = 0;
  const admin = new pg.Pool({ host: dir, port: PORT, user: "postgres", database: "postgres", max: 2 });
  return {
    /** The server's data directory (for scans of what is at rest) and its socket directory. */
    dataDir: data,
    socketDir: dir,
    port: PORT,
    /** Connection settings for a pg Pool or Client on `database`. */
    config: (database) => ({ host: dir, port: PORT, user: "postgres", database }),
    /** A connection string, as DATABASE_URL takes it. */
    url: (database) => `postgresql://postgres@/${database}?host=${encodeURIComponent(dir)}&port=${PORT}`,
    async createDatabase(prefix = "store") {
      databases += 1;
      const name = `${prefix}_${process.pid}_${databases}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return name;
    },
    /**
     * Drops a database once its clients have gone. Not WITH (FORCE): a pg Pool's end() resolves
     * while its clients' sockets are still closing, and a connection the server terminated then
     * errors on a client nobody listens to any more (an uncaught exception in the test).
     */
    async dropDatabase(name) {
      for (const deadline = Date.now() + 10_000; ; ) {
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${name}`);
          return;
        } catch (error) {
          if (error?.code !== "55006" || Date.now() > deadline) throw error; // object_in_use
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    },
    async stop() {
      await admin.end();
      try {
        asServerUser(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
