"""Canned replies in the window, driven by keyboard and mouse: written in their dialog
(checked as typed), inserted into the message text with Ctrl+Shift+I and a free field
filled in, deleted and brought back, and imported from a file, a bad one refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from console.store.location import StoreLocation
from console.store.postgres import PostgresStore
from console.ui.canned_dialog import CannedRepliesDialog
from console.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

TEXT = "Hi {number}, order {field:Order number} left today. {operator}"


def open_dialog(qtbot, window: MainWindow) -> CannedRepliesDialog:
    """Through the menu: a click on Message, then N (Canned replies…)."""
    bar = window.menuBar()
    (message,) = [a for a in bar.actions() if a.text() == "&Message"]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(message).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_N)
    qtbot.waitUntil(lambda: window.canned.dialog is not None and window.canned.dialog.isVisible())
    dialog = window.canned.dialog
    assert dialog is not None
    return dialog


def names(dialog: CannedRepliesDialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def write_reply(qtbot, dialog: CannedRepliesDialog, name: str, text: str) -> None:
    """New, the text, then the name and Enter (which saves)."""
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.text.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.text, text)
    qtbot.mouseClick(dialog.name, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: name in names(dialog))


def test_a_reply_written_in_the_dialog_is_inserted_with_its_field_filled(
    qtbot, windows, data_dir
) -> None:
    window = windows.open(data_dir, operator="Ann")
    dialog = open_dialog(qtbot, window)
    qtbot.waitUntil(dialog.name.hasFocus)  # none yet: a new one is begun
    qtbot.keyClicks(dialog.name, "Order shipped")
    dialog.text.setFocus()
    qtbot.keyClicks(dialog.text, "Hi {nmber}")
    assert "unknown placeholder {nmber}" in dialog.problem.text()
    assert not dialog.save_button.isEnabled()
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, TEXT)
    assert dialog.problem.text() == ""
    qtbot.keyClick(dialog.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: names(dialog) == ["Order shipped"])
    assert dialog.note.text() == "Saved “Order shipped”"
    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    compose = window.compose
    qtbot.keyClicks(compose.recipient, "+1 202 555 0143")
    # The offscreen platform has no window manager to give the window back its focus.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.mouseClick(compose.editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(compose.editor.hasFocus)
    qtbot.keyClicks(compose.editor, "Hello. ")
    qtbot.keyClick(
        compose.editor,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    inserter = window.canned.inserter
    qtbot.waitUntil(lambda: inserter.dialog is not None and inserter.dialog.isVisible())
    picker = inserter.dialog
    qtbot.keyClicks(picker.filter, "ship")
    assert picker.list.currentItem().text() == "Order shipped"
    assert picker.preview.text() == TEXT
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: inserter.dialog is not None and inserter.dialog is not picker)
    form = inserter.dialog
    (field,) = form.lines.values()
    assert field.accessibleName() == "Order number"
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "A-17")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: inserter.dialog is None)

    expected = "Hello. Hi +1 202 555 0143, order A-17 left today. Ann"
    assert compose.editor.toPlainText() == expected
    window.activateWindow()
    qtbot.waitUntil(compose.editor.hasFocus)  # where it was typed in, to go on typing
    # One step takes the whole insertion back.
    qtbot.keyClick(compose.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert compose.editor.toPlainText() == "Hello. "


def test_a_deleted_reply_comes_back_with_undo(qtbot, windows, data_dir) -> None:
    window = windows.open(data_dir)
    dialog = open_dialog(qtbot, window)
    write_reply(qtbot, dialog, "Hours", "We answer 9 to 5.")
    write_reply(qtbot, dialog, "Address", "1 Main St.")

    dialog.list.setFocus()
    dialog.list.setCurrentRow(names(dialog).index("Hours"))
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)

    assert names(dialog) == ["Address"]
    assert dialog.note.text() == "Deleted “Hours”"
    qtbot.waitUntil(dialog.undo_button.hasFocus)
    qtbot.keyClick(dialog.undo_button, Qt.Key.Key_Space)
    assert names(dialog) == ["Address", "Hours"]
    assert (dialog.name.text(), dialog.text.toPlainText()) == ("Hours", "We answer 9 to 5.")


def test_a_name_in_use_is_said_as_it_is_typed_and_save_waits(qtbot, windows, data_dir) -> None:
    window = windows.open(data_dir)
    dialog = open_dialog(qtbot, window)
    write_reply(qtbot, dialog, "Hours", "We answer 9 to 5.")
    assert dialog.note.text() == "Saved “Hours”"
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    # A new reply, untouched: nothing is wrong yet, and the last note is gone.
    assert (dialog.problem.text(), dialog.note.text()) == ("", "")
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.text.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.text, "Open at weekends too.")
    qtbot.mouseClick(dialog.name, Qt.MouseButton.LeftButton)

    qtbot.keyClicks(dialog.name, "hours ")

    assert dialog.problem.text() == "“Hours” exists already: choose another name"
    assert not dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert names(dialog) == ["Hours"]
    qtbot.keyClicks(dialog.name, "(weekend)")
    assert dialog.problem.text() == ""
    assert dialog.save_button.isEnabled()
    # Its own name, in other letters, is no clash.
    dialog.list.setCurrentRow(0)
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "HOURS")
    assert dialog.save_button.isEnabled()


def choose_file(qtbot, dialog: CannedRepliesDialog, path: Path) -> None:
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    picker = next(d for d in dialog.findChildren(QFileDialog) if d.isVisible())
    picker.selectFile(str(path))
    picker.accept()


def visible_box(qtbot, dialog: CannedRepliesDialog, name: str) -> QMessageBox:
    def shown() -> list[QMessageBox]:
        boxes = dialog.findChildren(QMessageBox)
        return [b for b in boxes if b.isVisible() and b.objectName() == name]

    qtbot.waitUntil(lambda: bool(shown()))
    return shown()[0]


def test_a_bad_file_is_refused_with_each_problem_and_nothing_imported(
    qtbot, windows, data_dir, tmp_path
) -> None:
    bad = tmp_path / "team.json"
    entries = [{"name": "Fine", "text": "ok"}, {"name": "Typo", "text": "Dear {nmber}"}]
    bad.write_text(json.dumps({"version": 1, "canned_replies": entries}), encoding="utf-8")
    window = windows.open(data_dir)
    dialog = open_dialog(qtbot, window)

    choose_file(qtbot, dialog, bad)

    box = visible_box(qtbot, dialog, "cannedFileProblems")
    assert box.text() == "Nothing was imported: team.json"
    assert box.informativeText().startswith("entry 2, text: at character 6: unknown placeholder")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert names(dialog) == []


def test_an_import_asks_before_replacing_names_in_use(qtbot, windows, data_dir, tmp_path) -> None:
    source = tmp_path / "team.json"
    entries = [{"name": "hours", "text": "8 to 6"}, {"name": "Address", "text": "1 Main St."}]
    source.write_text(json.dumps({"version": 1, "canned_replies": entries}), encoding="utf-8")
    window = windows.open(data_dir)
    dialog = open_dialog(qtbot, window)
    write_reply(qtbot, dialog, "Hours", "9 to 5")

    choose_file(qtbot, dialog, source)
    box = visible_box(qtbot, dialog, "cannedImportClash")
    assert "“Hours”" in box.text()
    qtbot.mouseClick(
        next(b for b in box.buttons() if b.text() == "&Replace"), Qt.MouseButton.LeftButton
    )

    qtbot.waitUntil(lambda: names(dialog) == ["Address", "hours"])
    assert dialog.note.text() == "Imported team.json: 1 added, 1 replaced"
    audit = window.session.store.audit()
    assert [(e.action, e.detail) for e in audit] == [
        ("canned", "imported team.json: 1 added, 1 replaced")
    ]


def test_on_a_shared_store_the_teams_changes_show_in_the_open_dialog(
    qtbot, windows, tmp_path, postgres_url
) -> None:
    folder = tmp_path / "ann"
    folder.mkdir(mode=0o700)
    window = windows.open(folder, store=StoreLocation.postgresql(postgres_url))
    dialog = open_dialog(qtbot, window)
    write_reply(qtbot, dialog, "Hours", "9 to 5")

    with PostgresStore(postgres_url) as bob:
        bob.save_canned("Address", "1 Main St.", "bob")
        qtbot.waitUntil(lambda: names(dialog) == ["Address", "Hours"])
        bob.delete_canned("hours")
        qtbot.waitUntil(lambda: names(dialog) == ["Address"])
    assert "“Hours” was deleted meanwhile" in dialog.problem.text()


def test_with_no_number_typed_yet_the_number_is_asked_for(qtbot, windows, data_dir) -> None:
    window = windows.open(data_dir)
    dialog = open_dialog(qtbot, window)
    write_reply(qtbot, dialog, "Call back", "We will call {number} back.")
    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    editor = window.compose.editor
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(
        editor,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    inserter = window.canned.inserter
    qtbot.waitUntil(lambda: inserter.dialog is not None and inserter.dialog.isVisible())
    qtbot.keyClick(inserter.dialog.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(inserter.dialog, "number", None) is not None)
    form = inserter.dialog
    qtbot.keyClicks(form.number, "+44 7700 900123")
    assert form.preview.text() == "We will call +44 7700 900123 back."
    qtbot.keyClick(form.number, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: editor.toPlainText() == "We will call +44 7700 900123 back.")
    # Asked for because To was empty: the message goes to it too.
    assert window.compose.recipient.text() == "+44 7700 900123"
