"""The message log's table: fixed row heights, columns shown or hidden from the header's
menu, and the operator's place kept when rows arrive above it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from console.ui.log_columns import HEADERS, HIDDEN_AT_FIRST, OPTIONAL, Column
from console.ui.log_model import MessageLogModel

ROW_HEIGHT = 24


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
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The text takes what room is left, whichever columns are shown.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        # What support staff look for first: when, who, what became of it, and what it said.
        for column, width in enumerate((100, 52, 128, 170, 240, 62, 84, 48, 120)):
            self.setColumnWidth(column, width)
        header.setSectionsMovable(True)
        for column in HIDDEN_AT_FIRST:
            header.setSectionHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # By pixel: by column, the bar's thumb jumps by whole (wide) columns.
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        model.rowsAboutToBeInserted.connect(self._remember_scroll)
        model.rowsInserted.connect(self._keep_scroll)

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
