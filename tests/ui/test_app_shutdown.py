"""A window closed (by SIGTERM) before the program's loop got to it still ends the program."""

from __future__ import annotations

import pytest

from console import demo
from console.keychain import Keychain
from console.session import Session
from console.ui.app import _run
from console.ui.main_window import MainWindow
from tests.ui.conftest import run_async

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_a_window_closed_before_the_loop_starts_ends_the_run(qtbot, qloop, data_dir, monkeypatch):
    monkeypatch.delenv("SMS_CONSOLE_LOGIN", raising=False)
    demo.prepare_settings(data_dir)
    window = MainWindow(Session(data_dir), Keychain(), demo_mode=True)
    qtbot.addWidget(window)
    window.show()
    window.force_close()  # what the SIGTERM watcher does, here before _run began

    run_async(qtbot, qloop, _run(window, demo_mode=True), timeout=15)
    assert not window.isVisible()
