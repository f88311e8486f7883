"""The status bar's parts: the listener's state with its callback URL one click away (its
secret token masked), and alerts that can be read whole, followed, dismissed and listed."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.receipts_health import ReceiptsHealth
from console.session import Alert, ListenerState
from console.session_state import UNREACHABLE, StoreState
from console.settings import public_callback_url
from console.ui.labels import ElidedLabel
from console.ui.named import named
from console.ui.palette import Tone, tint
from console.ui.receipts_line import key_words, receipts_line
from console.ui.receivers_dialog import CONCERN_TONES, ReceiversDialog, was_read

MASK = "•" * 8
# Alerts kept for the list, newest first; older ones are in the log anyway.
KEPT_ALERTS = 200


def masked(url: str) -> str:
    """``url`` with its last path segment (the secret token) hidden."""
    head, _, _token = url.rpartition("/")
    return f"{head}/{MASK}" if head else MASK


class CallbackUrlDialog(QDialog):
    """The URL to give the provider: shown masked, copied whole."""

    def __init__(self, url: str, parent: QWidget | None = None, *, shared: bool = False) -> None:
        """``shared``: the console runs on a shared store, whose receivers the provider
        calls; giving it this URL instead takes the callbacks away from them."""
        super().__init__(parent)
        self.setObjectName("callbackUrlDialog")
        self.setWindowTitle("Callback URL")
        self._url = url
        self.field = named(QLineEdit(masked(url)), "callbackUrl", readOnly=True)
        self.field.setMinimumWidth(420)
        self.copy_button = named(QPushButton("&Copy"), "copyCallbackUrl")
        self.copy_button.setToolTip("Copy the whole URL, token included")
        self.copy_button.clicked.connect(self._copy)
        note = QLabel(
            "Give this URL to the provider as the callback URL of the account. The last part "
            "is a secret token: anyone who has it can post callbacks here.",
            wordWrap=True,
        )
        self.caution = QLabel(
            "On the shared store the provider should call the team's receivers, not this "
            "console: the account has one callback URL, and giving it this one takes every "
            "receipt and reply away from them (README, Team mode, step 7).",
            wordWrap=True,
        )
        self.caution.setObjectName("sharedCaution")
        tint(self.caution, Tone.WARNING)
        self.caution.setVisible(shared)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.field, stretch=1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.caution)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._url)
        self.copy_button.setText("Copied")


class ListenerStatus(QToolButton):
    """The listener's state; a click shows the callback URL (when it runs), or the team's
    receivers (on the shared store, the embedded listener off).

    Short of room, its text is cut at the end, never below its key words (those before
    " · "); the whole line is in the tooltip.

    ``receiptsRead(health)``: the receivers' heartbeats were read again."""

    receiptsRead = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("listenerStatus")
        self.setAutoRaise(True)
        self.url: str | None = None
        self.off = False  # on the shared store, the team's receivers take the callbacks
        self.health: ReceiptsHealth | None = None  # the last word on them
        self.known: ReceiptsHealth | None = None  # their heartbeats, as last read
        self.show_state(ListenerState(running=False, error="starting…"))

    def show_state(self, state: ListenerState, public_url: str = "") -> None:
        """``public_url``: the address the provider reaches the listener through, if any."""
        running = state.running and state.url is not None
        self.url = public_callback_url(state.url or "", public_url) if running else None
        self.off = state.off
        if state.off:
            self.setText("Receipts via the team's receivers")
            tint(self, None)
            self.setToolTip(
                "On the shared store the team's receivers take the provider's callbacks; "
                "Settings, Workspace turns this console's own listener on"
            )
        elif state.running and state.not_storing:
            self.setText("● Callbacks not stored")
            tint(self, Tone.ERROR)
            self.setToolTip(not_storing_text(state.not_storing))
        elif state.running:
            self.setText("● Receiving callbacks")
            tint(self, Tone.OK)
            self.setToolTip("The callback URL to give the provider, with Copy")
        else:
            self.setText(f"Listener stopped: {state.error or 'not started'}")
            tint(self, Tone.ERROR)
            self.setToolTip(state.error or "")

    def receivers_dialog(self, parent: QWidget) -> ReceiversDialog:
        """The receivers as last read, kept up to date while the dialog is open."""
        dialog = ReceiversDialog(self.health, parent, self.known)
        self.receiptsRead.connect(dialog.show_health)
        return dialog

    def shown_text(self) -> str:
        """The text as drawn: cut with … at its end when the button is too narrow."""
        room = self.width() - self._padding()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room)

    def sizeHint(self) -> QSize:
        # Room for the whole line as this button draws it (its own padding included).
        hint = super().sizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance(self.text()) + self._padding() + 2)
        return hint

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        keep = self.fontMetrics().horizontalAdvance(key_words(self.text()) + " …")
        hint.setWidth(keep + self._padding())
        return hint

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)

    def _padding(self) -> int:
        # The style's margins around a tool button's label, and a little to spare.
        return 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, self) + 8


