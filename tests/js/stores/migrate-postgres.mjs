// Runs the PostgreSQL store's migrate() once, in a process of its own: `node migrate-postgres.mjs URL`.
import pg from "pg";
import { postgresStore } from "connect-provider/stores/postgres";

const client = new pg.Client({ connectionString: process.argv[2] });
await client.connect();
try {
  await postgresStore(client).migrate();
} finally {
  await client.end();
}
