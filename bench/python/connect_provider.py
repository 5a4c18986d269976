"""The original service's ConnectProvider handler, re-created for the bench on asyncio.

Written from the handler's published page and the domain's fact sheet: frozen credentials checked
on construction, the entity's __post_init__ invariants, three frozen event dataclasses with uuid7
ids, Result values, and async in-memory adapters, so the wasm handler can be read against the
service it replaces, on the same machine. Prints one
JSON line: microseconds per command over about `seconds`, the median of `rounds` rounds.

    python3 bench/python/connect_provider.py [rounds] [seconds-per-round]
"""

import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    ACTIVE = "active"


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


class MemoryRepository:
    """Keeps the last 10,000 connections, as the JS rows' repository does."""

    def __init__(self) -> None:
        self.connections: dict[UUID, ProviderConnection] = {}

    async def save(self, connection: ProviderConnection) -> None:
        self.connections[connection.id] = connection
        if len(self.connections) >= 10_000:
            self.connections.clear()


class MemoryBus:
    async def publish(self, event) -> None:
        pass


async def main(rounds: int, seconds: float) -> None:
    handler = ConnectProviderHandler(MemoryRepository(), MemoryBus())
    user, provider = UUID("0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b"), UUID("0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c")
    expires = datetime(2027, 1, 1, tzinfo=UTC)

    def command() -> ConnectProvider:
        # As a route would build it from a request: the credentials value object, then the command.
        credentials = ProviderCredentials(encrypted_data=b"\x07" * 256, credential_type=CredentialType.OAUTH2, expires_at=expires)
        return ConnectProvider(user_id=user, provider_id=provider, provider_slug="schwab", alias="Retirement", credentials=credentials)

    assert isinstance(await handler.handle(command()), Success)
    samples = []
    for _ in range(rounds + 1):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(64):
                await handler.handle(command())
            count += 64
        samples.append((time.perf_counter() - started) * 1e6 / count)
    print(json.dumps({"python": sys.version.split()[0], "us": statistics.median(samples[1:]), "rounds": rounds}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7, float(sys.argv[2]) if len(sys.argv) > 2 else 0.3))
