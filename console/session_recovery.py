"""Finishing what a stopped console left behind: the active profile's undecided messages
that nobody holds (their console was closed or killed mid-send, and its lease ran out).

They are taken with the store's claims, so two consoles starting together never both
send one, and finished with their own message_id under the usual retry rules (a
duplicate answer after a lost one means the first attempt went through).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.models import Claim

log = logging.getLogger(__name__)

# How often the store is looked at again: a lease left by a killed console runs out
# within a minute (see console.sending.claims).
RECOVERY_INTERVAL = 30.0
# Messages taken at a time; the rest wait for the next look.
_BATCH = 100
# Older undecided messages are not sent by surprise: `sms-console resume` finishes them
# when an operator asks.
RECOVER_WITHIN = 86_400.0


def claim_left_over(store: MessageStore, claim: Claim, profile: str) -> list[str]:
    """Take the undecided messages of ``profile`` nobody holds, from the last
    :data:`RECOVER_WITHIN` seconds; their message_ids.

    Raises:
        StoreError: the store could not be read or written.
    """
    mine: list[str] = []
    since = time.time() - RECOVER_WITHIN
    for message in store.claim_undecided(claim, limit=_BATCH, since=since):
        if message.profile == profile:
            mine.append(message.message_id)
        else:
            # Another profile's: its own console, or `resume`, finishes it.
            store.release_claim(claim, message.message_id)
    return mine


async def recover(
    store: MessageStore,
    claim: Claim,
    profile: str,
    deliver: Callable[[str], None],
    interval: float = RECOVERY_INTERVAL,
) -> None:
    """Hand each left-over message of ``profile`` to ``deliver``, now and every
    ``interval`` seconds, until cancelled."""
    while True:
        try:
            left = claim_left_over(store, claim, profile)
        except StoreError as exc:
            log.warning("could not look for messages left unsent: %s", exc)
        else:
            for message_id in left:
                log.info("finishing message %s, left undecided", message_id)
                deliver(message_id)
        await asyncio.sleep(interval)
