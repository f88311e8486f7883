"""The detail panel: a message's whole story, in the order it happened."""

from __future__ import annotations

from console.store.models import IncomingReceipt, NewMessage
from console.timeline import RECEIPT_EVENTS, message_timeline
from console.ui.detail_panel import MAX_EVENTS, DetailPanel


def stored(store, receipts: int) -> str:
    store.create_message(
        NewMessage(
            message_id="m-1",
            profile="default",
            phone_number="12025550143",
            sender="12345",
            body="Your order has shipped",
            endpoint="https://example.test/httpapi/receiver",
        ),
        now=1000.0,
    )
    for number in range(receipts):
        store.add_receipt(
            IncomingReceipt(
                message_id="m-1",
                message_state=6 if number % 2 else 1,
                result_code=number,
                received_at=1001.0 + number,
                source_address="203.0.113.7",
                raw=f"type=receipt&message_id=m-1&message_state=1&result_code={number}",
            )
        )
    return "m-1"


def test_receipts_show_with_their_meaning_and_raw_fields(qtbot, store):
    panel = DetailPanel()
    qtbot.addWidget(panel)

    panel.show_timeline(message_timeline(store, stored(store, 2)))

    text = panel.toPlainText()
    assert "To +1 202-555-0143" in text
    assert "Stored in the outbox" in text
    assert "Receipt: Accepted by aggregator (state 6)" in text
    assert "203.0.113.7" in text
    assert "result_code=1" not in text  # raw fields are shown as a table, not a query string
    assert text.index("Stored in the outbox") < text.index("Receipt:")


def test_a_flood_of_receipts_shows_the_latest_and_says_how_many_are_hidden(qtbot, store):
    panel = DetailPanel()
    qtbot.addWidget(panel)

    panel.show_timeline(message_timeline(store, stored(store, MAX_EVENTS + 50)))

    text = panel.toPlainText()
    assert "51 earlier events are not shown" in text
    assert "Stored in the outbox" in text
    assert f"Result code {MAX_EVENTS + 49}" in text
    assert "Result code 10:" not in text


def test_of_thousands_of_receipts_only_the_newest_are_read_and_shown(qtbot, store):
    panel = DetailPanel()
    qtbot.addWidget(panel)
    receipts = RECEIPT_EVENTS + 1000

    timeline = message_timeline(store, stored(store, receipts))
    panel.show_timeline(timeline)

    assert timeline is not None
    assert len(timeline.events) == 1 + RECEIPT_EVENTS  # stored, then the newest receipts
    text = panel.toPlainText()
    assert "Earlier events are not shown" in text
    assert f"Result code {receipts - 1}" in text
    assert "Stored in the outbox" in text
