"""Group commit: callbacks that arrive together are made durable in one transaction.

Each request awaits its own verdict; the writer takes everything queued, decodes it,
commits it in one transaction, then answers them all. A lone callback is committed in the
next pass of the event loop. Under load (the last batch held more than one) the writer
waits one pass more, which about doubles the batch: a commit costs several system calls
whatever its size, so this saves more than the wait costs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from console.listener.intake import Change, Delivery, Verdict, interpret, verdict
from console.store.interface import MessageStore

log = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """The callback could not be stored; answer so that the provider delivers it again."""


class BatchWriter:
    def __init__(
        self, store: MessageStore, on_changes: Callable[[list[Change]], None] | None = None
    ) -> None:
        self._store = store
        self._on_changes = on_changes
        self._pending: list[tuple[Delivery, asyncio.Future[Verdict]]] = []
        self._scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._under_load = False

    async def submit(self, delivery: Delivery) -> Verdict:
        """The verdict for ``delivery`` once it is committed.

        Raises:
            StorageUnavailable: not stored.
        """
        loop = self._loop
        if loop is None:
            # Looked up once: on POSIX each look-up is a system call (getpid).
            loop = self._loop = asyncio.get_running_loop()
        future: asyncio.Future[Verdict] = loop.create_future()
        self._pending.append((delivery, future))
        if not self._scheduled:
            self._scheduled = True
            if self._under_load:
                loop.call_soon(loop.call_soon, self._flush)  # one pass later
            else:
                loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._scheduled = False
        batch, self._pending = self._pending, []
        self._under_load = len(batch) > 1
        try:
            items = [interpret(delivery) for delivery, _future in batch]
            results = self._store.record_callbacks(items)
            verdicts = [verdict(item, new) for item, new in zip(items, results, strict=True)]
        except Exception as exc:
            # Whatever went wrong, every request of the batch gets an answer (503, so the
            # provider delivers again) rather than waiting for one forever.
            log.exception("could not store %d callbacks", len(batch))
            for _delivery, future in batch:
                if not future.done():
                    future.set_exception(StorageUnavailable(str(exc)))
            return
        for (_delivery, future), outcome in zip(batch, verdicts, strict=True):
            if not future.done():
                future.set_result(outcome)
        changes = [v.change for v in verdicts if v.change is not None]
        if changes and self._on_changes is not None:
            self._on_changes(changes)
