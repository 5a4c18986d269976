// Racing refresh/disconnect pairs sent over HTTP, checked the way the store conformance suite checks
// them in process: each pair ended as if its two requests ran one after the other, whatever the
// answers were. Shared by the tests that race through two Workers and through two Node services.
import assert from "node:assert/strict";

/**
 * @typedef {{ status: number, json?: any }} Answer
 * @param {{
 *   ids: string[],
 *   answers: Answer[],
 *   views: Map<string, any>,
 *   events: any[],
 * }} raced `answers` is each connection's refresh then its disconnect, pair after pair (`ids[n]`'s at
 *   `2n` and `2n + 1`); `views` each connection's view as GET /providers/{id} answers it afterwards;
 *   `events` the user's log as GET /events answers it
 * @returns {{ refreshedFirst: number, overlapped: number }} how many pairs refreshed before the
 *   disconnect, and in how many pairs
 *   the two overlapped in the database: the later one's Attempted event is logged before the
 *   earlier one's outcome. A command reads the connection before it logs Attempted, so the later one
 *   decided on the version the earlier one then replaced: its first write was refused as stale and
 *   it decided again on what it read next.
 */
export function checkRacedHttpPairs({ ids, answers, views, events }) {
  let refreshedFirst = 0;
  let overlapped = 0;
  ids.forEach((id, n) => {
    const [refresh, disconnect] = [answers[2 * n], answers[2 * n + 1]];
    const where = `connection ${n} (${refresh.status}, ${disconnect.status})`;
    const own = events.flatMap((e, at) => (e.connectionId === id ? [{ at, type: e.eventType, reason: e.reason }] : []));
    const at = (/** @type {string} */ type) => own.filter((e) => e.type === type);
    const view = views.get(id);
    assert.ok(view, `${where}: its view`);

    // The connect, then one attempt of each.
    assert.equal(at("ProviderConnectionSucceeded").length, 1, `${where}: one connect`);
    assert.equal(at("ProviderTokenRefreshAttempted").length, 1, `${where}: one refresh attempted`);
    assert.equal(at("ProviderDisconnectionAttempted").length, 1, `${where}: one disconnect attempted`);
    const refreshed = at("ProviderTokenRefreshSucceeded");
    const disconnected = at("ProviderDisconnectionSucceeded");

    // One competitor overtakes a command at most once, and it decides again (MAX_TRIES is 4), so run
    // one after the other neither answers 409: the disconnect is stored (204) ...
    assert.equal(disconnect.status, 204, `${where}: the disconnect's answer`);
    assert.deepEqual(disconnected.length, 1, `${where}: the disconnect's Succeeded event`);
    assert.deepEqual([view.status, view.isConnected, view.credentialType, view.credentialsExpireAt], ["disconnected", false, null, null], `${where}: disconnected, without credentials`);

    // ... and the refresh stored before it (201), or refused as it came after (403).
    if (refresh.status === 201) {
      assert.equal(refreshed.length, 1, `${where}: the refresh's Succeeded event`);
      assert.ok(refreshed[0].at < disconnected[0].at, `${where}: a stored refresh came before the disconnect`);
      refreshedFirst += 1;
    } else {
      assert.deepEqual([refresh.status, refresh.json], [403, { error: "Connection is not active" }], `${where}: the refresh's refusal`);
      assert.equal(refreshed.length, 0, `${where}: a refused refresh logs no Succeeded event`);
      const failed = at("ProviderTokenRefreshFailed");
      assert.equal(failed.length, 1, `${where}: the refresh's Failed event`);
      assert.ok(disconnected[0].at < failed[0].at, `${where}: refused after the disconnect`);
    }

    // One version a stored change: the connect's, the refresh's, the disconnect's.
    assert.equal(view.version, 1 + refreshed.length + disconnected.length, `${where}: one version a Succeeded event`);

    // The first stored change of the two, and whether the other had read before it was stored.
    const stored = [...refreshed, ...disconnected].sort((a, b) => a.at - b.at)[0];
    if (stored) {
      const other = stored.type === "ProviderTokenRefreshSucceeded" ? "ProviderDisconnectionAttempted" : "ProviderTokenRefreshAttempted";
      if (at(other)[0].at < stored.at) overlapped += 1;
    }
  });
  return { refreshedFirst, overlapped };
}
