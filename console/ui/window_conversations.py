"""The window's Conversations mode beside its log: the pane, the modes' switch, the unread
total in the title and the tray, and a tray notification for each batch of new replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QTabWidget

from console.protocol.phone import display_number
from console.session import Alert
from console.store import open_store
from console.ui.canned_inserter import CannedInserter
from console.ui.conversations_pane import ConversationsPane
from console.ui.reply_flow import ReplyFlow
from console.ui.resources import icon_path
from console.ui.window_actions import APP_TITLE

if TYPE_CHECKING:
    from console.ui.log_pane import LogPane
    from console.ui.main_window import MainWindow

LOG_MODE = 0
CONVERSATIONS_MODE = 1


class WindowConversations:
    """Builds the modes (Log, Conversations) for ``window`` and follows the session for the
    conversations."""

    def __init__(self, window: MainWindow, log_pane: LogPane) -> None:
        self._window = window
        session = window.session
        self.pane = ConversationsPane(
            session.store,
            lambda: session.actor.operator,
            lambda: session.settings.conversations.claim_minutes,
            lambda: open_store(session.location, any_thread=True),
            team=session.store_state.shared,
        )
        self.modes = QTabWidget()
        self.modes.setObjectName("modes")
        self.modes.setDocumentMode(True)
        self.modes.addTab(log_pane, "&Log")
        self.modes.addTab(self.pane, "C&onversations")
        self.modes.setTabToolTip(LOG_MODE, "Every message and reply (Ctrl+1)")
        self.modes.setTabToolTip(CONVERSATIONS_MODE, "A thread per customer (Ctrl+2)")
        self.flow = ReplyFlow(
            session,
            self.pane.reply_box,
            self.pane.view,
            window.open_credentials,
            window.open_dialog,
            self.pane.sent_in,
            self.pane.threads_changed,
        )
        self.pane.reply_box.sendRequested.connect(self.flow.send)
        reply_box = self.pane.reply_box
        # Ctrl+Shift+I in the reply box, as in the compose pane; {number} is the thread's.
        self.canned = CannedInserter(
            reply_box.editor,
            lambda: session.store.canned_replies(),
            # {number} as the window writes numbers everywhere: +1 202-555-0123.
            lambda: (
                display_number(reply_box.replying_to.phone_number)
                if reply_box.replying_to is not None
                else "",
                session.actor.operator,
            ),
        )
        self.canned.problem.connect(reply_box.show_error)
        self.pane.unreadChanged.connect(self.show_unread)
        self.modes.currentChanged.connect(self._mode_shown)
        self.unread = 0
        self._title = ""  # the window's title without the unread total
        self._notified: tuple[str, ...] = ()  # the replies the last notification told of

    def _mode_shown(self, index: int) -> None:
        # The log's row count speaks of the log: in the conversations it would mislead.
        self._window.count_label.setVisible(index == LOG_MODE)
        if index == CONVERSATIONS_MODE:
            self.pane.read_open()

    def make_tray(self) -> QSystemTrayIcon | None:
        """The tray icon, where the system has a tray; a click on its message opens the
        thread it told of."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        # The program's own icon, whoever made the application object.
        tray = QSystemTrayIcon(QIcon(str(icon_path())), self._window)
        tray.setToolTip(APP_TITLE)
        tray.messageClicked.connect(self.open_notified)
        tray.show()
        return tray

    def show_log(self) -> None:
        self.show_mode(LOG_MODE)

    def show_conversations(self) -> None:
        self.show_mode(CONVERSATIONS_MODE)

    def show_mode(self, mode: int) -> None:
        self.modes.setCurrentIndex(mode)
        if mode == CONVERSATIONS_MODE:
            if self.pane.view.showing:
                self.pane.reply_box.editor.setFocus()
            else:
                # The list with its first thread chosen: Down goes on to the second.
                self.pane.to_list()

    def send_here(self) -> bool:
        """Ctrl+Enter in the conversations (outside the reply's text, which takes it
        itself): the reply goes, not the compose pane's message. False elsewhere."""
        focus = QApplication.focusWidget()
        if focus is None or not self.pane.isVisible() or not self.pane.isAncestorOf(focus):
            return False
        self.pane.reply_box.request_send()
        return True

    def set_title(self, title: str) -> None:
        """The window's title, to which the unread total is added."""
        self._title = title
        self.show_unread(self.unread)

    def show_unread(self, total: int) -> None:
        """The unread total in the window's title, ``(3) …``, and the tray's tooltip."""
        self.unread = total
        window = self._window
        # The system adds the program's name to a title that does not end with it.
        base = self._title
        window.setWindowTitle(f"({total}) {base or APP_TITLE}" if total else base)
        self.modes.setTabText(
            CONVERSATIONS_MODE, f"C&onversations ({total})" if total else "C&onversations"
        )
        if window.tray is not None:
            unread = f": {total} unread {'reply' if total == 1 else 'replies'}" if total else ""
            window.tray.setToolTip(f"{APP_TITLE}{unread}")

    def tell_tray(self, alert: Alert) -> None:
        """Show ``alert`` as the tray's message; new replies only while not silenced (one
        message a batch: *5 new replies*)."""
        tray = self._window.tray
        if tray is None or not QSystemTrayIcon.supportsMessages():
            return
        icon = QSystemTrayIcon.MessageIcon.Warning
        if alert.kind == "reply":
            if not self._window.session.settings.conversations.notify_replies:
                return
            self._notified = alert.message_ids
            icon = QSystemTrayIcon.MessageIcon.Information
        tray.showMessage(alert.title, alert.text, icon)

    def follow(self, alert: Alert) -> bool:
        """A click on a reply's alert while the conversations are shown opens its thread
        there (elsewhere the log shows its row); whether it did."""
        if alert.kind != "reply" or not alert.message_ids or not self.pane.isVisible():
            return False
        return self.pane.open_thread_of(alert.message_ids[-1])

    def open_notified(self) -> None:
        """The notification was clicked: the window comes up on the thread it told of."""
        window = self._window
        if not self._notified:
            return
        window.showNormal()
        window.raise_()
        window.activateWindow()
        self.show_mode(CONVERSATIONS_MODE)
        self.pane.open_thread_of(self._notified[-1])
