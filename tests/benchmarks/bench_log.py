"""The message log at a million rows: the real model in a real table view, offscreen.

Run: ``.venv/bin/python tests/benchmarks/bench_log.py [--messages N] [--repeat N]``.
The store is built once through the real migrations (see ``big_store.py``) and reused.
Each figure is the median of ``--repeat`` runs, timed until the view has painted the rows
it shows; a search runs in a worker thread, so it is timed from the query asked for to the
paint of its rows, the event loop running meanwhile. Targets: filter by number <= 150 ms,
jump to the oldest row <= 200 ms, peak RSS <= 300 MB; the other figures are printed for
reference, with the longest the event loop was held while the common-word searches ran
(a 10 ms timer's longest gap, from the query asked for to its rows arriving).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView  # noqa: E402

from console.store.models import Direction, LogQuery, LogState  # noqa: E402
from console.store.sqlite import SqliteStore  # noqa: E402
from console.ui.log_model import MessageLogModel  # noqa: E402
from tests.benchmarks.big_store import ensure_store  # noqa: E402
from tests.support.heartbeat import Heartbeat  # noqa: E402

TARGET_FILTER_MS = 150.0
TARGET_OLDEST_MS = 200.0
TARGET_RSS_MB = 300.0


def make_view(model: MessageLogModel) -> QTableView:
    """A table set up as the window sets up the log: fixed row heights, no row numbers."""
    view = QTableView()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(22)
    view.verticalHeader().hide()
    view.resize(1200, 800)
    view.setModel(model)
    return view


def painted(view: QTableView) -> None:
    """Paint now, reading every visible row from the model, as the screen would show it."""
    view.viewport().repaint()


def shown(model: MessageLogModel, query: LogQuery, beat: Heartbeat) -> float:
    """Ask for ``query`` and run the event loop until its rows are in the model; the
    longest the loop was held while the search ran, in milliseconds."""
    waiting = QEventLoop()
    held = []

    def arrived() -> None:
        beat.stop()
        held.append(beat.longest_gap_ms())

    model.modelAboutToBeReset.connect(arrived)
    model.queryApplied.connect(waiting.quit)
    model.queryFailed.connect(waiting.quit)
    beat.start()
    model.set_query(query)
    waiting.exec()
    model.modelAboutToBeReset.disconnect(arrived)
    model.queryApplied.disconnect(waiting.quit)
    model.queryFailed.disconnect(waiting.quit)
    if not held:
        raise RuntimeError(f"the search for {query} failed")
    return held[0]


def counted(model: MessageLogModel) -> None:
    """Run the event loop until the rows shown are counted in full (a search matching
    more than the first count shows its first rows before)."""
    if not model.is_counting:
        return
    waiting = QEventLoop()
    model.counted.connect(waiting.quit)
    model.queryFailed.connect(waiting.quit)
    waiting.exec()
    model.counted.disconnect(waiting.quit)
    model.queryFailed.disconnect(waiting.quit)


def median_ms(runs: int, prepare: Callable[[], None], action: Callable[[int], None]) -> float:
    """The median time of ``action(run)`` over ``runs`` runs, each after ``prepare()``."""
    times = []
    for run in range(runs):
        prepare()
        started = time.perf_counter()
        action(run)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def local_form(digits: str) -> str:
    """A US number as an operator would type it: ``+1 (202) 555-0123``."""
    return f"+1 ({digits[1:4]}) {digits[4:7]}-{digits[7:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    path = ensure_store(args.messages)
    app = QApplication([])
    loop = qasync.QEventLoop(app, already_running=True)
    executor = qasync.QThreadExecutor()
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)

    beat = Heartbeat(interval_ms=10)

    started = time.perf_counter()
    store = SqliteStore(path)
    model = MessageLogModel(store, open_reader=lambda: SqliteStore(path, any_thread=True))
    view = make_view(model)
    view.show()
    app.processEvents()
    painted(view)
    open_ms = (time.perf_counter() - started) * 1000
    rows = model.rowCount()

    # A different customer each run: no search is answered from an earlier one. (The
    # newest rows are the store's orphan receipts, which have no number.)
    customers = list(
        dict.fromkeys(
            row.phone_number
            for row in (model.message_at(r) for r in range(3000))
            if row is not None and row.phone_number.startswith(("1202555", "1312555"))
        )
    )[: args.repeat]
    everything = LogQuery()

    def top() -> None:
        shown(model, everything, beat)
        counted(model)
        view.scrollToTop()
        painted(view)
        # What the view put off after its reset to every row is done here, not in the
        # figure that follows.
        app.processEvents()

    held: list[float] = []  # by each search timed

    def search(queries: list[LogQuery]) -> Callable[[int], None]:
        def run(number: int) -> None:
            held.append(shown(model, queries[number % len(queries)], beat))
            painted(view)

        return run

    by_number = [LogQuery(text=local_form(c)) for c in customers]
    filter_ms = median_ms(args.repeat, top, search(by_number))
    found = model.rowCount()
    first = model.message_at(0)
    assert first is not None
    assert first.phone_number == customers[(args.repeat - 1) % len(customers)]
    national = [LogQuery(text=f"({c[1:4]}) {c[4:7]}-{c[7:]}") for c in customers]
    national_ms = median_ms(args.repeat, top, search(national))
    tails = [LogQuery(text=c[-4:]) for c in customers]
    tail_ms = median_ms(args.repeat, top, search(tails))
    tail_found = model.rowCount()
    state_ms = median_ms(args.repeat, top, search([LogQuery(state=LogState.FAILED)]))
    inbound_ms = median_ms(args.repeat, top, search([LogQuery(direction=Direction.IN)]))
    words = ["parcel", "invoice", "appointment", "code is", "shipped", "STOP"]
    held.clear()
    words_ms = median_ms(args.repeat, top, search([LogQuery(text=w) for w in words]))
    held_ms = max(held)
    rare = [LogQuery(text=f"order {n}") for n in range(5_000_000, 5_000_000 + args.repeat)]
    rare_ms = median_ms(args.repeat, top, search(rare))

    def oldest(_run: int) -> None:
        view.scrollToBottom()
        index = model.oldest_index()
        model.data(index)
        painted(view)

    oldest_ms = median_ms(args.repeat, top, oldest)
    last = model.message_at(rows - 1)
    assert last is not None
    assert view.viewport().rect().contains(view.visualRect(model.oldest_index()))

    def middle(_run: int) -> None:
        bar = view.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        painted(view)

    middle_ms = median_ms(args.repeat, top, middle)

    def page_down(_run: int) -> None:
        bar = view.verticalScrollBar()
        for _ in range(200):
            bar.setValue(bar.value() + bar.pageStep())
            painted(view)

    scroll_ms = median_ms(args.repeat, top, page_down) / 200

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model.close()
    store.close()
    loop.set_default_executor(None)
    executor.shutdown(wait=True)

    def line(label: str, value: float, unit: str, target: float | None = None) -> None:
        text = f"{label:<44}{value:9.1f} {unit}"
        if target is not None:
            verdict = "PASS" if value <= target else "FAIL"
            text += f"   target <= {target:.0f} {unit}  {verdict}"
        print(text)

    print(f"{'log rows (messages, replies, orphans)':<44}{rows:9d}")
    print(f"{'load average while measuring':<44}{os.getloadavg()[0]:9.2f}")
    line("open the store and show the first page", open_ms, "ms")
    line(f"filter by number, +1 (...) form ({found} rows)", filter_ms, "ms", TARGET_FILTER_MS)
    line("jump to the oldest row", oldest_ms, "ms", TARGET_OLDEST_MS)
    line("peak RSS", rss_mb, "MB", TARGET_RSS_MB)
    line("filter by national number (no country code)", national_ms, "ms")
    line(f"filter by last 4 digits ({tail_found} rows)", tail_ms, "ms")
    line("filter by state (refused)", state_ms, "ms")
    line("filter by direction (replies)", inbound_ms, "ms")
    line("search message text (common words)", words_ms, "ms")
    line("  the event loop held at most while they ran", held_ms, "ms")
    line("search message text (no match)", rare_ms, "ms")
    line("jump to the middle", middle_ms, "ms")
    line("page down, per step", scroll_ms, "ms")
    met = filter_ms <= TARGET_FILTER_MS and oldest_ms <= TARGET_OLDEST_MS
    return 0 if met and rss_mb <= TARGET_RSS_MB else 1


if __name__ == "__main__":
    sys.exit(main())
