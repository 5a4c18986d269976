// The Node service example's store on PostgreSQL (examples/node-service/store.mjs): opened by an
// operator's tool on a database that is not the service's, and, first, when the connection goes silent: the server's host gone or a TCP connection left half-open, where no answer
// and no error ever comes back. PostgreSQL's own statement_timeout cannot end that; the pool's
// client-side query_timeout does, so a store call (and a relay's stop(), which waits for its drain)
// ends. The pool reaches the test's PostgreSQL through a TCP relay that the test can silence.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../examples/node-service/store.mjs";
import pg from "pg";
import { startPostgres } from "./support/postgres.mjs";

/**
 * A TCP relay to PostgreSQL's Unix socket. `silence()` stops passing bytes either way while every
 * connection stays open, as a host that vanished leaves it.
 */
async function silenceableRelay(socketPath) {
  let silent = false;
  const sockets = new Set();
  const server = createServer((inbound) => {
    const outbound = createConnection(socketPath);
    for (const [from, to] of [[inbound, outbound], [outbound, inbound]]) {
      sockets.add(from);
      from.on("data", (bytes) => {
        if (!silent) to.write(bytes);
      });
      from.on("close", () => to.destroy());
      from.on("error", () => to.destroy());
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    silence: () => (silent = true),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

test("a store call on a connection gone silent rejects with the client's timeout instead of waiting for ever, and the pool closes", { timeout: 60_000 }, async (t) => {
  const postgres = startPostgres();
  t.after(() => postgres.stop());
  const database = await postgres.createDatabase("silent");
  const relay = await silenceableRelay(join(postgres.socketDir, `.s.PGSQL.${postgres.port}`));
  t.after(() => relay.close());
  const poolErrors = [];
  const { store, kind, close } = await openStore({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${relay.port}/${database}` }, (error) => poolErrors.push(error));
  assert.equal(kind, "postgresql");
  const id = randomUUID();
  assert.equal(await store.repository.findById(id), null, "answered through the relay");

  relay.silence();
  await assert.rejects(store.repository.findById(id), { message: "Query read timeout" });
  await close();
  assert.deepEqual(poolErrors, []);
});

test("an operator's tool (create: false) on a database that is not the service's is refused by name, and makes no table there", async (t) => {
  const postgres = startPostgres();
  t.after(() => postgres.stop());
  const database = await postgres.createDatabase("not_the_services");
  await assert.rejects(openStore({ DATABASE_URL: postgres.url(database) }, () => {}, { create: false }), {
    message: "DATABASE_URL's database is not the service's database (it has no outbox table): start the service on it once, which makes its tables",
  });
  const client = new pg.Client(postgres.config(database));
  await client.connect();
  try {
    const { rows } = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
    assert.equal(rows[0].n, 0, "no table made");
  } finally {
    await client.end();
  }
  const opened = await openStore({ DATABASE_URL: postgres.url(database) }, () => {});
  await opened.close();
  const tool = await openStore({ DATABASE_URL: postgres.url(database) }, () => {}, { create: false });
  assert.deepEqual(await tool.store.outbox.lag(), { pending: 0, oldestOccurredAt: null, setAside: 0 }, "once the service has made its tables, the tool reads them");
  await tool.close();
});
