"""Every console's live view of the shared store: the changes others commit, exactly once.

Triggers write one row per change to the ``changes`` table and NOTIFY at commit. The
notification only wakes the feed; the rows are the data. A row's ``seq`` is taken when it
is inserted, not when its transaction commits, so reading "after the last seq seen" would
miss a row whose transaction committed late. The feed therefore reads by transaction:
every transaction older than a snapshot's ``xmin`` has ended, and its rows are all
visible in that snapshot. Each read takes the rows of transactions from the watermark on
(the previous read's ``xmin``), delivers those not delivered yet, and moves the
watermark to its own ``xmin``. Only the rows of transactions still running at the last
read are read again, and they are remembered until the watermark passes them.

The feed runs on a thread of its own with a connection of its own, so a slow or lost
server never holds the caller's loop. Each read waits at most :data:`DEADLINE` for the
server, and the feed reads at least every :data:`SAFETY_INTERVAL` even when idle: a hung
server (stopped, or its network gone) is told unreachable within seconds. A lost
connection is opened again with a growing pause; the feed then reads on from its
watermark, so nothing is missed and nothing is delivered twice.

Receivers delete rows older than a day. A feed that has not read for half that time
(a laptop asleep overnight, a long outage) may have lost rows, so it delivers
:data:`EVERYTHING` instead: read the store again.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from console.store.postgres.connection import Redactor, open_connection
from console.store.receivers import FORGET_AFTER

log = logging.getLogger(__name__)

CHANNEL = "sms_console_changes"
FeedChange = tuple[str, str]  # (kind, message_id), as the listener's Change
# Anything may have changed: the rows that said what are gone.
EVERYTHING: FeedChange = ("everything", "")
# Half the receivers' FORGET_AFTER: a margin for their clocks against the server's.
CATCH_UP_LIMIT = FORGET_AFTER / 2

# Read even without a notification, in case one was lost with a connection, and to find a
# server that stopped answering.
SAFETY_INTERVAL = 2.0
# How long a read waits for the server before the feed takes it for out of reach.
DEADLINE = 3.0
# A burst of notifications is read at most this often.
MIN_READ_GAP = 0.02
FIRST_PAUSE = 0.5
LONGEST_PAUSE = 5.0

# One statement, so one snapshot: the rows, and the xmin that says which of them are final.
_READ = (
    "SELECT s.xmin::text, s.now, c.seq, c.xact::text, c.kind, c.message_id"
    " FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin,"
    " extract(epoch FROM statement_timestamp())::float8 AS now) s"
    " LEFT JOIN changes c ON c.xact >= %s::xid8 ORDER BY c.seq"
)
_XMIN = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text"

Row = tuple[int, int, str, str]  # seq, xact, kind, message_id


@dataclass(frozen=True)
class FeedState:
    """Whether the feed reaches the shared store; ``reason`` says why not (no password)."""

    reachable: bool
    reason: str | None = None


class ChangeCursor:
    """Which changes have been delivered: the watermark (an xid), and the seqs delivered
    of transactions from the watermark on; and when it last read, by the server's clock."""

    def __init__(self, watermark: int, catch_up_limit: float | None = None) -> None:
        self.watermark = watermark
        self._delivered: set[int] = set()
        self._catch_up_limit = CATCH_UP_LIMIT if catch_up_limit is None else catch_up_limit
        self._read_at: float | None = None

    def take(self, rows: Iterable[Row], xmin: int) -> list[FeedChange]:
        """The changes among ``rows`` not delivered before, in seq order.

        ``rows``: every row visible in one snapshot whose transaction is at or above the
        watermark; ``xmin``: that snapshot's xmin.
        """
        rows = sorted(rows)
        fresh = [
            (kind, message_id) for seq, _x, kind, message_id in rows if seq not in self._delivered
        ]
        # Every transaction below xmin has ended and its rows were all in this snapshot:
        # no row of theirs is read again, so none needs remembering.
        self.watermark = max(self.watermark, xmin)
        self._delivered = {seq for seq, xact, _kind, _id in rows if xact >= self.watermark}
        return fresh

    def read(self, conn: psycopg.Connection[Any]) -> list[FeedChange]:
        """Read and take the changes committed since the last read (``conn`` autocommit)."""
        found = conn.execute(_READ, (str(self.watermark),)).fetchall()
        rows = [
            (seq, int(xact), kind, mid)
            for _x, _now, seq, xact, kind, mid in found
            if seq is not None
        ]
        fresh = self.take(rows, int(found[0][0]))
        now: float = found[0][1]
        last, self._read_at = self._read_at, now
        if last is not None and now - last > self._catch_up_limit:
            return [EVERYTHING]
        return fresh


