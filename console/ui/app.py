"""Starting and stopping the window: Qt application, qasync loop, signals, demo mode."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
import sys
from functools import partial
from pathlib import Path

import qasync
from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from console import demo
from console.identity import RunOperator, run_operator
from console.keychain import Keychain, KeychainError
from console.logging_setup import configure_logging
from console.paths import (
    database_path,
    log_path,
    resolve_data_dir,
    restrict_data_dir,
    settings_path,
)
from console.session import Session
from console.settings import SettingsError, load_settings
from console.shared_store import SharedStoreError, with_keychain_password, workspace_location
from console.simulator import ThreadedSimulator
from console.store import open_store, upgrade_pending
from console.store.errors import StoreError, StoreOutOfReach
from console.store.location import StoreLocation
from console.store.postgres.open_failure import libpq_reason
from console.ui.excepthook import ErrorReporter
from console.ui.main_window import MainWindow
from console.ui.relaunch import relaunch
from console.ui.resources import icon_path
from console.ui.store_refused import ask_store_refused
from console.ui.store_upgrade import upgrade_with_progress
from console.ui.store_wait import Outcome, wait_for_store

log = logging.getLogger(__name__)

APP_NAME = "SMS Operator Console"
UNUSABLE_DATA = 3  # the command line's exit status for unusable settings or store


class _SignalWatcher:
    """Turns SIGINT/SIGTERM into a clean quit while Qt's C++ loop holds the thread.

    Python runs signal handlers only between bytecodes; the wakeup fd makes Qt notice.
    """

    def __init__(self, on_signal: object) -> None:
        self._reader, writer = socket.socketpair()
        self._writer = writer
        self._reader.setblocking(False)
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno())
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_args: None)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        self._on_signal = on_signal

    def _drain(self) -> None:
        try:
            self._reader.recv(64)
        except BlockingIOError:
            return
        log.info("stopping on a signal")
        self._on_signal()  # type: ignore[operator]

    def close(self) -> None:
        signal.set_wakeup_fd(-1)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


class DemoProvider:
    """The simulator behind demo mode, kept pointed at the listener wherever it moves."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.simulator: ThreadedSimulator | None = None

    async def start(self) -> None:
        session = self._window.session
        url = session.listener_state.url
        self.simulator = await asyncio.to_thread(demo.start_simulator, url)
        self._window.profiles.simulator_moved(self.simulator.endpoint_url)

    async def follow_listener(self) -> None:
        """The listener has a new URL (settings changed): a new simulator calls it back."""
        await self.stop()
        await self.start()
        # The profiles that followed it sign in again; another one keeps its own login.
        await self._window.load_credentials()

    async def stop(self) -> None:
        simulator, self.simulator = self.simulator, None
        if simulator is not None:
            await asyncio.to_thread(simulator.stop)


async def start_console(window: MainWindow, demo_mode: bool) -> DemoProvider | None:
    """Start the session behind ``window``; in demo mode also the simulator it talks to."""
    await window.start()
    if not demo_mode:
        try:
            await window.keychain.resolve()
        except KeychainError as exc:
            # Reported, not fatal: the credentials dialog can still keep a password for
            # this session.
            window.show_alert(f"Keychain: {exc}")
        await window.load_credentials()
        return None
    provider = DemoProvider(window)
    await provider.start()
    window.listenerRestarted.connect(lambda: window.run_task(provider.follow_listener()))
    await window.use_credentials(demo.demo_credentials())
    return provider


async def stop_console(window: MainWindow, provider: DemoProvider | None) -> None:
    await window.session.close()
    if provider is not None:
        await provider.stop()


async def _run(window: MainWindow, demo_mode: bool) -> None:
    closed = asyncio.get_running_loop().create_future()
    window.closed.connect(lambda: None if closed.done() else closed.set_result(None))
    if window.has_closed:
        # Closed (by a signal) before this loop ran: its ``closed`` went unheard.
        closed.set_result(None)
    provider = None
    try:
        if not closed.done():
            provider = await start_console(window, demo_mode)
        await closed
    finally:
        await stop_console(window, provider)


def _reach(location: StoreLocation) -> None:
    """Open the store at ``location`` and close it again: whether it can be reached."""
    open_store(location).close()


def _out_of_reach(location: StoreLocation, error: StoreOutOfReach) -> str:
    return libpq_reason(error, location)


