"""The filter bar over the message log: text, direction, state and the operator's own
messages, applied in SQL."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from console.store.models import Direction, LogQuery, LogState, NewMessage
from console.ui.indicator_style import outlined
from console.ui.log_columns import LOG_STATE_LABELS, LOG_STATE_TIPS

# Typing pauses this long before the query runs, so a fast typist costs one query.
TYPING_DELAY_MS = 200
# A search over sooner than this shows no sign of itself: a flash would only distract.
BUSY_DELAY_MS = 150


class LogFilterBar(QWidget):
    """Emits ``queryChanged(LogQuery)`` when what the log should show changes."""

    queryChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit()
        self.text.setObjectName("logFilter")
        self.text.setPlaceholderText("Filter by number, text or message_id  (Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self.text.setToolTip("Filter by number, text or message_id (Ctrl+F)")
        # Room for a number or a word even in a narrow window: the lists give way first.
        self.text.setMinimumWidth(self.text.fontMetrics().horizontalAdvance("+44 7700 900123  ✕"))
        # The choices' values are kept here, by position: Qt gives back an enum stored as
        # item data as a plain string.
        self._directions: list[Direction | None] = [None, Direction.OUT, Direction.IN]
        self.direction = QComboBox()
        self.direction.setObjectName("directionFilter")
        self.direction.addItems(["In and out", "Sent (out)", "Received (in)"])
        self.direction.setItemData(
            2,
            "Customers' replies, and receipts for messages not sent from here",
            Qt.ItemDataRole.ToolTipRole,
        )
        self._states: list[LogState | None] = [None, *LOG_STATE_LABELS]
        self.state = QComboBox()
        self.state.setObjectName("stateFilter")
        self.state.addItems(["Any state", *LOG_STATE_LABELS.values()])
        for box in (self.direction, self.state):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
            box.view().setMinimumWidth(box.sizeHint().width() * 2)
        # Narrow, it may cut the chosen state's name: its tooltip has it whole.
        self.state.currentTextChanged.connect(self.state.setToolTip)
        for index, state in enumerate(LOG_STATE_LABELS, start=1):
            self.state.setItemData(index, LOG_STATE_TIPS[state], Qt.ItemDataRole.ToolTipRole)
        self.mine = outlined(QCheckBox("M&ine"))
        self.mine.setObjectName("mineFilter")
        self._operator = ""
        self.set_operator("")
        self.busy = QLabel("Searching…")
        self.busy.setObjectName("logSearching")
        # Its room is kept while hidden, so the fields stay put as it comes and goes.
        policy = self.busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy.setSizePolicy(policy)
        self.busy.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.direction)
        layout.addWidget(self.state)
        layout.addWidget(self.mine)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self._emit)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self.busy.show)
        self.text.textChanged.connect(self._timer.start)
        self.text.returnPressed.connect(self._emit)
        self.direction.currentIndexChanged.connect(self._emit)
        self.state.currentIndexChanged.connect(self._emit)
        self.mine.toggled.connect(self._emit)

    def query(self) -> LogQuery:
        direction = self._directions[max(0, self.direction.currentIndex())]
        state = self._states[max(0, self.state.currentIndex())]
        operator = self._operator if self.mine.isChecked() else None
        return LogQuery(
            text=self.text.text().strip(), direction=direction, state=state, operator=operator
        )

    def set_operator(self, name: str) -> None:
        """Whose messages *Mine* keeps: this console's operator, by name."""
        changed = name != self._operator
        self._operator = name
        self.mine.setToolTip(
            f"Only the messages sent as {name or 'this operator'} (Alt+I). Replies and "
            "receipts for messages not sent from here have no operator: they are not shown."
        )
        if changed and self.mine.isChecked():
            self._emit()

    def focus(self) -> None:
        self.text.setFocus()
        self.text.selectAll()

    def set_busy(self, busy: bool) -> None:
        """Say that a search is under way (once it has taken a moment), or is over."""
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.hide()

    def reset(self) -> None:
        """Show every row again."""
        self.blockSignals(True)
        self.text.clear()
        self.direction.setCurrentIndex(0)
        self.state.setCurrentIndex(0)
        self.mine.setChecked(False)
        self.blockSignals(False)
        self._emit()

    def clear_if_hiding(self, new: NewMessage) -> bool:
        """Drop filters that would hide a message just sent, so the operator sees its row;
        True when there were such filters."""
        query = self.query()
        hiding = bool(query.text or query.direction is Direction.IN or query.state is not None)
        if hiding:
            self.reset()
        return hiding

    def _emit(self) -> None:
        self._timer.stop()
        self.queryChanged.emit(self.query())
