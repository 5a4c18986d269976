// The plain objects of the JS contract, each built in one call: the wasm module supplies the
// values, the shapes live here. (A view of wasm memory is copied with slice(), never kept.)

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
