"""Editing a profile in the settings changes that profile only: the theme, the listener and
every other setting stay as they were."""

from __future__ import annotations

from dataclasses import fields

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialogButtonBox, QToolBar

from console.paths import settings_path
from console.settings import Settings, Theme, load_settings
from console.ui.options.dialog import SettingsDialog
from console.ui.palette import DARK, apply_theme
from tests.ui.driving import choose

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def open_settings(qtbot, window, tab: str) -> SettingsDialog:
    """The toolbar's settings button, then the tab called ``tab``."""
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    tabs = dialog.tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == tab)
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(index).center())
    return dialog


def press_ok(qtbot, dialog: SettingsDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def choose_theme(qtbot, window, theme: str) -> None:
    """Settings, Appearance, ``theme``, OK."""
    dialog = open_settings(qtbot, window, "Appearance")
    choose(qtbot, dialog.theme_box, theme)
    press_ok(qtbot, dialog)


def _besides_profiles(settings: Settings) -> dict[str, object]:
    """Every setting but the profiles themselves, whatever settings there come to be."""
    return {f.name: getattr(settings, f.name) for f in fields(settings) if f.name != "profiles"}


def _window_is_dark(window) -> bool:
    return window.palette().color(QPalette.ColorRole.Window).name() == DARK.window


@pytest.mark.parametrize("edit", ["attempts", "environment"])
def test_editing_the_active_profile_keeps_the_theme_and_the_other_settings(
    qtbot, windows, data_dir, edit
):
    window = windows.open(data_dir)
    try:
        choose_theme(qtbot, window, "Dark")
        qtbot.waitUntil(lambda: _window_is_dark(window), timeout=5000)
        before = load_settings(settings_path(data_dir))
        assert before.theme is Theme.DARK

        dialog = open_settings(qtbot, window, "Profiles")
        assert dialog.profile_list.currentItem().text().endswith("(active)")
        form = dialog.profile_form
        if edit == "attempts":
            assert form.attempts.value() == 5
            form.attempts.lineEdit().selectAll()
            qtbot.keyClicks(form.attempts.lineEdit(), "6")
        else:
            assert form.environment.currentText() == "Test"
            choose(qtbot, form.environment, "Production")
        press_ok(qtbot, dialog)

        after = load_settings(settings_path(data_dir))
        changed = after.profile()
        assert (changed.max_attempts, changed.environment.value) != (
            before.profile().max_attempts,
            before.profile().environment.value,
        )
        assert _besides_profiles(after) == _besides_profiles(before)
        qtbot.wait(50)
        assert _window_is_dark(window)
        dialog = open_settings(qtbot, window, "Appearance")
        assert dialog.theme_box.currentText() == "Dark"
        dialog.reject()
    finally:
        apply_theme(Theme.SYSTEM)


def test_ok_in_the_settings_keeps_the_sender_chosen_in_the_form(qtbot, window):
    pane = window.compose
    senders = [pane.sender_box.itemText(i) for i in range(pane.sender_box.count())]
    assert len(senders) > 1  # the demo profile has several
    choose(qtbot, pane.sender_box, senders[1])

    press_ok(qtbot, open_settings(qtbot, window, "Profiles"))

    assert pane.sender_box.currentText() == senders[1]
