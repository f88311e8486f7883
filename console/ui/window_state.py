"""What the window keeps between runs, in window.ini in the data folder: its size and place,
the panes' splits, the log's columns and the last folder attachments came from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

# Saved column widths, order and visibility (the columns changed with the Status column).
_LOG_HEADER = "logHeader2"


def fit_screen(window: QWidget) -> None:
    """1280x800 where it fits, else what the screen has room for, frame included; a size
    saved from the last run takes its place."""
    screen = QGuiApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else None
    width, height = 1280, 800
    if room is not None:
        # The frame and title bar the window manager adds are not part of the size.
        width = min(width, room.width() - 16)
        height = min(height, room.height() - 48)
    window.resize(max(width, 640), max(height, 480))


def _layouts(
    window: MainWindow,
) -> tuple[tuple[str, Callable[[], QByteArray], Callable[[QByteArray], object]], ...]:
    """Each saved layout: its key, how to take it and how to put it back."""
    header = window.table.horizontalHeader()
    return (
        ("geometry", window.saveGeometry, window.restoreGeometry),
        ("windowState", window.saveState, window.restoreState),
        ("mainSplit", window.main_split.saveState, window.main_split.restoreState),
        ("rightSplit", window.right_split.saveState, window.right_split.restoreState),
        (_LOG_HEADER, header.saveState, window.table.restore_columns),
    )


class WindowState:
    """The window.ini of ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self._file = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)

    def save(self, window: MainWindow) -> None:
        for key, take, _restore in _layouts(window):
            self._file.setValue(key, take())
        self._file.setValue("attachFolder", window.compose.attachment_list.last_folder)
        self._file.sync()

    def restore(self, window: MainWindow) -> None:
        folder = self._file.value("attachFolder")
        if isinstance(folder, str):
            window.compose.attachment_list.last_folder = folder
        for key, _take, restore in _layouts(window):
            value = self._file.value(key)
            if isinstance(value, QByteArray):
                restore(value)
