"""Uncaught errors: logged with their traceback, and shown to the operator in plain words.

An installed windowed program has no console, so an error that only went to stderr would
be invisible; the dialog names the log file that holds the details.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from console.redaction import redact

log = logging.getLogger("console.crash")


class ErrorReporter:
    """Installed as ``sys.excepthook`` and as the asyncio loop's exception handler."""

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file
        self.boxes: list[QMessageBox] = []

    def install(self) -> None:
        sys.excepthook = self.excepthook

    def excepthook(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        self.show(f"{kind.__name__}: {redact(str(error))}", "".join(traceback.format_tb(tb)))

    def loop_exception(self, _loop: object, context: dict[str, object]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.excepthook(type(error), error, error.__traceback__)
        else:
            log.error("asyncio: %s", context.get("message"))

    def show(self, summary: str, details: str) -> None:
        if QApplication.instance() is None:
            return
        # Many errors at once would bury the window under dialogs: keep at most three.
        self.boxes = [box for box in self.boxes if box.isVisible()]
        if len(self.boxes) >= 3:
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical, "Something went wrong", summary, parent=_window()
        )
        box.setInformativeText(
            "The console keeps running; what was stored is safe. The details are in the "
            f"log file:\n{self.log_file}"
        )
        box.setDetailedText(redact(details))
        box.setObjectName("errorDialog")
        self.boxes.append(box)
        box.open()


def _window() -> QWidget | None:
    """The window a dialog should open above (a window manager keeps it there)."""
    active = QApplication.activeWindow()
    if active is not None:
        return active
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    return next((w for w in shown if w.isVisible()), None)
