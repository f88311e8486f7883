"""What a session on the shared store follows besides its own work: the change feed
(other consoles' and the receivers' changes, and whether the store is reachable) and the
receivers' heartbeats, all reported on the session's loop.

The session's store is used on the window's thread, so it never waits to connect: while
the feed finds the server out of reach, or once a call found its connection lost (the
server did not answer within :data:`console.store.deadlines.WINDOW`), the store is held
and every call fails at once. The feed's thread keeps trying; once it reaches the server,
the store connects again off the loop, and only then is the store said reachable.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from console.listener.intake import Change
from console.receipts_health import ReceiptsHealth, receipts_health, receivers_unknown
from console.store import StoreLocation, deadlines, open_store
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.receivers import ReceiverBeat

if TYPE_CHECKING:
    from console.store.postgres.change_feed import ChangeFeed, FeedChange, FeedState
    from console.store.postgres.store import PostgresStore

log = logging.getLogger(__name__)

# How often the receivers' heartbeats are read (they write one every 5 s), and how often
# what they say is told again, its times counted on.
RECEIVERS_INTERVAL = 5.0
RETELL_INTERVAL = 1.0
# A store that could not connect again while the feed reaches the server (its schema
# check failed, say) tries again after this pause.
RECONNECT_PAUSE = 1.0
# Changes that mean a receiver stored a callback.
_CALLBACK_KINDS = frozenset({"receipt", "reply"})


class SharedWatch:
    """Follows the shared store at ``location`` (with its password) for a session whose
    store is ``store``.

    ``add_changes`` takes changes on any thread; ``on_reachable(reachable, reason)`` and
    ``on_receipts(health)`` are called on the loop that started it.
    """

    def __init__(
        self,
        location: StoreLocation,
        store: MessageStore,
        add_changes: Callable[[list[Change]], None],
        on_reachable: Callable[[bool, str | None], None],
        on_receipts: Callable[[ReceiptsHealth], None],
    ) -> None:
        self._location = location
        self._store = cast("PostgresStore", store)
        self._add_changes = add_changes
        self._on_reachable = on_reachable
        self._on_receipts = on_receipts
        self._feed: ChangeFeed | None = None
        self._reachable = True  # as the feed last said
        self._reconnecting: asyncio.Task[None] | None = None
        self._receivers: asyncio.Task[None] | None = None
        # The heartbeats are read on a thread of their own, with a store of their own.
        self._reader: MessageStore | None = None
        self._reader_lock = threading.Lock()
        self._stopped = False
        # Changes that came while the store was held, told once it is connected again:
        # reading them before would fail.
        self._held_changes: list[Change] = []
        self._held_lock = threading.Lock()
        # When the feed last brought a receipt or reply: a callback this recent was
        # stored, whatever the heartbeats (written every few seconds) say yet.
        self._heard_at: float | None = None

    def start(self, *, watch_receivers: bool) -> None:
        # Imported here: psycopg loads libpq, which a SQLite user never needs.
        from console.store.postgres.change_feed import ChangeFeed

        loop = asyncio.get_running_loop()

        def changed(changes: list[FeedChange]) -> None:  # on the feed's thread
            if any(kind in _CALLBACK_KINDS for kind, _id in changes):
                self._heard_at = time.time()
            # The kinds are the listener's, written by the schema's triggers.
            with self._held_lock:
                if self._store.held:
                    self._held_changes += cast(list[Change], changes)
                    return
            self._add_changes(cast(list[Change], changes))

        def state(state: FeedState) -> None:  # on the feed's thread
            loop.call_soon_threadsafe(self._feed_state, state.reachable, state.reason)

        def lost(reason: str) -> None:  # on the thread of the call that found it
            loop.call_soon_threadsafe(self._lost, reason)

        self._store.hold_when_lost(lost)
        self._feed = ChangeFeed(self._location.connection_url(), changed, state)
        self._feed.start()
        if watch_receivers:
            self._receivers = loop.create_task(self._watch_receivers())

    async def stop(self) -> None:
        if self._receivers is not None:
            self._receivers.cancel()
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._feed is not None:
            feed, self._feed = self._feed, None
            await asyncio.to_thread(feed.stop)
        await asyncio.to_thread(self._close_reader)

    # Reachability --------------------------------------------------------------------------

    def _feed_state(self, reachable: bool, reason: str | None) -> None:
        if self._feed is None:
            return  # told before the feed stopped, heard after: nobody follows now
        self._reachable = reachable
        if not reachable:
            self._store.hold(reason)
            self._on_reachable(False, reason)
        elif self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    def _lost(self, reason: str) -> None:
        """The store found its connection lost, and holds it: the feed is asked whether
        the server answers, and the store connects again once it does."""
        if self._feed is None:
            return
        self._on_reachable(False, reason)
        self._feed.recheck()

    async def _reconnect(self) -> None:
        try:
            if self._store.held:
                # The server may have restarted: the connection is then gone, unseen.
                await asyncio.to_thread(self._store.reconnect)
        except StoreError as exc:
            log.warning("the shared store could not be connected again: %s", exc)
            await asyncio.sleep(RECONNECT_PAUSE)
            if self._feed is not None:
                self._feed.recheck()
            return
        finally:
            self._reconnecting = None
        if self._reachable and self._feed is not None:
            with self._held_lock:
                self._store.hold(None)
                changes, self._held_changes = self._held_changes, []
            self._on_reachable(True, None)
            self._add_changes(changes)

    # The receivers' heartbeats ---------------------------------------------------------------

    async def _watch_receivers(self) -> None:
        watched_since = time.time()
        healthy_since: float | None = None
        beats: list[ReceiverBeat] | None = None
        read_at = 0.0
        while True:
            if time.time() - read_at >= RECEIVERS_INTERVAL:
                read_at = time.time()
                try:
                    beats = await asyncio.to_thread(self._read_receivers)
                except StoreError as exc:
                    log.debug("the receivers' heartbeats could not be read: %s", exc)
                    beats = None
                    self._on_receipts(receivers_unknown(str(exc)))
            now = time.time()
            if beats is not None:
                if any(beat.healthy(now) for beat in beats):
                    healthy_since = now
                # Said again every second: "last callback 3 s ago" keeps its count.
                health = receipts_health(beats, now, healthy_since, watched_since, self._heard_at)
                self._on_receipts(health)
            await asyncio.sleep(min(RETELL_INTERVAL, RECEIVERS_INTERVAL))

    def _read_receivers(self) -> list[ReceiverBeat]:
        with self._reader_lock:
            if self._stopped:
                raise StoreError("the session is closing")
            if self._reader is None:
                self._reader = open_store(
                    self._location, any_thread=True, deadline=deadlines.HEARTBEATS
                )
            return self._reader.receivers()

    def _close_reader(self) -> None:
        with self._reader_lock:
            self._stopped = True
            if self._reader is not None:
                self._reader.close()
                self._reader = None
