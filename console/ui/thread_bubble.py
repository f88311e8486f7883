"""One message of a conversation as a bubble: the customer's on the left, ours on the
right with where it stands (sent, delivered, failed and why), the time, and a reply's
attachments."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.store.threads import ThreadItem
from console.ui.log_columns import format_time
from console.ui.palette import Tone, scheme, tint
from console.ui.received_attachments import ReceivedAttachmentsView
from console.ui.thread_words import delivery_line

# A bubble takes at most this share of the thread's width: a long text wraps.
BUBBLE_SHARE = 0.75


class Bubble(QWidget):
    """A row of the thread holding one message's bubble, on its side."""

    def __init__(self, item: ThreadItem) -> None:
        super().__init__()
        self.item = item
        self.frame = QFrame()
        self.frame.setObjectName("bubbleIn" if item.direction == "in" else "bubbleOut")
        self.body = QLabel()
        self.body.setObjectName("bubbleText")
        self.body.setTextFormat(Qt.TextFormat.PlainText)  # what customers write is no markup
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = QLabel()
        self.meta.setObjectName("bubbleState")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(10, 6, 10, 6)
        inner.setSpacing(3)
        inner.addWidget(self.body)
        self._attachments: QWidget | None = None
        self._width = 0  # the thread's, as last fitted to
        # Its attachments' Open and Save… buttons, for the thread's Tab order.
        self.buttons: list[QPushButton] = []
        self._inner = inner
        inner.addWidget(self.meta)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        if item.direction == "out":
            row.addStretch(1)
        row.addWidget(self.frame, 3)
        if item.direction == "in":
            row.addStretch(1)
        self.show_item(item)
        self.restyle()

    @property
    def message_id(self) -> str:
        return self.item.message_id

    def show_item(self, item: ThreadItem) -> None:
        """Show ``item`` as it is now (a receipt changed where it stands)."""
        self.item = item
        when = format_time(item.at)
        if item.message is not None:
            message = item.message
            self.body.setText(message.body)
            words, tone = delivery_line(message)
            by = f" · {message.operator}" if message.operator else ""
            self.meta.setText(f"{when}{by} · {words}")
            tint(self.meta, tone)
            files = message.attachments
        else:
            assert item.reply is not None
            self.body.setText(item.reply.body)
            self.meta.setText(when)
            tint(self.meta, Tone.MUTED)
            files = item.reply.attachments
        if self._attachments is not None:
            self._attachments.deleteLater()
            self._attachments = None
            self.buttons = []
        if files:
            # Thumbnails of real pictures, a line with Open and Save… for the rest (the same
            # view as the log's detail).
            view = ReceivedAttachmentsView()
            self._inner.insertWidget(1, view)  # placed first: shown unplaced, it is a window
            view.show_attachments(files, stem=item.message_id)
            self._attachments = view
            self.buttons = view.findChildren(QPushButton)
        self.setAccessibleName(self.describe())
        if self._width:
            self.fit(self._width)  # its attachments changed

    def describe(self) -> str:
        """The bubble in words, as a screen reader says it."""
        who = "You" if self.item.direction == "out" else "Customer"
        return f"{who}: {self.body.text()} ({self.meta.text()})"

    def fit(self, width: int) -> None:
        self._width = width
        share = int(width * BUBBLE_SHARE)
        least = 160
        if isinstance(self._attachments, ReceivedAttachmentsView):
            # In a narrow thread a picture goes above its words and buttons; beside them
            # when there is room. Never under what they need: they would be drawn over
            # each other. (Text alone wraps: its bubble needs no such measure, which
            # would cost a layout pass for each of a thread's bubbles.)
            self._attachments.set_stacked(False)
            self._attachments.set_stacked(self.frame.minimumSizeHint().width() > share)
            least = max(least, self.frame.minimumSizeHint().width())
        self.frame.setMaximumWidth(max(least, share))

    def restyle(self) -> None:
        """Colours of the theme in use: the customer's on the field colour, ours tinted."""
        chosen = scheme()
        background = chosen.base if self.item.direction == "in" else chosen.alternate_base
        edge = chosen.outline if self.item.direction == "in" else chosen.highlight
        self.frame.setStyleSheet(
            f"QFrame#{self.frame.objectName()} {{ background: {background};"
            f" border: 1px solid {edge}; border-radius: 8px; }}"
            f" QLabel#bubbleText {{ color: {chosen.text}; }}"
        )
