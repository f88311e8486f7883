"""A shared store out of reach as the window starts: the console waits for it in a small
dialog, retrying by itself, or opens this computer's workspace for this run, or quits.
A store that can be reached but not used still says why in an error box."""

from __future__ import annotations

import logging
import shlex
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QWidget

from console.keychain import Keychain
from console.paths import settings_path
from console.settings import load_settings, save_settings
from console.settings.workspace import WorkspaceSettings
from console.store.location import StoreLocation
from console.ui.app import UNUSABLE_DATA, open_window, run_window, start_console, stop_console
from console.ui.main_window import MainWindow
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres_server import PostgresServer, scratch_server
from tests.support.shared_receiver import migrated_database
from tests.ui.conftest import run_async

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

SECRET = "Hunter2-s3cret-pw"
Step = Callable[[], bool]


class Script:
    """Plays ``steps`` while a blocking dialog holds the test's thread: each is called a
    few times a second until it returns True, then the next one. A step records what it
    sees; the test asserts once the dialog has let go (a failure inside Qt's loop would
    leave the dialog waiting)."""

    def __init__(self, *steps: Step, within: float = 60.0) -> None:
        self._steps = list(steps)
        self._deadline = time.monotonic() + within
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    @property
    def finished(self) -> bool:
        return not self._steps

    def _tick(self) -> None:
        if time.monotonic() > self._deadline:
            # Whatever holds the thread instead of what the steps wait for lets it go, so
            # that the test fails rather than waits for ever.
            widget = QApplication.activeModalWidget()
            if widget is None:
                self._timer.stop()
            else:
                widget.close()
            return
        if self._steps and self._steps[0]():
            self._steps.pop(0)
        if not self._steps:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()


def modal(name: str | None = None) -> QWidget | None:
    """The modal dialog now in front (with that object name, if given)."""
    widget = QApplication.activeModalWidget()
    if widget is None or not widget.isVisible():
        return None
    return widget if name is None or widget.objectName() == name else None


def words(dialog: QWidget) -> str:
    """What a dialog says: its labels' text, as the operator reads it."""
    return "\n".join(label.text() for label in dialog.findChildren(QLabel) if label.text())


def press(dialog: QWidget, text: str) -> None:
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == text)
    assert button.isEnabled()
    button.click()  # a mouse click, through Qt, as qtbot.mouseClick sends it


def pressing(text: str, seen: list[str]) -> Step:
    """A step: once the waiting dialog shows, note what it says and press ``text``."""

    def step() -> bool:
        dialog = modal("storeWaitDialog")
        if dialog is None:
            return False
        seen.append(words(dialog))
        press(dialog, text)
        return True

    return step


def shared_settings(data_dir: Path, url: str) -> None:
    """Settings whose workspace is the shared store at ``url``, as the Workspace page
    saves them."""
    path = settings_path(data_dir)
    settings = load_settings(path)
    save_settings(path, replace(settings, workspace=WorkspaceSettings(store=url)))


