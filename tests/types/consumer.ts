// Uses the API as the README shows; must compile under --strict with no error.
import {
  ConnectProviderError,
  ConnectProviderHandler,
  type ConnectProviderCommand,
  type ConnectProviderResult,
  type EventBus,
  type ProviderEvent,
  type ProviderConnectionRecord,
  type ProviderConnectionRepository,
} from "connect-provider";

const saved: ProviderConnectionRecord[] = [];
const repository: ProviderConnectionRepository = {
  async save(connection) {
    const bytes: Uint8Array | undefined = connection.credentials?.encryptedData;
    if (bytes) saved.push(connection);
  },
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
  const known: string = ConnectProviderError.INVALID_PROVIDER_SLUG;
  return result.error.startsWith(known) ? known : result.error;
}
