"""Windows on one shared PostgreSQL store: each shows what the others send, live, and a
store out of reach is said in the status bar and refuses sends until it is back."""

from __future__ import annotations

import csv
import time

import httpx
import psycopg
import pytest
from PySide6.QtCore import Qt

from console import receipts_health, session_shared
from console.session_state import UNREACHABLE
from console.store.location import StoreLocation
from console.store.postgres import PostgresStore, change_feed
from console.store.receivers import ReceiverBeat
from console.ui.log_columns import Column
from console.ui.palette import scheme
from tests.support.postgres_server import backends, cut_off, scratch_server
from tests.support.shared_receiver import migrated_database, receipt, shared_receiver
from tests.ui.test_main_window import (
    CUSTOMER,
    cell,
    column_values,
    compose,
    press_send,
    seed_store,
    wait_for_outcome,
)

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_a_message_sent_in_one_window_shows_live_in_another(qtbot, windows, tmp_path, postgres_url):
    shared = StoreLocation.postgresql(postgres_url)
    ann = windows.open(tmp_path / "ann", store=shared)
    bob = windows.open(tmp_path / "bob", store=shared)
    for window in (ann, bob):
        assert window.store_status.isVisible()
        assert window.store_status.text() == "Shared store"
        # No receiver runs here: said at once.
        qtbot.waitUntil(
            lambda w=window: w.listener_status.text() == "No receiver running", timeout=5000
        )
    assert bob.model.rowCount() == 0

    compose(qtbot, ann, "Your order has shipped")
    message_id = press_send(qtbot, ann)

    qtbot.waitUntil(lambda: bob.model.rowCount() == 1, timeout=5000)
    assert bob.model.message_at(0).message_id == message_id
    assert cell(bob, 0, Column.NUMBER) == CUSTOMER
    # Its outcome too: the provider accepted it.
    qtbot.waitUntil(lambda: cell(bob, 0, Column.STATUS).startswith("Accepted"), timeout=15_000)


def test_the_filter_box_searches_the_shared_store(qtbot, windows, tmp_path, postgres_url):
    with PostgresStore(postgres_url) as store:
        seed_store(store, "12025550101", "12025550102", "447700900123")
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    assert window.model.rowCount() == 3

    qtbot.keyClicks(window.filter_bar.text, "555-0102")
    qtbot.waitUntil(
        lambda: column_values(window, Column.NUMBER) == ["+1 202-555-0102"], timeout=5000
    )
    assert window.count_label.text() == "1 message matches the filter"

    window.filter_bar.text.clear()
    qtbot.keyClicks(window.filter_bar.text, "parcel")
    qtbot.waitUntil(
        lambda: window.count_label.text() == "3 messages match the filter", timeout=5000
    )
    assert len(column_values(window, Column.NUMBER)) == 3


def test_the_export_writes_the_shared_stores_rows(qtbot, windows, tmp_path, postgres_url):
    with PostgresStore(postgres_url) as store:
        seed_store(store, "12025550101", "447700900123")
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    target = tmp_path / "message-log.csv"

    window.export.export_to(target, window.filter_bar.query())

    qtbot.waitUntil(lambda: not window.export.running and target.exists(), timeout=10_000)
    with target.open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert sorted(r["phone_number"] for r in exported) == ["12025550101", "447700900123"]
    assert window.alerts.label.text() == f"Exported 2 rows to {target}"


def test_a_store_out_of_reach_is_shown_and_refuses_sends_until_it_is_back(
    qtbot, windows, tmp_path, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.2)
    with scratch_server() as server:
        url = migrated_database(server)
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        server.stop()
        qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=20_000)
        assert "unreachable" in window.store_status.toolTip()
        # Whether receivers run cannot be told now: not said to be gone.
        qtbot.waitUntil(
            lambda: window.listener_status.text() == "Receivers not known",
            timeout=10_000,
        )

        compose(qtbot, window, "Are you there?")
        editor = window.compose.editor
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: UNREACHABLE in window.compose.outcome.text(), timeout=5000)
        assert window.model.rowCount() == 0

        server.start()
        qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=20_000)
        compose(qtbot, window, "Are you there?")
        press_send(qtbot, window)
        assert wait_for_outcome(qtbot, window).startswith("Accepted")


