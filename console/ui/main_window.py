"""The main window: compose pane, message log, detail panel, status bar, menus."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from html import escape
from importlib.metadata import version

from PySide6.QtCore import QByteArray, QItemSelectionModel, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console import demo
from console.credentials import Credentials
from console.keychain import Keychain
from console.paths import database_path
from console.profile_credentials import Rename, find_credentials, follow_renames, renames
from console.protocol.mt_request import InvalidRequest
from console.protocol.phone import display_number
from console.session import Alert, ListenerState, NotReady, Session
from console.settings import Settings, with_profile
from console.store import open_store
from console.store.errors import DuplicateMessageId
from console.store.models import LogRow, MessageStatus, NewMessage, StoredMessage
from console.timeline import message_timeline
from console.ui.compose import ComposePane
from console.ui.credentials_dialog import CredentialsDialog
from console.ui.detail_panel import DetailPanel
from console.ui.empty_log import EmptyLogNote
from console.ui.environment_style import EnvironmentBadge
from console.ui.export_dialog import ExportController
from console.ui.log_columns import HEADERS, HIDDEN_AT_FIRST, OPTIONAL, Column
from console.ui.log_filter import LogFilterBar
from console.ui.log_model import MessageLogModel
from console.ui.settings_dialog import SettingsDialog
from console.ui.status_bar import AlertArea, CallbackUrlDialog, ListenerStatus
from console.ui.status_colours import ERROR_COLOUR

log = logging.getLogger(__name__)

ROW_HEIGHT = 24
DETAIL_REFRESH_MS = 250


# Saved column widths, order and visibility (the columns changed with the Status column).
_LOG_HEADER = "logHeader2"


class MainWindow(QMainWindow):
    """Everything the operator works with; it renders what the session reports."""

    closed = Signal()
    listenerRestarted = Signal()

    def __init__(self, session: Session, keychain: Keychain, *, demo_mode: bool = False) -> None:
        super().__init__()
        self.session = session
        self.keychain = keychain
        self.demo_mode = demo_mode
        self._tasks: set[asyncio.Task[object]] = set()
        self._pending_send: str | None = None
        self._scroll_before = 0
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_REFRESH_MS)
        self._detail_timer.timeout.connect(self._refresh_selected)
        self._closing = False
        self.has_closed = False  # closed for good: ``closed`` was emitted
        self._dialogs: list[QWidget] = []
        self._state = QSettings(str(session.data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.setObjectName("mainWindow")
        # Qt adds the application's name after it.
        self.setWindowTitle("Demo mode" if demo_mode else "")
        self._fit_screen()

        self.compose = ComposePane()
        self.model = MessageLogModel(
            session.store,
            self,
            open_reader=lambda: open_store(database_path(session.data_dir), any_thread=True),
        )
        self._select_after: str | None = None  # to select once the search under way ends
        self.table = self._make_table()
        self.empty_note = EmptyLogNote(self.table)
        self.filter_bar = LogFilterBar()
        # A query that failed is told here, once, above the rows it left in place.
        self.log_error = QLabel()
        self.log_error.setObjectName("logError")
        self.log_error.setWordWrap(True)
        self.log_error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.log_error.hide()
        self.detail = DetailPanel()
        self.export = ExportController(
            self, database_path(session.data_dir), lambda text, ms: self.alerts.note(text, ms)
        )
        self._build_layout()
        self._build_actions()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self._apply_profile()
        self._restore_state()
        self._compose_shown()

    # Construction

    def _fit_screen(self) -> None:
        """1280x800 where it fits, else what the screen has room for, frame included; a
        size saved from the last run takes its place."""
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1280, 800
        if room is not None:
            # The frame and title bar the window manager adds are not part of the size.
            width = min(width, room.width() - 16)
            height = min(height, room.height() - 48)
        self.resize(max(width, 640), max(height, 480))

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("messageLog")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setSortingEnabled(False)
        table.verticalHeader().setVisible(False)
        # Fixed heights keep a million-row table as cheap as a ten-row one.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The text takes what room is left, whichever columns are shown.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        # What support staff look for first: when, who, what became of it, and what it said.
        for column, width in enumerate((100, 52, 128, 170, 240, 62, 84, 48, 120)):
            table.setColumnWidth(column, width)
        header.setSectionsMovable(True)
        for column in HIDDEN_AT_FIRST:
            header.setSectionHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # By pixel: by column, the bar's thumb jumps by whole (wide) columns.
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        return table

    def _column_menu(self, where: QPoint) -> None:
        """The header's menu: the optional columns, each shown or hidden with a click."""
        header = self.table.horizontalHeader()
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

    def _build_layout(self) -> None:
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.setSpacing(4)
        log_layout.addWidget(self.filter_bar)
        log_layout.addWidget(self.log_error)
        log_layout.addWidget(self.table)

        self.right_split = QSplitter(Qt.Orientation.Vertical)
        self.right_split.setObjectName("logDetailSplit")
        self.right_split.addWidget(log_box)
        self.right_split.addWidget(self.detail)
        self.right_split.setStretchFactor(0, 3)
        self.right_split.setStretchFactor(1, 2)

        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("composeLogSplit")
        self.main_split.addWidget(self.compose)
        self.main_split.addWidget(self.right_split)
        self.main_split.setStretchFactor(0, 0)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([400, 880])
        self.main_split.setCollapsible(1, False)  # the log is always there
        self.main_split.splitterMoved.connect(lambda _pos, _index: self._compose_shown())
        container = QWidget()
        layout = QHBoxLayout(container)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.main_split)
        self.setCentralWidget(container)

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: str | QKeySequence.StandardKey | list[str] | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "&New message", self.new_message, QKeySequence.StandardKey.New, "Start a new message"
        )
        self.send_action = self._action(
            "&Send", self.compose.request_send, ["Ctrl+Return", "Ctrl+Enter"], "Send the message"
        )
        self.filter_action = self._action(
            "&Filter log", self.focus_filter, QKeySequence.StandardKey.Find, "Filter the log"
        )
        self.copy_id_action = self._action(
            "&Copy message_id", self.copy_message_id, "Ctrl+Shift+C", "Copy the selected id"
        )
        self.retry_action = self._action(
            "&Retry with the same id", self.retry_selected, "Ctrl+R", "Attempt it again"
        )
        self.send_again_action = self._action(
            "Send &again…", self.send_again, "Ctrl+Shift+R", "Copy into a new message"
        )
        self.export_action = self._action(
            "&Export log to CSV…",
            lambda: self.export.start(self.filter_bar.query()),
            "Ctrl+Shift+E",
            "Export the rows the filter shows",
        )
        self.settings_action = self._action("&Profiles and listener…", self.open_settings, "Ctrl+,")
        self.credentials_action = self._action(
            "&Credentials…", self.open_credentials, "Ctrl+Shift+K", "Login and password"
        )
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.oldest_action = self._action(
            "Go to &oldest", self.select_oldest, "Ctrl+End", "Select the oldest message"
        )
        self.newest_action = self._action(
            "Go to &newest", self.select_newest, "Ctrl+Home", "Select the newest message"
        )
        self.compose_action = self._action(
            "&Compose pane", self.show_compose, "Ctrl+Shift+M", "Show or fold away the compose pane"
        )
        self.compose_action.setCheckable(True)
        self.compose_action.setChecked(True)
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, "F1", "Every shortcut of the window"
        )
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addActions([self.new_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        message_menu = menus.addMenu("&Message")
        message_menu.addActions(
            [self.send_action, self.retry_action, self.send_again_action, self.copy_id_action]
        )
        view_menu = menus.addMenu("&View")
        view_menu.addActions([self.filter_action, self.newest_action, self.oldest_action])
        view_menu.addSeparator()
        view_menu.addAction(self.compose_action)
        settings_menu = menus.addMenu("&Settings")
        settings_menu.addActions([self.settings_action, self.credentials_action])
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self._action("&About", self.show_about))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions(
            [self.copy_id_action, self.retry_action, self.send_again_action, self.export_action]
        )
        self._update_row_actions()

    def _build_toolbar(self) -> None:
        self.demo_banner: QAction | None = None
        bar = QToolBar("Profile")
        bar.setObjectName("profileToolbar")
        bar.setMovable(False)
        bar.addWidget(QLabel(" Profile "))
        self.profile_box = QComboBox()
        self.profile_box.setObjectName("profileBox")
        self.profile_box.setMinimumWidth(160)
        bar.addWidget(self.profile_box)
        self.badge = EnvironmentBadge()
        bar.addWidget(self.badge)
        if self.demo_mode:
            demo = QLabel("  Demo mode: messages go to the built-in simulator, not to customers  ")
            demo.setObjectName("demoBanner")
            demo.setStyleSheet(
                "QLabel { background: #6f42c1; color: white; border-radius: 3px; "
                "padding: 2px 6px; font-weight: 600; }"
            )
            self.demo_banner = bar.addWidget(demo)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.credentials_action)
        bar.addAction(self.settings_action)
        self.addToolBar(bar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.listener_status = ListenerStatus()
        self.listener_status.clicked.connect(self.show_callback_url)
        self.profile_label = QLabel()
        self.count_label = QLabel()
        self.count_label.setObjectName("logCount")
        self.alerts = AlertArea()
        self.alerts.followed.connect(self._follow_alert)
        self.error_label = self.alerts.label
        status.addWidget(self.listener_status)
        status.addWidget(self.alerts, 1)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.profile_label)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(QGuiApplication.windowIcon(), self)
            self.tray.setToolTip("SMS Operator Console")
            self.tray.show()

    def _connect(self) -> None:
        self.compose.sendRequested.connect(self._send)
        self.filter_bar.queryChanged.connect(self.model.set_query)
        self.model.searching.connect(self.filter_bar.set_busy)
        self.model.modelAboutToBeReset.connect(self._remember_selected)
        self.model.queryApplied.connect(self._query_applied)
        self.model.queryFailed.connect(self._query_failed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsAboutToBeInserted.connect(self._remember_scroll)
        self.model.rowsInserted.connect(self._keep_scroll)
        self.model.rowsRemoved.connect(self._update_count)
        self.profile_box.activated.connect(self._profile_chosen)
        self.compose.regionChosen.connect(self._region_chosen)
        self.session.on_messages = self._messages_changed
        self.session.on_outcome = self._outcome
        self.session.on_alert = self._alert
        self.session.on_listener = self._listener_changed

    # Start and stop

    async def start(self) -> None:
        state = await self.session.start()
        self._listener_changed(state)
        self._update_count()

    async def load_credentials(self) -> None:
        """Credentials of the active profile: environment, then keychain, else the dialog."""
        profile = self.session.profile
        if self.demo_mode and profile.name == demo.DEMO_PROFILE:
            await self.use_credentials(demo.demo_credentials())
            return
        found = await find_credentials(profile, self.keychain)
        for problem in found.problems:
            self.show_alert(problem)
        if found.credentials is None:
            self.open_credentials()
        else:
            await self.use_credentials(found.credentials)

    async def use_credentials(self, credentials: Credentials | None) -> None:
        await self.session.use_credentials(credentials)
        self._apply_profile()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session.sends_in_flight and not self._closing:
            event.ignore()
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Messages are being sent",
                f"{self.session.sends_in_flight} message(s) are still being sent. Quit anyway? "
                "They stay in the outbox and can be finished later with "
                "'sms-console resume', with their own message_id.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self,
            )
            box.setObjectName("quitWhileSending")
            box.setDefaultButton(QMessageBox.StandardButton.No)
            yes = box.button(QMessageBox.StandardButton.Yes)
            box.buttonClicked.connect(lambda button: self.force_close() if button is yes else None)
            self._keep(box)
            box.open()
            return
        self._closing = True
        self._save_state()
        self.model.close()
        event.accept()
        self.has_closed = True
        self.closed.emit()

    def force_close(self) -> None:
        """Close even with sends in flight (a signal, or the operator confirmed)."""
        self._closing = True
        self.close()

    def _save_state(self) -> None:
        self._state.setValue("geometry", self.saveGeometry())
        self._state.setValue("windowState", self.saveState())
        self._state.setValue("mainSplit", self.main_split.saveState())
        self._state.setValue("rightSplit", self.right_split.saveState())
        self._state.setValue(_LOG_HEADER, self.table.horizontalHeader().saveState())
        self._state.setValue("attachFolder", self.compose.attachment_list.last_folder)
        self._state.sync()

    def _restore_state(self) -> None:
        folder = self._state.value("attachFolder")
        if isinstance(folder, str):
            self.compose.attachment_list.last_folder = folder
        for key, restore in (
            ("geometry", self.restoreGeometry),
            ("windowState", self.restoreState),
            ("mainSplit", self.main_split.restoreState),
            ("rightSplit", self.right_split.restoreState),
            (_LOG_HEADER, self.table.horizontalHeader().restoreState),
        ):
            value = self._state.value(key)
            if isinstance(value, QByteArray):
                restore(value)

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

    def _region_chosen(self, region: str | None) -> None:
        # The profile keeps it: the next number, and the next start, are read there too.
        profile = replace(self.session.profile, default_region=region)
        self.session.save_settings(with_profile(self.session.settings, profile))

    def _apply_profile(self) -> None:
        settings = self.session.settings
        profile = self.session.profile
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        for candidate in settings.profiles:
            self.profile_box.addItem(candidate.name)
        self.profile_box.setCurrentText(profile.name)
        self.profile_box.blockSignals(False)
        self.badge.set_profile(profile)
        self.compose.set_profile(profile)
        # The banner speaks of the demo profile only: another one sends where it says.
        on_demo = self.demo_mode and profile.name == demo.DEMO_PROFILE
        if self.demo_banner is not None:
            self.demo_banner.setVisible(on_demo)
        self.setWindowTitle("Demo mode" if on_demo else "")
        ready = self.session.credentials is not None
        login = f" as {self.session.credentials.login}" if self.session.credentials else ""
        self.profile_label.setText(
            f"Profile {profile.name}{login}" if ready else f"Profile {profile.name}: no credentials"
        )

    def _profile_chosen(self, index: int) -> None:
        name = self.profile_box.itemText(index)
        if name == self.session.settings.active:
            return
        self.session.save_settings(replace(self.session.settings, active=name))
        self._apply_profile()
        self.run_task(self._load_credentials_task())

    async def _load_credentials_task(self) -> None:
        await self.session.use_credentials(None)
        await self.load_credentials()

    # Sending

    def _send(self, new: NewMessage) -> None:
        try:
            self.session.send(new)
        except NotReady:
            self.compose.show_outcome(
                "Enter the login and password of this profile first.", ok=False
            )
            self.open_credentials()
            return
        except (InvalidRequest, DuplicateMessageId) as exc:
            self.compose.show_outcome(str(exc), ok=False)
            return
        self._pending_send = new.message_id
        self.compose.set_busy(True)
        self.filter_bar.clear_if_hiding(new)
        self.model.refresh_ids([new.message_id])
        self.select_message(new.message_id)

    def _outcome(self, message: StoredMessage) -> None:
        if message.message_id != self._pending_send:
            return
        self._pending_send = None
        self.compose.set_busy(False)
        accepted = message.status is MessageStatus.ACCEPTED
        if accepted:
            self.compose.clear_message()
            self.compose.show_outcome(
                f"Accepted by the provider for {display_number(message.phone_number)}. "
                "Its receipts will update the log.",
                ok=True,
            )
        else:
            self.compose.show_outcome(
                f"Not sent: {message.status_detail or message.status.value}", ok=False
            )

    def select_message(self, message_id: str) -> None:
        if self.model.is_searching:
            self._select_after = message_id  # the rows it would be found in are going
            return
        row = self.model.row_for_message_id(message_id)
        if row is not None:
            self._select_row(row)

    def _select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_newest(self) -> None:
        self._select_row(0)

    def select_oldest(self) -> None:
        row = self.model.oldest_row()
        if row is not None:
            self._select_row(row)

    def new_message(self) -> None:
        self.show_compose(True)
        self.compose.new_message()

    def show_compose(self, shown: bool) -> None:
        """Unfold the compose pane, or fold it away to give the log the whole width."""
        sizes = self.main_split.sizes()
        total = sum(sizes)
        if shown and sizes[0] == 0:
            width = max(self.compose.minimumSizeHint().width(), min(400, total // 3))
            self.main_split.setSizes([width, total - width])
        elif not shown:
            self.main_split.setSizes([0, total])
        self._compose_shown()

    def _compose_shown(self) -> None:
        self.compose_action.setChecked(self.main_split.sizes()[0] > 0)

    def selected_row(self) -> LogRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.message_at(index.row()) if index.isValid() else None

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
        except LookupError as exc:
            self.alerts.note(str(exc), 5000)
        else:
            self.alerts.note(f"Retrying {row.message_id} with the same id", 5000)

    def send_again(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        message = self.session.store.get_message(row.message_id)
        if message is None:
            return
        self.compose.load_message(message)
        self.compose.focus_recipient()
        self.alerts.note("Copied into a new message: check it and send", 5000)

    # Log and detail

    def focus_filter(self) -> None:
        self.filter_bar.focus()

    def _remember_selected(self) -> None:
        if self._select_after is None:
            row = self.selected_row()
            self._select_after = None if row is None else row.message_id

    def _query_applied(self) -> None:
        self.log_error.hide()
        selected, self._select_after = self._select_after, None
        if selected is not None:
            self.select_message(selected)
        # A row the filter hides takes its story with it: the detail follows the selection.
        self._row_changed()

    def _query_failed(self, error: str) -> None:
        self.log_error.setText(f"{error}. The rows below are from before this filter.")
        self.log_error.show()
        selected, self._select_after = self._select_after, None
        if selected is not None:
            self.select_message(selected)

    def _row_changed(self) -> None:
        self._show_detail()
        self._update_row_actions()

    def _show_detail(self) -> None:
        row = self.selected_row()
        if row is None:
            self.detail.clear_timeline()
            return
        self.detail.show_timeline(message_timeline(self.session.store, row.message_id))

    def _refresh_selected(self) -> None:
        self._show_detail()
        self._update_row_actions()

    def _update_row_actions(self) -> None:
        row = self.selected_row()
        outbound = row if row is not None and row.direction == "out" else None
        self.copy_id_action.setEnabled(row is not None)
        self.send_again_action.setEnabled(outbound is not None)
        self.retry_action.setEnabled(
            outbound is not None and self.session.can_retry(outbound.message_id)
        )

    def _messages_changed(self, message_ids: frozenset[str]) -> None:
        self.model.refresh_ids(message_ids)
        if self._pending_send in message_ids:
            self._release_form_if_retrying()
        row = self.selected_row()
        # A receipt storm on the selected message must not rebuild its timeline each time:
        # one refresh per interval shows the latest state.
        if row is not None and row.message_id in message_ids and not self._detail_timer.isActive():
            self._detail_timer.start()

    def _release_form_if_retrying(self) -> None:
        """Free the form while the engine waits to retry; the outcome still comes back."""
        message = self.session.store.get_message(self._pending_send or "")
        if message is None or message.status is not MessageStatus.RETRY_WAIT:
            return
        self.compose.set_busy(False)
        self.compose.show_outcome(
            f"Not accepted yet ({message.status_detail or 'no answer'}). It is retried "
            "automatically with the same message_id; the log row follows it, and the text "
            "stays here until it is accepted.",
            ok=False,
        )

    def _remember_scroll(self, _parent: object, first: int, _last: int) -> None:
        value = self.table.verticalScrollBar().value()
        # Only rows arriving above the top visible one move what the operator reads; at
        # the very top, new rows simply appear.
        self._scroll_before = value if value > 0 and first <= value else 0

    def _keep_scroll(self, _parent: object, first: int, last: int) -> None:
        if self._scroll_before:
            self.table.verticalScrollBar().setValue(self._scroll_before + last - first + 1)
            self._scroll_before = 0

    def _update_count(self) -> None:
        count = self.model.rowCount()
        query = self.model.query
        filtered = bool(query.text or query.direction or query.state)
        self.count_label.setText(
            f"{count:,} match the filter" if filtered else f"{count:,} in the log"
        )
        self.empty_note.show_for(count, filtered)

    # Status

    def _listener_changed(self, state: ListenerState) -> None:
        self.listener_status.show_state(state)

    def show_callback_url(self) -> None:
        url = self.listener_status.url
        if url is None:
            self.open_settings()  # stopped: the settings are where to fix it
            return
        dialog = CallbackUrlDialog(url, self)
        self._keep(dialog)
        dialog.open()

    def show_alert(self, text: str) -> None:
        self.alerts.add(Alert("Problem", text, ()))

    def _alert(self, alert: Alert) -> None:
        self.alerts.add(alert)
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            icon = (
                QSystemTrayIcon.MessageIcon.Information
                if alert.kind == "reply"
                else QSystemTrayIcon.MessageIcon.Warning
            )
            self.tray.showMessage(alert.title, alert.text, icon)

    def _follow_alert(self, alert: Alert) -> None:
        if not alert.message_ids:
            return
        ids = alert.message_ids
        shown = next((m for m in ids if self.model.row_for_message_id(m) is not None), None)
        if shown is None:
            self.filter_bar.reset()  # a filter may hide them; selected once it is gone
        self.select_message(shown or ids[0])
        self.table.setFocus()

    # Dialogs

    def _keep(self, dialog: QDialog) -> None:
        # Held until closed, then deleted: an open dialog must outlive the slot opening it.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._dialogs.remove(dialog))

    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self.session.settings, self.session.data_dir, self, self.listener_status.url
        )
        dialog.settingsAccepted.connect(self._settings_accepted)
        self._keep(dialog)
        dialog.open()

    async def _restart_listener(self) -> None:
        state = await self.session.restart_listener()
        if state.running:
            self.listenerRestarted.emit()

    def _settings_accepted(self, settings: Settings) -> None:
        old = self.session.settings
        self.session.save_settings(settings)
        if settings.listener != old.listener:
            self.run_task(self._restart_listener())
        self.run_task(
            self._follow_profiles(renames(old, settings), settings.profile() != old.profile())
        )
        self._apply_profile()

    async def _follow_profiles(self, moves: list[Rename], active_changed: bool) -> None:
        """Renamed profiles keep their passwords; a changed active one loads its own."""
        for problem in await follow_renames(self.keychain, moves):
            self.show_alert(problem)
        if active_changed:
            await self._load_credentials_task()

    def open_credentials(self) -> None:
        profile = self.session.profile
        dialog = CredentialsDialog(
            profile.name, self.keychain, login=profile.login or "", parent=self
        )
        dialog.credentialsSaved.connect(lambda login: self.run_task(self._saved(login)))
        dialog.credentialsDeleted.connect(lambda: self.run_task(self.use_credentials(None)))
        self._keep(dialog)
        dialog.open()

    async def _saved(self, login: str) -> None:
        profile = self.session.profile
        if profile.login != login:
            self.session.save_settings(
                with_profile(self.session.settings, replace(profile, login=login))
            )
        password = await self.keychain.get(profile.name, login)
        await self.use_credentials(Credentials(login, password) if password else None)

    def show_shortcuts(self) -> None:
        pairs = sorted(
            (
                action.text().replace("&", "").rstrip("…"),
                action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
            )
            for action in self.actions()
            if not action.shortcut().isEmpty()
        )
        rows = "".join(
            f"<tr><td style='padding-right:24px'><b>{escape(keys)}</b></td>"
            f"<td>{escape(what)}</td></tr>"
            for what, keys in pairs
        )
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            "Keyboard shortcuts",
            f"<table>{rows}</table>",
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("shortcutsDialog")
        box.setTextFormat(Qt.TextFormat.RichText)
        self._keep(box)
        box.open()

    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About SMS Operator Console",
            f"SMS Operator Console {version('sms-operator-console')}\n\n"
            f"Data folder: {self.session.data_dir}",
            QMessageBox.StandardButton.Ok,
            self,
        )
        self._keep(box)
        box.open()
