// The plain objects of the JS contract, each built in one call, and the text of new ids: the
// wasm module supplies the values, the shapes live here. (A view of wasm memory is copied with
// slice(), never kept.)

export function connectionRecord(id, userId, providerId, providerSlug, status, alias, encryptedData, credentialType, expiresAt, connectedAt, lastSyncAt, createdAt, updatedAt) {
  return {
    id,
    userId,
    providerId,
    providerSlug,
    status,
    alias: alias ?? null,
    credentials: credentialType === undefined ? null : { encryptedData: encryptedData.slice(), credentialType, expiresAt: expiresAt ?? null },
    connectedAt: connectedAt ?? null,
    lastSyncAt: lastSyncAt ?? null,
    createdAt,
    updatedAt,
  };
}

export function attemptedEvent(eventId, occurredAt, userId, providerId, providerSlug) {
  return { eventType: "ProviderConnectionAttempted", eventId, occurredAt, userId, providerId, providerSlug };
}

export function succeededEvent(eventId, occurredAt, userId, connectionId, providerId, providerSlug) {
  return { eventType: "ProviderConnectionSucceeded", eventId, occurredAt, userId, connectionId, providerId, providerSlug };
}

export function failedEvent(eventId, occurredAt, userId, providerId, providerSlug, reason) {
  return { eventType: "ProviderConnectionFailed", eventId, occurredAt, userId, providerId, providerSlug, reason };
}

export function success(value) {
  return { ok: true, value };
}

export function failure(error) {
  return { ok: false, error };
}

/**
 * An id's 36 ASCII characters, formatted by the wasm module and passed four to a 32-bit word,
 * first character in the top byte: for text this short, building the string from char codes
 * costs a third of decoding it out of wasm memory.
 */
export function idText(w0, w1, w2, w3, w4, w5, w6, w7, w8) {
  return String.fromCharCode(
    w0 >>> 24, (w0 >>> 16) & 255, (w0 >>> 8) & 255, w0 & 255,
    w1 >>> 24, (w1 >>> 16) & 255, (w1 >>> 8) & 255, w1 & 255,
    w2 >>> 24, (w2 >>> 16) & 255, (w2 >>> 8) & 255, w2 & 255,
    w3 >>> 24, (w3 >>> 16) & 255, (w3 >>> 8) & 255, w3 & 255,
    w4 >>> 24, (w4 >>> 16) & 255, (w4 >>> 8) & 255, w4 & 255,
    w5 >>> 24, (w5 >>> 16) & 255, (w5 >>> 8) & 255, w5 & 255,
    w6 >>> 24, (w6 >>> 16) & 255, (w6 >>> 8) & 255, w6 & 255,
    w7 >>> 24, (w7 >>> 16) & 255, (w7 >>> 8) & 255, w7 & 255,
    w8 >>> 24, (w8 >>> 16) & 255, (w8 >>> 8) & 255, w8 & 255,
  );
}
