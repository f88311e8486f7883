"""The Conversations mode of the window: the threads on the left, searched; the open one on
the right with its reply box; all kept up to date as the session's changes come."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.protocol.phone import number_key
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.threads import ThreadQuery, ThreadRow
from console.thread_claims import ClaimKeeper
from console.ui.labels import plain_label
from console.ui.named import named
from console.ui.palette import Tone
from console.ui.reply_box import ReplyBox
from console.ui.thread_list_model import ThreadListModel
from console.ui.thread_list_view import ThreadList
from console.ui.thread_view import ThreadView

SEARCH_DELAY_MS = 250
UNREAD_DELAY_MS = 300
# How often claims that ran out are looked for among the rows shown.
EXPIRY_CHECK_MS = 30_000


class ConversationsPane(QSplitter):
    """Threads and the open thread. ``unreadChanged(int)``: the operator's unread total."""

    unreadChanged = Signal(int)

    def __init__(
        self,
        store: MessageStore,
        operator: Callable[[], str],
        claim_minutes: Callable[[], int],
        open_reader: Callable[[], MessageStore],
        *,
        team: bool = False,
    ) -> None:
        """``team``: the store is a team's shared one, where threads are claimed."""
        super().__init__(Qt.Orientation.Horizontal)
        self.setObjectName("conversationsSplit")
        self._store = store
        self._operator = operator
        self.claims = ClaimKeeper(store, operator, claim_minutes)
        self.model = ThreadListModel(store, operator, self, open_reader=open_reader)

        self.search = named(QLineEdit(), "threadSearch")
        self.search.setPlaceholderText("Search a number or text")
        self.search.setAccessibleName("Search conversations")
        self.search.setClearButtonEnabled(True)
        self.list = ThreadList(self.model, operator)
        self.searching = plain_label("threadsSearching", Tone.MUTED)
        self.searching.setText("Searching…")
        self.searching.hide()
        self.list_error = plain_label("threadListError", Tone.ERROR)
        self.list_error.hide()
        self.empty_note = named(QLabel(), "threadsEmpty", wordWrap=True)
        self.empty_note.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.searching)
        left_layout.addWidget(self.list_error)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.empty_note)

        self.view = ThreadView(store, claims=team)
        self.reply_box = ReplyBox()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.view, 1)
        right_layout.addWidget(self.reply_box)
        self.addWidget(left)
        self.addWidget(right)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setCollapsible(1, False)

        self.mark_unread_action = QAction("Mark &unread", self)
        self.mark_unread_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.mark_unread_action.setStatusTip("The conversation's last reply is unread again")
        self.mark_unread_action.triggered.connect(self.mark_unread)
        # Ctrl+Shift+U types a character by its code on many desktops: while writing a
        # reply it must not close the thread (the menu item still works).
        self.reply_box.editor.held_keys = (self.mark_unread_action.shortcut(),)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.list.addAction(self.mark_unread_action)
        # Esc from the thread or the reply box goes back to the list.
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), right)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.list.setFocus)
        # In the search box, Down goes on to the threads found and Esc empties it.
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self.to_list)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search.clear)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_now)
        # Said once a search has taken a moment: a quick one would only flicker.
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(SEARCH_DELAY_MS)
        self._busy_timer.timeout.connect(self.searching.show)
        self._expiry_timer = QTimer(self)
        self._expiry_timer.setInterval(EXPIRY_CHECK_MS)
        self._expiry_timer.timeout.connect(self.expire_claims)
        self._expiry_timer.start()
        # The total is a scan of every thread with replies: counted once a burst, not per batch.
        self._unread_timer = QTimer(self)
        self._unread_timer.setSingleShot(True)
        self._unread_timer.setInterval(UNREAD_DELAY_MS)
        self._unread_timer.timeout.connect(self.update_unread)

        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.list.clicked.connect(self._open_index)
        self.list.activated.connect(self._open_to_reply)
        self.model.queryApplied.connect(self._query_applied)
        self.model.searching.connect(self._searching)
        self.model.queryFailed.connect(self._show_list_error)
        self.model.modelReset.connect(self._update_empty)
        self.model.rowsInserted.connect(self._update_empty)
        self.view.claimToggled.connect(self.toggle_claim)
        self.reply_box.edited.connect(lambda: self._worked(self.reply_box.replying_to))
        for first, second in (
            (self.search, self.list),
            (self.list, self.view.messages),
            (self.reply_box.editor, self.reply_box.send_button),
        ):
            QWidget.setTabOrder(first, second)
        self.view.after_messages = self.reply_box.editor
        self.view.stitch_tabs()

    # The window's API ---------------------------------------------------------------------

    def start(self) -> None:
        """Read the threads (under the search typed) and the unread total, for the first
        time or again."""
        self._search_now()
        self.update_unread()

    def stop(self) -> None:
        """The window closes: no search is shown any more, their store is closed."""
        self._expiry_timer.stop()
        self._unread_timer.stop()
        self.model.close()

    def read_open(self) -> None:
        """The pane is shown again: what came into the open thread meanwhile is read now."""
        row = self.view.showing
        if row is None:
            return
        operator = self._operator()
        try:
            fresh = self._store.thread(row.id, operator)
            if fresh is None or not fresh.unread:
                return
            self._store.mark_read(row.id, operator)
            fresh = self._store.thread(row.id, operator) or fresh
        except StoreError as exc:
            self.reply_box.show_error(str(exc))
            return
        self.model.refresh([fresh])
        self._show_open(fresh)
        self.update_unread()

    def read_again_if_failed(self) -> None:
        """After the store came back: the threads that could not be read are read now."""
        if not self.list_error.isHidden():
            self.start()

    def open_thread(self, row: ThreadRow) -> None:
        """Open ``row``'s thread: its messages, read now; its claim runs on."""
        operator = self._operator()
        try:
            if row.unread:
                self._store.mark_read(row.id, operator)
            self.claims.worked(row, now_or_never=True)
            row = self._store.thread(row.id, operator) or row
        except StoreError as exc:
            self.view.open(row, operator)
            self.reply_box.set_thread(row)
            self.reply_box.show_error(str(exc))
            return
        self.model.refresh([row])
        at = self.model.row_of(row.id)
        if at is not None:
            self.list.setCurrentIndex(self.model.index(at, 0))
        self.view.open(row, operator)
        self.reply_box.set_thread(row)
        self.update_unread()

    def open_thread_of(self, message_id: str) -> bool:
        """Open the thread holding ``message_id`` (a reply a notification told of)."""
        try:
            rows = self._store.threads_for([message_id], self._operator())
        except StoreError:
            return False
        if not rows:
            return False
        self.open_thread(rows[0])
        self.reply_box.editor.setFocus()
        return True

    def messages_changed(self, message_ids: frozenset[str]) -> None:
        """A batch of changes: the threads holding them move and update, the open one
        shows its new messages and states (read at once while the pane is shown)."""
        operator = self._operator()
        try:
            rows = self._store.threads_for(message_ids, operator)
        except StoreError as exc:
            self._show_list_error(f"The conversations could not be brought up to date: {exc}")
            return
        if not rows:
            return
        self.list_error.hide()
        open_row = next((r for r in rows if r.id == self._open_id()), None)
        if open_row is not None:
            if open_row.unread and self.isVisible():
                try:
                    self._store.mark_read(open_row.id, operator)
                    open_row = self._store.thread(open_row.id, operator) or open_row
                except StoreError as exc:
                    self.reply_box.show_error(str(exc))
                rows = [open_row if r.id == open_row.id else r for r in rows]
            self._show_open(open_row)
            self.view.refresh(message_ids)
        self.model.refresh(rows)
        if not self._unread_timer.isActive():
            self._unread_timer.start()

    def threads_changed(self, thread_ids: Iterable[int]) -> None:
        """Claims changed on these threads (another console claimed or released)."""
        operator = self._operator()
        rows = []
        try:
            for thread_id in thread_ids:
                row = self._store.thread(thread_id, operator)
                if row is not None:
                    rows.append(row)
        except StoreError as exc:
            self._show_list_error(f"The conversations could not be brought up to date: {exc}")
            return
        self.model.refresh(rows)
        for row in rows:
            if row.id == self._open_id():
                self._show_open(row)

    def numbers_changed(self, numbers: Iterable[str]) -> None:
        """These numbers went on the opt-out list or came off it (another console, a
        receiver or the command line): their threads say so."""
        keys = set(numbers)
        self.threads_changed(
            row.id
            for row in map(self.model.thread_at, range(self.model.rowCount()))
            if row is not None and number_key(row.phone_number) in keys
        )

    def expire_claims(self) -> None:
        """Rows whose claim ran out read again: they show as unclaimed."""
        now = time.time()
        ended = [
            row.id
            for row in map(self.model.thread_at, range(self.model.rowCount()))
            if row is not None and row.claimed_until is not None and row.claimed_until <= now
        ]
        if ended:
            self.threads_changed(ended)

    def update_unread(self) -> None:
        try:
            total = self._store.unread_total(self._operator())
        except StoreError:
            return  # told again with the next change
        self.unreadChanged.emit(total)

    def mark_unread(self) -> None:
        """The current thread's last reply is unread again; back to the list."""
        if not self.isVisible():
            return  # the shortcut is the window's: in the log it means nothing
        index = self.list.currentIndex()
        row = self.model.thread_at(index.row()) if index.isValid() else self.view.showing
        if row is None:
            return
        operator = self._operator()
        try:
            self._store.mark_unread(row.id, operator)
            fresh = self._store.thread(row.id, operator)
        except StoreError as exc:
            self._show_list_error(str(exc))
            return
        if fresh is not None:
            self.model.refresh([fresh])
        if self._open_id() == row.id:
            self.view.clear()
            self.reply_box.set_thread(None)
            # Nothing is open: no row is shown as if it were (Up/Down go on from it).
            self.list.selectionModel().clearSelection()
        self.list.setFocus()
        self.update_unread()

    def toggle_claim(self) -> None:
        row = self.view.showing
        if row is None:
            return
        operator = self._operator()
        try:
            holder = self.claims.toggle(row)
            fresh = self._store.thread(row.id, operator) or row
        except StoreError as exc:
            self.reply_box.show_error(str(exc))
            return
        self.model.refresh([fresh])
        self._show_open(fresh)
        if holder is not None and holder != operator:
            self.reply_box.show_error(f"{holder} claimed this conversation first.")

    def sent_in(self, row: ThreadRow) -> None:
        """A reply went from the box: work in the thread, its claim runs on."""
        self._worked(row, now_or_never=True)

    # Inside -------------------------------------------------------------------------------

    def _open_id(self) -> int | None:
        return self.view.showing.id if self.view.showing is not None else None

    def _show_open(self, row: ThreadRow) -> None:
        self.view.show_row(row, self._operator())
        self.reply_box.set_thread(row)

    def to_list(self) -> None:
        """The keys to the list, on the thread chosen, else the first (shown chosen)."""
        self.list.setFocus()
        current = self.list.currentIndex()
        if not current.isValid() and self.model.rowCount():
            current = self.model.index(0, 0)
        if current.isValid():
            # Chosen as shown: a current row without the highlight is invisible.
            self.list.setCurrentIndex(current)

    def _open_to_reply(self, index: QModelIndex) -> None:
        # Enter opens the thread to answer it: what is typed next goes to the reply box.
        self._open_index(index)
        if self.reply_box.isEnabled():
            self.reply_box.editor.setFocus()

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.thread_at(index.row())
        if row is not None and row.id != self._open_id():
            self.open_thread(row)

    def _worked(self, row: ThreadRow | None, *, now_or_never: bool = False) -> None:
        try:
            self.claims.worked(row, now_or_never=now_or_never)
        except StoreError as exc:
            self.reply_box.show_error(str(exc))

    def _search_now(self) -> None:
        self.model.set_query(ThreadQuery(self.search.text().strip()))

    def _searching(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.searching.hide()

    def _query_applied(self) -> None:
        self.list_error.hide()
        opened = self._open_id()
        at = self.model.row_of(opened) if opened is not None else None
        if at is not None:
            self.list.setCurrentIndex(self.model.index(at, 0))

    def _show_list_error(self, text: str) -> None:
        self.list_error.setText(text)
        self.list_error.show()

    def _update_empty(self) -> None:
        if self.model.rowCount():
            self.empty_note.hide()
            return
        searched = bool(self.model.query.text)
        self.empty_note.setText(
            "No conversation matches the search."
            if searched
            else "No conversations yet: a customer's reply, or a message sent, starts one."
        )
        self.empty_note.show()
