"""A window on a shared store whose server stops answering (its processes stopped, as a
hung server or a network gone silent looks) keeps answering the operator: within seconds
the status bar says the store is unreachable, sends are refused with that reason, and once
the server answers again the window comes back by itself."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from console.session_state import UNREACHABLE
from console.store import deadlines
from console.store.location import StoreLocation
from console.store.postgres import PostgresStore
from tests.support.heartbeat import Heartbeat
from tests.support.postgres_server import hung, scratch_server
from tests.support.shared_receiver import migrated_database
from tests.ui.test_detail_of_a_row import click_row
from tests.ui.test_main_window import compose, press_send, wait_for_outcome
from tests.unit.store.test_store_contract import new_message

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_a_window_keeps_answering_while_the_server_hangs_and_recovers_by_itself(
    qtbot, windows, tmp_path
):
    with scratch_server() as server:
        url = migrated_database(server)
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        compose(qtbot, window, "Before the server hangs")
        sent_id = press_send(qtbot, window)
        assert wait_for_outcome(qtbot, window).startswith("Accepted")
        ticker = Heartbeat(interval_ms=50)
        ticker.start()
        with hung(server):
            started = time.monotonic()
            # A send at once, before anything has noticed: refused, not frozen on.
            compose(qtbot, window, "Are you there?")
            qtbot.keyClick(
                window.compose.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
            )
            qtbot.waitUntil(lambda: UNREACHABLE in window.compose.outcome.text(), timeout=15_000)
            qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=15_000)
            noticed = time.monotonic() - started
            assert "unreachable" in window.store_status.toolTip()

            # Known now: nothing the operator does waits for the server.
            known = Heartbeat(interval_ms=50)
            known.start()
            click_row(qtbot, window, sent_id)
            qtbot.keyClicks(window.filter_bar.text, "parcel")
            window.filter_bar.text.clear()
            compose(qtbot, window, "Still there?")
            refused_at = time.monotonic()
            qtbot.keyClick(
                window.compose.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
            )
            assert UNREACHABLE in window.compose.outcome.text()
            assert "did not answer within" in window.compose.outcome.text()
            assert time.monotonic() - refused_at < 0.5
            assert window.model.rowCount() == 1
            qtbot.wait(3000)  # the window keeps answering while it stays hung
            known.stop()
            assert known.longest_gap_ms() < 1000

        assert noticed < deadlines.WINDOW + 3
        # Held no longer than one call's deadline (the first send, before it was known).
        assert ticker.longest_gap_ms() < (deadlines.WINDOW + 1.0) * 1000
        with PostgresStore(url) as teammate:
            teammate.create_message(new_message("made-while-away"))
        qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=20_000)
        qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
        assert window.model.message_at(0).message_id == "made-while-away"
        compose(qtbot, window, "Back again")
        press_send(qtbot, window)
        assert wait_for_outcome(qtbot, window).startswith("Accepted")
        ticker.stop()
        assert ticker.longest_gap_ms() < (deadlines.WINDOW + 1.0) * 1000
