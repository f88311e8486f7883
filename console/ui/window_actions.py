"""The window's commands as the operator finds them: menus, the log's context menu, the
profile toolbar, and the Help menu's list of shortcuts and About box."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from html import escape
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QTextDocument
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QSizePolicy, QToolBar, QWidget

from console.settings import Profile, Settings
from console.ui.canned_inserter import SHORTCUT as CANNED_SHORTCUT
from console.ui.environment_style import EnvironmentBadge, environment_word
from console.ui.log_keys import pass_log_keys
from console.ui.palette import Badge, badge

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def make_action(
    window: QWidget,
    text: str,
    slot: Callable[..., object],
    shortcut: str | QKeySequence.StandardKey | list[str] | None = None,
    tip: str = "",
) -> QAction:
    """An action of ``window``: its shortcut works wherever the focus is in the window."""
    action = QAction(text, window)
    if shortcut is not None:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def add_actions(window: MainWindow) -> None:
    """The window's commands, each with its shortcut, placed in the menus and the log's
    context menu."""
    window.new_action = make_action(
        window,
        "&New message",
        window.new_message,
        QKeySequence.StandardKey.New,
        "Start a new message",
    )
    window.send_action = make_action(
        window,
        "&Send",
        lambda: window.conversations.send_here() or window.compose.request_send(),
        ["Ctrl+Return", "Ctrl+Enter"],
        "Send the message",
    )
    window.filter_action = make_action(
        window,
        "&Filter log",
        window.filter_bar.focus,
        QKeySequence.StandardKey.Find,
        "Filter the log",
    )
    window.copy_id_action = make_action(
        window,
        "&Copy message_id",
        window.copy_message_id,
        "Ctrl+Shift+C",
        "Copy the selected id",
    )
    window.retry_action = make_action(
        window, "&Retry with the same id", window.retry_selected, "Ctrl+R", "Attempt it again"
    )
    window.send_again_action = make_action(
        window, "Send &again…", window.send_again, "Ctrl+Shift+R", "Copy into a new message"
    )
    window.export_action = make_action(
        window,
        "&Export log to CSV…",
        lambda: window.export.start(window.filter_bar.query()),
        "Ctrl+Shift+E",
        "Export the rows the filter shows",
    )
    window.settings_action = make_action(
        window,
        "&Settings…",
        window.open_settings,
        "Ctrl+,",
        "Profiles, listener, workspace, operator and appearance",
    )
    window.credentials_action = make_action(
        window, "&Credentials…", window.open_credentials, "Ctrl+Shift+K", "Login and password"
    )
    window.quit_action = make_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    window.oldest_action = make_action(
        window,
        "Go to &oldest",
        window.log_pane.select_oldest,
        "Ctrl+End",
        "Select the oldest message",
    )
    window.newest_action = make_action(
        window,
        "Go to &newest",
        window.log_pane.select_newest,
        "Ctrl+Home",
        "Select the newest message",
    )
    window.compose_action = make_action(
        window,
        "Show the &compose pane",
        window.show_compose,
        "Ctrl+Shift+M",
        "Show or fold away the compose pane",
    )
    window.compose_action.setCheckable(True)
    window.compose_action.setChecked(True)
    window.canned_action = make_action(
        window, "Ca&nned replies…", window.canned.open_dialog, tip="Add, edit, import, export"
    )
    window.insert_canned_action = make_action(
        window,
        f"&Insert canned reply…\t{CANNED_SHORTCUT}",
        window.canned.insert,
        tip="Insert a canned reply into the message text",
    )
    window.log_mode_action = make_action(
        window,
        "The &log",
        lambda: window.conversations.show_log(),
        "Ctrl+1",
        "Every message and reply",
    )
    window.conversations_mode_action = make_action(
        window,
        "C&onversations",
        lambda: window.conversations.show_conversations(),
        "Ctrl+2",
        "A thread per customer, with a reply box",
    )
    window.shortcuts_action = make_action(
        window, "&Keyboard shortcuts", window.show_shortcuts, "F1", "Every shortcut of the window"
    )
    pass_log_keys(window, window.filter_bar.text, window.compose.recipient)
    _place(window)


def _place(window: MainWindow) -> None:
    """The menu bar, and the log's context menu, of the window's actions."""
    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    file_menu.addActions([window.new_action, window.export_action])
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    message_menu = menus.addMenu("&Message")
    message_menu.addActions(
        [window.send_action, window.retry_action, window.send_again_action, window.copy_id_action]
    )
    message_menu.addAction(window.conversations.pane.mark_unread_action)
    window.addAction(window.conversations.pane.mark_unread_action)  # in the shortcuts' list
    message_menu.addSeparator()
    message_menu.addActions([window.insert_canned_action, window.canned_action])
    view_menu = menus.addMenu("&View")
    view_menu.addActions([window.log_mode_action, window.conversations_mode_action])
    view_menu.addSeparator()
    view_menu.addActions([window.filter_action, window.newest_action, window.oldest_action])
    view_menu.addSeparator()
    view_menu.addAction(window.compose_action)
    settings_menu = menus.addMenu("&Settings")
    settings_menu.addActions([window.settings_action, window.credentials_action])
    help_menu = menus.addMenu("&Help")
    help_menu.addAction(window.shortcuts_action)
    help_menu.addAction(make_action(window, "&About", window.show_about))
    window.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    window.table.addActions(
        [window.copy_id_action, window.retry_action, window.send_again_action, window.export_action]
    )


class ProfileToolbar(QToolBar):
    """The profile in use, chosen in a box, with its environment's badge, or in demo mode,
    while the profile sends to the simulator, the demo banner in its place; then
    ``actions`` at the far end."""

    def __init__(self, demo_mode: bool, actions: Iterable[QAction]) -> None:
        super().__init__("Profile")
        self.demo_banner: QAction | None = None
        self._banner: QLabel | None = None
        self.setObjectName("profileToolbar")
        self.setMovable(False)
        self.addWidget(QLabel(" Profile "))
        self.profile_box = QComboBox()
        self.profile_box.setObjectName("profileBox")
        self.profile_box.setMinimumWidth(160)
        self.addWidget(self.profile_box)
        self.badge = EnvironmentBadge()
        self._badge_action = self.addWidget(self.badge)
        if demo_mode:
            # Short enough for the toolbar of an 800-pixel-wide window; the rest in its tip.
            self._banner = QLabel("Demo mode: simulator only")
            self._banner.setObjectName("demoBanner")
            badge(self._banner, Badge.DEMO)
            self.demo_banner = self.addWidget(self._banner)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        for action in actions:
            self.addAction(action)

    def show_profile(self, settings: Settings, profile: Profile, simulated: bool) -> None:
        """``profile`` chosen among the profiles of ``settings``; the banner if it is
        ``simulated`` (it sends to the demo's simulator).

        The banner stands in for the environment's badge: every profile that sends to the
        simulator reaches no customer, and a PRODUCTION beside the banner would say that
        one does (and would not fit an 800-pixel-wide window).
        """
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        for candidate in settings.profiles:
            self.profile_box.addItem(candidate.name)
        self.profile_box.setCurrentText(profile.name)
        self.profile_box.blockSignals(False)
        self.badge.set_profile(profile)
        self._badge_action.setVisible(not simulated)
        if self.demo_banner is not None and self._banner is not None:
            self.demo_banner.setVisible(simulated)
            self._banner.setToolTip(
                f"Profile {profile.name!r} ({environment_word(profile).lower()}) sends to the "
                "built-in provider simulator: no message reaches a customer. The simulator "
                "sends receipts and a few replies, as a real account would."
            )


APP_TITLE = "SMS Operator Console"


def shortcuts_box(window: QWidget) -> QMessageBox:
    """Every shortcut of ``window``'s actions, with what it does."""
    pairs = sorted(
        (
            action.text().replace("&", "").rstrip("…"),
            action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
        )
        for action in window.actions()
        if not action.shortcut().isEmpty()
    )
    # The filter bar's check box: a mnemonic, not an action.
    pairs.append(("Mine: only the messages sent under this operator name", "Alt+I"))
    # The editors' own shortcuts (actions of the editors, not of the window).
    pairs.append(("Insert a canned reply (in the message text or a reply box)", CANNED_SHORTCUT))
    pairs.append(("Send the reply (in a conversation)", "Ctrl+Return"))
    pairs.append(("Back to the list of conversations (in a thread)", "Esc"))
    rows = "".join(
        f"<tr><td style='padding-right:24px'><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
        for what, keys in pairs
    )
    box = QMessageBox(
        QMessageBox.Icon.NoIcon,
        "Keyboard shortcuts",
        f"<table>{rows}</table>",
        QMessageBox.StandardButton.Close,
        window,
    )
    box.setObjectName("shortcutsDialog")
    box.setTextFormat(Qt.TextFormat.RichText)
    # A message box caps its text's width (its longest rows were cut), and its title would
    # be cut by the frame: the text is given the width of its widest row, or the title's.
    table = QTextDocument()
    table.setDefaultFont(box.font())
    table.setHtml(f"<table>{rows}</table>")
    title = box.fontMetrics().horizontalAdvance(f"Keyboard shortcuts — {APP_TITLE}")
    width = max(title + 80, math.ceil(table.idealWidth()) + 8)
    box.setStyleSheet(f"QLabel {{ min-width: {width}px; }}")
    return box


def about_box(parent: QWidget, data_dir: Path) -> QMessageBox:
    return QMessageBox(
        QMessageBox.Icon.Information,
        "About SMS Operator Console",
        f"SMS Operator Console {version('sms-operator-console')}\n\nData folder: {data_dir}",
        QMessageBox.StandardButton.Ok,
        parent,
    )
