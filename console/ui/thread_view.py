"""The open conversation: who it is with, who handles it, and its messages in order, the
older ones read as the operator scrolls up to them."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.protocol.phone import display_number
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.threads import ItemKey, ThreadItem, ThreadRow
from console.ui.labels import plain_label
from console.ui.named import named
from console.ui.palette import Tone, theme_changed
from console.ui.thread_bubble import Bubble
from console.ui.thread_words import handler_words, opted_out_words

# What a change batch rereads of the open thread: its newest items, this many more than
# the batch holds.
RECENT_ITEMS = 20
# Bubbles made at a time: a thread opens on its newest, older ones come as scrolled to
# (a bubble is a few widgets: two hundred took 80 ms to make).
VIEW_PAGE = 50
# A thread followed at its bottom keeps at most this many bubbles: each one more makes
# every layout pass longer, and a busy customer's thread would grow without end.
SHOWN_AT_MOST = 3 * VIEW_PAGE


class ThreadView(QWidget):
    """One thread's header and messages. ``claimToggled``: Claim or Release was pressed."""

    claimToggled = Signal()

    def __init__(
        self, store: MessageStore, *, claims: bool = True, page_size: int = VIEW_PAGE
    ) -> None:
        """``claims``: whether threads can be claimed (a team's shared store)."""
        super().__init__()
        self._store = store
        self._claims = claims
        # Where Tab goes after the messages' own buttons (the pane's reply box).
        self.after_messages: QWidget | None = None
        self._page_size = page_size
        self.showing: ThreadRow | None = None
        self._bubbles: list[Bubble] = []
        self._more = False  # older items than the first bubble are in the store
        # The place kept as the thread grows: this far above the bottom; None: the top.
        self._from_bottom: int | None = 0
        self._adjusting = False

        self.title = named(QLabel(), "threadTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.handler = plain_label("threadHandler", Tone.WARNING)
        self.opted_out = plain_label("threadOptedOut", Tone.ERROR)
        self.claim_button = named(QPushButton("Claim"), "claimThread")
        self.claim_button.setToolTip("Tell the team you are handling this conversation")
        self.claim_button.clicked.connect(self.claimToggled)
        self.problem = plain_label("threadProblem", Tone.ERROR)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.handler, 1)
        header.addStretch()  # the button keeps its size while nobody handles the thread
        header.addWidget(self.claim_button)

        self.messages = named(QScrollArea(), "threadMessages")
        self.messages.setWidgetResizable(True)
        self.messages.setFrameShape(QFrame.Shape.StyledPanel)
        self.messages.setAccessibleName("Messages of the conversation")
        self.messages.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        holder = QWidget()
        self._items = QVBoxLayout(holder)
        self._items.setContentsMargins(0, 6, 0, 6)
        self._items.setSpacing(4)
        self._items.addStretch(1)  # few messages sit at the bottom, by the reply box
        self.messages.setWidget(holder)
        self.placeholder = named(QLabel("Choose a conversation on the left."), "threadPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.opted_out)
        layout.addWidget(self.problem)
        layout.addWidget(self.messages, 1)
        layout.addWidget(self.placeholder, 1)
        self.messages.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.messages.verticalScrollBar().rangeChanged.connect(self._range_changed)
        theme_changed().connect(self._restyle)
        self.clear()

    # What the pane asks.

    def clear(self) -> None:
        self.showing = None
        self._remove_bubbles()
        for widget in (self.title, self.handler, self.opted_out, self.problem, self.messages):
            widget.hide()
        self.claim_button.hide()
        self.placeholder.show()

    def open(self, row: ThreadRow, operator: str) -> None:
        """Show ``row``'s thread from its newest messages, scrolled to the bottom."""
        self._remove_bubbles()
        self.showing = row
        self.placeholder.hide()
        self.title.show()
        self.messages.show()
        self.show_row(row, operator)
        try:
            items = self._store.thread_items(row.id, limit=self._page_size)
        except StoreError as exc:
            self._show_problem(f"The messages could not be read: {exc}")
            return
        self._show_problem("")
        self._more = len(items) >= self._page_size
        for item in items:
            self._append(item)
        self.stitch_tabs()
        self._to_bottom()

    def show_row(self, row: ThreadRow, operator: str) -> None:
        """The header of ``row`` as it is now: who handles it, whether it opted out."""
        self.showing = row
        self.title.setText(f"{display_number(row.phone_number)} · to {row.sender}")
        handler = handler_words(row, operator)
        self.handler.setText(handler or "")
        self.handler.setVisible(bool(handler))
        opted = opted_out_words(row)
        self.opted_out.setText(f"{opted}: messages to this number are refused." if opted else "")
        self.opted_out.setVisible(bool(opted))
        mine = row.claimed_by == operator
        self.claim_button.setText("Release" if mine else "Claim")
        self.claim_button.setToolTip(
            "Let the team take this conversation again"
            if mine
            else "Tell the team you are handling this conversation"
        )
        self.claim_button.setVisible(self._claims)

    def refresh(self, changed: Iterable[str]) -> None:
        """Show what changed in the open thread: its newest messages read again, and any
        older one among ``changed`` (message_ids) that is shown."""
        if self.showing is None:
            return
        ids = set(changed)
        try:
            # However many of the batch are new in this thread, all are among these.
            items = self._store.thread_items(self.showing.id, limit=RECENT_ITEMS + len(ids))
            seen = {i.message_id for i in items}
            shown = {b.message_id for b in self._bubbles}
            for message_id in (ids & shown) - seen:
                message = self._store.get_message(message_id)
                if message is not None:
                    items.append(ThreadItem(message=message))
        except StoreError as exc:
            self._show_problem(f"The conversation could not be brought up to date: {exc}")
            return
        self._show_problem("")
        at_bottom = self._at_bottom()
        added = False
        for item in items:
            bubble = self.bubble(item.message_id)
            if bubble is None:
                self._add_in_order(item)
                added = True
            elif bubble.item != item:
                bubble.show_item(item)
        if added and at_bottom:
            self._drop_oldest()
            self._to_bottom()
        self.stitch_tabs()

    def add_sent(self, item: ThreadItem) -> None:
        """A message just handed to the session: shown at once, at the bottom."""
        if self.bubble(item.message_id) is None:
            self._add_in_order(item)
            self.stitch_tabs()
        self._to_bottom()

    def bubble(self, message_id: str) -> Bubble | None:
        return next((b for b in self._bubbles if b.message_id == message_id), None)

    def bubbles(self) -> list[Bubble]:
        return list(self._bubbles)

    # Inside.

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _append(self, item: ThreadItem) -> None:
        self._insert(len(self._bubbles), item)

    def _insert(self, position: int, item: ThreadItem) -> None:
        bubble = Bubble(item)
        bubble.fit(self.messages.viewport().width())
        self._bubbles.insert(position, bubble)
        # The layout's first item is the stretch above the bubbles.
        self._items.insertWidget(position + 1, bubble)

    def stitch_tabs(self) -> None:
        """Tab from the messages goes through their buttons (an attachment's Open and
        Save…), oldest first, then on: made as bubbles come, they would be last."""
        chain: list[QWidget] = [self.messages]
        for bubble in self._bubbles:
            chain += bubble.buttons
        if self.after_messages is not None:
            chain.append(self.after_messages)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _add_in_order(self, item: ThreadItem) -> None:
        position = len(self._bubbles)
        while position > 0 and self._bubbles[position - 1].item.key > item.key:
            position -= 1
        if position == 0 and self._more:
            return  # older than what is shown: it comes when scrolled up to
        self._insert(position, item)

    def _remove_bubbles(self) -> None:
        for bubble in self._bubbles:
            self._items.removeWidget(bubble)
            bubble.deleteLater()
        self._bubbles = []
        self._more = False

    def _drop_oldest(self) -> None:
        """Past :data:`SHOWN_AT_MOST`, the oldest bubbles go: read again when scrolled up
        to, as on opening."""
        extra = len(self._bubbles) - SHOWN_AT_MOST
        if extra <= 0:
            return
        for bubble in self._bubbles[: extra + VIEW_PAGE]:
            self._items.removeWidget(bubble)
            bubble.deleteLater()
        del self._bubbles[: extra + VIEW_PAGE]
        self._more = True

    def _scrolled(self, value: int) -> None:
        if self._adjusting:
            return
        # The operator scrolled: at the bottom the thread follows new messages; elsewhere
        # it stays where it is.
        bar = self.messages.verticalScrollBar()
        self._from_bottom = 0 if value >= bar.maximum() - 4 else None
        if value == 0 and self._more and self.showing is not None:
            QTimer.singleShot(0, self.load_older)

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._from_bottom is None:
            return
        self._adjusting = True
        try:
            self.messages.verticalScrollBar().setValue(maximum - self._from_bottom)
        finally:
            self._adjusting = False

    def load_older(self) -> None:
        """Read the page of messages before the first one shown, keeping the operator's
        place: what was at the top of the view stays there."""
        if not self._more or self.showing is None or not self._bubbles:
            return
        before = ItemKey(self._bubbles[0].item.at, self._bubbles[0].message_id)
        try:
            items = self._store.thread_items(self.showing.id, before, self._page_size)
        except StoreError as exc:
            self._show_problem(f"Older messages could not be read: {exc}")
            return
        self._more = len(items) >= self._page_size
        bar = self.messages.verticalScrollBar()
        # Rows grow above: the distance to the bottom is what stays.
        self._from_bottom = bar.maximum() - bar.value()
        for position, item in enumerate(items):
            self._insert(position, item)
        self.stitch_tabs()

    def _at_bottom(self) -> bool:
        bar = self.messages.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _to_bottom(self) -> None:
        self._from_bottom = 0
        bar = self.messages.verticalScrollBar()
        self._range_changed(bar.minimum(), bar.maximum())

    def _restyle(self) -> None:
        for bubble in self._bubbles:
            bubble.restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.messages.viewport().width()
        for bubble in self._bubbles:
            bubble.fit(width)
