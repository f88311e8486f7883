"""The window's status bar: the store's and the listener's state, the alerts, the log's
count and the profile, and where a click on them leads (the callback URL or the team's
receivers, the message an alert is about)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from console.receipts_health import ReceiptsHealth, receivers_unknown
from console.session import Alert, ListenerState
from console.session_state import UNREACHABLE, StoreState
from console.ui.status_bar import (
    AlertArea,
    CallbackUrlDialog,
    ListenerStatus,
    StoreStatus,
    show_receipts,
)

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class WindowStatus:
    """Builds ``window``'s status bar and shows in it what the session reports."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        status = window.statusBar()
        self.listener_status = ListenerStatus()
        self.listener_status.clicked.connect(self.show_callback_url)
        self.profile_label = QLabel()
        self.alerts = AlertArea()
        self.alerts.followed.connect(self._follow_alert)
        self.store_status = StoreStatus()
        status.addWidget(self.store_status)
        status.addWidget(self.listener_status)
        status.addWidget(self.alerts, 1)
        status.addPermanentWidget(window.count_label)
        status.addPermanentWidget(self.profile_label)

    def listener_changed(self, state: ListenerState) -> None:
        self.listener_status.show_state(state, self._window.session.settings.listener.public_url)

    def receipts_changed(self, health: ReceiptsHealth) -> None:
        show_receipts(self.listener_status, health)

    def store_changed(self, state: StoreState) -> None:
        window = self._window
        self.store_status.show_state(state, window.session.location.describe())
        if not state.reachable and self.listener_status.off:
            # The heartbeats cannot be read either: said at once, in few words, which
            # leaves the store's state its room in a narrow bar.
            show_receipts(self.listener_status, receivers_unknown(state.reason or UNREACHABLE))
        if state.reachable:
            window.log_pane.read_again_if_failed()
            window.conversations.pane.read_again_if_failed()

    def show_callback_url(self) -> None:
        window = self._window
        if self.listener_status.off:  # the team's receivers take the callbacks: list them
            window.open_dialog(self.listener_status.receivers_dialog(window))
            return
        url = self.listener_status.url
        if url is None:
            window.open_settings()  # stopped: the settings are where to fix it
            return
        shared = window.session.store_state.shared
        window.open_dialog(CallbackUrlDialog(url, window, shared=shared))

    def alert(self, alert: Alert) -> None:
        self.alerts.add(alert)
        self._window.conversations.tell_tray(alert)

    def _follow_alert(self, alert: Alert) -> None:
        if not self._window.conversations.follow(alert):
            self._window.log_pane.show_first_of(alert.message_ids)
