"""The team's receivers as this console last read their heartbeats: one row each, with
the same words as ``sms-console db status``, kept up to date while open."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.receipts_health import Concern, ReceiptsHealth, ago_at, beat_health, when
from console.ui.named import named
from console.ui.palette import Tone, tint

# The colour of what the receivers' heartbeats say.
CONCERN_TONES = {Concern.NONE: None, Concern.CAUTION: Tone.WARNING, Concern.WARNING: Tone.ERROR}

COLUMNS = ("Host", "PID", "Started", "Last callback", "Last seen", "State")


def was_read(health: ReceiptsHealth | None) -> bool:
    """Whether ``health`` comes from heartbeats read (else they could not be: it has no
    time of reading)."""
    return health is not None and health.read_at > 0


class ReceiversDialog(QDialog):
    """Each receiver of the shared store: host, pid, when it started, its last callback,
    its last heartbeat and whether it is healthy. ``health``: the last word on them (None:
    not read yet); ``known``: the last heartbeats read, shown while they cannot be read."""

    def __init__(
        self,
        health: ReceiptsHealth | None,
        parent: QWidget | None = None,
        known: ReceiptsHealth | None = None,
    ) -> None:
        super().__init__(parent)
        self._known = known if was_read(known) else None
        self.setObjectName("receiversDialog")
        self.setWindowTitle("Receivers")
        self.summary = named(QLabel(wordWrap=True), "receiversSummary")
        self.table = named(QTreeWidget(), "receiversTable")
        self.table.setHeaderLabels(COLUMNS)
        self.table.setRootIsDecorated(False)
        self.table.setMinimumWidth(720)
        where = QLabel(
            "The team's receivers take the provider's callbacks and store the receipts and "
            "replies every console shows. sms-console db status prints this list from any "
            "computer that reaches the shared store; a receiver's own log is in its data "
            "folder on its host (README, Team mode).",
            wordWrap=True,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)  # Esc too
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.show_health(health)

    def show_health(self, health: ReceiptsHealth | None) -> None:
        if health is None:
            self.table.clear()
            self.summary.setText("The receivers' heartbeats have not been read yet.")
            tint(self.summary, None)
            return
        tint(self.summary, CONCERN_TONES[health.concern])
        if was_read(health):
            self._known = health
            self.summary.setText(f"{health.text}, read at {when(health.read_at)}.\n{health.detail}")
        elif self._known is not None:
            # Unreadable now: the last rows read stay, said to be from then.
            self.summary.setText(
                f"{health.text}. As last read, at {when(self._known.read_at)}:\n{health.detail}"
            )
        else:
            self.summary.setText(
                f"{health.text}; not read since the console started.\n{health.detail}"
            )
        self._fill(self._known)

    def _fill(self, health: ReceiptsHealth | None) -> None:
        self.table.clear()
        if health is None:
            return
        now = health.read_at
        for beat in health.beats:
            item = QTreeWidgetItem(
                [
                    beat.host,
                    str(beat.pid),
                    when(beat.started_at),
                    ago_at(beat.last_callback_at, now),
                    ago_at(beat.seen_at, now),
                    beat_health(beat, now),
                ]
            )
            self.table.addTopLevelItem(item)
        for column in range(len(COLUMNS)):
            self.table.resizeColumnToContents(column)
