"""What the window runs on: the store, the sending engine and the callback listener.

The session is plain asyncio (no Qt), so it is tested on its own; the window subscribes to
its callbacks. Engine changes, listener changes and, on a shared store, every other
console's and receiver's changes reach those callbacks merged, on the loop that started
the session, a few times a second at most.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from console.identity import Actor, RunOperator, current_actor
from console.keychain import Credentials
from console.listener.intake import Change
from console.listener.notify import Coalescer
from console.paths import database_path, settings_path
from console.receipts_health import ReceiptsHealth
from console.sending.policy import may_retry_same_id
from console.session_account import Account, engine_settings, same_sending
from console.session_alerts import batch_alerts
from console.session_delivery import spawn_delivery
from console.session_listener import EmbeddedListener
from console.session_opt_outs import follow_opt_outs
from console.session_recovery import RECOVERY_INTERVAL, recover
from console.session_shared import SharedWatch
from console.session_state import (
    UNREACHABLE,
    Alert,
    ListenerState,
    NotReady,
    StoreState,
    StoreUnreachable,
)
from console.session_texts_back import answer_keywords
from console.settings import Profile, Settings, load_settings, save_settings
from console.settings.changes import changed_settings
from console.store import StoreLocation, deadlines, open_store
from console.store.audit import AuditAction
from console.store.errors import OptedOut, StoreOutOfReach
from console.store.models import NewMessage, StoredMessage

_NOTHING_SENT = "nothing can be recorded, so nothing was sent"


class Session:
    """The running console over one data directory and one store.

    ``store``: where the messages are, ready to connect (a PostgreSQL location with its
    password, see ``cli.store_option.connectable``); by default the SQLite file in
    ``data_dir``. Opening raises StoreError when it cannot be opened. ``operator``: the
    operator's name for this run (``--operator`` or the environment), in place of the
    settings' name.

    Callbacks (set them before :meth:`start`): ``on_messages`` gets the message_ids whose
    row changed, ``on_threads`` the ids of threads whose claim changed, ``on_opt_out`` the
    numbers put on the opt-out list or taken off it by another program, ``on_outcome`` a
    message whose acceptance is settled, ``on_alert`` what the operator must notice,
    ``on_listener`` every change of the listener's state, ``on_store`` every change of the
    store's (:attr:`store_state`), ``on_canned`` a change of the canned replies (by another
    console on a shared store).

    With credentials, the active profile's undecided messages that nobody holds (left by
    a console that stopped mid-send) are finished with their own message_id, at once and
    every ``recovery_interval`` seconds (:mod:`console.session_recovery`).

    On a shared store (team mode):

    - ``on_messages`` and ``on_alert`` also tell what other consoles and the receivers
      commit: new messages, receipts, replies, quarantined callbacks. After a lost
      connection the session catches up by itself, nothing missed and nothing twice.
    - The embedded listener is not started (:attr:`listener_state` ``off``) unless the
      listener setting ``embedded_on_shared`` asks for it.
    - While the store is out of reach, :attr:`store_state` says so with
      :attr:`StoreState.text` (*Shared store unreachable, retrying*), :meth:`send` and
      :meth:`retry` raise :class:`StoreUnreachable` with those words, and reads of
      :attr:`store` raise StoreError. The session reconnects by itself; once
      ``on_store`` reports the store reachable again, the changes missed meanwhile
      arrive through ``on_messages``; after too long away to know them (see
      :mod:`console.store.postgres.change_feed`), ``on_reload`` asks for the store to be
      read again instead.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        store: StoreLocation | None = None,
        notify_interval: float = 0.05,
        recovery_interval: float = RECOVERY_INTERVAL,
        operator: RunOperator | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.run_operator = operator
        self._recovery_interval = recovery_interval
        self.settings = load_settings(settings_path(data_dir))
        self.location = store or StoreLocation.sqlite(database_path(data_dir))
        self.store = open_store(self.location, deadline=deadlines.WINDOW)
        self.store_state = StoreState(shared=self.location.path is None)
        self.on_messages: Callable[[frozenset[str]], None] = lambda _ids: None
        self.on_threads: Callable[[frozenset[int]], None] = lambda _ids: None
        self.on_opt_out: Callable[[frozenset[str]], None] = lambda _numbers: None
        self.on_reload: Callable[[], None] = lambda: None
        self.on_outcome: Callable[[StoredMessage], None] = lambda _message: None
        self.on_alert: Callable[[Alert], None] = lambda _alert: None
        self.on_listener: Callable[[ListenerState], None] = lambda _state: None
        self.on_store: Callable[[StoreState], None] = lambda _state: None
        self.on_receipts: Callable[[ReceiptsHealth], None] = lambda _health: None
        self.on_canned: Callable[[], None] = lambda: None
        self._shared: SharedWatch | None = None
        self._opt_outs: asyncio.Task[None] | None = None  # on a file: see session_opt_outs
        self.closed = False  # the store is closed: nothing more is read
        self._notify_interval = notify_interval
        self._embedded = EmbeddedListener(
            data_dir,
            self.location,
            self._listener_changed,
            lambda state: self.on_listener(state),
            self._reload_settings,
        )
        self._coalescer: Coalescer | None = None
        self._account: Account | None = None
        self._retired: set[asyncio.Task[None]] = set()
        self._retiring: list[Account] = []
        # A final state is announced once, however often its receipt is redelivered.
        self._alerted: set[str] = set()

    @property
    def profile(self) -> Profile:
        return self.settings.profile()

    @property
    def listener_state(self) -> ListenerState:
        return self._embedded.state

    @property
    def actor(self) -> Actor:
        """This console's operator (the run's name, else the settings', else the system's
        user) and host."""
        given = self.run_operator.name if self.run_operator else None
        return current_actor(given, {}, self.settings.operator_name)

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
        """Follow the shared store's changes, start the listener (a failure is reported in
        the state, not raised)."""
        loop = asyncio.get_running_loop()
        self._coalescer = Coalescer(loop, self._changed, self._notify_interval)
        if self.store_state.shared:
            self._shared = SharedWatch(
                self.location,
                self.store,
                self._listener_changed,
                self._reachable,
                lambda health: self.on_receipts(health),
            )
            self._shared.start(watch_receivers=not self.embedded_listener_wanted)
        else:
            self._opt_outs = loop.create_task(
                follow_opt_outs(
                    self.store,
                    lambda numbers: self._listener_changed(
                        [("suppression", number) for number in numbers]
                    ),
                )
            )
        return await self.restart_listener()

    @property
    def embedded_listener_wanted(self) -> bool:
        """Whether the session runs its own listener: always on a SQLite file; on a
        shared store only when the settings ask for it."""
        return not self.store_state.shared or self.settings.listener.embedded_on_shared

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
        if account is not None and same_sending(account.profile, self.profile):
            account.profile = self.profile

    async def use_credentials(self, credentials: Credentials | None) -> None:
        """Send as the active profile with ``credentials`` (None: sending is off)."""
        old, self._account = self._account, None
        if old is not None:
            self._retire(old)
        if credentials is not None:
            account = Account(self.profile, credentials, self.store, self._engine_changed)
            self._account = account
            account.recovery = asyncio.get_running_loop().create_task(
                recover(
                    self.store,
                    account.engine.claims.claim,
                    account.profile.name,
                    lambda message_id: self._spawn(account, message_id),
                    self._recovery_interval,
                )
            )

    def _retire(self, account: Account) -> None:
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
            OptedOut: the number is on the opt-out list; nothing was stored.
            StoreUnreachable: the shared store is out of reach; nothing was stored.
        """
        self._check_reachable()
        account = self._ready_account()
        if copy_of is None:
            action, detail = AuditAction.SEND, ""
        else:
            action, detail = AuditAction.RESEND, f"copy of {copy_of}"
        try:
            stored = account.engine.submit(self.actor.stamp(new), action, detail)
        except StoreOutOfReach as exc:
            # Found just now (the server stopped answering): said as when already known.
            state = StoreState(shared=True, reachable=False, reason=exc.reason)
            raise StoreUnreachable(f"{state.text}: {_NOTHING_SENT}") from exc
        self._spawn(account, new.message_id)
        return stored

    def retry(self, message_id: str) -> None:
        """Attempt a stored message again with its own message_id.

        Raises:
            NotReady: no credentials for the active profile.
            LookupError: no such message, or it is not one that may be retried.
            OptedOut: the number is on the opt-out list (the message stays failed).
        """
        self._check_reachable()
        account = self._ready_account()
        try:
            reopened = self.can_retry(message_id) and self.store.reopen_for_retry(message_id)
        except OptedOut:
            self._engine_changed(message_id)  # failed again, saying why
            raise
        if not reopened:
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

    def _check_reachable(self) -> None:
        text = self.store_state.text
        if text is not None:
            raise StoreUnreachable(f"{text}: {_NOTHING_SENT}")

    def _ready_account(self) -> Account:
        account = self._account
        if account is None or account.profile != self.profile:
            raise NotReady(f"profile {self.profile.name!r} has no credentials yet")
        return account

    def _spawn(self, account: Account, message_id: str) -> None:
        # The callbacks are looked up once the outcome is known: they may be set meanwhile.
        spawn_delivery(
            account,
            message_id,
            self.store,
            lambda message: self.on_outcome(message),
            lambda alert: self.on_alert(alert),
        )

    # Listener

    async def restart_listener(self) -> ListenerState:
        """(Re)start the listener with the saved settings; stopping waits off the loop."""
        return await self._embedded.restart(self.embedded_listener_wanted)

    def _reload_settings(self) -> Settings:
        # The listener's start may have saved a new path token.
        self.settings = load_settings(settings_path(self.data_dir))
        return self.settings

    # The shared store

    def _reachable(self, reachable: bool, reason: str | None) -> None:
        if self._shared is None:
            return  # told before the feed stopped, heard after: nobody follows now
        self.store_state = StoreState(shared=True, reachable=reachable, reason=reason)
        self.on_store(self.store_state)

    def _listener_changed(self, changes: list[Change]) -> None:
        # Called on the listener's thread.
        if self._coalescer is not None:
            self._coalescer.add(changes)

    def _engine_changed(self, message_id: str) -> None:
        if self._coalescer is not None:
            self._coalescer.add([("message", message_id)])

    def _changed(self, batch: frozenset[Change]) -> None:
        if ("everything", "") in batch:
            self.on_reload()
        if ("canned", "") in batch or ("everything", "") in batch:
            self.on_canned()
        ids = frozenset(m for kind, m in batch if kind in ("receipt", "reply", "message"))
        if ids:
            self.on_messages(ids)
        threads = frozenset(int(t) for kind, t in batch if kind == "thread" and t.isdigit())
        if threads:
            self.on_threads(threads)
        numbers = frozenset(n for kind, n in batch if kind == "suppression")
        if numbers:
            self.on_opt_out(numbers)
        replies = [m for kind, m in batch if kind == "reply"]
        if replies:
            answer_keywords(
                self.store, self.settings, self._account, replies, self._spawn, self._engine_changed
            )
        for alert in batch_alerts(self.store, batch, self._alerted):
            self.on_alert(alert)

    async def close(self) -> None:
        """Finish: stop the listener and the change feed, let sends in flight record their
        end, close the store."""
        if self._opt_outs is not None:
            self._opt_outs.cancel()
            self._opt_outs = None
        if self._shared is not None:
            shared, self._shared = self._shared, None
            await shared.stop()
        await self._embedded.stop()
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
        self.closed = True
        self.store.close()


__all__ = [
    "UNREACHABLE",
    "Alert",
    "ListenerState",
    "NotReady",
    "Session",
    "StoreState",
    "StoreUnreachable",
    "engine_settings",
]
