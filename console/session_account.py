"""A session's account: one profile's HTTP client and sending engine."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from console.keychain import Credentials
from console.sending.engine import EngineSettings, SendingEngine, http_client
from console.sending.policy import RetrySettings
from console.settings import Profile
from console.store.interface import MessageStore


def engine_settings(profile: Profile) -> EngineSettings:
    return EngineSettings(
        retry=RetrySettings(wait=profile.retry_wait, max_attempts=profile.max_attempts),
        rate=profile.messages_per_second,
    )


# What an account's client and engine were made from: any other change leaves them be.
_SENDING_FIELDS = (
    "name", "login", "endpoint", "method", "messages_per_second", "retry_wait",
    "max_attempts", "timeout",
)  # fmt: skip


def same_sending(old: Profile, new: Profile) -> bool:
    return all(getattr(old, name) == getattr(new, name) for name in _SENDING_FIELDS)


class Account:
    """One profile's HTTP client and engine; closed once its sends in flight are over."""

    def __init__(
        self,
        profile: Profile,
        credentials: Credentials,
        store: MessageStore,
        on_change: Callable[[str], None],
    ) -> None:
        self.profile = profile
        self.credentials = credentials
        self.client = http_client(profile.timeout)
        self.engine = SendingEngine(
            store, self.client, credentials, engine_settings(profile), on_change=on_change
        )
        self.tasks: set[asyncio.Task[None]] = set()
        # Finishing what a stopped console left (see console.session_recovery).
        self.recovery: asyncio.Task[None] | None = None

    async def close(self) -> None:
        if self.recovery is not None:
            self.recovery.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.client.aclose()
