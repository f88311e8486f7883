"""Tray notifications of customers' replies: a click on one brings the window up on the
thread it told of, and the Conversations settings silence them.

The tray host and its notification bubbles belong to the desktop, which does not run
offscreen: the system says it has a tray, what the window asks it to show is recorded, and
the desktop's click on a bubble is its ``messageClicked`` signal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QSystemTrayIcon

from console.ui.main_window import MainWindow
from tests.ui.test_conversations import bubble_texts, pane_of, post_mo, press_ctrl
from tests.ui.test_main_window import listener_url
from tests.ui.test_settings_dialog import ok_button
from tests.ui.test_team_listener import click_tab, open_settings

# The offscreen platform has no tray of its own to follow.
pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "No such signal QPlatformNativeInterface::systemTray"
)


@pytest.fixture
def shown(monkeypatch) -> list[tuple[str, str]]:
    """The notifications the window asks the desktop's tray to show: (title, text)."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    return []


def record(window: MainWindow, shown: list[tuple[str, str]]) -> QSystemTrayIcon:
    tray = window.tray
    assert tray is not None
    tray.showMessage = lambda title, text, *_rest: shown.append((title, text))  # type: ignore[method-assign]
    return tray


def test_a_reply_is_notified_and_a_click_opens_its_thread(qtbot, windows, data_dir, shown):
    window = windows.open(data_dir)
    tray = record(window, shown)
    url = listener_url(window)
    press_ctrl(qtbot, window, Qt.Key.Key_1)  # reading the log
    post_mo(windows, url, "MO-tray-0001", "12025550123", "Is my order on its way?")

    qtbot.waitUntil(lambda: shown != [], timeout=10_000)
    assert shown == [("Customer reply", "From +1 202-555-0123: Is my order on its way?")]
    qtbot.waitUntil(lambda: tray.toolTip().endswith(": 1 unread reply"), timeout=5000)

    window.showMinimized()
    tray.messageClicked.emit()  # the operator clicks the bubble

    pane = pane_of(window)
    qtbot.waitUntil(pane.isVisible, timeout=5000)
    assert not window.isMinimized()
    assert pane.view.title.text().startswith("+1 202-555-0123")
    assert bubble_texts(pane) == ["Is my order on its way?"]
    qtbot.waitUntil(pane.reply_box.editor.hasFocus, timeout=5000)
    # Opened is read.
    qtbot.waitUntil(lambda: window.windowTitle() == "Demo mode", timeout=5000)


def test_silenced_in_the_settings_a_reply_is_counted_but_not_notified(
    qtbot, windows, data_dir, shown
):
    window = windows.open(data_dir)
    record(window, shown)
    dialog = open_settings(qtbot, window)
    click_tab(qtbot, dialog, "Conversations")
    notify = dialog.conversations_page.notify
    qtbot.mouseClick(notify, Qt.MouseButton.LeftButton, pos=QPoint(8, notify.height() // 2))
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    post_mo(windows, listener_url(window), "MO-quiet-0001", "12025550124", "Hello?")

    qtbot.waitUntil(lambda: window.windowTitle() == "(1) Demo mode", timeout=10_000)
    qtbot.wait(300)  # the batch's alerts are told with it
    assert shown == []
