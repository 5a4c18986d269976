"""The original service's ConnectProvider, DisconnectProvider and ListProviderConnections, re-created
for the bench on asyncio.

Written from the handler's published page and the design's fact sheets (domain.md, lifecycle.md):
frozen credentials checked on construction, the entity's __post_init__ invariants and transitions,
frozen event dataclasses with uuid7 ids, Result values, and async in-memory adapters, so the wasm
handlers can be read against the service they replace, on the same machine. Three workloads, as
the JS rows run them (bench/rows.mjs, bench/lifecycle-rows.mjs):

- connect: one ConnectProvider per iteration, its credentials and command built as a route would;
- disconnect: one DisconnectProvider per iteration against a repository that reads back a fresh
  copy of one active connection, as a database would;
- list 20: one ListProviderConnections per iteration over the same user's 20 connections.

Each workload is checked once before it is timed, so a failing path is never measured. Prints one
JSON line: microseconds per command over about `seconds`, the median of `rounds` rounds (after one
warm-up round), as `us` (connect), `disconnectUs` and `list20Us`. The defaults take about 7 s.

    python3 bench/python/connect_provider.py [rounds] [seconds-per-round]
"""

import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from uuid import UUID


def uuid7() -> UUID:
    """RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits (the original uses a library for it)."""
    ms = time.time_ns() // 1_000_000
    raw = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return UUID(bytes=bytes(raw))


class CredentialType(str, Enum):
    OAUTH2 = "oauth2"
    API_KEY = "api_key"


class ConnectionStatus(str, Enum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    FAILED = "failed"
    DISCONNECTED = "disconnected"

    @classmethod
    def needs_reauth_states(cls) -> list["ConnectionStatus"]:
        """The states only the user can leave, by connecting again (a fresh list per call, as the original builds it)."""
        return [cls.EXPIRED, cls.REVOKED, cls.FAILED]


@dataclass(frozen=True)
class ProviderCredentials:
    encrypted_data: bytes
    credential_type: CredentialType
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.encrypted_data, bytes):
            raise ValueError("encrypted_data must be bytes")
        if not self.encrypted_data:
            raise ValueError("encrypted_data cannot be empty")
        if not isinstance(self.credential_type, CredentialType):
            raise ValueError("credential_type must be a CredentialType enum")
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise ValueError("expires_at must be timezone-aware")

    def is_expired(self) -> bool:
        """Credentials without an expiry never expire."""
        return self.expires_at is not None and datetime.now(UTC) >= self.expires_at

    def is_expiring_soon(self, threshold: timedelta = timedelta(minutes=5)) -> bool:
        return self.expires_at is not None and datetime.now(UTC) >= self.expires_at - threshold


@dataclass
class ProviderConnection:
    id: UUID
    user_id: UUID
    provider_id: UUID
    provider_slug: str
    status: ConnectionStatus
    alias: str | None = None
    credentials: ProviderCredentials | None = None
    connected_at: datetime | None = None
    last_sync_at: datetime | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if not self.provider_slug or len(self.provider_slug) > 50:
            raise ValueError("Invalid provider slug")
        if self.alias is not None and len(self.alias) > 100:
            raise ValueError("Alias exceeds maximum length")
        if self.status == ConnectionStatus.ACTIVE and self.credentials is None:
            raise ValueError("ACTIVE connection must have credentials")

    def mark_disconnected(self):
        """Allowed from any state, so it never fails; the credentials go with the connection."""
        self.status = ConnectionStatus.DISCONNECTED
        self.credentials = None
        self.updated_at = datetime.now(UTC)
        return Success(value=None)

    def is_connected(self) -> bool:
        return self.status == ConnectionStatus.ACTIVE and self.credentials is not None

    def needs_reauthentication(self) -> bool:
        return self.status in ConnectionStatus.needs_reauth_states()

    def is_credentials_expired(self) -> bool:
        return self.credentials is not None and self.credentials.is_expired()

    def is_credentials_expiring_soon(self) -> bool:
        return self.credentials is not None and self.credentials.is_expiring_soon()

    def can_sync(self) -> bool:
        """A sync needs live credentials: connected, and not past their expiry."""
        return self.is_connected() and not self.is_credentials_expired()


