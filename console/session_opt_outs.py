"""Following the opt-out list on a store with no change feed (a SQLite file): the command
line, or another program, may change it while the window is open."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from console.store.errors import StoreError
from console.store.interface import MessageStore

log = logging.getLogger(__name__)

# How often the list's latest change is read: one indexed lookup.
OPT_OUT_INTERVAL = 2.0


async def follow_opt_outs(
    store: MessageStore,
    changed: Callable[[frozenset[str]], None],
    interval: float = OPT_OUT_INTERVAL,
) -> None:
    """Call ``changed`` with the numbers put on or taken off the list since the last look,
    until cancelled."""
    after: int | None = None
    while True:
        try:
            after, numbers = store.opt_out_changes(after)
        except StoreError as exc:
            log.warning("the opt-out list's changes could not be read: %s", exc)
        else:
            if numbers:
                changed(numbers)
        await asyncio.sleep(interval)
