"""What the detail panel says of the row the operator selects in the log: a receipt's
result code in the receipts' own words, each thing said once, who wrote a reply to which
of our numbers, and an MMS's attachments."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from console.paths import database_path
from console.protocol.codes import message_state
from console.protocol.mt_request import Attachment
from console.store.models import IncomingReceipt, MessageStatus
from console.store.sqlite import SqliteStore
from console.ui.log_columns import Column
from tests.ui.driving import wait_for_attachments
from tests.ui.test_compose import drag_and_drop, file_mime
from tests.ui.test_detail_words import click_text
from tests.ui.test_log_model import decide, reply, send
from tests.ui.test_main_window import activate, cell, compose, press_send, wait_for_outcome

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def receive(store, message_id: str, at: float, state: int, code: int) -> None:
    """A delivery receipt as the listener stores it, raw fields and all."""
    store.add_receipt(
        IncomingReceipt(
            message_id=message_id,
            message_state=state,
            result_code=code,
            received_at=at,
            source_address="203.0.113.7",
            raw=(f"type=receipt&message_id={message_id}&message_state={state}&result_code={code}"),
        )
    )


def sent(data_dir, message_id: str, at: float, *receipts: tuple[int, int], **changes) -> None:
    """A message of an earlier session, accepted, with ``receipts`` (state, code) after it."""
    with SqliteStore(database_path(data_dir)) as store:
        send(store, message_id, at, profile="demo", **changes)
        decide(store, message_id, MessageStatus.ACCEPTED, 0, at + 1, detail="")
        for offset, (state, code) in enumerate(receipts, start=2):
            receive(store, message_id, at + offset, state, code)


def click_row(qtbot, window, message_id: str) -> str:
    """Click the row of ``message_id`` in the log; what the detail panel then says."""
    row = window.model.row_for_message_id(message_id)
    assert row is not None, f"{message_id} is not in the log"
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(20, window.table.rowViewportPosition(row) + 5),
    )
    assert window.selected_row().message_id == message_id
    return window.detail.toPlainText()


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_an_expired_receipt_is_told_in_the_receipts_words_not_a_sends(qtbot, windows, data_dir):
    sent(data_dir, "m-expired", 1000.0, (6, 0), (1, 0), (3, 99))
    window = windows.open(data_dir)

    detail = click_row(qtbot, window, "m-expired")

    shown = lines(detail)
    assert shown[1] == f"Not delivered. {message_state(3).meaning}"
    assert shown[2] == "Reason given (result code 99): An error the provider does not name."
    assert shown[3].startswith("Next step: Send again later")
    # The send's catalogue calls 99 "Other error" and 0 "Queued": neither is a receipt's.
    assert "Other error" not in detail
    assert "Queued" not in detail
    assert "Result code 0" not in detail
    assert "Result code 99: An error the provider does not name." in detail
    # The 0s are still there, as they came, under the technical details.
    click_text(qtbot, window.detail, "Show technical details")
    technical = window.detail.toPlainText()
    assert technical.count("result_code\n0\n") == 2  # a field's name, then its value
    assert "result_code\n99\n" in technical


def test_a_receipts_result_code_gives_its_own_next_step(qtbot, windows, data_dir):
    sent(data_dir, "m-letters", 1000.0, (6, 0), (8, 4), sender="ACME")
    window = windows.open(data_dir)

    shown = lines(click_row(qtbot, window, "m-letters"))

    assert shown[1] == f"Not delivered. {message_state(8).meaning}"
    assert shown[2] == (
        "Reason given (result code 4): This carrier does not take a sender made of letters."
    )
    assert shown[3] == "Next step: Send again from a sender made of digits (a number or shortcode)."


def test_each_line_of_the_summary_says_its_thing_once(qtbot, windows, data_dir):
    sent(data_dir, "m-older", 900.0)
    sent(data_dir, "m-on-its-way", 1000.0, (6, 0))
    window = windows.open(data_dir)
    click_row(qtbot, window, "m-older")
    activate(qtbot, window)
    window.table.setFocus()

    # The keyboard takes the operator from the older row to the one above it.
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    assert window.selected_row().message_id == "m-on-its-way"
    detail = window.detail.toPlainText()

    shown = lines(detail)
    assert shown[1] == f"Accepted by the provider. {message_state(6).meaning}"
    assert shown[2].startswith("Next step: Nothing to do yet")
    assert shown[3] == "From 12345 · SMS · receipt: Accepted by aggregator"
    assert "Accepted by an aggregator" not in detail
    for line in shown:
        assert line.lower().count("accepted") <= 1, line
    assert "Result code" not in detail


def test_a_reply_reads_from_the_customer_to_our_number(qtbot, windows, data_dir):
    sent(data_dir, "m-question", 1000.0, (2, 0))
    with SqliteStore(database_path(data_dir)) as store:
        reply(store, "mo-answer", 1010.0, phone="447700900123", body="Yes please")
    window = windows.open(data_dir)

    shown = lines(click_row(qtbot, window, "mo-answer"))

    assert shown[0] == "From +44 7700 900123 to 12345"
    assert shown[1] == "A customer's reply · SMS"
    assert "Yes please" in shown
    # The log's columns name whose number each is: the customer's, and ours it came in to.
    row = window.model.row_for_message_id("mo-answer")
    header = window.model.headerData
    customer, ours = (header(c, Qt.Orientation.Horizontal) for c in (Column.NUMBER, Column.SENDER))
    assert {customer: cell(window, row, Column.NUMBER), ours: cell(window, row, Column.SENDER)} == {
        "Customer": "+44 7700 900123",
        "Our number": "12345",
    }


def test_an_mms_shows_its_attachments_names_types_and_sizes(qtbot, windows, data_dir, png):
    sent(
        data_dir,
        "m-brochure",
        1000.0,
        attachments=(
            Attachment("application/pdf", b"%PDF-1.4" + b"\0" * 3064, "brochure.pdf"),
            Attachment("text/plain", b"See you at 6", "note.txt"),
        ),
    )
    window = windows.open(data_dir)
    compose(qtbot, window, "The photo you asked for")
    assert drag_and_drop(window.compose, file_mime(png)) == (True, True, True)
    wait_for_attachments(qtbot, window.compose.attachment_list)
    (picked,) = window.compose.attachment_list.rows()
    as_picked = picked.detail_label.text()  # its type and size, as the compose pane said
    activate(qtbot, window)
    photo = press_send(qtbot, window, where=window.compose.recipient)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")

    shown = lines(click_row(qtbot, window, "m-brochure"))
    assert "brochure.pdf · application/pdf · 3.0 KiB" in shown
    assert "note.txt · text/plain · 12 bytes" in shown
    assert "From 12345 · MMS, 2 attachments · no receipt yet" in shown

    shown = lines(click_row(qtbot, window, photo))
    assert f"{png.name} · {as_picked}" in shown
    assert "brochure.pdf · application/pdf · 3.0 KiB" not in shown
