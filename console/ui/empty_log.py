"""What an empty log says: what will appear there and how, or that a filter hides it all."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QTableView

from console.ui.palette import Tone, tint

NOTHING_YET = (
    "No messages yet.\n\n"
    "Messages you send appear here, newest first, and follow their delivery live; "
    "customers' replies arrive here too.\n"
    "Write one in the compose pane on the left (Ctrl+N)."
)
NOTHING_MATCHES = "No message matches the filter.\n\nClear the filter to see every message."


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

    def show_for(self, rows: int, filtered: bool) -> None:
        self.setText(NOTHING_MATCHES if filtered else NOTHING_YET)
        self.setVisible(rows == 0)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self._table.viewport().rect())
