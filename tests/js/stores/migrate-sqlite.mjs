// Runs the SQLite store's migrate() once, in a process of its own: `node migrate-sqlite.mjs CLIENT PATH`.
import { sqliteStore } from "connect-provider/stores/sqlite";
import { openSqlite } from "./sqlite-harness.mjs";

const [client, path] = process.argv.slice(2);
const db = await openSqlite(client, path);
await sqliteStore(db).migrate();
db.close();
