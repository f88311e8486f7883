"""This console's hold on the messages it sends (team mode's claims).

While a console sends a message it holds it in the store for a lease, renewed every third
of the lease while the work goes on and released once the message is decided. Another
console (``sms-console resume``, or this one restarted) may take a message over only once
its lease has run out: it then finishes it with the same message_id, and the provider's
duplicate answer tells it when the first console's attempt had gone through.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from contextlib import suppress
from functools import cache

from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.models import Claim

log = logging.getLogger(__name__)

# How long a hold lasts unless renewed: long enough that a busy console never loses one,
# short enough that a message a killed console held is finished within a minute or so.
DEFAULT_LEASE = 60.0


class ClaimedElsewhere(Exception):
    """Another console holds the message and its lease has not run out."""

    def __init__(self, message_id: str) -> None:
        super().__init__(f"message {message_id} is being sent by another console")
        self.message_id = message_id


@cache
def console_owner() -> str:
    """This running program's name as a lease owner: host, process id and a random part
    (process ids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Claims:
    """The messages one console holds in ``store``; renews their leases in the running
    loop while it holds any."""

    def __init__(self, store: MessageStore, claim: Claim) -> None:
        self.claim = claim
        self._store = store
        self._held: set[str] = set()
        self._renewing: asyncio.Task[None] | None = None

    @property
    def held(self) -> frozenset[str]:
        return frozenset(self._held)

    def take(self, message_id: str) -> bool:
        """Hold ``message_id`` (again), extending the lease; False while another console
        holds it."""
        return self._store.claim_message(message_id, self.claim)

    def hold(self, message_ids: list[str]) -> None:
        """Keep renewing the leases of these messages, taken already, until dropped."""
        self._held.update(message_ids)
        if self._held and (self._renewing is None or self._renewing.done()):
            self._renewing = asyncio.get_running_loop().create_task(self._renew())

    def drop(self, message_id: str) -> None:
        """Stop renewing and release ``message_id``: another console may take it now."""
        self._held.discard(message_id)
        if not self._held and self._renewing is not None:
            self._renewing.cancel()
            self._renewing = None
        try:
            self._store.release_claim(self.claim, message_id)
        except StoreError as exc:
            # The lease runs out by itself.
            log.warning("message %s could not be released: %s", message_id, exc)

    async def _renew(self) -> None:
        while self._held:
            await asyncio.sleep(self.claim.seconds / 3)
            ids = sorted(self._held)
            try:
                still = self._store.renew_claims(self.claim, ids)
            except StoreError as exc:
                log.warning("the leases of %d message(s) could not be renewed: %s", len(ids), exc)
                continue
            for message_id in set(ids) - still:
                if message_id in self._held:
                    log.warning("message %s was taken over by another console", message_id)
                    self._held.discard(message_id)

    async def close(self) -> None:
        """Stop renewing (the leases held run out by themselves)."""
        task, self._renewing = self._renewing, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
