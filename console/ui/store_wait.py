"""Waiting for a shared store that is out of reach as the window starts: a server restarting,
a network blip or a laptop just woken is ordinary on a desk, so the console tries again by
itself, and the operator may instead open this computer's own workspace, or quit.

Each try runs on a thread of its own: opening a connection to a host that does not answer
takes up to the connect timeout, and the dialog must answer its buttons meanwhile.
"""

from __future__ import annotations

import enum
import logging
import math
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.store.errors import StoreOutOfReach

log = logging.getLogger(__name__)

# Seconds before each try, the last one repeated: quick at first, then a little gentler on
# a server that stays down.
RETRY_DELAYS = (5.0, 5.0, 10.0)
# How often the dialog looks at a try under way and updates its countdown.
_TICK_MS = 200


class Outcome(enum.Enum):
    """What the operator (or the store) decided."""

    REACHED = "reached"  # a try reached the store: open the window on it
    LOCAL = "local"  # open this computer's workspace, for this run only
    QUIT = "quit"


class _Attempt:
    """One try on a thread of its own; ``error`` is what it raised, once ``done``."""

    def __init__(self, attempt: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self._done = threading.Event()
        # A daemon: a try left waiting on a silent host must not hold the program open.
        self._thread = threading.Thread(
            target=self._run, args=(attempt,), name="store-wait", daemon=True
        )
        self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def _run(self, attempt: Callable[[], None]) -> None:
        try:
            attempt()
        except Exception as exc:  # handed to the dialog, which says or passes it on
            self.error = exc
        finally:
            self._done.set()


class StoreWaitDialog(QDialog):
    """Says that the shared store ``where`` is unreachable and why (``first``), and runs
    ``attempt`` again and again until it no longer raises :class:`StoreOutOfReach`.

    :attr:`outcome` says how it ended: the store reached (any other error counts too:
    opening the store again then says what it is), this computer's workspace chosen, or
    quit (Esc, or closing the dialog).
    """

    def __init__(
        self,
        title: str,
        where: str,
        first: StoreOutOfReach,
        attempt: Callable[[], None],
        parent: QWidget | None = None,
        explain: Callable[[StoreOutOfReach], str] | None = None,
    ) -> None:
        """``explain``: the words for a failed try (else its ``reason``)."""
        super().__init__(parent)
        self._explain = explain or (lambda error: error.reason)
        self.setObjectName("storeWaitDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        # Wide enough that a URL and libpq's reason wrap into a few lines, not a column.
        self.setMinimumWidth(520)
        self.outcome = Outcome.QUIT
        self._where = where
        self._attempt_with = attempt
        self._attempt: _Attempt | None = None
        self._failures = 0
        self._due = 0.0

        self.reason = QLabel()
        self.reason.setObjectName("storeWaitReason")
        self.reason.setWordWrap(True)
        self.countdown = QLabel()
        self.countdown.setObjectName("storeWaitCountdown")
        self.retry_button = QPushButton("Retry now")
        self.retry_button.setObjectName("retryNow")
        self.local_button = QPushButton("Open this computer's workspace")
        self.local_button.setObjectName("openLocal")
        self.local_button.setToolTip(
            "Work on this computer's own store for this run only; the next start opens "
            "the shared store again"
        )
        self.quit_button = QPushButton("Quit")
        self.quit_button.setObjectName("quit")
        buttons = QDialogButtonBox()
        buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.local_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.retry_button.clicked.connect(self.retry_now)
        self.local_button.clicked.connect(self._open_local)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addWidget(self.countdown)
        layout.addWidget(buttons)
        # Enter means a try, whichever button has the focus (the focus leaves Retry now
        # while it is disabled during a try); quitting takes its own button or Esc.
        self.retry_button.setDefault(True)
        for button in (self.local_button, self.quit_button):
            button.setAutoDefault(False)

        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._failed(first)
        self._timer.start()

    def retry_now(self) -> None:
        if self._attempt is None:
            self._start()

    def _open_local(self) -> None:
        self.outcome = Outcome.LOCAL
        self.accept()

    def done(self, result: int) -> None:
        self._timer.stop()
        super().done(result)

    def _failed(self, error: StoreOutOfReach) -> None:
        reason = self._explain(error)
        end = "" if reason.endswith((".", "?", "!")) else "."
        self.reason.setText(f"The shared store {self._where} is unreachable: {reason}{end}")
        delay = RETRY_DELAYS[min(self._failures, len(RETRY_DELAYS) - 1)]
        self._failures += 1
        self._due = time.monotonic() + delay
        self._show_countdown()

    def _start(self) -> None:
        self._attempt = _Attempt(self._attempt_with)
        self.retry_button.setEnabled(False)
        self.countdown.setText("Connecting…")

    def _tick(self) -> None:
        attempt = self._attempt
        if attempt is None:
            if time.monotonic() >= self._due:
                self._start()
            else:
                self._show_countdown()
            return
        if not attempt.done:
            return
        self._attempt = None
        self.retry_button.setEnabled(True)
        if isinstance(attempt.error, StoreOutOfReach):
            log.info("the shared store is still unreachable: %s", attempt.error.reason)
            self._failed(attempt.error)
            return
        if attempt.error is None:
            log.info("the shared store %s is reachable again", self._where)
        self.outcome = Outcome.REACHED
        self.accept()

    def _show_countdown(self) -> None:
        seconds = max(1, math.ceil(self._due - time.monotonic()))
        self.countdown.setText(f"Retrying in {seconds} s…")


def wait_for_store(
    title: str,
    where: str,
    first: StoreOutOfReach,
    attempt: Callable[[], None],
    explain: Callable[[StoreOutOfReach], str] | None = None,
) -> Outcome:
    """Show :class:`StoreWaitDialog` until it ends; how it ended."""
    dialog = StoreWaitDialog(title, where, first, attempt, explain=explain)
    dialog.exec()
    return dialog.outcome