def test_the_status_bar_follows_the_team_receivers_heartbeats(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.1)
    monkeypatch.setattr(receipts_health, "SILENT_AFTER", 1.5)
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    status = window.listener_status

    # None running: said at once, in amber; after a while, a warning in red.
    qtbot.waitUntil(lambda: status.text() == "No receiver running", timeout=10_000)
    assert scheme().warning in status.styleSheet()
    qtbot.waitUntil(lambda: status.text().startswith("No receiver seen for"), timeout=10_000)
    assert scheme().error in status.styleSheet()
    assert "db status" in status.toolTip()

    with PostgresStore(postgres_url) as store:
        now = time.time()
        store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
        qtbot.waitUntil(
            lambda: status.text().startswith("Receipts via 1 receiver · last callback"),
            timeout=10_000,
        )
        assert "gateway-1" in status.toolTip()
        assert scheme().warning not in status.styleSheet()
        assert scheme().error not in status.styleSheet()

        # One that stopped answering (killed: it never deleted its row) is told apart.
        store.receiver_beat(ReceiverBeat("rx-2", "gateway-2", 813, now - 90, now - 40, None))
        qtbot.waitUntil(
            lambda: status.text().startswith("1 of 2 receivers answering"),
            timeout=10_000,
        )
        assert scheme().warning in status.styleSheet()
        assert "gateway-2 (pid 813)" in status.toolTip()

        # One silent for longer (killed, and replaced since) is gone: no longer a concern.
        store.receiver_beat(ReceiverBeat("rx-2", "gateway-2", 813, now - 9000, now - 1200, None))
        qtbot.waitUntil(
            lambda: status.text().startswith("Receipts via 1 receiver · last callback"),
            timeout=10_000,
        )
        assert scheme().warning not in status.styleSheet()


def test_the_time_since_the_last_callback_counts_on_between_reads(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 3600.0)
    with PostgresStore(postgres_url) as store:
        now = time.time()
        store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    status = window.listener_status

    qtbot.waitUntil(lambda: "last callback" in status.text(), timeout=10_000)
    first = status.text()
    qtbot.waitUntil(lambda: status.text() != first, timeout=3000)
    assert status.text().startswith("Receipts via 1 receiver · last callback ")


def test_a_window_away_longer_than_changes_are_kept_reads_the_log_again(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    monkeypatch.setattr(change_feed, "CATCH_UP_LIMIT", 1.0)
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=10_000)
    assert window.model.rowCount() == 0
    windows_connections = backends(postgres_url)
    with (
        PostgresStore(postgres_url) as teammate,
        psycopg.connect(postgres_url, autocommit=True) as receiver,
        # The window is cut off (asleep, its network gone) while a teammate sends and the
        # receivers trim the changes that said so.
        cut_off(postgres_url, windows_connections),
    ):
        qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=10_000)
        (message_id,) = seed_store(teammate, "12025550101")
        receiver.execute("DELETE FROM changes")
        qtbot.wait(1500)
    qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=20_000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    assert window.model.message_at(0).message_id == message_id
    assert cell(window, 0, Column.NUMBER) == "+1 202-555-0101"


def test_the_first_search_after_the_server_restarted_finds_its_rows(qtbot, windows, tmp_path):
    with scratch_server() as server:
        url = migrated_database(server)
        with PostgresStore(url) as store:
            seed_store(store, "12025550101", "447700900123")
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        qtbot.keyClicks(window.filter_bar.text, "202555")
        qtbot.waitUntil(
            lambda: window.count_label.text() == "1 message matches the filter", timeout=5000
        )
        window.filter_bar.text.clear()
        qtbot.waitUntil(lambda: window.count_label.text() == "2 in the log", timeout=5000)

        server.restart()
        qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=20_000)
        qtbot.keyClicks(window.filter_bar.text, "447700")

        qtbot.waitUntil(
            lambda: window.count_label.text() == "1 message matches the filter", timeout=5000
        )
        assert not window.log_pane.log_error.isVisible()


def test_a_search_that_failed_while_the_store_was_away_is_read_once_it_is_back(
    qtbot, windows, tmp_path
):
    with scratch_server() as server:
        url = migrated_database(server)
        with PostgresStore(url) as store:
            seed_store(store, "12025550101", "447700900123")
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        server.stop()
        qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=20_000)

        qtbot.keyClicks(window.filter_bar.text, "447700")
        error = window.log_pane.log_error
        qtbot.waitUntil(error.isVisible, timeout=10_000)

        server.start()
        # Nothing typed again: the filter is read once the store answers.
        qtbot.waitUntil(
            lambda: window.count_label.text() == "1 message matches the filter", timeout=20_000
        )
        assert not error.isVisible()


def test_the_last_callback_is_told_as_soon_as_its_change_arrives(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    # The heartbeats are read once: what follows comes from the change feed alone.
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 3600.0)
    with shared_receiver(tmp_path / "receiver", postgres_url) as (_receiver, url):
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
        status = window.listener_status
        qtbot.waitUntil(lambda: status.text() == "Receipts via 1 receiver", timeout=10_000)

        assert httpx.post(url, data=receipt("just-in"), timeout=10).status_code == 200
        posted = time.monotonic()

        qtbot.waitUntil(
            lambda: (
                status.text() in {f"Receipts via 1 receiver · last callback {n} s" for n in (0, 1)}
            ),
            timeout=3000,
        )
        assert time.monotonic() - posted < 2.5
