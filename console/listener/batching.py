"""Group commit: callbacks that arrive together are made durable in one transaction.

Each request handler awaits its own item; the writer flushes everything queued in the
same turn of the event loop, so under load one commit covers many callbacks, and a lone
callback is committed at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from console.store.interface import MessageStore
from console.store.models import CallbackItem

log = logging.getLogger(__name__)


class BatchWriter:
    def __init__(
        self,
        store: MessageStore,
        *,
        after_commit: Callable[[list[CallbackItem], list[bool]], None] | None = None,
    ) -> None:
        self._store = store
        self._after_commit = after_commit
        self._pending: list[tuple[CallbackItem, asyncio.Future[bool]]] = []
        self._scheduled = False

    async def write(self, item: CallbackItem) -> bool:
        """Return once ``item`` is committed: True if new, False for a redelivery.

        Raises whatever the store raised, so the caller can refuse the callback and let
        the provider deliver it again.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._pending.append((item, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._scheduled = False
        batch, self._pending = self._pending, []
        items = [item for item, _future in batch]
        try:
            results = self._store.record_callbacks(items)
        except Exception as exc:
            log.exception("could not store %d callbacks", len(items))
            for _item, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_item, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
        if self._after_commit is not None:
            self._after_commit(items, results)
