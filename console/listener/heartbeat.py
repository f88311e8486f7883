"""A receiver's heartbeat: its row in the store (see console.store.receivers), kept on a
thread and a connection of its own, so that neither waits for the callbacks' commits.

It registers the receiver when it starts (first deleting the rows left by receivers of
this host whose process is gone: one killed and started again by its service manager
would otherwise show as not answering for long), refreshes the row every few seconds with the
time of the last callback stored (read from the batch writer: no write per callback),
trims what receivers leave behind, and deletes the row when the receiver stops cleanly.
While the store cannot be reached it says so once, and goes on trying.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from console.store import StoreLocation, deadlines, open_store
from console.store.interface import MessageStore, StoreOpener
from console.store.receivers import HEARTBEAT_INTERVAL, ReceiverBeat, new_receiver_id

log = logging.getLogger(__name__)

# A beat waits this long for the callbacks' commits on a SQLite store (on its own thread:
# the listener does not wait for it).
_BUSY_TIMEOUT = 5.0


def heartbeat_store(location: StoreLocation) -> StoreOpener:
    """Opens the store at ``location`` for the heartbeat's thread."""
    return functools.partial(
        open_store,
        location,
        busy_timeout=_BUSY_TIMEOUT,
        any_thread=True,
        deadline=deadlines.RECEIVER,
    )


class Heartbeat:
    def __init__(
        self,
        open_store: StoreOpener,
        last_callback: Callable[[], float | None],
        *,
        interval: float = HEARTBEAT_INTERVAL,
    ) -> None:
        self._open_store = open_store
        self._last_callback = last_callback
        self._interval = interval
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.receiver_id = new_receiver_id(self.host, self.pid)
        self.started_at = time.time()
        self._store: MessageStore | None = None
        self._failing = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Register the receiver (before returning, when the store answers), then beat on
        a thread of its own."""
        self._beat()
        self._thread = threading.Thread(target=self._run, name="receiver-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and delete the receiver's row: it is gone, not stale."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._store is None:
            return
        try:
            self._store.receiver_gone(self.receiver_id)
        except Exception as exc:  # the row goes stale instead; the receiver stops anyway
            log.warning("could not remove this receiver's heartbeat: %s", exc)
        finally:
            self._store.close()
            self._store = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._beat()

    def _beat(self) -> None:
        now = time.time()
        beat = ReceiverBeat(
            self.receiver_id, self.host, self.pid, self.started_at, now, self._last_callback()
        )
        try:
            if self._store is None:
                self._store = self._open_store()
                self._forget_dead_here(self._store)
            self._store.receiver_beat(beat)
            self._store.forget_old(now)
        except Exception as exc:
            # Whatever the store raises (it may not even open): the receiver goes on
            # answering, and the next beat tries again.
            if not self._failing:
                log.warning("the heartbeat could not be stored (trying again): %s", exc)
            self._failing = True
            return
        if self._failing:
            log.info("the heartbeat is stored again")
            self._failing = False

    def _forget_dead_here(self, store: MessageStore) -> None:
        """Delete the rows of this host's receivers whose process is no longer running
        (only this host's: a pid says nothing about another host's processes)."""
        for beat in store.receivers():
            if beat.host == self.host and beat.pid != self.pid and not _running(beat.pid):
                store.receiver_gone(beat.receiver_id)
                log.info("removed the heartbeat of receiver pid %d, which is gone", beat.pid)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
