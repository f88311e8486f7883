"""Renaming a profile in the settings dialog takes its stored password along, whether the
profile is in use or not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QToolBar

from console.keychain import service_name
from console.paths import settings_path
from console.settings import ListenerSettings, Profile, Settings, save_settings
from console.ui.options.dialog import SettingsDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

ENDPOINT = "http://127.0.0.1:1/httpapi/receiver"


def test_renaming_a_profile_not_in_use_moves_its_password(qtbot, windows, data_dir):
    support = Profile(name="support", login="acme", senders=("12345",), endpoint=ENDPOINT)
    night = Profile(name="night", login="acme-night", senders=("12345",), endpoint=ENDPOINT)
    save_settings(
        settings_path(data_dir),
        Settings(
            profiles=(support, night),
            active="support",
            listener=ListenerSettings(host="127.0.0.1", port=0),
        ),
    )
    windows.keyring.entries[(service_name("support"), "acme")] = "pw-day"
    windows.keyring.entries[(service_name("night"), "acme-night")] = "pw-night"
    window = windows.open(data_dir, demo_mode=False)
    qtbot.waitUntil(lambda: window.profile_label.text() == "Profile support as acme")

    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    listed = dialog.profile_list
    item = listed.findItems("night", Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(
        listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualItemRect(item).center()
    )
    name = dialog.profile_form.name
    name.selectAll()
    qtbot.keyClicks(name, "late-shift")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))

    expected = {
        (service_name("support"), "acme"): "pw-day",
        (service_name("late-shift"), "acme-night"): "pw-night",
    }
    qtbot.waitUntil(lambda: windows.keyring.entries == expected, timeout=10_000)
    assert window.profile_label.text() == "Profile support as acme"
