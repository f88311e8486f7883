"""The Conversations mode of the window on a store of a million messages in a hundred
thousand threads (SQLite, ``thread_store.py``): how long the thread list takes to open,
a thread to open, a search to show its threads; and, with customers' replies posted to the
window's listener at 200 a second (half of them in the thread open), from each reply's
acknowledgement to the end of the window's handling of the change batch holding it (the
thread list's row moved and updated, the open thread's new bubble added; the paint follows
in the same turn of the event loop).

Targets: list ≤ 300 ms, switching ≤ 100 ms, search ≤ 150 ms, reply → pane p95 ≤ 250 ms.
Run: ``python tests/benchmarks/bench_conversations.py [--messages N] [--seconds S]``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from multiprocessing.queues import Queue
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console import demo  # noqa: E402
from console.keychain import Keychain  # noqa: E402
from console.paths import database_path  # noqa: E402
from console.session import Session  # noqa: E402
from console.store.threads import ThreadQuery  # noqa: E402
from console.ui.app import start_console, stop_console  # noqa: E402
from console.ui.main_window import MainWindow  # noqa: E402
from tests.benchmarks.thread_store import ensure_store  # noqa: E402
from tests.support.keyrings import MemoryKeyring  # noqa: E402

RATE = 200.0
SEARCHES = ("Where is my parcel 4", "+44 7700 9", "neighbour", "12025")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)] if ordered else float("inf")


async def applied(window: MainWindow, query: ThreadQuery) -> float:
    """From asking for ``query``'s threads to their being shown, in ms."""
    pane = window.conversations.pane
    done = asyncio.Event()
    pane.model.queryApplied.connect(done.set)
    started = time.perf_counter()
    pane.model.set_query(query)
    await asyncio.wait_for(done.wait(), 30)
    pane.model.queryApplied.disconnect(done.set)
    return (time.perf_counter() - started) * 1000


def post_replies(
    url: str, numbers: list[str], seconds: float, out: Queue[dict[str, float]]
) -> None:
    """Customers' replies at RATE a second, from a process of its own (as the provider's
    would come); each acknowledgement's wall-clock time by id, put in ``out`` at the end."""
    acks: dict[str, float] = {}
    rng = random.Random(7)
    with httpx.Client(timeout=10) as client:
        start = time.perf_counter()
        for count in range(int(seconds * RATE)):
            due = start + count / RATE
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            message_id = f"MO-bench-{count:06d}"
            number = numbers[0] if count % 2 == 0 else rng.choice(numbers[1:])
            fields = {
                "type": "MO",
                "message_id": message_id,
                "shortcode": "12345",
                "phone_number": number,
                "message": f"Reply {count}",
            }
            client.post(url, data=fields).raise_for_status()
            acks[message_id] = time.time()
    out.put(acks)


async def scenario(window: MainWindow, seconds: float) -> bool:
    provider = await start_console(window, demo_mode=True)
    pane = window.conversations.pane
    try:
        window.conversations.show_conversations()
        opening = await applied(window, ThreadQuery())
        rows = [pane.model.thread_at(i) for i in range(pane.model.rowCount())]
        switches = []
        for row in random.Random(3).sample([r for r in rows if r is not None], 30):
            started = time.perf_counter()
            pane.open_thread(row)
            switches.append((time.perf_counter() - started) * 1000)
        searches = [await applied(window, ThreadQuery(text)) for text in SEARCHES * 5]
        await applied(window, ThreadQuery())
        open_row = pane.model.thread_at(0)
        assert open_row is not None
        pane.open_thread(open_row)

        handled: dict[str, float] = {}
        original = window.session.on_messages
        acks: dict[str, float] = {}
        posted = threading.Event()
        all_in = asyncio.Event()

        def timed(ids: frozenset[str]) -> None:
            original(ids)
            now = time.time()
            for message_id in ids:
                handled.setdefault(message_id, now)
            if posted.is_set() and acks.keys() <= handled.keys():
                all_in.set()

        window.session.on_messages = timed
        url = window.session.listener_state.url
        assert url is not None
        numbers = [open_row.phone_number] + [f"1202555{n:04d}" for n in range(200)]
        spawn = multiprocessing.get_context("spawn")
        out: Queue[dict[str, float]] = spawn.Queue()
        poster = spawn.Process(target=post_replies, args=(url, numbers, seconds, out))
        poster.start()
        acks.update(await asyncio.to_thread(out.get))
        await asyncio.to_thread(poster.join)
        posted.set()
        if acks.keys() <= handled.keys():
            all_in.set()
        await asyncio.wait_for(all_in.wait(), 30)
        latencies = [(handled[m] - acks[m]) * 1000 for m in acks]
    finally:
        pane.stop()
        window.model.close()
        await stop_console(window, provider)
    figures = (
        ("thread list opens", p95([opening]), 300.0),
        ("switching threads p95", p95(switches), 100.0),
        ("thread search p95", p95(searches), 150.0),
        (f"reply -> pane p95 at {RATE:.0f}/s", p95(latencies), 250.0),
    )
    ok = True
    for name, value, target in figures:
        verdict = "ok" if value <= target else "OVER"
        ok = ok and value <= target
        print(f"{name:32} {value:8.1f} ms   (target {target:.0f} ms) {verdict}")
    print(f"replies posted {len(acks)}, max reply -> pane {max(latencies):.1f} ms")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    source = ensure_store(args.messages)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="sms-console-bench-conv-") as scratch:
        data_dir = Path(scratch)
        shutil.copyfile(source, database_path(data_dir))
        demo.prepare_settings(data_dir)
        window = MainWindow(Session(data_dir), Keychain(MemoryKeyring()), demo_mode=True)
        window.resize(1440, 880)
        window.show()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            ok = loop.run_until_complete(scenario(window, args.seconds))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
