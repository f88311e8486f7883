"""The waiting dialog's keys: Enter tries again, whatever was clicked before; only Quit
or Esc quits."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.store.errors import StoreOutOfReach
from console.ui.store_wait import Outcome, StoreWaitDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

DOWN = StoreOutOfReach("the shared store is unreachable", "connection refused")


def press_enter(qtbot, dialog: StoreWaitDialog) -> None:
    target = QApplication.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_Return)


def test_enter_tries_again_even_after_retry_now_was_clicked(qtbot):
    release = threading.Event()
    tries: list[int] = []

    def attempt() -> None:
        tries.append(1)
        release.wait(10)
        raise DOWN

    dialog = StoreWaitDialog("Console", "postgresql://ann@db/sms", DOWN, attempt)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()

    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    assert dialog.countdown.text() == "Connecting…"
    # A try is under way: Enter must not quit.
    press_enter(qtbot, dialog)
    assert dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: dialog.countdown.text().startswith("Retrying in"), timeout=5000)
    release.clear()

    # The try failed: Enter tries again, it does not quit.
    press_enter(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.countdown.text() == "Connecting…"
    assert len(tries) == 2
    release.set()
    qtbot.waitUntil(lambda: dialog.countdown.text().startswith("Retrying in"), timeout=5000)

    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.outcome is Outcome.QUIT
