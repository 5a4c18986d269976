// The service's store: PostgreSQL when DATABASE_URL is set (a pg Pool), else SQLite at DATABASE
// (better-sqlite3; `service.sqlite` beside this file by default). Its tables are made or upgraded
// on open (migrate() is safe to run again, and from two processes at once), except for an
// operator's tool, which changes neither the schema nor the file's mode.
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * @param {Record<string, string | undefined>} env
 * @param {(error: unknown) => void} onError what to do with an error of an idle pooled connection
 *   (the server restarting, the network): it is reported, and the pool opens another
 * @param {{ create?: boolean }} [options] `create: false` (an operator's tool): the database must be the
 *   service's already: a SQLite file that is not there, or a database without the service's outbox (the
 *   wrong DATABASE_URL, say), is an error; nothing is made, migrated or chmod-ed
 * @returns {Promise<{ store: import("connect-provider/stores/sqlite").ConnectionStore, kind: string, close(): Promise<void> }>}
 */
export async function openStore(env, onError, { create = true } = {}) {
  if (env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const { postgresStore } = await import("connect-provider/stores/postgres");
    // A statement that hangs holds a pooled connection; bound it: PostgreSQL cancels it at 10 s, and
    // on a connection that went silent (the server's host gone, a half-open TCP connection, which no
    // answer from the server would end) the client gives each statement up at 12 s (a transaction's
    // ROLLBACK after it waits its own 12 s), so a call (and a relay's stop() that waits for its
    // drain) always ends, and the connection is thrown away. The wait for a connection is kept well under the
    // handlers' 5 s deadline, so a commit the handler gave up on while it waited for one (and
    // answered as failed) does not start after it.
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10, connectionTimeoutMillis: 2_000, statement_timeout: 10_000, query_timeout: 12_000 });
    pool.on("error", onError);
    const store = postgresStore(pool);
    try {
      if (create) await store.migrate();
      else if ((await pool.query("SELECT to_regclass('provider_connection_outbox') IS NOT NULL AS found")).rows[0].found !== true) throw notTheServices("DATABASE_URL's database");
    } catch (error) {
      await pool.end();
      throw error;
    }
    return { store, kind: "postgresql", close: () => pool.end() };
  }
  const path = env.DATABASE || fileURLToPath(new URL("./service.sqlite", import.meta.url));
  if (!create && !existsSync(path)) throw new Error(`no database at ${path}: set DATABASE (or DATABASE_URL) to the service's`);
  // Readable by the service's user only; SQLite gives its -wal and -shm files the same mode.
  if (create) {
    if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  }
  const { default: Database } = await import("better-sqlite3");
  const { sqliteStore } = await import("connect-provider/stores/sqlite");
  // The tool's file must be there already (no new empty one, even if it went meanwhile), and is
  // looked at before anything is set on it: WAL mode, once set, stays with the file.
  const db = new Database(path, { fileMustExist: !create });
  if (!create && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'provider_connection_outbox'").get() === undefined) {
    db.close();
    throw notTheServices(path);
  }
  if (create) db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  // Each commit synced to the disk before it is answered: in WAL mode at NORMAL (better-sqlite3's
  // default), an acknowledged write survives the process killed but not the machine losing power.
  db.pragma("synchronous = FULL");
  db.pragma("secure_delete = ON"); // a disconnected connection's sealed bytes are overwritten, not left in free pages
  const store = sqliteStore(db);
  if (create) await store.migrate();
  return { store, kind: "sqlite", close: async () => db.close() };
}

/** @param {string} what */
const notTheServices = (what) => new Error(`${what} is not the service's database (it has no outbox table): start the service on it once, which makes its tables`);
