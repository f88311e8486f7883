"""Receipts for a message_id never sent from here: one row in the log, with the delivery
state a known message would have, and a story that says what they are."""

from __future__ import annotations

import time

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt

from console.paths import database_path
from console.store.models import IncomingReceipt, LogKind
from console.store.sqlite import SqliteStore
from console.ui.log_columns import Column
from tests.ui.driving import choose
from tests.ui.test_log_model import deliver, many, send, shown, text
from tests.ui.test_main_window import cell, column_values, listener_url, seed, selected_id

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

ORPHAN = "elsewhere-0001"


def post_receipt(windows, url: str, state: int) -> None:
    """The provider's receipt for ``ORPHAN``, posted to the window's listener."""
    fields = {
        "type": "receipt",
        "message_id": ORPHAN,
        "message_state": str(state),
        "result_code": "0",
    }

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200


def orphan_rows(window) -> list[int]:
    return [
        row
        for row in range(window.model.rowCount())
        if cell(window, row, Column.TEXT) == "Receipt for a message not sent from here"
    ]


def test_receipts_for_a_message_not_sent_here_show_as_one_row_with_the_final_state(
    qtbot, windows, window
):
    url = listener_url(window)

    post_receipt(windows, url, 6)
    qtbot.waitUntil(lambda: len(orphan_rows(window)) == 1, timeout=10_000)
    assert cell(window, orphan_rows(window)[0], Column.STATUS) == "Accepted by aggregator"

    post_receipt(windows, url, 2)  # Delivered
    qtbot.waitUntil(
        lambda: [cell(window, r, Column.STATUS) for r in orphan_rows(window)] == ["Delivered"],
        timeout=10_000,
    )
    post_receipt(windows, url, 1)  # a late En route changes nothing
    # Its row moved to the latest receipt's time, once, and says Delivered still.
    qtbot.wait(500)
    (row,) = orphan_rows(window)
    assert row == 0
    assert window.model.rowCount() == 1
    assert cell(window, row, Column.STATUS) == "Delivered"
    assert cell(window, row, Column.DIRECTION) == "In"
    assert cell(window, row, Column.NUMBER) == "\u2014"

    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(20, window.table.rowViewportPosition(row) + 5),
    )
    assert selected_id(window) == ORPHAN
    detail = window.detail.toPlainText()
    assert "A receipt for a message not sent from here: Delivered." in detail
    assert "Next step: Nothing to do here" in detail
    assert detail.index("Receipt: Delivered (state 2)") < detail.index(
        "Receipt: En route (state 1)"
    )
    assert not window.send_again_action.isEnabled()
    assert not window.retry_action.isEnabled()


def applied(qtbot, window) -> None:
    """Wait until the log shows what the filter bar asks for (searches run off the GUI)."""
    qtbot.waitUntil(
        lambda: window.model.query == window.filter_bar.query() and not window.model.is_searching,
        timeout=5000,
    )


def test_the_filters_find_an_orphan_by_its_delivery_direction_and_message_id(
    qtbot, windows, data_dir
):
    seed(data_dir, "12025550101")
    with SqliteStore(database_path(data_dir)) as store:
        store.add_receipt(IncomingReceipt(ORPHAN, 2, 0, time.time(), "127.0.0.1", "type=receipt"))
    window = windows.open(data_dir)
    assert len(orphan_rows(window)) == 1

    choose(qtbot, window.filter_bar.state, "Delivered")
    applied(qtbot, window)
    assert column_values(window, Column.STATUS) == ["Delivered"]
    assert len(orphan_rows(window)) == 1
    choose(qtbot, window.filter_bar.direction, "Sent (out)")
    applied(qtbot, window)
    assert window.model.rowCount() == 0
    choose(qtbot, window.filter_bar.direction, "Received (in)")
    applied(qtbot, window)
    assert len(orphan_rows(window)) == 1

    window.filter_bar.reset()
    qtbot.keyClicks(window.filter_bar.text, ORPHAN[:9])
    applied(qtbot, window)
    assert window.model.rowCount() == 1
    assert len(orphan_rows(window)) == 1


# The log model, as the window drives it: rows reported changed by message_id.


@pytest.mark.parametrize("loaded", [True, False])
def test_an_orphan_row_moves_to_its_latest_receipt_and_goes_when_its_message_comes(
    store, qtbot, log_model, loaded
):
    expected = many(store, 100, reply_every=0)
    deliver(store, "o-1", 6, at=1050.5)  # among the messages
    expected.insert(expected.index("m-00050"), "o-1")
    model = log_model(store, page_size=20)
    if loaded:
        model.message_at(60)  # the orphan's page is loaded; otherwise only the top one
    assert model.rowCount() == 101

    deliver(store, "o-1", 2, at=5000.0)
    model.refresh_ids(["o-1"])

    assert model.message_at(0).message_id == "o-1"
    assert text(model, 0, Column.STATUS) == "Delivered"
    moved = ["o-1", *(m for m in expected if m != "o-1")]
    for row in range(model.rowCount()):  # as a view scrolling down would
        model.message_at(row)
    qtbot.waitUntil(lambda: model.rowCount() == 101)
    assert shown(model) == moved

    send(store, "o-1", at=6000.0)
    model.refresh_ids(["o-1"])

    assert model.rowCount() == 101
    assert shown(model) == moved
    assert model.message_at(0).kind is LogKind.MESSAGE