@pytest.fixture
def program(monkeypatch):
    """What ``run_window`` sets for the whole process (logging, the error hook), put back
    after the test; no password from the environment or a keychain."""
    monkeypatch.setenv("PGPASSWORD", SECRET)
    monkeypatch.delenv("SMS_CONSOLE_LOGIN", raising=False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture
def opened(qtbot, qloop) -> Iterator[Callable[[MainWindow], MainWindow]]:
    """Starts a window that ``open_window`` made as the program does, and stops it after."""
    running: list[MainWindow] = []

    def start(window: MainWindow) -> MainWindow:
        qtbot.addWidget(window)
        window.show()
        running.append(window)
        run_async(qtbot, qloop, start_console(window, demo_mode=True), timeout=30)
        return window

    yield start
    for window in running:
        run_async(qtbot, qloop, stop_console(window, None), timeout=30)


def test_the_console_waits_for_the_store_and_opens_when_it_is_back(
    qtbot, data_dir, program, opened
):
    seen: list[str] = []
    with scratch_server() as server:
        url = migrated_database(server)
        shared_settings(data_dir, url)
        server.stop()
        starting = threading.Thread(target=server.start)

        def dialog_shown() -> bool:
            dialog = modal("storeWaitDialog")
            if dialog is None:
                return False
            seen.extend([dialog.windowTitle(), words(dialog)])
            starting.start()
            return True

        def dialog_gone() -> bool:
            dialog = modal("storeWaitDialog")
            if dialog is not None:
                seen.append(words(dialog))
            return dialog is None

        script = Script(dialog_shown, dialog_gone)
        window = open_window(data_dir, True, keychain=Keychain(MemoryKeyring()))
        script.stop()
        if starting.ident is not None:
            starting.join()
        assert script.finished
        title, first = seen[0], seen[1]
        assert title == "SMS Operator Console"
        assert f"The shared store {url} is unreachable: " in first
        assert "No such file or directory" in first  # the reason, in libpq's words
        assert "Retrying in 5 s…" in first
        assert SECRET not in "\n".join(seen)
        # It counted down, then tried by itself.
        assert any("Retrying in 4 s…" in text for text in seen)
        assert any("Connecting…" in text for text in seen)

        assert window is not None
        opened(window)
        qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=20_000)
        assert url in window.store_status.toolTip()


def test_this_computers_workspace_opens_for_this_run_only(qtbot, data_dir, program, opened):
    seen: list[str] = []
    with scratch_server() as server:
        url = migrated_database(server)
        shared_settings(data_dir, url)
        server.stop()
        script = Script(pressing("Open this computer's workspace", seen))
        window = open_window(data_dir, True, keychain=Keychain(MemoryKeyring()))
        script.stop()
    assert script.finished
    assert window is not None
    assert f"The shared store {url} is unreachable: " in seen[0]
    opened(window)
    status = window.store_status
    assert status.isVisible()
    assert status.text() == "This computer's workspace, for this run"
    assert url in status.toolTip()
    assert "for this run only" in status.toolTip()
    assert window.session.location.path == data_dir / "messages.sqlite3"
    # The setting still names the shared store: the next start tries it again.
    assert load_settings(settings_path(data_dir)).workspace.store == url


def test_a_store_given_for_one_run_may_be_set_aside_for_this_computers(
    qtbot, data_dir, program, opened
):
    with scratch_server() as server:
        url = migrated_database(server)
        server.stop()
        script = Script(pressing("Open this computer's workspace", []))
        window = open_window(
            data_dir, True, StoreLocation.postgresql(url), keychain=Keychain(MemoryKeyring())
        )
        script.stop()
    assert script.finished
    assert window is not None
    opened(window)
    assert window.store_status.text() == "This computer's workspace, for this run"
    assert url in window.store_status.toolTip()
    assert window.session.location.path == data_dir / "messages.sqlite3"


