"""The attachment dialog offers the files an MMS can carry, and opens where the last one was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit

from tests.ui.driving import wait_for_attachments

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _open_dialog(qtbot, window) -> QFileDialog:
    qtbot.mouseClick(window.compose.attachment_list.add_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.compose.findChildren(QFileDialog) if d.isVisible()]
    return dialog


def test_the_dialog_filters_to_attachable_files_and_remembers_its_folder(
    qtbot, windows, data_dir, png
):
    window = windows.open(data_dir)
    dialog = _open_dialog(qtbot, window)
    filters = dialog.nameFilters()
    assert filters[0].startswith("Pictures, video, audio and cards (")
    for pattern in ("*.png", "*.mp4", "*.vcf"):
        assert pattern in filters[0]
    assert filters[-1] == "All files (*)"
    dialog.setDirectory(str(png.parent))
    dialog.selectFile(png.name)
    dialog.accept()
    wait_for_attachments(qtbot, window.compose.attachment_list)
    assert [r.name_label.text() for r in window.compose.attachment_list.rows()] == [png.name]
    windows.close(window)

    again = windows.open(data_dir)
    dialog = _open_dialog(qtbot, again)
    assert dialog.directory().absolutePath() == str(png.parent)
    dialog.reject()


def test_the_first_dialog_opens_in_the_home_folder_when_there_is_no_pictures_folder(
    qtbot, windows, data_dir, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    window = windows.open(data_dir)
    dialog = _open_dialog(qtbot, window)
    assert dialog.directory().absolutePath() == str(home)
    # A folder that is not there used to be offered as the name of the file to choose.
    assert dialog.findChild(QLineEdit, "fileNameEdit").text() == ""
    dialog.reject()
