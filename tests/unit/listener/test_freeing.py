"""Closed connections are freed at once: a flood of them leaves nothing for the cycle
collector, whose pass over thousands of them would hold up every other request."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.listener import running_listener
from tests.support.raw_http import connect, read_response, refused, request


@pytest.fixture
def no_cycle_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def closed_transports() -> int:
    return sum(
        1
        for thing in gc.get_objects()
        if type(thing).__name__ == "_SelectorSocketTransport" and thing.is_closing()
    )


def test_served_and_refused_connections_are_freed_without_the_cycle_collector(
    data_dir: Path, no_cycle_collector: None
) -> None:
    with running_listener(data_dir, max_connections_per_address=1) as listener:
        assert listener.port is not None
        for _ in range(40):
            with connect(listener.port) as served:
                served.sendall(request())
                assert read_response(served)[0] == 200
        with connect(listener.port, source="127.0.0.2") as held:
            held.sendall(b"POST /")  # busy, so that the next ones are refused
            time.sleep(0.2)
            for _ in range(40):
                with connect(listener.port, source="127.0.0.2") as extra:
                    assert refused(extra)
        time.sleep(0.5)  # for the listener to see every close
        assert closed_transports() <= 2
