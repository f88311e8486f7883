"""Group commit: callbacks that arrive together are made durable in one transaction.

Each request awaits its own verdict; the writer takes everything queued, decodes it,
commits it in one transaction, then answers them all. A lone callback is committed in the
next pass of the event loop. Under load (the last batch held more than one) the writer
waits one pass more, which about doubles the batch: a commit costs several system calls
whatever its size, so this saves more than the wait costs.

The event loop never waits on the store for long:
- The commit, which waits for the disk (each batch must survive a power cut), runs in a
  thread of its own while the loop goes on reading the next requests; the batch is
  answered once it is done.
- When another program holds the write lock, the batch is tried again between other
  work, and a callback that cannot be stored within ``lock_wait`` seconds is answered 503
  (the provider delivers it again).
- A large body is decoded before it joins a batch, a piece at a time between other work
  (``large_form``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from console.listener.config import LARGE_BODY
from console.listener.form import DEFAULT_LIMITS, FieldLimits
from console.listener.intake import Change, Delivery, Verdict, interpret, interpret_large, verdict
from console.store.errors import StoreBusy
from console.store.interface import MessageStore
from console.store.models import CallbackItem

log = logging.getLogger(__name__)

# Between tries at a locked store; each try itself waits at most the store's busy timeout.
LOCK_RETRY_INTERVAL = 0.025


class StorageUnavailable(Exception):
    """The callback could not be stored; answer so that the provider delivers it again."""


# A callback waiting for its batch, and whatever of it is decoded already (large bodies,
# or a batch tried before). A plain tuple: one is made for each callback.
_Queued = tuple[Delivery, CallbackItem | None, "asyncio.Future[Verdict]"]


class BatchWriter:
    def __init__(
        self,
        store: MessageStore,
        on_changes: Callable[[list[Change]], None] | None = None,
        *,
        lock_wait: float = 2.0,
        limits: FieldLimits = DEFAULT_LIMITS,
    ) -> None:
        self._store = store
        self._limits = limits
        self._on_changes = on_changes
        self._lock_wait = lock_wait
        self._pending: list[_Queued] = []
        self._scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._under_load = False
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="callback-commit")
        self._committing = False

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
        item = None
        if len(delivery.body) > LARGE_BODY:
            item = await interpret_large(delivery, self._limits)
        future: asyncio.Future[Verdict] = loop.create_future()
        self._pending.append((delivery, item, future))
        if not self._scheduled:
            self._scheduled = True
            if self._under_load:
                loop.call_soon(loop.call_soon, self._flush)  # one pass later
            else:
                loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._scheduled = False
        if self._committing:
            return  # the commit's end flushes again
        batch, self._pending = self._pending, []
        self._under_load = len(batch) > 1
        try:
            items = [
                item if item is not None else interpret(delivery, self._limits)
                for delivery, item, _future in batch
            ]
            results = self._store.stage_callbacks(items)
            verdicts = [verdict(item, new) for item, new in zip(items, results, strict=True)]
        except StoreBusy:
            self._wait_for_lock(batch, items)
            return
        except Exception:
            # Whatever went wrong, every request of the batch gets an answer (503, so the
            # provider delivers again) rather than waiting for one forever.
            log.exception("could not store %d callbacks", len(batch))
            self._fail(batch, StorageUnavailable("storage unavailable"))
            return
        assert self._loop is not None  # set by the submit that queued the batch
        self._committing = True
        committed = self._loop.run_in_executor(self._committer, self._store.commit_staged)
        committed.add_done_callback(lambda done: self._committed(done, batch, verdicts))

    def _committed(
        self, done: asyncio.Future[None], batch: list[_Queued], verdicts: list[Verdict]
    ) -> None:
        self._committing = False
        if self._pending and not self._scheduled:
            self._scheduled = True
            assert self._loop is not None
            self._loop.call_soon(self._flush)
        failure = done.exception()
        if failure is not None:
            log.error("could not commit %d callbacks: %s", len(batch), failure)
            self._fail(batch, StorageUnavailable("storage unavailable"))
            return
        for (_delivery, _item, future), outcome in zip(batch, verdicts, strict=True):
            if not future.done():
                future.set_result(outcome)
        changes = [v.change for v in verdicts if v.change is not None]
        if changes and self._on_changes is not None:
            self._on_changes(changes)

    def _wait_for_lock(self, batch: list[_Queued], items: list[CallbackItem]) -> None:
        assert self._loop is not None  # set by the submit that queued the batch
        # Counted from each callback's arrival (wall clock, as the delivery records it).
        give_up_before = time.time() - self._lock_wait
        expired = [q for q in batch if q[0].received_at <= give_up_before]
        if expired:
            log.warning("the store stayed locked; %d callbacks answered 503", len(expired))
            self._fail(expired, StorageUnavailable("storage busy"))
        waiting: list[_Queued] = [
            (delivery, item, future)
            for (delivery, _item, future), item in zip(batch, items, strict=True)
            if delivery.received_at > give_up_before and not future.done()
        ]
        self._pending = waiting + self._pending
        if self._pending and not self._scheduled:
            self._scheduled = True
            self._loop.call_later(LOCK_RETRY_INTERVAL, self._flush)

    @staticmethod
    def _fail(batch: list[_Queued], error: StorageUnavailable) -> None:
        for _delivery, _item, future in batch:
            if not future.done():
                future.set_exception(error)
