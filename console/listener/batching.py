"""Group commit: callbacks that arrive together are made durable in one transaction.

Each request is decoded as it comes and awaits its own verdict; the writer takes
everything queued, commits it in one transaction, then answers them all. A lone callback
is committed in the next pass of the event loop. While a commit is under way, what
arrives waits and goes in the next batch as soon as the commit ends: under load, batches
grow by themselves, with no pass of the loop spent waiting for them.

The event loop never waits on the store for long:
- The commit, which waits for the disk (each batch must survive a power cut), runs in a
  thread of its own while the loop goes on reading the next requests; the batch is
  answered once it is done. A store across the network (PostgreSQL) has the whole batch
  written there, on one of its connections, while the others write the next batches.
- When another program holds the write lock, the batch is tried again between other
  work, and a callback that cannot be stored within ``lock_wait`` seconds is answered 503
  (the provider delivers it again).
- Each callback is decoded in its request's own turn, not all at once with its batch; a
  large body a piece at a time, between other work (``large_form``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from console.listener.config import LARGE_BODY
from console.listener.form import DEFAULT_LIMITS, FieldLimits
from console.listener.intake import (
    DEFAULT_KEYWORDS,
    Change,
    Delivery,
    Verdict,
    interpret,
    interpret_large,
    verdict,
)
from console.protocol.keywords import KeywordRules
from console.store.errors import StoreBusy, StoreError
from console.store.interface import MessageStore
from console.store.models import CallbackItem

log = logging.getLogger(__name__)

# Between tries at a locked store; each try itself waits at most the store's busy timeout.
LOCK_RETRY_INTERVAL = 0.025


class StorageUnavailable(Exception):
    """The callback could not be stored; answer so that the provider delivers it again."""


# A callback waiting for its batch: decoded, its answer to come, and when it stops waiting
# for a locked store (loop time). A plain tuple: one is made for each callback.
_Queued = tuple[CallbackItem, "asyncio.Future[Verdict]", float]


class BatchWriter:
    def __init__(
        self,
        store: MessageStore,
        on_changes: Callable[[list[Change]], None] | None = None,
        *,
        lock_wait: float = 2.0,
        limits: FieldLimits = DEFAULT_LIMITS,
        spares: Sequence[MessageStore] = (),
        keywords: KeywordRules = DEFAULT_KEYWORDS,
        on_storing: Callable[[str | None], object] | None = None,
    ) -> None:
        """``spares``: more connections to a remote store, each writing a batch of its own
        while the others wait for their commits. ``keywords``: what a reply's text may be
        (an opt-out changes the opt-out list in the reply's own transaction).
        ``on_storing(reason)``: batches stopped being stored, and why; ``on_storing(None)``:
        they are stored again."""
        self._store = store
        # A remote store's connections not writing a batch now.
        self._idle = [store, *spares]
        self._limits = limits
        self._keywords = keywords
        self._on_changes = on_changes
        self._lock_wait = lock_wait
        self._pending: list[_Queued] = []
        self._scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._committer = ThreadPoolExecutor(len(self._idle), thread_name_prefix="callback-commit")
        self._committing = False
        # When a batch was last committed (the heartbeat reports it); None before the first.
        self.last_stored_at: float | None = None
        self._failing = False  # the last batch could not be stored
        self._on_storing = on_storing

    def close(self) -> None:
        """Wait for the commit under way, if any, and stop the thread that makes them."""
        self._committer.shutdown(wait=True)

    async def submit(self, delivery: Delivery) -> Verdict:
        """The verdict for ``delivery`` once it is committed.

        Raises:
            StorageUnavailable: not stored.
        """
        loop = self._loop
        if loop is None:
            # Looked up once: on POSIX each look-up is a system call (getpid).
            loop = self._loop = asyncio.get_running_loop()
        try:
            if len(delivery.body) > LARGE_BODY:
                item = await interpret_large(delivery, self._limits, self._keywords)
            else:
                item = interpret(delivery, self._limits, self._keywords)
        except Exception:
            # A fault of ours, not the callback's: 503, so that the provider delivers again.
            log.exception("could not read a callback")
            raise StorageUnavailable("the callback could not be processed") from None
        future: asyncio.Future[Verdict] = loop.create_future()
        self._pending.append((item, future, loop.time() + self._lock_wait))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._scheduled = False
        if self._store.remote:
            if self._idle and self._pending:
                batch, self._pending = self._pending, []
                self._record_in_thread(self._idle.pop(0), batch)
            return  # else the end of a batch under way flushes again
        if self._committing:
            return  # the commit's end flushes again
        batch, self._pending = self._pending, []
        items = [item for item, _future, _give_up_at in batch]
        try:
            results = self._store.stage_callbacks(items)
        except Exception as exc:
            self._not_stored(batch, exc)
            return
        verdicts = [verdict(item, new) for item, new in zip(items, results, strict=True)]
        loop = self._loop
        assert loop is not None  # set by the submit that queued the batch
        self._committing = True

        def back_to_the_loop(committed: Future[None]) -> None:
            # Called in the commit's thread. Straight to the loop: an asyncio future would
            # take one pass more, and each pass is long when many clients are busy.
            loop.call_soon_threadsafe(self._committed, committed.exception(), batch, verdicts)

        self._committer.submit(self._store.commit_staged).add_done_callback(back_to_the_loop)

    def _record_in_thread(self, store: MessageStore, batch: list[_Queued]) -> None:
        """A store across the network: each of its statements waits for the server, so
        the whole batch is written in a thread of the committer, and the loop goes on
        reading requests meanwhile (and hands them to another connection, if one is idle)."""
        loop = self._loop
        assert loop is not None  # set by the submit that queued the batch
        items = [item for item, _future, _give_up_at in batch]

        def back_to_the_loop(recorded: Future[list[bool]]) -> None:
            loop.call_soon_threadsafe(self._recorded, store, recorded, batch, items)

        self._committer.submit(store.record_callbacks, items).add_done_callback(back_to_the_loop)

    def _recorded(
        self,
        store: MessageStore,
        recorded: Future[list[bool]],
        batch: list[_Queued],
        items: list[CallbackItem],
    ) -> None:
        self._idle.append(store)
        failure = recorded.exception()
        if failure is None:
            results = recorded.result()
            self._answer(batch, [verdict(i, new) for i, new in zip(items, results, strict=True)])
        else:
            self._not_stored(batch, failure)
        if self._pending and not self._scheduled:
            self._flush()

    def _not_stored(self, batch: list[_Queued], failure: BaseException) -> None:
        if isinstance(failure, StoreBusy):
            self._wait_for_lock(batch)
            return
        if isinstance(failure, StoreError):
            # The store said what went wrong (a shared store unreachable, say): no trace.
            log.error("could not store %s: %s", callbacks(len(batch)), failure)
        else:
            log.error("could not store %s", callbacks(len(batch)), exc_info=failure)
        self._failed(str(failure) if isinstance(failure, StoreError) else type(failure).__name__)
        # Whatever went wrong, every request of the batch gets an answer (503, so the
        # provider delivers again) rather than waiting for one forever.
        self._fail(batch, StorageUnavailable("storage unavailable"))

    def _committed(
        self, failure: BaseException | None, batch: list[_Queued], verdicts: list[Verdict]
    ) -> None:
        self._committing = False
        if failure is not None:
            log.error("could not commit %s: %s", callbacks(len(batch)), failure)
            self._failed(str(failure))
            self._fail(batch, StorageUnavailable("storage unavailable"))
        else:
            self._answer(batch, verdicts)
        if self._pending and not self._scheduled:
            # What came during the commit has waited long enough: staged in this same pass.
            self._flush()

    def _answer(self, batch: list[_Queued], verdicts: list[Verdict]) -> None:
        """Answer a committed batch."""
        self.last_stored_at = time.time()
        if self._failing:
            self._failing = False
            log.info("callbacks are stored again")
            if self._on_storing is not None:
                self._on_storing(None)
        for (_item, future, _give_up_at), outcome in zip(batch, verdicts, strict=True):
            if not future.done():
                future.set_result(outcome)
        changes = [v.change for v in verdicts if v.change is not None]
        if changes and self._on_changes is not None:
            self._on_changes(changes)

    def _failed(self, reason: str) -> None:
        if not self._failing and self._on_storing is not None:
            self._on_storing(reason)
        self._failing = True

    def _wait_for_lock(self, batch: list[_Queued]) -> None:
        assert self._loop is not None  # set by the submit that queued the batch
        now = self._loop.time()
        expired = [queued for queued in batch if queued[2] <= now]
        if expired:
            log.warning("the store stayed locked; %s answered 503", callbacks(len(expired)))
            self._fail(expired, StorageUnavailable("storage busy"))
        waiting = [queued for queued in batch if queued[2] > now and not queued[1].done()]
        self._pending = waiting + self._pending
        if self._pending and not self._scheduled:
            self._scheduled = True
            self._loop.call_later(LOCK_RETRY_INTERVAL, self._flush)

    @staticmethod
    def _fail(batch: list[_Queued], error: StorageUnavailable) -> None:
        for _item, future, _give_up_at in batch:
            if not future.done():
                future.set_exception(error)


def callbacks(count: int) -> str:
    return "1 callback" if count == 1 else f"{count} callbacks"