@dataclass(frozen=True, kw_only=True)
class ProviderConnectionAttempted:
    event_id: UUID
    occurred_at: datetime
    user_id: UUID
    provider_id: UUID
    provider_slug: str


@dataclass(frozen=True, kw_only=True)
class ProviderConnectionSucceeded:
    event_id: UUID
    occurred_at: datetime
    user_id: UUID
    connection_id: UUID
    provider_id: UUID
    provider_slug: str


@dataclass(frozen=True, kw_only=True)
class ProviderConnectionFailed:
    event_id: UUID
    occurred_at: datetime
    user_id: UUID
    provider_id: UUID
    provider_slug: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ProviderDisconnectionAttempted:
    event_id: UUID
    occurred_at: datetime
    user_id: UUID
    connection_id: UUID
    provider_id: UUID
    provider_slug: str


@dataclass(frozen=True, kw_only=True)
class ProviderDisconnectionSucceeded:
    event_id: UUID
    occurred_at: datetime
    user_id: UUID
    connection_id: UUID
    provider_id: UUID
    provider_slug: str


@dataclass(frozen=True, kw_only=True)
class ProviderDisconnectionFailed:
    event_id: UUID
    occurred_at: datetime
    user_id: UUID
    connection_id: UUID
    provider_id: UUID
    provider_slug: str
    reason: str


@dataclass(frozen=True)
class Success:
    value: object


@dataclass(frozen=True)
class Failure:
    error: str


@dataclass(frozen=True, kw_only=True)
class ConnectProvider:
    user_id: UUID
    provider_id: UUID
    provider_slug: str
    credentials: ProviderCredentials | None
    alias: str | None = None


class ConnectProviderHandler:
    INVALID_CREDENTIALS = "Invalid or missing credentials"
    INVALID_PROVIDER_SLUG = "Invalid provider slug"
    DATABASE_ERROR = "Database error occurred"

    def __init__(self, connection_repo, event_bus) -> None:
        self._connection_repo = connection_repo
        self._event_bus = event_bus

    async def handle(self, cmd: ConnectProvider):
        await self._event_bus.publish(ProviderConnectionAttempted(
            event_id=uuid7(), occurred_at=datetime.now(UTC), user_id=cmd.user_id,
            provider_id=cmd.provider_id, provider_slug=cmd.provider_slug))
        try:
            if cmd.credentials is None:
                await self._failed(cmd, self.INVALID_CREDENTIALS)
                return Failure(error=self.INVALID_CREDENTIALS)
            if not cmd.provider_slug or len(cmd.provider_slug) > 50:
                await self._failed(cmd, self.INVALID_PROVIDER_SLUG)
                return Failure(error=self.INVALID_PROVIDER_SLUG)
            connection_id = uuid7()
            now = datetime.now(UTC)
            connection = ProviderConnection(
                id=connection_id, user_id=cmd.user_id, provider_id=cmd.provider_id,
                provider_slug=cmd.provider_slug, status=ConnectionStatus.ACTIVE, alias=cmd.alias,
                credentials=cmd.credentials, connected_at=now, created_at=now, updated_at=now)
            await self._connection_repo.save(connection)
            await self._event_bus.publish(ProviderConnectionSucceeded(
                event_id=uuid7(), occurred_at=datetime.now(UTC), user_id=cmd.user_id,
                connection_id=connection_id, provider_id=cmd.provider_id, provider_slug=cmd.provider_slug))
            return Success(value=connection_id)
        except Exception as error:  # the original's catch-all
            message = f"{self.DATABASE_ERROR}: {error}"
            await self._failed(cmd, message)
            return Failure(error=message)

    async def _failed(self, cmd: ConnectProvider, reason: str) -> None:
        await self._event_bus.publish(ProviderConnectionFailed(
            event_id=uuid7(), occurred_at=datetime.now(UTC), user_id=cmd.user_id,
            provider_id=cmd.provider_id, provider_slug=cmd.provider_slug, reason=reason))


@dataclass(frozen=True, kw_only=True)
class DisconnectProvider:
    user_id: UUID
    connection_id: UUID


