"""The status bar: the listener's state without its secret, and alerts the operator can
read whole, follow, dismiss and find again."""

from __future__ import annotations

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QToolBar,
)

from console.paths import settings_path
from console.settings import Profile, load_settings, with_profile
from console.ui.options.dialog import SettingsDialog
from tests.ui.driving import choose
from tests.ui.test_main_window import listener_url, selected_id

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _status_texts(window) -> list[str]:
    bar = window.statusBar()
    widgets = [*bar.findChildren(QLabel), *bar.findChildren(QAbstractButton)]
    return [t for w in widgets for t in (w.text(), w.toolTip())]


def test_the_callback_url_is_one_click_away_and_its_token_never_shows(qtbot, window, data_dir):
    token = load_settings(settings_path(data_dir)).listener.path_token
    assert token
    status = window.listener_status
    assert status.text() == "● Receiving callbacks"
    assert not [t for t in _status_texts(window) if token in t]

    qtbot.mouseClick(status, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(QDialog, "callbackUrlDialog") if d.isVisible()]
    field = dialog.findChild(QLineEdit, "callbackUrl")
    assert token not in field.text()
    assert field.text().endswith("/callbacks/••••••••")
    assert not dialog.findChild(QLabel, "sharedCaution").isVisible()  # no team to take from
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == field.text().replace("••••••••", token)
    assert dialog.copy_button.text() == "Copied"


def test_a_customer_reply_raises_an_alert_that_leads_to_its_row(qtbot, windows, window):
    url = listener_url(window)
    text = "Can you deliver after 6pm? The side door is open, ring twice and wait please."
    fields = {
        "type": "MO",
        "message_id": "MO-alert-1",
        "shortcode": "12345",
        "phone_number": "12025550177",
        "message": text,
    }

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200
    alert = window.alerts.label
    qtbot.waitUntil(lambda: alert.text().startswith("Customer reply"), timeout=10_000)
    assert alert.text() == f"Customer reply: From +1 202-555-0177: {text}"
    assert alert.toolTip().startswith(alert.text())  # whole, however narrow the bar

    qtbot.mouseClick(alert, Qt.MouseButton.LeftButton)
    assert selected_id(window) == "MO-alert-1"

    qtbot.mouseClick(window.alerts.dismiss, Qt.MouseButton.LeftButton)
    assert alert.text() == ""
    assert not window.alerts.dismiss.isVisible()
    assert window.alerts.list_button.text() == "Alerts (1)"
    listed: list[str] = []

    def read_and_close() -> None:
        listed.extend(action.text() for action in window.alerts.menu.actions())
        window.alerts.menu.close()

    QTimer.singleShot(300, read_and_close)
    qtbot.mouseClick(window.alerts.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(listed), timeout=5000)
    (entry,) = listed
    assert entry.endswith(f"Customer reply: From +1 202-555-0177: {text}")


def test_listener_settings_show_the_url_the_listener_answers_at(qtbot, window):
    url = listener_url(window)  # demo mode: a free port, chosen at start
    assert ":0/" not in url
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    qtbot.mouseClick(dialog.listener_form.show_secret, Qt.MouseButton.LeftButton)
    assert dialog.listener_form.url.text() == url
    dialog.reject()


def test_the_demo_banner_shows_only_while_the_demo_profile_is_in_use(qtbot, window):
    session = window.session
    production = Profile(name="live", senders=("12345",), login="acme")
    session.save_settings(with_profile(session.settings, production))
    window._apply_profile()  # as the settings dialog does once saved
    banner = window.findChild(QLabel, "demoBanner")
    assert banner.isVisible()

    choose(qtbot, window.profile_box, "live")
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    assert window.badge.text() == "PRODUCTION"
    assert window.windowTitle() == ""
    # The new profile has no password yet: the window asks for it, and the operator
    # puts that off for now.
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QDialog), timeout=5000)
    asking = QApplication.activeModalWidget()
    assert asking.objectName() == "credentialsDialog"
    qtbot.keyClick(asking, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not asking.isVisible(), timeout=5000)

    choose(qtbot, window.profile_box, "demo")
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert window.windowTitle() == "Demo mode"
