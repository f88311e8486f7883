"""The message log's table: fixed row heights, columns shown or hidden from the header's
menu, the message text taking the room left, and the operator's place kept when rows
arrive above it."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from console.ui.log_columns import HEADERS, HIDDEN_AT_FIRST, OPTIONAL, Column
from console.ui.log_model import MessageLogModel

ROW_HEIGHT = 24
# What support staff look for first: when, who, what became of it, and what it said.
_WIDTHS = (100, 52, 128, 170, 240, 62, 84, 48, 120, 72)
# The text is what they read: never narrower than its first few words.
TEXT_MIN_CHARS = 40


class MessageLogTable(QTableView):
    """The rows of ``model``, one message or reply each."""

    def __init__(self, model: MessageLogModel) -> None:
        super().__init__()
        self._scroll_before = 0
        self.setObjectName("messageLog")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setSortingEnabled(False)
        self.verticalHeader().setVisible(False)
        # Fixed heights keep a million-row table as cheap as a ten-row one.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        # Every column is the operator's to widen; past the view, the log scrolls sideways.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        # No column narrower than its header's words (asked while every one is shown).
        self._minimums = {column: header.sectionSizeHint(column) for column in Column}
        self._minimums[Column.TEXT] = max(
            self._minimums[Column.TEXT], self.fontMetrics().averageCharWidth() * TEXT_MIN_CHARS
        )
        # The text takes the room the others leave, and at least this: its minimum, or what
        # the operator widened it to.
        self._text_width = self._minimums[Column.TEXT]
        self._fitting = False  # the table sizes a column itself, not the operator
        for column, width in zip(Column, _WIDTHS, strict=True):
            self.setColumnWidth(column, max(width, self._minimums[column]))
        header.setSectionsMovable(True)
        for column in HIDDEN_AT_FIRST:
            header.setSectionHidden(column, True)
        header.sectionResized.connect(self._column_resized)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # By pixel: by column, the bar's thumb jumps by whole (wide) columns.
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        model.rowsAboutToBeInserted.connect(self._remember_scroll)
        model.rowsInserted.connect(self._keep_scroll)

    def restore_columns(self, state: QByteArray) -> bool:
        """Put back the columns' order, visibility and widths from ``header.saveState()``,
        none narrower than its minimum (an older run saved a squeezed, stretched text)."""
        header = self.horizontalHeader()
        self._fitting = True
        try:
            restored = header.restoreState(state)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(False)
            for column in Column:
                size = header.sectionSize(column)
                if not header.isSectionHidden(column) and size < self._minimums[column]:
                    header.resizeSection(column, self._minimums[column])
        finally:
            self._fitting = False
        # The text fits this run's window, not the last one's.
        self._text_width = self._minimums[Column.TEXT]
        self._fit_text()
        return restored

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Also called when the view inside changes, as a scroll bar comes or goes.
        super().resizeEvent(event)
        self._fit_text()

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        """A column widened, narrowed, shown or hidden (its width 0): the text follows."""
        if self._fitting:
            return
        minimum = self._minimums[Column(column)]
        if 0 < new < minimum:
            self._resize(column, minimum)
        if column == Column.TEXT:
            self._text_width = max(new, minimum)
        self._fit_text()

    def _fit_text(self) -> None:
        header = self.horizontalHeader()
        # A hidden column's size is 0.
        others = sum(header.sectionSize(c) for c in Column if c is not Column.TEXT)
        self._resize(Column.TEXT, max(self._text_width, self.viewport().width() - others))

    def _resize(self, column: int, width: int) -> None:
        header = self.horizontalHeader()
        if header.sectionSize(column) == width:
            return
        self._fitting = True
        try:
            header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _column_menu(self, where: QPoint) -> None:
        """The header's menu: the optional columns, each shown or hidden with a click."""
        header = self.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for column in OPTIONAL:
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(
                lambda shown, column=column: header.setSectionHidden(column, not shown)
            )
        menu.popup(header.mapToGlobal(where))

    def _remember_scroll(self, _parent: object, first: int, _last: int) -> None:
        value = self.verticalScrollBar().value()
        # Only rows arriving above the top visible one move what the operator reads; at
        # the very top, new rows simply appear.
        self._scroll_before = value if value > 0 and first <= value else 0

    def _keep_scroll(self, _parent: object, first: int, last: int) -> None:
        if self._scroll_before:
            self.verticalScrollBar().setValue(self._scroll_before + last - first + 1)
            self._scroll_before = 0