def not_storing_text(reason: str) -> str:
    """Why this console's listener stores nothing, and what to do about it."""
    text = (
        "This console's listener takes callbacks but cannot store them: each is answered "
        f"503, so the provider delivers it again later. The store says: {reason}"
    )
    if "permission denied" in reason:
        text += (
            "\nOn a shared store, the login must also be a member of sms_receiver "
            "(GRANT sms_receiver TO <login>;), or turn off Settings, Workspace, Also "
            "receive callbacks in this console."
        )
    return text + "\nClick for the callback URL."


def show_receipts(status: ListenerStatus, health: ReceiptsHealth) -> None:
    """On the shared store, with the embedded listener off: the team's receivers."""
    if not status.off:
        return
    status.health = health
    if was_read(health):
        status.known = health
    status.setText(receipts_line(health))
    tint(status, CONCERN_TONES[health.concern])
    status.setToolTip(f"{health.text}\n{health.detail}\nClick for each receiver's heartbeat.")
    status.receiptsRead.emit(health)


class StoreStatus(QLabel):
    """The shared store's state (hidden for this computer's own store)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storeStatus")
        self.hide()

    def show_stand_in(self, shared: str) -> None:
        """Say that this computer's store stands in, for this run, for the shared store
        ``shared`` the settings name (it was out of reach when the window started)."""
        self.setText("This computer's workspace, for this run")
        tint(self, Tone.WARNING)
        self.setToolTip(
            f"The shared store {shared} could not be used when the console started, so this "
            "computer's own workspace was opened, for this run only: nothing in the "
            "settings changed, and the next start opens the shared store again."
        )
        self.show()

    def show_state(self, state: StoreState, where: str) -> None:
        if not state.shared:
            return  # hidden, or saying what stands in for the shared store
        self.show()
        if state.reachable:
            self.setText("Shared store")
            tint(self, None)
            self.setToolTip(f"Messages are kept on the shared store {where}")
        else:
            self.setText(UNREACHABLE)
            tint(self, Tone.ERROR)
            self.setToolTip(state.text or "")


class AlertArea(QWidget):
    """The newest alert, and a list of the earlier ones.

    ``followed(alert)``: the operator clicked an alert to see its messages.
    """

    followed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alerts: deque[tuple[float, Alert]] = deque(maxlen=KEPT_ALERTS)
        self._current: Alert | None = None
        self.label = named(ElidedLabel(), "lastError")
        tint(self.label, Tone.ERROR)
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label.clicked.connect(self._follow_current)
        self.dismiss = named(QToolButton(), "dismissAlert", text="✕", autoRaise=True)
        self.dismiss.setToolTip("Dismiss this alert (it stays in the list)")
        self.dismiss.setAccessibleName("Dismiss alert")
        self.dismiss.clicked.connect(self.clear)
        self.list_button = named(QToolButton(), "alertList", autoRaise=True)
        self.list_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.list_button)
        self.list_button.setMenu(self.menu)
        self.menu.aboutToShow.connect(self._fill_menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, stretch=1)
        layout.addWidget(self.dismiss)
        layout.addWidget(self.list_button)
        self.clear()
        self._count()

    def text(self) -> str:
        return self.label.text()

    def add(self, alert: Alert) -> None:
        self.alerts.appendleft((time.time(), alert))
        self._current = alert
        text = f"{alert.title}: {alert.text}"
        self.label.setText(text)
        # A reply is news, not trouble.
        tint(self.label, None if alert.kind == "reply" else Tone.ERROR)
        self.label.setToolTip(
            text + ("\nClick to show it in the log." if alert.message_ids else "")
        )
        self.dismiss.show()
        self._count()

    def note(self, text: str, milliseconds: int = 5000) -> None:
        """A passing word (not an alert, not listed) where the alerts show; the status
        bar's own messages would hide the listener's state and the alerts meanwhile."""
        self._current = None
        self.label.setText(text)
        self.label.setToolTip(text)
        tint(self.label, None)
        self.dismiss.hide()
        shown = text
        QTimer.singleShot(milliseconds, self, lambda: self._end_note(shown))

    def _end_note(self, shown: str) -> None:
        if self._current is None and self.label.text() == shown:
            self.clear()

    def clear(self) -> None:
        self._current = None
        self.label.setText("")
        self.label.setToolTip("")
        self.dismiss.hide()

    def _count(self) -> None:
        self.list_button.setText(f"Alerts ({len(self.alerts)})")
        self.list_button.setEnabled(bool(self.alerts))

    def _follow_current(self) -> None:
        if self._current is not None:
            self.followed.emit(self._current)

    def _fill_menu(self) -> None:
        self.menu.clear()
        for at, alert in self.alerts:
            when = time.strftime("%H:%M:%S", time.localtime(at))
            action = self.menu.addAction(f"{when}  {alert.title}: {alert.text}")
            action.triggered.connect(lambda _checked=False, a=alert: self.followed.emit(a))
