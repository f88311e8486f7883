"""Settings, Listener: the URL the listener answers at, with the port it took and its secret
token masked until Show."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QToolBar

from console.paths import settings_path
from console.settings import load_settings
from console.ui.options.dialog import SettingsDialog
from tests.ui.test_main_window import listener_url

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

MASK = "•" * 8


def open_listener_page(qtbot, window) -> SettingsDialog:
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    tabs = dialog.tabs.tabBar()
    page = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Listener")
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(page).center())
    assert dialog.listener_form.isVisible()
    return dialog


def shown(dialog: SettingsDialog) -> list[str]:
    """Every text the dialog shows, in labels and fields."""
    widgets = [*dialog.findChildren(QLabel), *dialog.findChildren(QLineEdit)]
    return [w.text() for w in widgets if w.isVisible() and w.text()]


def test_the_listener_page_shows_the_port_taken_and_masks_the_token(qtbot, window, data_dir):
    token = load_settings(settings_path(data_dir)).listener.path_token
    url = listener_url(window)  # demo mode: port 0, a free one taken at start
    port = urlsplit(url).port
    dialog = open_listener_page(qtbot, window)
    form = dialog.listener_form

    assert not [text for text in shown(dialog) if token in text or ":0/" in text]
    masked_url = url.replace(token, MASK)
    assert f"Listening on {masked_url}" in shown(dialog)
    assert f"A free port, chosen each time the listener starts; now {port}." in shown(dialog)
    assert form.url.text() == masked_url

    qtbot.mouseClick(form.show_secret, Qt.MouseButton.LeftButton)
    assert form.listening.text() == f"Listening on {url}"
    assert form.url.text() == url
    assert form.token.text() == token
    qtbot.mouseClick(form.show_secret, Qt.MouseButton.LeftButton)
    assert not [text for text in shown(dialog) if token in text]
    qtbot.mouseClick(form.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == url

    # A change applied starts the listener again, on another free port: the page follows.
    qtbot.keyClicks(form.allow, "127.0.0.0/8")
    assert form.listening.text().endswith("the settings above apply after OK or Apply")
    with qtbot.waitSignal(window.listenerRestarted, timeout=10_000):
        apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
        qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    again = window.listener_status.url
    assert again is not None
    assert form.listening.text() == f"Listening on {again.replace(token, MASK)}"
    assert form.url.text() == again.replace(token, MASK)
    qtbot.mouseClick(form.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == again
    dialog.reject()
