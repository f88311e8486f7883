"""The credentials dialog as the window opens it: saving closes it quietly."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QToolBar

from console.keychain import service_name
from console.paths import settings_path
from console.settings import ListenerSettings, Profile, Settings, save_settings
from console.ui.credentials_dialog import CredentialsDialog
from tests.ui.test_main_window import visible_error_dialogs

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_saving_credentials_stores_them_and_closes_without_an_error(
    qtbot, windows, data_dir, caplog
):
    profile = Profile(
        name="support", senders=("12345",), endpoint="http://127.0.0.1:1/httpapi/receiver"
    )
    save_settings(
        settings_path(data_dir),
        Settings(profiles=(profile,), active="support", listener=ListenerSettings(port=0)),
    )
    window = windows.open(data_dir, demo_mode=False)
    # No password anywhere: the window asks for one.
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(CredentialsDialog)),
        timeout=10_000,
    )
    (dialog,) = [d for d in window.findChildren(CredentialsDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    qtbot.keyClicks(dialog.login_edit, "acme")
    qtbot.keyClicks(dialog.password_edit, "pw-typed-here-42")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    # The window deletes a closed dialog when its event loop next runs: here, at once.
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    qtbot.waitUntil(
        lambda: window.profile_label.text() == "Profile support as acme", timeout=10_000
    )
    qtbot.wait(200)  # what the save's task still does after the dialog closed
    assert windows.keyring.entries == {(service_name("support"), "acme"): "pw-typed-here-42"}
    assert visible_error_dialogs() == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    assert not [d for d in window.findChildren(CredentialsDialog) if d.isVisible()]
    assert window.findChild(QToolBar) is not None
