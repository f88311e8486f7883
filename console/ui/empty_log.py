"""What an empty log says: what will appear there and how, or that a filter hides it all."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QTableView

from console.store.models import LogQuery
from console.ui.palette import Tone, tint

NOTHING_YET = (
    "No messages yet.\n\n"
    "Messages you send appear here, newest first, and follow their delivery live; "
    "customers' replies arrive here too.\n"
    "Write one in the compose pane on the left (Ctrl+N)."
)


def nothing_matches(query: LogQuery) -> str:
    """What hides every row: the words to change, named as the filter bar shows them."""
    choices = [
        words
        for words, active in (("In and out", query.direction), ("Any state", query.state))
        if active is not None
    ]
    undo = ["clear the filter box"] if query.text else []
    if choices:
        undo.append("choose " + " and ".join(choices))
    if query.operator is not None:
        undo.append("untick Mine")
    steps = " and ".join(undo)
    return f"No message matches.\n\nTo see every message, {steps}."


class EmptyLogNote(QLabel):
    """A note over the log's empty table; hidden while it has rows."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table.viewport())
        self.setObjectName("emptyLog")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tint(self, Tone.MUTED)
        self.setContentsMargins(24, 24, 24, 24)
        self._table = table
        table.viewport().installEventFilter(self)

    def show_for(self, rows: int, query: LogQuery) -> None:
        filtered = bool(query.text or query.direction or query.state or query.operator)
        self.setText(nothing_matches(query) if filtered else NOTHING_YET)
        self.setVisible(rows == 0)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self._table.viewport().rect())
