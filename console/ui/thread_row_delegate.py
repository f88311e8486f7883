"""How a thread's row is drawn: the customer's number and our sender, when, the last line,
an unread badge, who handles it and whether the number opted out; all rows one height."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.protocol.phone import display_number
from console.store.threads import ThreadRow
from console.ui.palette import Tone, colour, scheme
from console.ui.thread_list_model import THREAD_ROLE
from console.ui.thread_words import (
    failed_words,
    handler_words,
    last_line,
    opted_out_words,
    short_time,
)

PADDING = 6
LINES = 3


def row_height(metrics: QFontMetrics) -> int:
    return LINES * metrics.lineSpacing() + 2 * PADDING


class ThreadRowDelegate(QStyledItemDelegate):
    """Draws each row of a thread list; ``operator`` is who reads it (their own claim
    reads *You are handling this*)."""

    def __init__(self, operator: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._operator = operator

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(200, row_height(option.fontMetrics))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(THREAD_ROLE)
        if not isinstance(row, ThreadRow):
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        base_font: QFont = option.font
        metrics = QFontMetrics(base_font)
        line = metrics.lineSpacing()
        inner = rect.adjusted(PADDING + 2, PADDING, -PADDING - 2, -PADDING)
        top = QRect(inner.left(), inner.top(), inner.width(), line)
        middle = top.translated(0, line)
        bottom = middle.translated(0, line)

        def tone(which: Tone) -> QColor:
            return text if selected else QColor(colour(which))

        # First line: who, to which of our senders; when, on the right.
        when = short_time(row.last_at)
        when_width = metrics.horizontalAdvance(when) + 4
        painter.setPen(tone(Tone.MUTED))
        painter.drawText(
            top, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), when
        )
        bold = QFont(base_font)
        bold.setBold(row.unread > 0)
        painter.setFont(bold)
        painter.setPen(text)
        number = display_number(row.phone_number)
        number_width = min(QFontMetrics(bold).horizontalAdvance(number), top.width() - when_width)
        painter.drawText(
            top.adjusted(0, 0, -when_width, 0), int(Qt.AlignmentFlag.AlignVCenter), number
        )
        painter.setFont(base_font)
        painter.setPen(tone(Tone.MUTED))
        sender_rect = top.adjusted(number_width + 6, 0, -when_width, 0)
        painter.drawText(
            sender_rect,
            int(Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(
                f"to {row.sender}", Qt.TextElideMode.ElideRight, sender_rect.width()
            ),
        )

        # Second line: the last message, with the unread badge on the right.
        badge_width = 0
        if row.unread:
            count = str(row.unread)
            badge_width = max(metrics.horizontalAdvance(count) + 10, line)
            badge = QRect(middle.right() - badge_width, middle.top() + 1, badge_width, line - 2)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(scheme().highlighted_text if selected else scheme().highlight))
            painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            painter.setPen(QColor(scheme().highlight if selected else scheme().highlighted_text))
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), count)
            badge_width += 6
        painter.setPen(text)
        body = middle.adjusted(0, 0, -badge_width, 0)
        painter.drawText(
            body,
            int(Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(last_line(row), Qt.TextElideMode.ElideRight, body.width()),
        )

        # Third line: who handles it, and whether the customer opted out.
        operator = self._operator()
        notes = [
            (words, which)
            for words, which in (
                (handler_words(row, operator), Tone.WARNING),
                (opted_out_words(row), Tone.ERROR),
                (failed_words(row), Tone.ERROR),
            )
            if words
        ]
        left = bottom.left()
        for words, which in notes:
            painter.setPen(tone(which))
            place = QRect(left, bottom.top(), bottom.right() - left, line)
            painter.drawText(
                place,
                int(Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(words, Qt.TextElideMode.ElideRight, place.width()),
            )
            left += metrics.horizontalAdvance(words) + 12
        painter.restore()
