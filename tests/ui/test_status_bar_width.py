"""The status bar at an ordinary width (800 px) on a shared store: the receivers' line
keeps its key words (how many answer) and gives up the time of the last callback first;
the store's state is never cut."""

from __future__ import annotations

import time

import pytest

from console import session_shared
from console.session_state import UNREACHABLE
from console.store.location import StoreLocation
from console.store.postgres import PostgresStore
from console.store.receivers import ReceiverBeat
from tests.support.postgres_server import scratch_server
from tests.support.shared_receiver import migrated_database

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def narrow(qtbot, window) -> None:
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() <= 800, timeout=5000)
    qtbot.wait(50)


def whole(label) -> bool:
    """Whether ``label`` has the room its text needs, inside the window."""
    ink = label.fontMetrics().horizontalAdvance(label.text())
    right = label.mapTo(label.window(), label.rect().topRight()).x()
    return label.contentsRect().width() >= ink and right <= label.window().width()


def test_a_receiver_not_answering_is_said_first_at_800_px(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.1)
    with PostgresStore(postgres_url) as store:
        now = time.time()
        store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
        store.receiver_beat(ReceiverBeat("rx-2", "gateway-2", 813, now - 90, now - 40, None))
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    window.alerts.note("Exported 1,234 rows to /home/alice/Documents/message-log.csv", 60_000)
    narrow(qtbot, window)
    status = window.listener_status

    qtbot.waitUntil(lambda: status.text().startswith("1 of 2 receivers answering"), timeout=10_000)
    qtbot.wait(50)
    assert status.shown_text().startswith("1 of 2 receivers answering")
    right = status.mapTo(window, status.rect().topRight()).x()
    assert right <= window.width()
    # The whole line, and each receiver's host, are a hover away.
    assert "Receipts via 1 receiver (1 not answering)" in status.toolTip()
    assert "gateway-2" in status.toolTip()
    assert whole(window.store_status)
    assert whole(window.profile_label)


def test_the_store_out_of_reach_is_said_whole_at_800_px(qtbot, windows, tmp_path, monkeypatch):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.2)
    with scratch_server() as server:
        url = migrated_database(server)
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        window.alerts.note("Exported 1,234 rows to /home/alice/Documents/message-log.csv", 60_000)
        narrow(qtbot, window)
        server.stop()
        qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=20_000)
        status = window.listener_status
        qtbot.waitUntil(lambda: status.text() == "Receivers not known", timeout=10_000)
        qtbot.wait(50)
        assert whole(window.store_status)
        assert status.shown_text() == "Receivers not known"
        assert "shared store unreachable" in status.toolTip()


def test_the_title_names_the_operator_on_a_shared_store(qtbot, windows, tmp_path, postgres_url):
    shared = windows.open(
        tmp_path / "ann", store=StoreLocation.postgresql(postgres_url), operator="alice"
    )
    assert shared.windowTitle().startswith("alice — shared store")
    own = windows.open(tmp_path / "bob", operator="bob")
    assert "shared store" not in own.windowTitle()
    assert "bob" not in own.windowTitle()


def test_with_room_the_last_callbacks_time_is_shown_whole(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.1)
    with PostgresStore(postgres_url) as store:
        now = time.time()
        store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    window.resize(1600, 700)
    status = window.listener_status

    qtbot.waitUntil(lambda: "last callback" in status.text(), timeout=10_000)
    qtbot.wait(50)

    assert status.text().startswith("Receipts via 1 receiver · last callback ")
    assert status.shown_text() == status.text()


def test_the_store_out_of_reach_takes_the_room_of_the_receivers_line_at_800_px(
    qtbot, windows, tmp_path, monkeypatch
):
    # Heartbeats read once only: the receivers' line changes with the store's state alone.
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 3600.0)
    with scratch_server() as server:
        url = migrated_database(server)
        with PostgresStore(url) as store:
            now = time.time()
            store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
            store.receiver_beat(ReceiverBeat("rx-2", "gateway-2", 813, now - 60, now, now - 3))
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        window.alerts.note("Exported 1,234 rows to /home/alice/Documents/message-log.csv", 60_000)
        narrow(qtbot, window)
        status = window.listener_status
        qtbot.waitUntil(
            lambda: status.text().startswith("Receipts via 2 receivers"), timeout=10_000
        )

        server.stop()

        qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=20_000)
        qtbot.waitUntil(lambda: status.text() == "Receivers not known", timeout=2000)
        qtbot.wait(50)
        assert whole(window.store_status)
