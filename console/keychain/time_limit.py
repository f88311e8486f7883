"""Keychain calls with a time limit, blocking or awaited.

Every keyring call runs on a daemon thread: a Secret Service waiting for an unlock
prompt can block forever, and a hung call must hold up neither the event loop nor the
program's exit (executor threads are joined at exit; daemon threads are not).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import TypeVar

from console.keychain.errors import KeychainTimeout

DEFAULT_TIMEOUT = 10.0

T = TypeVar("T")


def _start(function: Callable[[], T]) -> concurrent.futures.Future[T]:
    future: concurrent.futures.Future[T] = concurrent.futures.Future()
    # A running future cannot be cancelled: nothing can stop the thread anyway.
    future.set_running_or_notify_cancel()

    def work() -> None:
        try:
            result = function()
        except BaseException as exc:  # handed over to whoever waits for the future
            future.set_exception(exc)
        else:
            future.set_result(result)

    threading.Thread(target=work, name="keychain-call", daemon=True).start()
    return future


def _timeout_error(what: str, time_limit: float) -> KeychainTimeout:
    return KeychainTimeout(
        f"the keychain did not answer within {time_limit:g} s while {what} (is it locked?)"
    )


def call_with_timeout(what: str, function: Callable[[], T], time_limit: float) -> T:
    """``function()`` on a daemon thread; its result, or its exception re-raised here.

    Raises:
        KeychainTimeout: no answer within ``time_limit`` seconds (``what`` says what was done).
    """
    future = _start(function)
    done, _ = concurrent.futures.wait([future], time_limit)
    if not done:
        raise _timeout_error(what, time_limit)
    return future.result()


async def call_in_thread(what: str, function: Callable[[], T], time_limit: float) -> T:
    """:func:`call_with_timeout` for a coroutine: the event loop keeps running meanwhile."""
    waiting = asyncio.wrap_future(_start(function))
    try:
        done, _ = await asyncio.wait({waiting}, timeout=time_limit)
        if not done:
            raise _timeout_error(what, time_limit)
        return waiting.result()
    finally:
        # Once nobody waits, a late answer from the thread must be dropped quietly.
        if not waiting.done():
            waiting.cancel()
