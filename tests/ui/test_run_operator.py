"""The window's operator for one run: ``--operator`` (as ``run_window`` gets it), else
``SMS_CONSOLE_OPERATOR``, takes the place of the settings' name on what is sent and
audited, in the Mine filter, and is said on the Settings' Operator page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QToolBar

from console import demo
from console.paths import settings_path
from console.settings import load_settings, save_settings
from console.ui.log_columns import Column
from console.ui.main_window import MainWindow
from console.ui.options.dialog import SettingsDialog
from tests.ui.test_main_window import (
    activate,
    column_values,
    compose,
    press_send,
    wait_for_outcome,
)
from tests.ui.test_operator import name_the_operator, seed_team
from tests.ui.test_settings_dialog import ok_button

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def name_in_settings(data_dir: Path, name: str) -> None:
    """The operator's name kept in the settings, before the window opens."""
    path = settings_path(data_dir)
    demo.prepare_settings(data_dir)
    save_settings(path, replace(load_settings(path), operator_name=name))


def send(qtbot, window: MainWindow, text: str) -> str:
    compose(qtbot, window, text)
    message_id = press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")
    return message_id


def open_operator_page(qtbot, window: MainWindow) -> SettingsDialog:
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    tabs = dialog.tabs.tabBar()
    page = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())].index("Operator")
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(page).center())
    assert dialog.operator_name.isVisible()
    return dialog


def test_the_runs_operator_sends_changes_settings_and_is_audited(qtbot, windows, data_dir) -> None:
    name_in_settings(data_dir, "carol")
    window = windows.open(data_dir, operator="alice")

    first = send(qtbot, window, "Your refund is on its way")
    name_the_operator(qtbot, window, "dave")
    second = send(qtbot, window, "And a voucher")

    assert column_values(window, Column.OPERATOR) == ["alice", "alice"]
    trail = window.session.store.audit()
    assert [(e.operator, e.action, e.message_id) for e in trail] == [
        ("alice", "send", second),
        ("alice", "settings", None),
        ("alice", "send", first),
    ]
    assert load_settings(settings_path(data_dir)).operator_name == "dave"


@pytest.mark.parametrize(
    ("option", "expected"),
    [(None, "bob"), ("alice", "alice")],
    ids=["environment", "option-beats-environment"],
)
def test_the_environment_names_the_operator_unless_the_option_does(
    qtbot, windows, data_dir, monkeypatch, option: str | None, expected: str
) -> None:
    name_in_settings(data_dir, "carol")
    monkeypatch.setenv("SMS_CONSOLE_OPERATOR", "bob")
    window = windows.open(data_dir, operator=option)

    message_id = send(qtbot, window, "Hello")

    assert column_values(window, Column.OPERATOR) == [expected]
    trail = window.session.store.audit()
    assert [(e.operator, e.action, e.message_id) for e in trail] == [(expected, "send", message_id)]


def test_mine_keeps_the_runs_operators_messages(qtbot, windows, data_dir) -> None:
    name_in_settings(data_dir, "carol")
    seed_team(data_dir)
    window = windows.open(data_dir, operator="alice")
    send(qtbot, window, "From Alice")
    assert column_values(window, Column.OPERATOR) == ["alice", "", "bob"]

    activate(qtbot, window)
    window.table.setFocus()
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClick(window.table, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)

    assert window.filter_bar.mine.isChecked()
    assert column_values(window, Column.OPERATOR) == ["alice"]
    assert column_values(window, Column.TEXT) == ["From Alice"]
    assert "Only the messages sent as alice" in window.filter_bar.mine.toolTip()


@pytest.mark.parametrize(
    ("option", "environment", "note"),
    [
        ("alice", None, "This run uses alice (from --operator); the name here is used otherwise."),
        (
            None,
            "bob",
            "This run uses bob (from SMS_CONSOLE_OPERATOR); the name here is used otherwise.",
        ),
    ],
    ids=["option", "environment"],
)
def test_the_operator_page_says_which_name_this_run_uses(
    qtbot, windows, data_dir, monkeypatch, option: str | None, environment: str | None, note: str
) -> None:
    name_in_settings(data_dir, "carol")
    if environment is not None:
        monkeypatch.setenv("SMS_CONSOLE_OPERATOR", environment)
    window = windows.open(data_dir, operator=option)

    dialog = open_operator_page(qtbot, window)

    assert dialog.operator_name.text() == "carol"
    shown = dialog.findChild(QLabel, "runOperatorNote")
    assert shown is not None
    assert shown.isVisible()
    assert shown.text() == note
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_without_a_name_for_the_run_the_page_has_no_note(qtbot, windows, data_dir) -> None:
    name_in_settings(data_dir, "carol")
    window = windows.open(data_dir)

    dialog = open_operator_page(qtbot, window)

    assert dialog.findChild(QLabel, "runOperatorNote") is None
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert window.session.actor.operator == "carol"