def current_watermark(conn: psycopg.Connection[Any]) -> int:
    """The xmin of a snapshot taken now: where a feed starting now reads from."""
    found = conn.execute(_XMIN).fetchone()
    assert found is not None
    return int(found[0])


class ChangeFeed:
    """Delivers the shared store's changes to ``on_changes`` and its reachability to
    ``on_state`` (each called on the feed's thread; ``on_state`` on every change of state).

    Changes committed before :meth:`start` are not delivered: they are the store as the
    caller reads it after starting the feed.
    """

    def __init__(
        self,
        url: str,
        on_changes: Callable[[list[FeedChange]], None],
        on_state: Callable[[FeedState], None] = lambda _state: None,
        *,
        safety_interval: float = SAFETY_INTERVAL,
        first_pause: float = FIRST_PAUSE,
        longest_pause: float = LONGEST_PAUSE,
        catch_up_limit: float | None = None,
    ) -> None:
        self._url = url
        self._redact = Redactor(url)
        self._on_changes = on_changes
        self._on_state = on_state
        self._safety_interval = safety_interval
        self._first_pause = first_pause
        self._longest_pause = longest_pause
        self._catch_up_limit = catch_up_limit
        self._cursor: ChangeCursor | None = None
        self._state: FeedState | None = None
        self._stopping = threading.Event()
        self._recheck = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> FeedState | None:
        """The last state reported; None before the first connection was tried."""
        return self._state

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="change-feed", daemon=True)
        self._thread.start()

    def recheck(self) -> None:
        """Read now and report the state found, even if it is the one reported last (the
        caller found its own connection lost, and waits to hear the server is back)."""
        self._recheck.set()
        self._wake_w.send(b"x")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop reading and close the connection (at once, even while reconnecting)."""
        self._stopping.set()
        self._wake_w.send(b"x")
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return  # still connecting: it ends when libpq gives up
        self._wake_r.close()
        self._wake_w.close()

    # The feed's thread ---------------------------------------------------------------------

    def _run(self) -> None:
        pause = self._first_pause
        while not self._stopping.is_set():
            try:
                with self._connect() as conn:
                    self._follow(conn)
                pause = self._first_pause
            except psycopg.Error as exc:
                if self._stopping.is_set():
                    break
                self._report(FeedState(False, self._redact(_reason(exc))))
                self._stopping.wait(pause)
                pause = min(pause * 2, self._longest_pause)

    def _connect(self) -> psycopg.Connection[Any]:
        conn = open_connection(self._url, DEADLINE, autocommit=True)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _follow(self, conn: psycopg.Connection[Any]) -> None:
        """Read on every notification (and every safety interval) until stopped."""
        if self._cursor is None:
            cursor = ChangeCursor(current_watermark(conn), self._catch_up_limit)
            cursor.read(conn)  # the changes of transactions that ended before the start
            self._cursor = cursor
        cursor = self._cursor
        self._deliver(cursor.read(conn))  # what was committed while away
        self._report(FeedState(True))
        while not self._stopping.is_set():
            # Notifications that came during the last read are in psycopg's backlog, not
            # on the socket.
            if not _notified(conn):
                ready, _, _ = select.select(
                    [conn.fileno(), self._wake_r.fileno()], [], [], self._safety_interval
                )
                if self._wake_r.fileno() in ready:
                    self._wake_r.recv(1024)
                    if self._stopping.is_set():
                        return
                # Reads them off the socket; a lost connection raises here.
                elif ready and _notified(conn) and self._stopping.wait(MIN_READ_GAP):
                    return  # (the pause lets the rest of a burst arrive, read at once)
            if self._recheck.is_set():
                self._recheck.clear()
                self._state = None
            self._deliver(cursor.read(conn))
            self._report(FeedState(True))

    def _deliver(self, changes: list[FeedChange]) -> None:
        if changes:
            self._on_changes(changes)

    def _report(self, state: FeedState) -> None:
        if state == self._state:
            return
        self._state = state
        if state.reachable:
            log.info("the shared store's change feed is connected")
        else:
            log.warning("the shared store is out of reach: %s", state.reason)
        self._on_state(state)


def _notified(conn: psycopg.Connection[Any]) -> bool:
    return bool(list(conn.notifies(timeout=0)))


def _reason(exc: psycopg.Error) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
