"""What a session on the shared store follows besides its own work: the change feed
(other consoles' and the receivers' changes, and whether the store is reachable) and the
receivers' heartbeats, all reported on the session's loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from console.listener.intake import Change
from console.receipts_health import ReceiptsHealth, receipts_health, receivers_unknown
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.receivers import ReceiverBeat

if TYPE_CHECKING:
    from console.store.postgres.change_feed import ChangeFeed, FeedChange, FeedState

log = logging.getLogger(__name__)

# How often the receivers' heartbeats are read (they write one every 5 s), and how often
# what they say is told again, its times counted on.
RECEIVERS_INTERVAL = 5.0
RETELL_INTERVAL = 1.0


class SharedWatch:
    """Follows the shared store at ``url`` (with its password) for a session.

    ``add_changes`` takes changes on any thread; ``on_reachable(reachable, reason)`` and
    ``on_receipts(health)`` are called on the loop that started it.
    """

    def __init__(
        self,
        url: str,
        store: MessageStore,
        add_changes: Callable[[list[Change]], None],
        on_reachable: Callable[[bool, str | None], None],
        on_receipts: Callable[[ReceiptsHealth], None],
    ) -> None:
        self._url = url
        self._store = store
        self._add_changes = add_changes
        self._on_reachable = on_reachable
        self._on_receipts = on_receipts
        self._feed: ChangeFeed | None = None
        self._receivers: asyncio.Task[None] | None = None

    def start(self, *, watch_receivers: bool) -> None:
        # Imported here: psycopg loads libpq, which a SQLite user never needs.
        from console.store.postgres.change_feed import ChangeFeed

        loop = asyncio.get_running_loop()

        def changed(changes: list[FeedChange]) -> None:  # on the feed's thread
            # The kinds are the listener's, written by the schema's triggers.
            self._add_changes(cast(list[Change], changes))

        def state(state: FeedState) -> None:  # on the feed's thread
            loop.call_soon_threadsafe(self._on_reachable, state.reachable, state.reason)

        self._feed = ChangeFeed(self._url, changed, state)
        self._feed.start()
        if watch_receivers:
            self._receivers = loop.create_task(self._watch_receivers())

    async def stop(self) -> None:
        if self._receivers is not None:
            self._receivers.cancel()
        if self._feed is not None:
            feed, self._feed = self._feed, None
            await asyncio.to_thread(feed.stop)

    async def _watch_receivers(self) -> None:
        watched_since = time.time()
        healthy_since: float | None = None
        beats: list[ReceiverBeat] | None = None
        read_at = 0.0
        while True:
            now = time.time()
            if now - read_at >= RECEIVERS_INTERVAL:
                read_at = now
                try:
                    beats = self._store.receivers()
                except StoreError as exc:
                    log.debug("the receivers' heartbeats could not be read: %s", exc)
                    beats = None
                    self._on_receipts(receivers_unknown(str(exc)))
            if beats is not None:
                if any(beat.healthy(now) for beat in beats):
                    healthy_since = now
                # Said again every second: "last callback 3 s ago" keeps its count.
                self._on_receipts(receipts_health(beats, now, healthy_since, watched_since))
            await asyncio.sleep(min(RETELL_INTERVAL, RECEIVERS_INTERVAL))
