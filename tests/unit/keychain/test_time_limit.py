"""Keychain calls on a daemon thread with a time limit, blocking and awaited."""

from __future__ import annotations

import threading

import pytest

from console.keychain import KeychainTimeout, call_in_thread, call_with_timeout


def test_call_with_timeout_hands_back_results_and_errors() -> None:
    assert call_with_timeout("adding", lambda: 1 + 1, 5) == 2
    with pytest.raises(ZeroDivisionError):
        call_with_timeout("dividing", lambda: 1 // 0, 5)
    release = threading.Event()
    try:
        with pytest.raises(KeychainTimeout, match="while waiting"):
            call_with_timeout("waiting", lambda: release.wait(10), 0.1)
    finally:
        release.set()


async def test_call_in_thread_hands_back_results_and_errors() -> None:
    assert await call_in_thread("adding", lambda: 1 + 1, 5) == 2
    with pytest.raises(ZeroDivisionError):
        await call_in_thread("dividing", lambda: 1 // 0, 5)
    release = threading.Event()
    try:
        with pytest.raises(KeychainTimeout, match=r"within 0\.1 s while waiting"):
            await call_in_thread("waiting", lambda: release.wait(10), 0.1)
    finally:
        release.set()
