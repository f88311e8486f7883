"""The list of threads: fixed row heights, and the operator's place kept when threads
arrive or move above the first one in view."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QAbstractItemView, QListView

from console.ui.thread_list_model import ThreadListModel
from console.ui.thread_row_delegate import ThreadRowDelegate, row_height


class ThreadList(QListView):
    """The rows of ``model``, drawn for ``operator()``."""

    def __init__(self, model: ThreadListModel, operator: Callable[[], str]) -> None:
        super().__init__()
        self.setObjectName("threadList")
        self.setAccessibleName("Conversations")
        self.setModel(model)
        self.setItemDelegate(ThreadRowDelegate(operator, self))
        self.setUniformItemSizes(True)  # fixed heights: cheap however many threads
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setMinimumWidth(260)
        self.setMinimumHeight(row_height(self.fontMetrics()) * 3)
        self._shift = 0
        model.rowsAboutToBeInserted.connect(self._inserting)
        model.rowsInserted.connect(self._keep_place)

        model.rowsAboutToBeMoved.connect(self._moving)
        model.rowsMoved.connect(self._keep_place)

    def _top(self) -> int:
        # Scrolled by item: the bar's value is the first row in view.
        return self.verticalScrollBar().value()

    def _inserting(
        self, _parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        top = self._top()
        # At the very top new threads simply appear; below it they must not push the rows.
        self._shift = last - first + 1 if top > 0 and first <= top else 0

    def _moving(
        self,
        _parent: QModelIndex | QPersistentModelIndex,
        start: int,
        _end: int,
        _destination: QModelIndex | QPersistentModelIndex,
        row: int,
    ) -> None:
        top = self._top()
        # A thread from below the first row in view moving above it pushes the rows down.
        self._shift = 1 if top > 0 and start > top and row <= top else 0

    def _keep_place(self, *_args: object) -> None:
        if self._shift:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self._shift)
            self._shift = 0