class DisconnectProviderHandler:
    """A soft delete: the connection is kept, disconnected and without credentials."""

    CONNECTION_NOT_FOUND = "Connection not found"
    NOT_OWNED_BY_USER = "Connection not owned by user"
    DATABASE_ERROR = "Database error occurred"

    def __init__(self, connection_repo, event_bus) -> None:
        self._connection_repo = connection_repo
        self._event_bus = event_bus

    async def handle(self, cmd: DisconnectProvider):
        # The original reads and publishes Attempted before its try, so a failing read propagates.
        connection = await self._connection_repo.find_by_id(cmd.connection_id)
        provider_id = connection.provider_id if connection else cmd.connection_id
        provider_slug = connection.provider_slug if connection else "unknown"
        await self._event_bus.publish(ProviderDisconnectionAttempted(
            event_id=uuid7(), occurred_at=datetime.now(UTC), user_id=cmd.user_id,
            connection_id=cmd.connection_id, provider_id=provider_id, provider_slug=provider_slug))
        try:
            if connection is None:
                await self._failed(cmd, provider_id, provider_slug, self.CONNECTION_NOT_FOUND)
                return Failure(error=self.CONNECTION_NOT_FOUND)
            if connection.user_id != cmd.user_id:
                await self._failed(cmd, provider_id, provider_slug, self.NOT_OWNED_BY_USER)
                return Failure(error=self.NOT_OWNED_BY_USER)
            connection.mark_disconnected()  # always a Success; the original ignores it
            await self._connection_repo.save(connection)
            await self._event_bus.publish(ProviderDisconnectionSucceeded(
                event_id=uuid7(), occurred_at=datetime.now(UTC), user_id=cmd.user_id,
                connection_id=cmd.connection_id, provider_id=connection.provider_id,
                provider_slug=connection.provider_slug))
            return Success(value=None)
        except Exception as error:  # the original's catch-all
            message = f"{self.DATABASE_ERROR}: {error}"
            await self._failed(cmd, provider_id, provider_slug, message)
            return Failure(error=message)

    async def _failed(self, cmd: DisconnectProvider, provider_id: UUID, provider_slug: str, reason: str) -> None:
        await self._event_bus.publish(ProviderDisconnectionFailed(
            event_id=uuid7(), occurred_at=datetime.now(UTC), user_id=cmd.user_id,
            connection_id=cmd.connection_id, provider_id=provider_id, provider_slug=provider_slug, reason=reason))


@dataclass(frozen=True, kw_only=True)
class ListProviderConnections:
    user_id: UUID
    active_only: bool = False


@dataclass
class ProviderConnectionResult:
    """The original's view of a connection: never its credentials, only what can be said of them.

    can_sync, credential_type, credentials_expires_at and credential_expiry are not in the original's
    DTO; the port's view has them, so they are computed here with the original's own entity queries
    to give the list the same work to do.
    """

    id: UUID
    user_id: UUID
    provider_id: UUID
    provider_slug: str
    alias: str | None
    status: ConnectionStatus
    is_connected: bool
    needs_reauthentication: bool
    can_sync: bool
    credential_type: CredentialType | None
    credentials_expires_at: datetime | None
    credential_expiry: str | None
    connected_at: datetime | None
    last_sync_at: datetime | None
    created_at: datetime
    updated_at: datetime


def credential_expiry(connection: ProviderConnection) -> str | None:
    """The port's summary of the credentials' lifetime: none without credentials, else never, expired, expiring_soon or valid."""
    credentials = connection.credentials
    if credentials is None:
        return None
    if credentials.expires_at is None:
        return "never"
    if connection.is_credentials_expired():
        return "expired"
    return "expiring_soon" if connection.is_credentials_expiring_soon() else "valid"


