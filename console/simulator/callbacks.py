"""Posting receipts and replies to the account's callback URL, with the provider's retries.

Each callback is its own task, so many are in flight at once and a slow or failing
receiver delays only the callbacks it answers badly. Any answer outside 2xx, and any
network error, is retried with the same fields after ``retry_interval`` seconds, up to
``retry_count`` times.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import httpx

from console.simulator.callback_plan import PlannedCallback
from console.simulator.config import CallbackSettings
from console.simulator.journal import Journal, one_line, readable_parameters

log = logging.getLogger("console.simulator")


class CallbackDispatcher:
    def __init__(
        self, settings: CallbackSettings, journal: Journal, client: httpx.AsyncClient
    ) -> None:
        self._settings = settings
        self._journal = journal
        self._client = client
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def schedule(self, planned: Iterable[PlannedCallback]) -> None:
        url = self._settings.url
        if url is None:
            return
        for callback in planned:
            callback_id = self._journal.add_callback(
                kind=callback.kind, url=url, fields=callback.fields
            )
            task = asyncio.create_task(self._deliver(url, callback_id, callback))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Return once every scheduled callback was delivered or given up."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        """Cancel what is still scheduled; the journal marks it cancelled."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, url: str, callback_id: int, callback: PlannedCallback) -> None:
        label = "DR" if callback.kind == "receipt" else "MO"
        summary = one_line(readable_parameters(callback.fields.items()))
        attempts = 1 + self._settings.retry_count
        try:
            await asyncio.sleep(callback.delay)
            for attempt in range(1, attempts + 1):
                status, error = await self._post(url, callback.fields)
                answer = f"HTTP {status}" if status is not None else error
                if status is not None and 200 <= status < 300:
                    self._journal.record_attempt(
                        callback_id, status=status, error=None, state="delivered"
                    )
                    log.info("%s sent: %s -> %s", label, summary, answer)
                    return
                if attempt == attempts:
                    self._journal.record_attempt(
                        callback_id, status=status, error=error, state="failed"
                    )
                    log.warning(
                        "%s given up after %d attempts: %s -> %s", label, attempts, summary, answer
                    )
                    return
                self._journal.record_attempt(
                    callback_id, status=status, error=error, state="retrying"
                )
                log.warning(
                    "%s failed (attempt %d of %d), retry in %g s: %s -> %s",
                    label,
                    attempt,
                    attempts,
                    self._settings.retry_interval,
                    summary,
                    answer,
                )
                await asyncio.sleep(self._settings.retry_interval)
        except asyncio.CancelledError:
            self._journal.set_callback_state(callback_id, "cancelled")
            raise

    async def _post(self, url: str, fields: dict[str, str]) -> tuple[int | None, str | None]:
        try:
            response = await self._client.post(url, data=fields)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return response.status_code, None
