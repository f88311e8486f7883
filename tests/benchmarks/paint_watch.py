"""Qt objects that only watch the benchmarked window, for ``window_probe.py``: which log
rows a paint drew, and when a timer fired."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem


class PaintNotes(QStyledItemDelegate):
    """Paints exactly as the default delegate does, then says which row it drew."""

    def __init__(self, noted: Callable[[int], None], parent: QObject) -> None:
        super().__init__(parent)
        self._noted = noted

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        self._noted(index.row())


class TimerWatch(QObject):
    """Calls back when the watched timer fires, before its timeout signal is emitted."""

    def __init__(self, fired: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._fired = fired

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Timer:
            self._fired()
        return False