def to_result(connection: ProviderConnection) -> ProviderConnectionResult:
    credentials = connection.credentials
    return ProviderConnectionResult(
        id=connection.id, user_id=connection.user_id, provider_id=connection.provider_id,
        provider_slug=connection.provider_slug, alias=connection.alias, status=connection.status,
        is_connected=connection.is_connected(), needs_reauthentication=connection.needs_reauthentication(),
        can_sync=connection.can_sync(),
        credential_type=credentials.credential_type if credentials else None,
        credentials_expires_at=credentials.expires_at if credentials else None,
        credential_expiry=credential_expiry(connection),
        connected_at=connection.connected_at, last_sync_at=connection.last_sync_at,
        created_at=connection.created_at, updated_at=connection.updated_at)


@dataclass
class ProviderConnectionListResult:
    connections: list[ProviderConnectionResult]
    total_count: int
    active_count: int


def newest_first(connection: ProviderConnection) -> datetime:
    return connection.created_at


class ListProviderConnectionsHandler:
    """Never a Failure, and no cache: the repository's answer, as views.

    The original keeps the repository's order, which has no ORDER BY; this sorts newest first, as the
    port's handler does, so the row measures the same work.
    """

    def __init__(self, connection_repo) -> None:
        self._connection_repo = connection_repo

    async def handle(self, query: ListProviderConnections):
        if query.active_only:
            found = await self._connection_repo.find_active_by_user(query.user_id)
        else:
            found = await self._connection_repo.find_by_user_id(query.user_id)
        views = [to_result(connection) for connection in sorted(found, key=newest_first, reverse=True)]
        active = sum(1 for view in views if view.status == ConnectionStatus.ACTIVE)
        return Success(value=ProviderConnectionListResult(connections=views, total_count=len(views), active_count=active))


class MemoryRepository:
    """Keeps the last 10,000 connections, as the JS rows' repository does."""

    def __init__(self) -> None:
        self.connections: dict[UUID, ProviderConnection] = {}

    async def save(self, connection: ProviderConnection) -> None:
        self.connections[connection.id] = connection
        if len(self.connections) >= 10_000:
            self.connections.clear()


class LifecycleRepository:
    """The JS lifecycle rows' repository: find_by_id reads back a fresh copy of one active connection,
    rebuilt and validated as the original's mapper would from a row, and find_by_user_id answers the
    same user's 20 connections. save keeps the last connection it was given."""

    def __init__(self, stored: ProviderConnection, connections: list[ProviderConnection]) -> None:
        self._stored = stored
        self._connections = connections
        self.saved: ProviderConnection | None = None

    async def find_by_id(self, connection_id: UUID) -> ProviderConnection | None:
        row = self._stored
        if row.id != connection_id:
            return None
        credentials = row.credentials
        return ProviderConnection(
            id=row.id, user_id=row.user_id, provider_id=row.provider_id, provider_slug=row.provider_slug,
            status=row.status, alias=row.alias,
            credentials=None if credentials is None else ProviderCredentials(
                encrypted_data=credentials.encrypted_data, credential_type=credentials.credential_type,
                expires_at=credentials.expires_at),
            connected_at=row.connected_at, last_sync_at=row.last_sync_at,
            created_at=row.created_at, updated_at=row.updated_at)

    async def find_by_user_id(self, user_id: UUID) -> list[ProviderConnection]:
        return self._connections

    async def find_active_by_user(self, user_id: UUID) -> list[ProviderConnection]:
        return [c for c in self._connections if c.status == ConnectionStatus.ACTIVE]

    async def save(self, connection: ProviderConnection) -> None:
        self.saved = connection


class MemoryBus:
    async def publish(self, event) -> None:
        pass


class RecordingBus(MemoryBus):
    """For the checks before timing: which events a command published, in order."""

    def __init__(self) -> None:
        self.events: list = []

    async def publish(self, event) -> None:
        self.events.append(event)


USER = UUID("0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b")


def numbered(n: int) -> UUID:
    return UUID(f"0190f5b2-3c4d-7e8f-9a0b-{n:012d}")


