"""The message log and the detail of its selected message: the filter bar, the rows, the
detail panel, and how they follow the store's changes as they come."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.models import LogRow, NewMessage
from console.timeline import message_timeline
from console.ui.detail_panel import DetailPanel
from console.ui.empty_log import EmptyLogNote
from console.ui.log_filter import LogFilterBar
from console.ui.log_model import MessageLogModel
from console.ui.log_table import MessageLogTable
from console.ui.palette import Tone, tint
from console.ui.received_attachments import ReceivedAttachmentsView

DETAIL_REFRESH_MS = 250


class LogPane(QSplitter):
    """The log above, the selected message's detail below.

    ``rowChanged`` fires when another row is selected, or the selected one changed.
    """

    rowChanged = Signal()

    def __init__(self, model: MessageLogModel, store: MessageStore) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.setObjectName("logDetailSplit")
        self.model = model
        self._store = store
        self.table = MessageLogTable(model)
        self.empty_note = EmptyLogNote(self.table)
        self.filter_bar = LogFilterBar()
        # A query that failed is told here, once, above the rows it left in place.
        self.log_error = QLabel()
        self.log_error.setObjectName("logError")
        self.log_error.setWordWrap(True)
        tint(self.log_error, Tone.ERROR)
        self.log_error.hide()
        self._behind = False  # a change could not be read: the log_error line says so
        self.detail = DetailPanel()
        self.reply_files = ReceivedAttachmentsView()
        # Many attachments scroll on their own: the detail's text keeps its share.
        self.files_area = QScrollArea()
        self.files_area.setObjectName("replyFilesArea")
        self.files_area.setWidgetResizable(True)
        self.files_area.setFrameShape(QFrame.Shape.NoFrame)
        self.files_area.setWidget(self.reply_files)
        self.files_area.hide()
        # Shown in the window's status bar.
        self.count_label = QLabel()
        self.count_label.setObjectName("logCount")
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_REFRESH_MS)
        self._detail_timer.timeout.connect(self._row_changed)
        self._select_after: str | None = None  # to select once the search under way ends
        self._oldest_after_count = False  # the oldest row is asked for, not yet counted
        self._files_of: int | None = None  # the reply whose attachments are shown

        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.setSpacing(4)
        log_layout.addWidget(self.filter_bar)
        log_layout.addWidget(self.log_error)
        log_layout.addWidget(self.table)
        self.addWidget(log_box)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.setSpacing(0)
        detail_layout.addWidget(self.detail, 3)
        detail_layout.addWidget(self.files_area, 2)
        self.addWidget(detail_box)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

        self.filter_bar.queryChanged.connect(self.model.set_query)
        self.model.searching.connect(self.filter_bar.set_busy)
        self.model.modelAboutToBeReset.connect(self._remember_selected)
        self.model.queryApplied.connect(self._query_applied)
        self.model.queryFailed.connect(self._query_failed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self.update_count)
        self.model.rowsInserted.connect(self.update_count)
        self.model.rowsRemoved.connect(self.update_count)
        self.model.counted.connect(self.update_count)
        self.model.counted.connect(self._counted)

    # Selection

    def select_message(self, message_id: str) -> None:
        if self.model.is_searching:
            self._select_after = message_id  # the rows it would be found in are going
            return
        row = self.model.row_for_message_id(message_id)
        if row is not None:
            self._select_row(row)

    def _select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_newest(self) -> None:
        self._select_row(0)

    def select_oldest(self) -> None:
        if self.model.is_counting:
            self._oldest_after_count = True  # the bottom is not known yet
            return
        row = self.model.oldest_row()
        if row is not None:
            self._select_row(row)

    def _counted(self) -> None:
        if self._oldest_after_count:
            self._oldest_after_count = False
            self.select_oldest()

    def selected_row(self) -> LogRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.message_at(index.row()) if index.isValid() else None

    def show_sent(self, new: NewMessage) -> bool:
        """Select a message just handed to the session, clearing a filter that hides it;
        True when a filter was cleared."""
        cleared = self.filter_bar.clear_if_hiding(new)
        self.model.refresh_ids([new.message_id])
        self.select_message(new.message_id)
        return cleared

    def show_first_of(self, message_ids: Iterable[str]) -> None:
        """Select the first of ``message_ids`` in the log, clearing a filter that hides it."""
        ids = list(message_ids)
        if not ids:
            return
        shown = next((m for m in ids if self.model.row_for_message_id(m) is not None), None)
        if shown is None:
            self.filter_bar.reset()  # a filter may hide them; selected once it is gone
        self.select_message(shown or ids[0])
        self.table.setFocus()

    # Query, detail and live changes

    def _remember_selected(self) -> None:
        if self._select_after is None:
            row = self.selected_row()
            self._select_after = None if row is None else row.message_id

    def _query_applied(self) -> None:
        self.log_error.hide()
        self._oldest_after_count = False  # asked of rows no longer shown
        selected, self._select_after = self._select_after, None
        if selected is not None:
            self.select_message(selected)
        # A row the filter hides takes its story with it: the detail follows the selection.
        self._row_changed()

    def _query_failed(self, error: str) -> None:
        self.log_error.setText(f"{error}. The rows below are from before this filter.")
        self.log_error.show()
        selected, self._select_after = self._select_after, None
        if selected is not None:
            self.select_message(selected)

    def _row_changed(self) -> None:
        row = self.selected_row()
        reply = None
        if row is None:
            self.detail.clear_timeline()
        else:
            try:
                timeline = message_timeline(self._store, row.message_id)
            except StoreError as exc:
                # A shared store out of reach: shown once it is back and the row changes.
                self.detail.show_problem(str(exc))
            else:
                self.detail.show_timeline(timeline)
                if timeline is not None and timeline.message is None:
                    reply = timeline.reply
        if reply is None:
            self.reply_files.show_attachments(())
        elif reply.id != self._files_of:
            self.reply_files.show_attachments(reply.attachments, reply.message_id)
        self.files_area.setVisible(reply is not None and bool(reply.attachments))
        self._files_of = None if reply is None else reply.id
        self.rowChanged.emit()

    def read_again_if_failed(self) -> None:
        """After the store came back: a filter that could not be read is read now."""
        if not self.log_error.isHidden():
            self.reload()

    def reload(self) -> None:
        """Read the log again under the current filter, keeping the selection."""
        self.model.set_query(self.filter_bar.query())

    def messages_changed(self, message_ids: frozenset[str]) -> None:
        """Show what the store now has of ``message_ids``."""
        try:
            self.model.refresh_ids(message_ids)
        except StoreError as exc:
            self._behind = True
            self.log_error.setText(f"The log could not be brought up to date: {exc}")
            self.log_error.show()
            return
        if self._behind:
            self._behind = False
            self.log_error.hide()
        row = self.selected_row()
        # A receipt storm on the selected message must not rebuild its timeline each time:
        # one refresh per interval shows the latest state.
        if row is not None and row.message_id in message_ids and not self._detail_timer.isActive():
            self._detail_timer.start()

    def update_count(self) -> None:
        count = self.model.rowCount()
        query = self.model.query
        filtered = bool(query.text or query.direction or query.state or query.operator)
        counting = self.model.is_counting
        shown = f"{count:,}+" if counting else f"{count:,}"
        matched = "1 message matches" if shown == "1" else f"{shown} messages match"
        text = f"{matched} the filter" if filtered else f"{shown} in the log"
        self.count_label.setText(text)
        self.count_label.setToolTip("Counting the rest…" if counting else "")
        self.empty_note.show_for(count, query)
