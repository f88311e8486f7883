"""Labels the window's parts share: field names with their shortcut, plain text lines in a
colour, room kept for a line that comes and goes, and one line cut short to fit."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.ui.palette import Tone, tint


def buddy(text: str, field: QWidget) -> QLabel:
    """A field's label: Alt plus its underlined letter focuses the field."""
    label = QLabel(text)
    label.setBuddy(field)
    # A label is sized by its text's advance, but a letter's ink may reach a pixel past it
    # ("To": its "o" was cut); its bounding box keeps the whole letter.
    ink = label.fontMetrics().boundingRect(text.replace("&", "")).width()
    label.setMinimumWidth(max(label.sizeHint().width(), ink + 1))
    return label


def coloured(label: QLabel, tone: Tone | None) -> None:
    """Show ``label``'s text in the theme's colour for ``tone`` (None: plain text)."""
    tint(label, tone)


def plain_label(object_name: str, tone: Tone | None = None) -> QLabel:
    """A wrapping line of plain text (never read as rich text: it may hold what was typed)."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if tone is not None:
        coloured(label, tone)
    return label


def reserved(label: QLabel, lines: int) -> QWidget:
    """``label`` in a box that keeps room for ``lines`` lines whether it shows or not, so
    that the fields around it do not move as it comes and goes."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label)
    layout.addStretch(1)
    box.setMinimumHeight(lines * label.fontMetrics().lineSpacing())
    return box


class ElidedLabel(QLabel):
    """One line that ends in … when it does not fit; the whole text is its tooltip.
    A click emits ``clicked``."""

    clicked = Signal()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignVCenter), text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        hint.setWidth(60)
        return hint

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.text():
            self.clicked.emit()
