"""Opening a store from an older version: the upgrade says so on screen while it runs."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from console.store import migrations, upgrade_pending
from console.store.sqlite import SqliteStore
from console.ui import store_upgrade
from console.ui.store_upgrade import upgrade_with_progress


def older_store(path: Path) -> None:
    """A store as the version before the last made it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(migrations.MIGRATIONS[:-1], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.close()


def test_a_slow_upgrade_shows_what_is_happening_until_it_is_done(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "messages.sqlite3"
    older_store(path)
    assert upgrade_pending(path)
    gate = threading.Event()
    real_migrate = migrations.migrate

    def slow_migrate(conn: sqlite3.Connection) -> int:
        gate.wait(10)  # as building an index over a million rows takes a while
        return real_migrate(conn)

    monkeypatch.setattr("console.store.sqlite.migrate", slow_migrate)
    seen: list[str] = []

    def look() -> None:
        dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()
        ]
        if dialogs:
            seen.append(dialogs[0].labelText())
            gate.set()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    upgrade_with_progress(path, "SMS Operator Console")
    timer.stop()

    assert seen
    assert seen[0] == store_upgrade.UPGRADING
    assert not upgrade_pending(path)
    with SqliteStore(path) as store:
        assert store.count_messages() == 0


def test_a_new_or_current_store_needs_no_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "messages.sqlite3"
    assert not upgrade_pending(path)
    SqliteStore(path).close()
    assert not upgrade_pending(path)
