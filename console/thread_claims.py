"""Claims on conversations: the operator's Claim and Release, and the claim kept alive while
they work in the thread (opening it, typing, sending)."""

from __future__ import annotations

import time
from collections.abc import Callable

from console.store.interface import MessageStore
from console.store.threads import ThreadRow

# Typing renews a claim at most this often: a keystroke each time would write each time.
RENEW_EVERY = 30.0


class ClaimKeeper:
    """Claims threads for ``operator()`` for ``minutes()`` after their last work."""

    def __init__(
        self,
        store: MessageStore,
        operator: Callable[[], str],
        minutes: Callable[[], int],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._operator = operator
        self._minutes = minutes
        self._clock = clock
        self._renewed: dict[int, float] = {}

    def toggle(self, row: ThreadRow) -> str | None:
        """Claim ``row``'s thread, or release it when the operator holds it. Returns who
        holds it now (another operator when their claim stands).

        Raises:
            StoreError: the store could not be written.
        """
        operator = self._operator()
        if row.claimed_by == operator:
            self._store.release_thread(row.id, operator)
            self._renewed.pop(row.id, None)
            return None
        return self._claim(row.id)

    def worked(self, row: ThreadRow | None, *, now_or_never: bool = False) -> bool:
        """The operator worked in ``row``'s thread: their claim on it runs on from now.
        Nothing when they hold none. Returns whether it was renewed.

        Raises:
            StoreError: the store could not be written.
        """
        if row is None or row.claimed_by != self._operator():
            return False
        last = self._renewed.get(row.id, 0.0)
        if not now_or_never and self._clock() - last < RENEW_EVERY:
            return False
        self._claim(row.id)
        return True

    def _claim(self, thread_id: int) -> str | None:
        now = self._clock()
        holder = self._store.claim_thread(
            thread_id, self._operator(), now + self._minutes() * 60, now
        )
        if holder == self._operator():
            self._renewed[thread_id] = now
        return holder
