// Uses the API as the README shows; must compile under --strict with no error.
import {
  ConnectProviderError,
  ConnectProviderHandler,
  ErrorCode,
  DisconnectProviderHandler,
  ListExpiringConnectionsHandler,
  ListProviderConnectionsHandler,
  RefreshProviderTokensError,
  RefreshProviderTokensHandler,
  type CredentialExpiry,
  type ProviderConnectionView,
  type ConnectProviderCommand,
  type ConnectProviderResult,
  type EventBus,
  type ProviderEvent,
  type ProviderConnectionRecord,
  type ProviderConnectionRepository,
  type HandlerFailure,
  type RefreshFailure,
} from "connect-provider";

const saved: ProviderConnectionRecord[] = [];
const repository: Pick<ProviderConnectionRepository, "save"> = {
  async save(connection) {
    const bytes: Uint8Array | undefined = connection.credentials?.encryptedData;
    if (bytes) saved.push(connection);
  },
};

/** A repository for every handler: each find may answer with a value or a promise. */
const everything: ProviderConnectionRepository = {
  save: (connection) => void saved.push(connection),
  findById: async (id) => saved.find((record) => record.id === id) ?? null,
  findByUserId: (userId) => saved.filter((record) => record.userId === userId),
  findActiveByUser: async (userId) => saved.filter((record) => record.userId === userId && record.status === "active"),
  findExpiringBefore: (instant) => saved.filter((record) => (record.credentials?.expiresAt ?? "9999") <= instant),
};

function describe(event: ProviderEvent): string {
  switch (event.eventType) {
    case "ProviderConnectionSucceeded":
      return event.connectionId;
    case "ProviderConnectionFailed":
    case "ProviderDisconnectionFailed":
      return event.reason;
    case "ProviderTokenRefreshFailed":
      return event.needsUserAction ? `reconnect: ${event.reason}` : event.reason;
    case "ProviderConnectionAttempted":
      return event.providerSlug;
    default:
      return event.providerSlug ?? event.connectionId;
  }
}

const eventBus: EventBus = { publish: (event) => void describe(event) };
const handler = new ConnectProviderHandler(repository, eventBus, {
  timeoutMs: 5000,
  onEventBusError: (error, event) => console.warn(error, event.eventId),
});
const bare = new ConnectProviderHandler({ save: () => undefined }, { publish: () => Promise.resolve() });

const command: ConnectProviderCommand = {
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  alias: null,
  credentials: { encryptedData: new Uint8Array([1]), credentialType: "api_key", expiresAt: null },
};

export async function run(): Promise<string> {
  const result: ConnectProviderResult = await handler.handle(command);
  bare.free();
  if (result.ok) return result.value;
  const failure: HandlerFailure = result;
  const code: ErrorCode = failure.code;
  if (code === ErrorCode.CONFLICT) return ConnectProviderError.CONFLICT;
  const known: string = ConnectProviderError.INVALID_PROVIDER_SLUG;
  return result.code === "INVALID_PROVIDER_SLUG" ? known : result.error;
}

/** A repository that commits each change with its events to its own bus's log, at the record's version. */
const log: ProviderEvent[] = [];
const ownBus: EventBus = { publish: (event) => void log.push(event) };
const committing: ProviderConnectionRepository = {
  ...everything,
  eventBus: ownBus,
  save: (connection) => (connection.version ?? 1) > 1,
  commit: async (connection, events) => {
    const version: number | undefined = connection.version;
    log.push(...events);
    return version !== undefined;
  },
};
export const committed = new DisconnectProviderHandler(committing, ownBus);

export async function lifecycle(userId: string, connectionId: string): Promise<string[]> {
  const notes: string[] = [];
  const disconnected = await new DisconnectProviderHandler(everything, eventBus).handle({ userId, connectionId });
  if (disconnected.ok) {
    const nothing: null = disconnected.value;
    notes.push(String(nothing));
  }
  const refreshed = await new RefreshProviderTokensHandler(everything, eventBus, { timeoutMs: 1000 }).handle({
    userId,
    connectionId,
    credentials: { encryptedData: new Uint8Array([2]), credentialType: "oauth2", expiresAt: new Date("2027-01-01T00:00:00Z") },
    expectedVersion: 2,
  });
  await new DisconnectProviderHandler(everything, eventBus).handle({ userId, connectionId, expectedVersion: null });
  if (!refreshed.ok && refreshed.error === RefreshProviderTokensError.NOT_ACTIVE) notes.push("reconnect");
  if (!refreshed.ok) {
    const failure: RefreshFailure = refreshed;
    const mustAct: boolean = failure.needsUserAction;
    if (mustAct && failure.code === ErrorCode.NOT_ACTIVE) notes.push("connect again");
  }
  const listed = await new ListProviderConnectionsHandler(everything).handle({ userId, activeOnly: true });
  if (listed.ok) {
    const views: ProviderConnectionView[] = listed.value.connections;
    const expiry: (CredentialExpiry | null)[] = views.map((view) => view.credentialExpiry);
    notes.push(`${listed.value.totalCount}/${listed.value.activeCount}`, ...expiry.map(String));
  }
  const expiring = await new ListExpiringConnectionsHandler(everything).handle({ withinMinutes: 30 });
  if (expiring.ok) notes.push(...expiring.value.connections.map((view) => view.credentialsExpireAt ?? "never"));
  return notes;
}
