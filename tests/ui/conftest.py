"""Fixtures for the window's tests: offscreen Qt, and one asyncio loop driven by Qt.

These tests run in their own pytest process (``make ui``): qasync's loop is marked as the
running loop of the main thread for the whole session, as it is in the real program.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from console import demo
from console.identity import run_operator
from console.keychain import Keychain
from console.paths import settings_path
from console.session import Session
from console.settings import load_settings, save_settings
from console.store.location import StoreLocation
from console.store.sqlite import SqliteStore
from console.ui.app import start_console, stop_console
from console.ui.log_model import MessageLogModel
from console.ui.main_window import MainWindow
from tests.support.keyrings import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T = TypeVar("T")


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's asyncio loop; it runs whenever Qt processes events (qtbot waits).

    The loop is never closed (that would quit the application), so the threads behind
    ``asyncio.to_thread`` are stopped here: Qt aborts the process at exit when a QThread
    is destroyed while it still runs.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    executor = qasync.QThreadExecutor()
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    loop.set_default_executor(None)
    executor.shutdown(wait=True)


def run_async(
    qtbot: Any, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 10.0
) -> T:
    """Run ``coro`` on the Qt-driven loop until it finishes, processing Qt events meanwhile."""
    task = loop.create_task(coro)
    qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
    return task.result()


class Windows:
    """Opens windows the way ``run_window`` does, and stops whatever is still running."""

    def __init__(self, qtbot, qloop) -> None:
        self._qtbot = qtbot
        self._loop = qloop
        self._running: list[tuple[MainWindow, object]] = []
        self.keyring = MemoryKeyring()

    def open(
        self,
        data_dir: Path,
        *,
        demo_mode: bool = True,
        listener_port: int | None = None,
        store: StoreLocation | None = None,
        operator: str | None = None,
    ) -> MainWindow:
        """``operator``: what ``--operator`` gives; ``SMS_CONSOLE_OPERATOR`` is read from the
        environment, as ``run_window`` reads it."""
        if demo_mode:
            demo.prepare_settings(data_dir)
        if listener_port is not None:
            path = settings_path(data_dir)
            settings = load_settings(path)
            listener = replace(settings.listener, port=listener_port)
            save_settings(path, replace(settings, listener=listener))
        session = Session(
            data_dir,
            notify_interval=0.02,
            store=store,
            operator=run_operator(operator, os.environ),
        )
        window = MainWindow(session, Keychain(self.keyring), demo_mode=demo_mode)
        self._qtbot.addWidget(window)
        window.show()
        self._qtbot.waitExposed(window)
        simulator = self.run(start_console(window, demo_mode))
        self._running.append((window, simulator))
        return window

    def run(self, coro, timeout: float = 30.0):
        return run_async(self._qtbot, self._loop, coro, timeout=timeout)

    def close(self, window: MainWindow) -> None:
        """Close ``window`` as the operator does (saying Yes if asked about text typed and
        not sent), then stop its session like the program."""
        window.close()
        for box in window.findChildren(QMessageBox, "quitQuestion"):
            if box.isVisible():
                yes = box.button(QMessageBox.StandardButton.Yes)
                self._qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
        assert not window.isVisible()
        for entry in list(self._running):
            if entry[0] is window:
                self._running.remove(entry)
                self.run(stop_console(*entry))

    def close_all(self) -> None:
        while self._running:
            window, provider = self._running.pop()
            # As the program ends (the window first, then its session): whatever is typed,
            # nothing is asked any more.
            if isValid(window) and not window.has_closed:
                window.force_close()
            self.run(stop_console(window, provider))


@pytest.fixture
def windows(qtbot, qloop, monkeypatch):
    # Credentials from the environment would take the place of the keychain's.
    monkeypatch.delenv("SMS_CONSOLE_LOGIN", raising=False)
    monkeypatch.delenv("SMS_CONSOLE_PASSWORD", raising=False)
    # So is an operator's name; a test names one itself.
    monkeypatch.delenv("SMS_CONSOLE_OPERATOR", raising=False)
    opened = Windows(qtbot, qloop)
    yield opened
    opened.close_all()


@pytest.fixture
def window(windows, data_dir) -> MainWindow:
    return windows.open(data_dir)


@pytest.fixture
def png(tmp_path: Path) -> Path:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e8b57"))
    path = tmp_path / "receipt-photo.png"
    assert image.save(str(path))
    return path


@pytest.fixture
def log_model():
    """Makes the model over a store (or a wrapper of it), its searches on a store of their
    own, as the window does; closes them after the test."""
    made = []

    def make(store, **options):
        path = store.path
        model = MessageLogModel(
            store, open_reader=lambda: SqliteStore(path, any_thread=True), **options
        )
        made.append(model)
        return model

    yield make
    for model in made:
        model.close()
