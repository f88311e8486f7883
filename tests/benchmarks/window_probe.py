"""The operator window with measuring points added, for ``bench_window.py``.

The benchmark runs this in a process of its own:
``python tests/benchmarks/window_probe.py --data-dir DIR [--store URL] --numbers N1,N2,...
--texts T1,T2,... --repeat R``. It opens the window through the console's own entry point
(``console.cli.main.main``, which is what ``sms-console --data-dir DIR [--store URL]``
runs), with a subclass of the main window that only watches:

* The Delivery column gets a plain ``QStyledItemDelegate`` subclass that notes which log
  row each viewport paint drew. A zero-delay timer queued from that paint stamps the rows
  with ``time.time()`` when the event loop next runs: the paint is over and the loop
  answers. Every figure below ends at such a stamp.
* The filter box's typing timer is watched, so a filter is timed from the moment its
  query is emitted (the end of the typing pause), not from the keystrokes.

Once the window has painted its first rows it reports ``interactive``; once the listener
and the credentials are ready, the listener's URL and the outbound rows wholly visible at
the top of the log (the receipts' targets).

Output: one JSON object a line on stdout. Commands, one a line on stdin: ``load`` starts a
10 ms heartbeat timer (its longest gap shows how long the loop was held); ``dump PATH``
writes every change painted in the log's rows to PATH; ``select`` clicks the top row;
``interact`` types each number into the filter box, clears it, and presses Ctrl+End and
Ctrl+Home on the log, then types each text and clears it, reporting each. SIGTERM closes
the window as it would for an operator.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QObject, Qt, QTimer  # noqa: E402

import console.ui.app as window_app  # noqa: E402
from console.cli.main import main as console_main  # noqa: E402
from console.keychain import Keychain  # noqa: E402
from console.protocol.delivery import FINAL_STATES  # noqa: E402
from console.session import Session  # noqa: E402
from console.store.models import Direction, LogRow, MessageStatus  # noqa: E402
from console.ui.log_columns import Column  # noqa: E402
from console.ui.log_filter import TYPING_DELAY_MS  # noqa: E402
from console.ui.main_window import MainWindow  # noqa: E402
from tests.benchmarks.paint_watch import PaintNotes, TimerWatch  # noqa: E402

READY_TIMEOUT = 60.0
STEP_TIMEOUT = 30.0

Painted = list[tuple[int, LogRow]]


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def local_form(digits: str) -> str:
    """A North American number as an operator types it: ``+1 (202) 555-0123``."""
    return f"+1 ({digits[1:4]}) {digits[4:7]}-{digits[7:]}"


class Probe(QObject):
    """The measuring points on one main window, and the script that drives it."""

    def __init__(
        self, window: MainWindow, numbers: Sequence[str], texts: Sequence[str], repeat: int
    ) -> None:
        super().__init__(window)
        self.window = window
        self.numbers = list(numbers)
        self.texts = list(texts)
        self.repeat = repeat
        self._pending: Painted = []
        self._settle_queued = False
        self._waiters: list[tuple[Callable[[Painted], bool], Callable[[float], None]]] = []
        self._history: dict[str, list[tuple[float, int | None, int | None]]] = {}
        self._emitted: asyncio.Future[float] | None = None
        self._oldest_triggered = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._beat_last = 0.0
        self._beat_gap = 0.0
        self._beats = 0
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(10)
        self._heartbeat.timeout.connect(self._beat)
        window.table.setItemDelegateForColumn(Column.STATUS, PaintNotes(self._painted, self))
        typing = [
            timer
            for timer in window.filter_bar.findChildren(QTimer)
            if timer.isSingleShot() and timer.interval() == TYPING_DELAY_MS
        ]
        if len(typing) != 1:
            raise RuntimeError("the filter box's typing timer was not found")
        typing[0].installEventFilter(TimerWatch(self._query_emitted, self))
        window.oldest_action.triggered.connect(self._oldest_fired)
        self._when(lambda painted: bool(painted), self._interactive)
        QTimer.singleShot(0, self._listen)

    # Paint notes --------------------------------------------------------------------------

    def _painted(self, row: int) -> None:
        log_row = self.window.model.message_at(row)
        if log_row is None:
            return
        self._pending.append((row, log_row))
        if not self._settle_queued:
            self._settle_queued = True
            QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        now = time.time()
        painted, self._pending, self._settle_queued = self._pending, [], False
        for _row, log_row in painted:
            seen = self._history.setdefault(log_row.message_id, [])
            shown = (log_row.state_result_code, log_row.state)
            if not seen or seen[-1][1:] != shown:
                seen.append((now, *shown))
        waiting, self._waiters = self._waiters, []
        for predicate, then in waiting:
            if predicate(painted):
                then(now)
            else:
                self._waiters.append((predicate, then))

    def _when(self, predicate: Callable[[Painted], bool], then: Callable[[float], None]) -> None:
        self._waiters.append((predicate, then))

    def _shown(self, predicate: Callable[[Painted], bool]) -> asyncio.Future[float]:
        """When a paint drawing what ``predicate`` looks for is over."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()

        def then(at: float) -> None:
            if not future.done():
                future.set_result(at)

        self._when(predicate, then)
        return future

    def _query_emitted(self) -> None:
        if self._emitted is not None and not self._emitted.done():
            self._emitted.set_result(time.time())

    def _oldest_fired(self) -> None:
        self._oldest_triggered = True

    def _beat(self) -> None:
        now = time.perf_counter()
        self._beat_gap = max(self._beat_gap, now - self._beat_last)
        self._beat_last = now
        self._beats += 1

    # The script ---------------------------------------------------------------------------

    def _interactive(self, at: float) -> None:
        emit("interactive", t=at)
        self._spawn(self._get_ready())

    def _spawn(self, step: Coroutine[Any, Any, None]) -> None:
        async def reported() -> None:
            try:
                await step
            except Exception as exc:
                emit("error", text=f"{type(exc).__name__}: {exc}")

        task = asyncio.get_event_loop().create_task(reported())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _until(what: str, condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waiting for {what}")
            await asyncio.sleep(0.01)

    async def _get_ready(self) -> None:
        """Wait for the listener and the credentials; name the rows receipts are for."""
        window, session = self.window, self.window.session
        await self._until("the listener", lambda: session.listener_state.url is not None)
        await self._until("the credentials", lambda: session.credentials is not None)
        emit("ready", t=time.time(), url=session.listener_state.url)
        window.activateWindow()
        await self._until("the window to be active", window.isActiveWindow)
        await asyncio.sleep(0.2)
        current = window.table.selectionModel().currentIndex()
        emit(
            "targets",
            url=session.listener_state.url,
            ids=self._visible_targets(),
            rows=window.model.rowCount(),
            current_row=current.row() if current.isValid() else None,
        )

    async def _interact(self) -> None:
        """Filter by each number, clear the filter, go to the oldest row and back; then
        search for each text and clear the filter."""
        window = self.window
        top = window.model.message_at(0)
        if top is None:
            raise RuntimeError("the log is empty")
        # Imported only now: it is no part of the window's start.
        from PySide6.QtTest import QTest

        def at_top(painted: Painted) -> bool:
            # All rows shown again: a text's search may have the same newest row.
            shown = window.model.query.text == ""
            return shown and any(r == 0 and row.message_id == top.message_id for r, row in painted)

        for number in [n for n in self.numbers if n != top.phone_number][: self.repeat]:
            typed = local_form(number)

            def found(painted: Painted, number: str = number) -> bool:
                return any(r == 0 and row.phone_number == number for r, row in painted)

            shown = self._shown(found)
            window.filter_action.trigger()
            self._emitted = asyncio.get_running_loop().create_future()
            QTest.keyClicks(window.filter_bar.text, typed)
            began = await asyncio.wait_for(self._emitted, STEP_TIMEOUT)
            ended = await asyncio.wait_for(shown, STEP_TIMEOUT)
            emit("filter", ms=(ended - began) * 1000, rows=window.model.rowCount(), typed=typed)

            await self._clear(at_top)

            # The filter box keeps Ctrl+End for itself: the operator is on the log.
            window.table.setFocus()
            last = window.model.rowCount() - 1

            def at_bottom(painted: Painted, last: int = last) -> bool:
                return any(r == last for r, _row in painted)

            shown = self._shown(at_bottom)
            self._oldest_triggered = False
            began = time.time()
            QTest.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            if not self._oldest_triggered:
                raise RuntimeError("Ctrl+End did not reach the 'Go to oldest' action")
            ended = await asyncio.wait_for(shown, STEP_TIMEOUT)
            emit("oldest", ms=(ended - began) * 1000, row=last)

            shown = self._shown(at_top)
            began = time.time()
            QTest.keyClick(window.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
            ended = await asyncio.wait_for(shown, STEP_TIMEOUT)
            emit("newest", ms=(ended - began) * 1000)

        for typed in self.texts:

            def searched(painted: Painted, typed: str = typed) -> bool:
                # The rows of the search, not the ones shown until they come.
                return window.model.query.text == typed and any(r == 0 for r, _ in painted)

            shown = self._shown(searched)
            window.filter_action.trigger()
            self._emitted = asyncio.get_running_loop().create_future()
            QTest.keyClicks(window.filter_bar.text, typed)
            began = await asyncio.wait_for(self._emitted, STEP_TIMEOUT)
            ended = await asyncio.wait_for(shown, STEP_TIMEOUT)
            emit("search", ms=(ended - began) * 1000, rows=window.model.rowCount(), typed=typed)
            await self._clear(at_top)
        emit("interacted")

    async def _clear(self, at_top: Callable[[Painted], bool]) -> None:
        """Empty the filter box, as an operator does; report until the newest row is back."""
        from PySide6.QtTest import QTest

        shown = self._shown(at_top)
        self._emitted = asyncio.get_running_loop().create_future()
        text = self.window.filter_bar.text
        QTest.keyClick(text, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(text, Qt.Key.Key_Backspace)
        began = await asyncio.wait_for(self._emitted, STEP_TIMEOUT)
        ended = await asyncio.wait_for(shown, STEP_TIMEOUT)
        emit("clear", ms=(ended - began) * 1000, rows=self.window.model.rowCount())

    def _visible_targets(self) -> list[str]:
        """Outbound messages awaiting a final receipt, in rows wholly inside the viewport."""
        table, model = self.window.table, self.window.model
        height = table.viewport().height()
        found = []
        row = table.rowAt(0)
        while row >= 0:
            rect = table.visualRect(model.index(row, 0))
            if rect.top() < 0 or rect.bottom() >= height:
                break
            log_row = model.message_at(row)
            if (
                log_row is not None
                and log_row.direction is Direction.OUT
                and log_row.status is MessageStatus.ACCEPTED
                and log_row.state not in FINAL_STATES
            ):
                found.append(log_row.message_id)
            row += 1
        return found

    def _select_top(self) -> None:
        """Click the top row, as an operator following that message would."""
        from PySide6.QtTest import QTest

        table = self.window.table
        centre = table.visualRect(self.window.model.index(0, 0)).center()
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        current = table.selectionModel().currentIndex()
        emit("selected", row=current.row() if current.isValid() else None)

    # Commands -----------------------------------------------------------------------------

    def _listen(self) -> None:
        loop = asyncio.get_event_loop()

        def read() -> None:
            for line in sys.stdin:
                if line.strip():
                    loop.call_soon_threadsafe(self.command, line.strip())

        threading.Thread(target=read, daemon=True).start()

    def command(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        if word == "interact":
            self._spawn(self._interact())
        elif word == "select":
            self._select_top()
        elif word == "load":
            self._beat_last = time.perf_counter()
            self._beat_gap = 0.0
            self._beats = 0
            self._heartbeat.start()
            emit("loading")
        elif word == "dump":
            self._heartbeat.stop()
            Path(rest).write_text(json.dumps({"history": self._history}))
            emit("dumped", max_gap_ms=self._beat_gap * 1000, beats=self._beats)
        else:
            emit("error", text=f"unknown command {line!r}")


class ProbedWindow(MainWindow):
    """The console's main window, unchanged, with a :class:`Probe` on it."""

    # Set before the window is made: the numbers to filter by, and how many to use.
    numbers: Sequence[str] = ()
    texts: Sequence[str] = ()
    repeat = 5

    def __init__(self, session: Session, keychain: Keychain, *, demo_mode: bool = False) -> None:
        super().__init__(session, keychain, demo_mode=demo_mode)
        emit("constructed", t=time.time())
        self.bench_probe = Probe(self, self.numbers, self.texts, self.repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--store", help="the console's --store URL (a shared store)")
    parser.add_argument("--numbers", default="", help="comma-separated numbers to filter by")
    parser.add_argument("--texts", default="", help="comma-separated texts to search for")
    parser.add_argument("--repeat", type=int, default=5, help="filters and jumps to make")
    args = parser.parse_args()
    ProbedWindow.numbers = [n for n in args.numbers.split(",") if n]
    ProbedWindow.texts = [t for t in args.texts.split(",") if t]
    ProbedWindow.repeat = args.repeat
    window_app.MainWindow = ProbedWindow  # type: ignore[attr-defined]
    store = ["--store", args.store] if args.store else []
    return console_main(["--data-dir", args.data_dir, *store])


if __name__ == "__main__":
    sys.exit(main())
