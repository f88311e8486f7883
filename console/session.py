"""What the window runs on: the store, the sending engine and the callback listener.

The session is plain asyncio (no Qt), so it is tested on its own; the window subscribes to
its callbacks. Engine changes and listener changes reach those callbacks merged, on the
loop that started the session, a few times a second at most.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from console.identity import Actor, current_actor
from console.keychain import Credentials
from console.listener.config import ListenerConfigError
from console.listener.intake import Change
from console.listener.notify import Coalescer
from console.listener.server import CallbackListener, ListenerError, callback_store
from console.paths import access_log_path, database_path, settings_path
from console.protocol.codes import message_state
from console.protocol.delivery import FINAL_STATES
from console.protocol.phone import display_number
from console.sending.engine import EngineSettings, SendingEngine, http_client
from console.sending.policy import RetrySettings, may_retry_same_id
from console.settings import Profile, Settings, load_settings, save_settings
from console.settings.changes import changed_settings
from console.settings.listener import ensure_path_token, listener_config
from console.store import MessageStore, open_store
from console.store.audit import AuditAction
from console.store.models import MessageStatus, NewMessage, StoredMessage

log = logging.getLogger(__name__)


class NotReady(Exception):
    """A send was asked for before the profile had credentials."""


@dataclass(frozen=True)
class ListenerState:
    """What the status bar shows about the callback listener."""

    running: bool
    url: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Alert:
    """Something the operator must notice: a message that failed or was not delivered, a
    customer's reply. ``kind`` is "problem" or "reply"."""

    title: str
    text: str
    message_ids: tuple[str, ...]
    kind: str = "problem"


def engine_settings(profile: Profile) -> EngineSettings:
    return EngineSettings(
        retry=RetrySettings(wait=profile.retry_wait, max_attempts=profile.max_attempts),
        rate=profile.messages_per_second,
    )


# What an account's client and engine were made from: any other change leaves them be.
_SENDING_FIELDS = (
    "name", "login", "endpoint", "method", "messages_per_second", "retry_wait",
    "max_attempts", "timeout",
)  # fmt: skip


def _same_sending(old: Profile, new: Profile) -> bool:
    return all(getattr(old, name) == getattr(new, name) for name in _SENDING_FIELDS)


