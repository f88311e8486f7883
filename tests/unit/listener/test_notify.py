from __future__ import annotations

import asyncio
import threading
import time

from console.listener.intake import Change
from console.listener.notify import Coalescer


async def test_a_storm_from_another_thread_arrives_in_few_batches() -> None:
    loop = asyncio.get_running_loop()
    batches: list[frozenset[Change]] = []
    coalescer = Coalescer(loop, batches.append, interval=0.05)
    sent: list[Change] = [("receipt", f"m{i}") for i in range(5000)]

    def storm() -> None:
        for i, change in enumerate(sent):
            coalescer.add([change])
            if i % 50 == 0:
                time.sleep(0.005)

    started = time.monotonic()
    await asyncio.to_thread(storm)
    await asyncio.sleep(0.2)
    elapsed = time.monotonic() - started
    delivered = set().union(*batches)
    assert delivered == set(sent)
    # At most one batch per interval, plus the first one.
    assert len(batches) <= elapsed / 0.05 + 2
    assert len(batches) >= 2


async def test_a_single_change_is_delivered_promptly() -> None:
    loop = asyncio.get_running_loop()
    arrived = asyncio.Event()
    coalescer = Coalescer(loop, lambda _batch: arrived.set(), interval=0.05)
    started = time.monotonic()
    threading.Thread(target=coalescer.add, args=([("reply", "mo-1")],)).start()
    await asyncio.wait_for(arrived.wait(), 1)
    assert time.monotonic() - started < 0.2
