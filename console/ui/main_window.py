"""The main window: it composes the compose pane, the message log with its detail and the
conversations beside it, the profile toolbar and the status bar, and wires them to the
session."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QSystemTrayIcon,
    QWidget,
)

from console.keychain import Credentials, Keychain
from console.session import Alert, NotReady, Session
from console.session_state import StoreUnreachable
from console.settings import Settings
from console.store import deadlines, open_store
from console.store.errors import OptedOut, StoreError
from console.store.models import LogRow, StoredMessage
from console.ui.compose import ComposePane
from console.ui.export_dialog import ExportController
from console.ui.log_model import MessageLogModel
from console.ui.log_pane import LogPane
from console.ui.palette import apply_theme
from console.ui.quit_question import quit_question, quit_words
from console.ui.relaunch import ask_to_restart
from console.ui.send_flow import SendFlow
from console.ui.window_actions import (
    ProfileToolbar,
    about_box,
    add_actions,
    shortcuts_box,
)
from console.ui.window_canned import WindowCanned
from console.ui.window_conversations import WindowConversations
from console.ui.window_profiles import WindowProfiles
from console.ui.window_state import WindowState, fit_screen
from console.ui.window_status import WindowStatus


class MainWindow(QMainWindow):
    """Everything the operator works with; it renders what the session reports."""

    closed = Signal()
    listenerRestarted = Signal()

    # Its commands, made and placed in the menus by ``add_actions``.
    new_action: QAction
    send_action: QAction
    filter_action: QAction
    copy_id_action: QAction
    retry_action: QAction
    send_again_action: QAction
    export_action: QAction
    settings_action: QAction
    credentials_action: QAction
    quit_action: QAction
    oldest_action: QAction
    newest_action: QAction
    compose_action: QAction
    shortcuts_action: QAction
    canned_action: QAction
    insert_canned_action: QAction
    log_mode_action: QAction
    conversations_mode_action: QAction

    def __init__(self, session: Session, keychain: Keychain, *, demo_mode: bool = False) -> None:
        super().__init__()
        apply_theme(session.settings.theme)
        self.session = session
        self.keychain = keychain
        self.demo_mode = demo_mode
        self._tasks: set[asyncio.Task[object]] = set()
        self._closing = False
        self.has_closed = False  # closed for good: ``closed`` was emitted
        self.restart_requested = False  # start again once closed (a new workspace)
        self._dialogs: list[QWidget] = []
        self._state = WindowState(session.data_dir)
        self.setObjectName("mainWindow")
        # Qt adds the application's name after it.
        self.setWindowTitle("Demo mode" if demo_mode else "")
        fit_screen(self)

        self.compose = ComposePane()
        self.model = MessageLogModel(
            session.store,
            self,
            open_reader=lambda: open_store(
                session.location, any_thread=True, deadline=deadlines.READER
            ),
        )
        self.log_pane = LogPane(self.model, session.store)
        # The log's parts, by the names the window has always given them.
        self.table = self.log_pane.table
        self.empty_note = self.log_pane.empty_note
        self.filter_bar = self.log_pane.filter_bar
        self.filter_bar.set_operator(session.actor.operator)
        self.log_error = self.log_pane.log_error
        self.detail = self.log_pane.detail
        self.count_label = self.log_pane.count_label
        self.right_split = self.log_pane
        self.export = ExportController(
            self,
            session.location,
            lambda text, ms: self.alerts.note(text, ms),
            lambda: session.actor,
        )
        self.sending = SendFlow(
            session,
            self.compose,
            self.log_pane,
            self.open_credentials,
            lambda text: self.alerts.note(text),  # the alerts are made further down
        )
        self.profiles = WindowProfiles(self)
        self.canned = WindowCanned(self)
        self.conversations = WindowConversations(self, self.log_pane)
        self._build_layout()
        add_actions(self)
        self._update_row_actions()
        self.toolbar = ProfileToolbar(demo_mode, [self.credentials_action, self.settings_action])
        self.addToolBar(self.toolbar)
        self.profile_box = self.toolbar.profile_box
        self.badge = self.toolbar.badge
        self.status = WindowStatus(self)
        # The status bar's parts, by the names the window has always given them.
        self.listener_status = self.status.listener_status
        self.profile_label = self.status.profile_label
        self.alerts = self.status.alerts
        self.error_label = self.alerts.label
        self.store_status = self.status.store_status
        self.tray: QSystemTrayIcon | None = self.conversations.make_tray()
        self._connect()
        self._apply_profile()
        self._state.restore(self)
        self._compose_shown()

    # Construction

    def _build_layout(self) -> None:
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("composeLogSplit")
        self.main_split.addWidget(self.compose)
        self.main_split.addWidget(self.conversations.modes)
        self.main_split.setStretchFactor(0, 0)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([400, 880])
        self._compose_width = 400  # what unfolding the compose pane gives it back
        self.main_split.setCollapsible(1, False)  # the log is always there
        self.main_split.splitterMoved.connect(lambda _pos, _index: self._compose_shown())
        container = QWidget()
        layout = QHBoxLayout(container)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.main_split)
        self.setCentralWidget(container)

    def _connect(self) -> None:
        self.compose.sendRequested.connect(self.sending.send)
        self.log_pane.rowChanged.connect(self._update_row_actions)
        self.profile_box.activated.connect(self.profiles.profile_chosen)
        self.compose.regionChosen.connect(self.profiles.region_chosen)
        self.session.on_messages = self._messages_changed
        self.session.on_threads = self.conversations.pane.threads_changed
        self.session.on_opt_out = self._opt_outs_changed
        self.session.on_reload = self._reload
        self.session.on_outcome = self._outcome
        self.session.on_alert = self.status.alert
        self.session.on_listener = self.status.listener_changed
        self.session.on_store = self.status.store_changed
        self.session.on_receipts = self.status.receipts_changed
        self.status.store_changed(self.session.store_state)

    # Start and stop

    async def start(self) -> None:
        state = await self.session.start()
        self.status.listener_changed(state)
        self.log_pane.update_count()
        self.conversations.pane.start()

    async def load_credentials(self) -> None:
        """Credentials of the active profile: environment, then keychain, else the dialog."""
        await self.profiles.load_credentials()

    async def use_credentials(self, credentials: Credentials | None) -> None:
        await self.profiles.use_credentials(credentials)

    def closeEvent(self, event: QCloseEvent) -> None:
        sending = self.session.sends_in_flight
        words = quit_words(sending, self._unsent_places())
        if words is not None and not self._closing:
            event.ignore()
            box = quit_question(self, words, bool(sending))
            yes = box.button(QMessageBox.StandardButton.Yes)
            box.buttonClicked.connect(lambda button: self.force_close() if button is yes else None)
            self.open_dialog(box)
            return
        self._closing = True
        self._state.save(self)
        self.model.close()
        self.conversations.pane.stop()
        event.accept()
        self.has_closed = True
        self.closed.emit()

    def _unsent_places(self) -> list[str]:
        """Where text was typed and not sent."""
        return [
            name
            for name, typed in (
                ("the message", bool(self.compose.editor.toPlainText().strip())),
                ("replies to customers", self.conversations.pane.reply_box.has_unsent()),
            )
            if typed
        ]

    def force_close(self) -> None:
        """Close even with sends in flight (a signal, or the operator confirmed)."""
        self._closing = True
        self.close()

    # Background work

    def run_task(self, coro: object) -> asyncio.Task[object]:
        """Run ``coro`` on the loop, keeping a reference until it ends (qasync drops none)."""
        task: asyncio.Task[object] = asyncio.get_event_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(self._report_failure)
        return task

    def _report_failure(self, task: asyncio.Task[object]) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            assert error is not None
            loop = asyncio.get_event_loop()
            loop.call_exception_handler({"message": "background task failed", "exception": error})

    # Profiles

    def _apply_profile(self) -> None:
        self.profiles.apply_profile()

    def _settings_accepted(self, settings: Settings) -> None:
        self.profiles.settings_accepted(settings)

    # Messages and the log

    def select_message(self, message_id: str) -> None:
        self.log_pane.select_message(message_id)

    def selected_row(self) -> LogRow | None:
        return self.log_pane.selected_row()

    def new_message(self) -> None:
        self.show_compose(True)
        self.compose.new_message()

    def show_compose(self, shown: bool) -> None:
        """Unfold the compose pane, or fold it away to give the log the whole width."""
        sizes = self.main_split.sizes()
        total = sum(sizes)
        if shown and sizes[0] == 0:
            # Back at the width it had (a third of a small window was too narrow a form).
            width = max(self.compose.minimumSizeHint().width(), self._compose_width)
            self.main_split.setSizes([width, max(0, total - width)])
        elif not shown and sizes[0] > 0:
            self._compose_width = sizes[0]
            self.main_split.setSizes([0, total])
        self._compose_shown()

    def _compose_shown(self) -> None:
        self.compose_action.setChecked(self.main_split.sizes()[0] > 0)

    def copy_message_id(self) -> None:
        row = self.selected_row()
        if row is not None:
            QGuiApplication.clipboard().setText(row.message_id)
            self.alerts.note(f"Copied message_id {row.message_id}", 3000)

    def retry_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            self.session.retry(row.message_id)
        except NotReady:
            self.open_credentials()
        except (LookupError, StoreUnreachable, OptedOut) as exc:
            self.alerts.note(str(exc), 5000)
        else:
            self.alerts.note(f"Retrying {row.message_id} with the same id", 5000)

    def send_again(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            message = self.session.store.get_message(row.message_id)
        except StoreError as exc:
            self.alerts.note(str(exc), 5000)
            return
        if message is None:
            return
        self.compose.load_message(message)
        self.compose.focus_recipient()
        self.alerts.note("Copied into a new message: check it and send", 5000)

    def _update_row_actions(self) -> None:
        row = self.selected_row()
        outbound = row if row is not None and row.direction == "out" else None
        self.copy_id_action.setEnabled(row is not None)
        self.send_again_action.setEnabled(outbound is not None)
        try:
            retry = outbound is not None and self.session.can_retry(outbound.message_id)
        except StoreError:
            retry = False  # the shared store is out of reach: nothing can be retried now
        self.retry_action.setEnabled(retry)

    def _opt_outs_changed(self, numbers: frozenset[str]) -> None:
        self.conversations.pane.numbers_changed(numbers)
        self.sending.opt_outs_changed()

    def _messages_changed(self, message_ids: frozenset[str]) -> None:
        self.log_pane.messages_changed(message_ids)
        self.sending.messages_changed(message_ids)
        self.conversations.pane.messages_changed(message_ids)

    def _outcome(self, message: StoredMessage) -> None:
        self.sending.outcome(message)
        self.conversations.flow.outcome(message)

    def _reload(self) -> None:
        self.log_pane.reload()
        self.conversations.pane.start()

    # Status

    def show_callback_url(self) -> None:
        self.status.show_callback_url()

    def show_alert(self, text: str) -> None:
        self.alerts.add(Alert("Problem", text, ()))

    # Dialogs

    def open_dialog(self, dialog: QDialog) -> None:
        """Open ``dialog``, held until closed, then deleted: an open dialog must outlive
        the slot opening it."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._dialogs.remove(dialog))
        dialog.open()

    def open_settings(self) -> None:
        self.profiles.open_settings()

    def offer_restart(self, where: str) -> None:
        """The workspace changed: offer to start again on it (it is opened at start)."""
        box, restart = ask_to_restart(self, where)
        box.buttonClicked.connect(lambda button: self._restart() if button is restart else None)
        self.open_dialog(box)

    def _restart(self) -> None:
        self.restart_requested = True
        self.close()

    def open_credentials(self) -> None:
        self.profiles.open_credentials()

    def show_shortcuts(self) -> None:
        self.open_dialog(shortcuts_box(self))

    def show_about(self) -> None:
        self.open_dialog(about_box(self, self.session.data_dir))