def record(n: int) -> ProviderConnection:
    """Connection n of the user, as lifecycle-rows.mjs builds it: every 5th disconnected without
    credentials, the others active with oauth2 credentials to 2027-01-01, an alias on odd n, and
    created on successive days."""
    at = datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(days=n)
    disconnected = n % 5 == 0
    return ProviderConnection(
        id=numbered(n), user_id=USER, provider_id=numbered(1000 + n),
        provider_slug=("schwab", "fidelity", "vanguard", "etrade")[n % 4],
        status=ConnectionStatus.DISCONNECTED if disconnected else ConnectionStatus.ACTIVE,
        alias=f"Account {n}" if n % 2 else None,
        credentials=None if disconnected else ProviderCredentials(
            encrypted_data=bytes([n]) * 64, credential_type=CredentialType.OAUTH2,
            expires_at=datetime(2027, 1, 1, tzinfo=UTC)),
        connected_at=at, last_sync_at=None, created_at=at, updated_at=at)


def check(ok: bool, what: str) -> None:
    """Raises rather than asserts, so `python -O` cannot let a failing path be timed."""
    if not ok:
        raise RuntimeError(f"bench self-check failed: {what}")


async def measure(handle, make, rounds: int, seconds: float) -> float:
    """Microseconds per command: the median of `rounds` rounds of about `seconds`, after one warm-up round."""
    samples = []
    for _ in range(rounds + 1):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(64):
                await handle(make())
            count += 64
        samples.append((time.perf_counter() - started) * 1e6 / count)
    return statistics.median(samples[1:])


async def main(rounds: int, seconds: float) -> None:
    handler = ConnectProviderHandler(MemoryRepository(), MemoryBus())
    user, provider = USER, UUID("0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c")
    expires = datetime(2027, 1, 1, tzinfo=UTC)

    def command() -> ConnectProvider:
        # As a route would build it from a request: the credentials value object, then the command.
        credentials = ProviderCredentials(encrypted_data=b"\x07" * 256, credential_type=CredentialType.OAUTH2, expires_at=expires)
        return ConnectProvider(user_id=user, provider_id=provider, provider_slug="schwab", alias="Retirement", credentials=credentials)

    check(isinstance(await handler.handle(command()), Success), "ConnectProvider did not succeed")
    connect_us = await measure(handler.handle, command, rounds, seconds)

    def lifecycle_repository() -> LifecycleRepository:
        return LifecycleRepository(record(1), [record(n) for n in range(1, 21)])

    disconnect = DisconnectProvider(user_id=USER, connection_id=numbered(1))
    repository, bus = lifecycle_repository(), RecordingBus()
    outcome = await DisconnectProviderHandler(repository, bus).handle(disconnect)
    check(outcome == Success(value=None), f"DisconnectProvider answered {outcome}")
    check(repository.saved is not None and repository.saved.status == ConnectionStatus.DISCONNECTED
          and repository.saved.credentials is None, "the saved connection is not disconnected without credentials")
    check([type(e) for e in bus.events] == [ProviderDisconnectionAttempted, ProviderDisconnectionSucceeded],
          f"DisconnectProvider published {[type(e).__name__ for e in bus.events]}")
    check((await repository.find_by_id(numbered(1))).status == ConnectionStatus.ACTIVE,
          "find_by_id no longer reads back an active connection")
    disconnect_us = await measure(
        DisconnectProviderHandler(lifecycle_repository(), MemoryBus()).handle, lambda: disconnect, rounds, seconds)

    list_query = ListProviderConnections(user_id=USER)
    lister = ListProviderConnectionsHandler(lifecycle_repository())
    listed = await lister.handle(list_query)
    check(isinstance(listed, Success), f"ListProviderConnections answered {listed}")
    views = listed.value.connections
    check(len(views) == 20 and listed.value.total_count == 20, f"listed {len(views)} connections, not 20")
    check(listed.value.active_count == 16, f"active_count is {listed.value.active_count}, not 16")
    check(all(a.created_at > b.created_at for a, b in zip(views, views[1:])), "the list is not newest first")
    check(views[0].id == numbered(20) and not views[0].is_connected and views[1].is_connected,
          "the views' computed fields are not as built")
    list20_us = await measure(lister.handle, lambda: list_query, rounds, seconds)

    print(json.dumps({"python": sys.version.split()[0], "us": connect_us, "disconnectUs": disconnect_us,
                      "list20Us": list20_us, "rounds": rounds}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7, float(sys.argv[2]) if len(sys.argv) > 2 else 0.3))