@pytest.mark.parametrize("how", ["Quit", "Esc"])
def test_quitting_while_waiting_ends_the_program_as_unusable(qtbot, data_dir, program, how):
    with scratch_server() as server:
        url = migrated_database(server)
        shared_settings(data_dir, url)
        server.stop()

        def quit_it() -> bool:
            dialog = modal("storeWaitDialog")
            if dialog is None:
                return False
            if how == "Quit":
                press(dialog, "Quit")
            else:
                qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            return True

        script = Script(quit_it)
        status = run_window(str(data_dir), demo_mode=True)
        script.stop()
    assert script.finished
    assert status == UNUSABLE_DATA
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def test_a_host_that_never_answers_leaves_the_dialog_answering(qtbot, data_dir, program):
    # A port that takes connections and never says a word: each try waits its timeout.
    silent = socket.create_server(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    url = f"postgresql://operator@127.0.0.1:{port}/sms?connect_timeout=3&sslmode=disable"
    shared_settings(data_dir, url)
    seen: list[str] = []

    def retry_now() -> bool:
        dialog = modal("storeWaitDialog")
        if dialog is None:
            return False
        seen.append(words(dialog))
        press(dialog, "Retry now")
        return True

    def connecting_then_quit() -> bool:
        dialog = modal("storeWaitDialog")
        assert dialog is not None
        if "Connecting…" not in words(dialog):
            return False
        seen.append(words(dialog))
        press(dialog, "Quit")
        return True

    script = Script(retry_now, connecting_then_quit)
    try:
        window = open_window(data_dir, True)
    finally:
        script.stop()
        silent.close()
    assert script.finished
    assert window is None
    assert f"The shared store {url} is unreachable: " in seen[0]
    assert "did not answer within 3 s" in seen[0]
    assert "Connecting…" in seen[1]


def test_a_store_reached_but_unusable_says_why_in_an_error_box(
    qtbot, data_dir, program, postgres_server: PostgresServer
):
    # A database without the console's schema: trying again cannot fix that.
    url = postgres_server.url(postgres_server.create_database())
    shared_settings(data_dir, url)
    seen: list[str] = []

    def read_and_close() -> bool:
        box = modal()
        if box is None:
            return False
        seen.extend([box.objectName(), type(box).__name__, words(box)])
        box.close()
        return True

    script = Script(read_and_close)
    status = run_window(str(data_dir), demo_mode=True)
    script.stop()
    assert status == UNUSABLE_DATA
    assert seen[1] == QMessageBox.__name__
    assert seen[0] != "storeWaitDialog"
    assert f"The console cannot use the shared store {url}" in seen[2]
    assert "schema is version 0" in seen[2]


def test_a_wrong_password_says_why_in_an_error_box(qtbot, data_dir, program):
    seen: list[str] = []
    with scratch_server() as server:
        url = migrated_database(server)
        server.execute("CREATE ROLE operator LOGIN PASSWORD 'the-right-one'")
        server.hand_over(
            server.data / "pg_hba.conf", "local all operator scram-sha-256\nlocal all all trust\n"
        )
        server.execute("SELECT pg_reload_conf()")
        operator_url = url.replace("postgres@", "operator@", 1)
        shared_settings(data_dir, operator_url)

        def read_and_close() -> bool:
            box = modal()
            if box is None:
                return False
            seen.extend([type(box).__name__, words(box)])
            box.close()
            return True

        script = Script(read_and_close)
        status = run_window(str(data_dir), demo_mode=True)
        script.stop()
    assert status == UNUSABLE_DATA
    assert seen[0] == QMessageBox.__name__
    said = seen[1]
    assert "The password for operator was refused" in said
    # What to run, quoted for a shell: the URL holds an &.
    assert f"sms-console --store {shlex.quote(operator_url)} db password set" in said
    assert said.count(operator_url) == 1
    assert SECRET not in said


def test_a_missing_password_offers_this_computers_workspace(
    qtbot, data_dir, program, opened, monkeypatch
):
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(data_dir / "no-pgpass"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    seen: list[str] = []
    with scratch_server() as server:
        url = migrated_database(server)
        server.execute("CREATE ROLE operator LOGIN PASSWORD 'the-right-one'")
        server.hand_over(
            server.data / "pg_hba.conf", "local all operator scram-sha-256\nlocal all all trust\n"
        )
        server.execute("SELECT pg_reload_conf()")
        operator_url = url.replace("postgres@", "operator@", 1) + "&connect_timeout=5"
        shared_settings(data_dir, operator_url)

        def read_and_open_local() -> bool:
            box = modal("storeRefused")
            if box is None:
                return False
            seen.append(words(box))
            seen.extend(b.text() for b in box.findChildren(QPushButton))
            press(box, "Open this computer's workspace")
            return True

        script = Script(read_and_open_local)
        try:
            window = open_window(data_dir, True)
        finally:
            script.stop()
            keyring.set_keyring(previous)
    assert script.finished
    said = seen[0]
    assert "No password was found for operator" in said
    assert f"sms-console --store {shlex.quote(operator_url)} db password set" in said
    assert said.count(operator_url) == 1
    assert "fe_sendauth" not in said
    assert "Quit" in seen
    assert window is not None
    opened(window)
    assert window.store_status.text() == "This computer's workspace, for this run"
    assert window.session.location.path == data_dir / "messages.sqlite3"