def _open_session(
    data_dir: Path, location: StoreLocation | None, operator: RunOperator | None
) -> tuple[Session | None, str | None]:
    """The session on ``location`` (else on this computer's store); None when the operator
    quit while its server was out of reach. Second: the shared store this computer's own
    stands in for, when the operator chose it instead of waiting.

    Raises what opening the store raises but :class:`StoreOutOfReach`.
    """
    stand_in = None
    while location is not None:
        connectable = with_keychain_password(location)
        try:
            return Session(data_dir, store=connectable, operator=operator), None
        except StoreOutOfReach as exc:
            where = location.describe()
            log.warning("the shared store %s is unreachable: %s", where, exc.reason)
            outcome = wait_for_store(
                APP_NAME,
                where,
                exc,
                partial(_reach, connectable),
                explain=partial(_out_of_reach, connectable),
            )
        if outcome is Outcome.QUIT:
            return None, None
        if outcome is Outcome.LOCAL:
            log.warning("opening this computer's workspace for this run instead of %s", where)
            location, stand_in = None, where
    if upgrade_pending(database_path(data_dir)):
        upgrade_with_progress(database_path(data_dir), APP_NAME)
    return Session(data_dir, operator=operator), stand_in


def open_window(
    data_dir: Path,
    demo_mode: bool,
    store: StoreLocation | None = None,
    keychain: Keychain | None = None,
    operator: RunOperator | None = None,
) -> MainWindow | None:
    """The window on ``store`` (else the workspace of the settings in ``data_dir``), not
    shown yet, its operator ``operator`` when given; None when it cannot open, once the
    operator has been told why (or quit while the shared store was out of reach)."""
    location = store
    try:
        if demo_mode:
            demo.prepare_settings(data_dir)
        location = store or workspace_location(load_settings(settings_path(data_dir)))
        try:
            session, stand_in = _open_session(data_dir, location, operator)
        except StoreError as exc:
            if location is None or location.kind != "postgresql":
                raise
            log.error("cannot start: %s", exc)
            # No loop runs yet, so a blocking dialog is safe here.
            if not ask_store_refused(APP_NAME, location, exc):
                return None
            stand_in = location.describe()
            log.warning("opening this computer's workspace for this run instead of %s", stand_in)
            session, _none = _open_session(data_dir, None, operator)
    except (SettingsError, StoreError, SharedStoreError, sqlite3.Error, OSError) as exc:
        log.error("cannot start: %s", exc)
        what = f"the shared store {location.describe()}" if location else data_dir
        QMessageBox.critical(None, APP_NAME, f"The console cannot use {what}:\n\n{exc}")
        return None
    if session is None:
        log.error("cannot start: the shared store stayed unreachable")
        return None
    window = MainWindow(session, keychain or Keychain(), demo_mode=demo_mode)
    if stand_in is not None:
        window.store_status.show_stand_in(stand_in)
    return window


def run_window(
    data_dir_arg: str | None,
    demo_mode: bool,
    store: StoreLocation | None = None,
    operator: str | None = None,
) -> int:
    """Show the window on ``store`` (else the workspace of its settings) until it is closed
    or the process is told to stop; the exit status. Its operator is ``operator``
    (``--operator``), else ``SMS_CONSOLE_OPERATOR``, else the settings'."""
    throwaway = demo.throwaway_data_dir() if demo_mode and not data_dir_arg else None
    data_dir = throwaway or resolve_data_dir(data_dir_arg)
    configure_logging(data_dir, stderr_level=logging.WARNING)
    restrict_data_dir(data_dir)
    given = run_operator(operator, os.environ)
    if given is not None:
        log.info("operator for this run: %s (from %s)", given.name, given.source)
    if demo_mode:
        # The simulator notes every message it receives; the console's log is no place
        # for customer text.
        logging.getLogger("console.simulator").setLevel(logging.WARNING)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("sms-operator-console")
    # Closing the window starts the shutdown; the loop must outlive it to finish cleanly.
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(QIcon(str(icon_path())))
    reporter = ErrorReporter(log_path(data_dir))
    reporter.install()
    try:
        window = open_window(data_dir, demo_mode, store, operator=given)
        if window is None:
            return UNUSABLE_DATA
        watcher = _SignalWatcher(window.force_close)
        window.show()

        # asyncio.run(loop_factory=...) needs Python 3.12; this works on 3.11 too.
        loop = qasync.QEventLoop(app)
        loop.set_exception_handler(reporter.loop_exception)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(_run(window, demo_mode))
        watcher.close()
        if window.restart_requested:
            relaunch()
    finally:
        if throwaway is not None:
            logging.shutdown()
            demo.remove_throwaway(throwaway)
    return 0
