"""A heartbeat on the GUI thread: the longest gap between its beats is the longest stall."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import Qt, QTimer


class Heartbeat:
    """A precise timer beating every few milliseconds while Qt processes events.

    Anything that holds the GUI thread (or the interpreter lock it needs) holds the beats
    back; :meth:`longest_gap_ms` is then how long the window could not repaint or react.
    """

    def __init__(self, interval_ms: int = 5) -> None:
        self._beats: list[float] = []
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self._beats = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._beat()

    def longest_gap_ms(self) -> float:
        gaps = [later - earlier for earlier, later in itertools.pairwise(self._beats)]
        return max(gaps, default=0.0) * 1000

    def _beat(self) -> None:
        self._beats.append(time.perf_counter())