class _Account:
    """One profile's HTTP client and engine; closed once its sends in flight are over."""

    def __init__(
        self,
        profile: Profile,
        credentials: Credentials,
        store: MessageStore,
        on_change: Callable[[str], None],
    ) -> None:
        self.profile = profile
        self.credentials = credentials
        self.client = http_client(profile.timeout)
        self.engine = SendingEngine(
            store, self.client, credentials, engine_settings(profile), on_change=on_change
        )
        self.tasks: set[asyncio.Task[None]] = set()

    async def close(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.client.aclose()


class Session:
    """The running console over one data directory.

    Callbacks (set them before :meth:`start`): ``on_messages`` gets the message_ids whose
    row changed, ``on_outcome`` a message whose acceptance is settled, ``on_alert`` what
    the operator must notice, ``on_listener`` every change of the listener's state.
    """

    def __init__(self, data_dir: Path, *, notify_interval: float = 0.05) -> None:
        self.data_dir = data_dir
        self.settings = load_settings(settings_path(data_dir))
        self.store = open_store(database_path(data_dir))
        self.listener_state = ListenerState(running=False)
        self.on_messages: Callable[[frozenset[str]], None] = lambda _ids: None
        self.on_outcome: Callable[[StoredMessage], None] = lambda _message: None
        self.on_alert: Callable[[Alert], None] = lambda _alert: None
        self.on_listener: Callable[[ListenerState], None] = lambda _state: None
        self._notify_interval = notify_interval
        self._listener: CallbackListener | None = None
        self._coalescer: Coalescer | None = None
        self._account: _Account | None = None
        self._retired: set[asyncio.Task[None]] = set()
        self._retiring: list[_Account] = []
        # A final state is announced once, however often its receipt is redelivered.
        self._alerted: set[str] = set()

    @property
    def profile(self) -> Profile:
        return self.settings.profile()

    @property
    def actor(self) -> Actor:
        """This console's operator (the settings' name, else the system's user) and host."""
        return current_actor(None, {}, self.settings.operator_name)

    @property
    def credentials(self) -> Credentials | None:
        account = self._account
        return account.credentials if account and account.profile == self.profile else None

    @property
    def sends_in_flight(self) -> int:
        """Messages still being attempted, by the current account or one set aside."""
        accounts = [*self._retiring, *([self._account] if self._account else [])]
        return sum(len(account.tasks) for account in accounts)

    async def start(self) -> ListenerState:
        """Start the listener (a failure is reported in the state, not raised)."""
        loop = asyncio.get_running_loop()
        self._coalescer = Coalescer(loop, self._changed, self._notify_interval)
        return await self.restart_listener()

    # Settings and credentials

    def save_settings(self, settings: Settings, *, by_operator: bool = True) -> None:
        """Keep ``settings`` on disk and in force; the listener restarts only when asked.
        What the operator changed is recorded in the audit trail (by name, never values);
        what the program changes by itself (``by_operator`` False) is not.

        A change to the active profile that does not touch how it sends (its region, its
        senders, its longest message…) keeps its credentials and engine.
        """
        save_settings(settings_path(self.data_dir), settings)
        changed = changed_settings(self.settings, settings)
        self.settings = settings
        if changed and by_operator:
            self.store.add_audit(
                self.actor.entry(AuditAction.SETTINGS, detail="changed " + ", ".join(changed))
            )
        account = self._account
        if account is not None and _same_sending(account.profile, self.profile):
            account.profile = self.profile

    async def use_credentials(self, credentials: Credentials | None) -> None:
        """Send as the active profile with ``credentials`` (None: sending is off)."""
        old, self._account = self._account, None
        if old is not None:
            self._retire(old)
        if credentials is not None:
            self._account = _Account(self.profile, credentials, self.store, self._engine_changed)

    def _retire(self, account: _Account) -> None:
        # Its sends in flight finish with the credentials they started with.
        self._retiring.append(account)
        task = asyncio.get_running_loop().create_task(account.close())
        self._retired.add(task)
        task.add_done_callback(self._retired.discard)
        task.add_done_callback(lambda _task: self._retiring.remove(account))

    # Sending

    def send(self, new: NewMessage, copy_of: str | None = None) -> StoredMessage:
        """Store ``new`` as sent by this console's operator and start sending it; the
        outcome arrives through ``on_outcome``. ``copy_of``: the message it was copied
        from (Send again), which the audit trail records it as a resend of.

        Raises:
            NotReady: no credentials for the active profile.
            InvalidRequest: a field is not acceptable; nothing was stored.
            DuplicateMessageId: the id is already in the store.
        """
        account = self._ready_account()
        if copy_of is None:
            action, detail = AuditAction.SEND, ""
        else:
            action, detail = AuditAction.RESEND, f"copy of {copy_of}"
        stored = account.engine.submit(self.actor.stamp(new), action, detail)
        self._spawn(account, new.message_id)
        return stored

    def retry(self, message_id: str) -> None:
        """Attempt a stored message again with its own message_id.

        Raises:
            NotReady: no credentials for the active profile.
            LookupError: no such message, or it is not one that may be retried.
        """
        account = self._ready_account()
        if not self.can_retry(message_id) or not self.store.reopen_for_retry(message_id):
            raise LookupError(
                f"message {message_id} cannot be sent again with the same id: only a message "
                "whose attempts ran out on a temporary failure can; use Send again"
            )
        self.store.add_audit(self.actor.entry(AuditAction.RETRY, message_id))
        self._engine_changed(message_id)
        self._spawn(account, message_id)

    def can_retry(self, message_id: str) -> bool:
        message = self.store.get_message(message_id)
        if message is None:
            return False
        attempts = self.store.attempts(message_id)
        return may_retry_same_id(message.status, attempts[-1] if attempts else None)

    def _ready_account(self) -> _Account:
        account = self._account
        if account is None or account.profile != self.profile:
            raise NotReady(f"profile {self.profile.name!r} has no credentials yet")
        return account

    def _spawn(self, account: _Account, message_id: str) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(account, message_id))
        account.tasks.add(task)
        task.add_done_callback(account.tasks.discard)

    async def _deliver(self, account: _Account, message_id: str) -> None:
        try:
            message = await account.engine.deliver(message_id)
        except Exception:
            log.exception("sending message %s stopped", message_id)
            stored = self.store.get_message(message_id)
            if stored is None:
                return
            message = stored
        self.on_outcome(message)
        if message.status is not MessageStatus.ACCEPTED:
            self.on_alert(
                Alert(
                    "Message not sent",
                    f"To {display_number(message.phone_number)}: {message.status_detail}",
                    (message_id,),
                )
            )

    # Listener

    async def restart_listener(self) -> ListenerState:
        """(Re)start the listener with the saved settings; stopping waits off the loop."""
        if self._listener is not None:
            old, self._listener = self._listener, None
            await asyncio.to_thread(old.stop)
        try:
            saved = ensure_path_token(self.data_dir)
            self.settings = load_settings(settings_path(self.data_dir))
            listener = CallbackListener(
                listener_config(saved),
                callback_store(database_path(self.data_dir)),
                access_log=access_log_path(self.data_dir),
                on_changes=self._listener_changed,
            )
            url = await asyncio.to_thread(listener.start_in_thread)
        except (ListenerError, ListenerConfigError, OSError) as exc:
            state = ListenerState(running=False, error=str(exc))
        else:
            self._listener = listener
            state = ListenerState(running=True, url=url)
        self.listener_state = state
        self.on_listener(state)
        return state

    def _listener_changed(self, changes: list[Change]) -> None:
        # Called on the listener's thread.
        if self._coalescer is not None:
            self._coalescer.add(changes)

    def _engine_changed(self, message_id: str) -> None:
        if self._coalescer is not None:
            self._coalescer.add([("message", message_id)])

    def _changed(self, batch: frozenset[Change]) -> None:
        ids = frozenset(message_id for kind, message_id in batch if kind != "quarantine")
        if ids:
            self.on_messages(ids)
        receipts = [message_id for kind, message_id in batch if kind == "receipt"]
        self._alert_undelivered(receipts)
        self._alert_replies([message_id for kind, message_id in batch if kind == "reply"])
        quarantined = sum(1 for kind, _ in batch if kind == "quarantine")
        if quarantined:
            self.on_alert(
                Alert(
                    "Callback not understood",
                    f"{quarantined} callback(s) could not be understood and were kept in the "
                    "quarantine (see 'sms-console quarantine').",
                    (),
                )
            )

    def _alert_replies(self, message_ids: list[str]) -> None:
        replies = [r for r in map(self.store.reply, message_ids) if r is not None]
        if not replies:
            return
        if len(replies) == 1:
            reply = replies[0]
            text = f"From {display_number(reply.phone_number)}: {reply.body}"
        else:
            text = f"{len(replies)} new replies"
        ids = tuple(r.message_id for r in replies)
        self.on_alert(Alert("Customer reply", text, ids, kind="reply"))

    def _alert_undelivered(self, message_ids: Iterable[str]) -> None:
        failed = []
        for message_id in set(message_ids) - self._alerted:
            message = self.store.get_message(message_id)
            if (
                message
                and message.state in FINAL_STATES
                and not message_state(message.state).delivered
            ):
                failed.append(message)
                self._alerted.add(message_id)
        if not failed:
            return
        if len(failed) == 1:
            message = failed[0]
            state = message_state(message.state or 0).name
            text = f"To {display_number(message.phone_number)}: {state}"
        else:
            text = f"{len(failed)} messages ended without delivery"
        self.on_alert(Alert("Not delivered", text, tuple(m.message_id for m in failed)))

    async def close(self) -> None:
        """Finish: stop the listener, let sends in flight record their end, close the store."""
        if self._listener is not None:
            listener, self._listener = self._listener, None
            await asyncio.to_thread(listener.stop)
        # Sends still retrying stop here; they stay in the outbox, resumable with their id.
        accounts = [*self._retiring, *([self._account] if self._account else [])]
        self._account = None
        for account in accounts:
            for task in account.tasks:
                task.cancel()
        for account in accounts:
            await account.close()
        if self._retired:
            await asyncio.gather(*self._retired, return_exceptions=True)
        self.store.close()
