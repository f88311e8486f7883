"""A reply from the conversation's reply box to the session, as the compose pane's messages
go: the same send, retries and outbox; a thread another operator handles asks first."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QDialog, QMessageBox

from console.protocol.mt_request import InvalidRequest
from console.session import NotReady, Session
from console.session_state import StoreUnreachable
from console.store.errors import StoreError
from console.store.models import MessageStatus, NewMessage, StoredMessage
from console.store.threads import ThreadItem, ThreadRow
from console.ui.reply_box import ReplyBox
from console.ui.thread_view import ThreadView


class ReplyFlow:
    """Hands the reply box's messages to the session; ``sent(thread)`` after each one
    handed over (work in the thread: its claim runs on); ``changed(thread ids)`` when a
    thread was found changed since it was shown."""

    def __init__(
        self,
        session: Session,
        box: ReplyBox,
        view: ThreadView,
        ask_credentials: Callable[[], None],
        open_dialog: Callable[[QDialog], None],
        sent: Callable[[ThreadRow], None],
        changed: Callable[[Iterable[int]], None],
    ) -> None:
        self.session = session
        self.box = box
        self.view = view
        self._ask_credentials = ask_credentials
        self._open_dialog = open_dialog
        self._sent = sent
        # The pane shows these threads as the store has them now.
        self._changed = changed
        self._waiting: set[str] = set()  # replies sent, whose acceptance has not come

    def send(self, new: NewMessage) -> None:
        """Send ``new``, asking first when another operator handles the thread."""
        thread = self.box.replying_to
        if thread is None:
            return
        operator = self.session.actor.operator
        try:
            fresh = self.session.store.thread(thread.id, operator) or thread
        except StoreError as exc:
            self.box.show_error(str(exc))
            return
        if fresh != thread:
            # Changed since shown (opted out from the command line, claimed, written to).
            self._changed([thread.id])
        holder = fresh.claimed_by
        if holder is None or holder == operator:
            self._send(new, fresh)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Someone is handling this conversation",
            f"{holder} is handling this conversation. Send your reply anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.box,
        )
        box.setObjectName("claimedReplyWarning")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self._send(new, fresh) if button is yes else None)
        self._open_dialog(box)

    def _send(self, new: NewMessage, thread: ThreadRow) -> None:
        try:
            stored = self.session.send(new)
        except NotReady:
            self.box.show_error("Enter the login and password of this profile first.")
            self._ask_credentials()
            return
        except (InvalidRequest, StoreUnreachable, StoreError) as exc:
            # Refused before it went (an opted-out number, a store out of reach): the box
            # keeps the text.
            self.box.show_error(str(exc))
            return
        self._waiting.add(new.message_id)
        self.box.sent(new)
        if self.view.showing is not None and self.view.showing.id == thread.id:
            self.view.add_sent(ThreadItem(message=stored))
        self._sent(thread)

    def outcome(self, message: StoredMessage) -> None:
        """The provider answered a reply sent from here: a refusal is told by the box."""
        if message.message_id not in self._waiting:
            return
        self._waiting.discard(message.message_id)
        if message.status is not MessageStatus.ACCEPTED:
            self.box.show_error(f"Not sent: {message.status_detail or message.status.value}")
