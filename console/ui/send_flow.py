"""A message from the compose pane to the provider's answer, told in the pane."""

from __future__ import annotations

from collections.abc import Callable

from console.protocol.mt_request import InvalidRequest
from console.protocol.phone import display_number
from console.session import NotReady, Session
from console.session_state import StoreUnreachable
from console.store.errors import DuplicateMessageId, OptedOut, StoreError
from console.store.models import MessageStatus, NewMessage, StoredMessage
from console.ui.compose import ComposePane
from console.ui.log_pane import LogPane


class SendFlow:
    """Hands the compose pane's messages to the session and shows how each one went.

    The pane stays busy from the send until the provider's answer, or until the engine
    waits to retry; ``pending`` is the message_id it waits for.
    """

    def __init__(
        self,
        session: Session,
        compose: ComposePane,
        log: LogPane,
        ask_credentials: Callable[[], None],
        note: Callable[[str], None],
    ) -> None:
        self.session = session
        self.compose = compose
        self.log = log
        self._ask_credentials = ask_credentials
        self._note = note
        self.pending: str | None = None
        compose.recipient_field.opted_out = self.opted_out

    def opted_out(self, digits: str) -> str | None:
        """Why a message to ``digits`` would be refused by the opt-out list, if it would."""
        if self.session.closed:
            return None  # a window left on screen as the program ends
        try:
            entry = self.session.store.suppression(digits)
        except StoreError:
            return None  # told at Send, if it is still so
        return None if entry is None else entry.describe()

    def opt_outs_changed(self) -> None:
        """The opt-out list changed: the number in To is read again."""
        self.compose.recipient_field.refresh()

    def send(self, new: NewMessage) -> None:
        try:
            self.session.send(new, copy_of=self.compose.copied_from)
        except NotReady:
            self.compose.show_outcome(
                "Enter the login and password of this profile first.", ok=False
            )
            self._ask_credentials()
            return
        except OptedOut as exc:
            # Nothing was stored: the form keeps the message, and says why.
            self.compose.show_outcome(f"Not sent: {exc}.", ok=False)
            return
        except (InvalidRequest, DuplicateMessageId, StoreUnreachable) as exc:
            # The form keeps the message: Send again once the store is back.
            self.compose.show_outcome(str(exc), ok=False)
            return
        self.pending = new.message_id
        self.compose.set_busy(True)
        if self.log.show_sent(new):
            self._note("The log's filter was cleared to show the message just sent.")

    def outcome(self, message: StoredMessage) -> None:
        if message.message_id != self.pending:
            return
        self.pending = None
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

    def messages_changed(self, message_ids: frozenset[str]) -> None:
        if self.pending in message_ids:
            self._release_form_if_retrying()

    def _release_form_if_retrying(self) -> None:
        """Free the form while the engine waits to retry; the outcome still comes back."""
        message = self.session.store.get_message(self.pending or "")
        if message is None or message.status is not MessageStatus.RETRY_WAIT:
            return
        self.compose.set_busy(False)
        self.compose.show_outcome(
            f"Not accepted yet ({message.status_detail or 'no answer'}). It is retried "
            "automatically with the same message_id; the log row follows it, and the text "
            "stays here until it is accepted.",
            ok=False,
        )
