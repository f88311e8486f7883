"""Opt-out in the window: a customer's STOP reaching the window's own listener stops the
next message to that number before it is stored, and the compose pane says why."""

from __future__ import annotations

import httpx
from PySide6.QtCore import Qt

from tests.ui.test_main_window import (
    CUSTOMER,
    CUSTOMER_DIGITS,
    compose,
    listener_url,
    press_send,
    wait_for_outcome,
)


def post_mo(windows, url: str, text: str, message_id: str) -> None:
    fields = {
        "type": "MO",
        "message_id": message_id,
        "shortcode": "12345",
        "phone_number": CUSTOMER_DIGITS,
        "message": text,
    }

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200


def test_a_send_to_a_number_that_replied_stop_is_refused_with_the_reason(qtbot, windows, window):
    url = listener_url(window)
    post_mo(windows, url, "Stop.", "MO-stop-0001")
    qtbot.waitUntil(lambda: window.model.row_for_message_id("MO-stop-0001") == 0, timeout=10_000)
    rows = window.model.rowCount()
    compose(qtbot, window, "Your order has shipped")

    qtbot.keyClick(window.compose.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    outcome = wait_for_outcome(qtbot, window)
    assert outcome.startswith("Not sent: This customer opted out on ")
    assert outcome.endswith("(STOP).")
    # Nothing was stored or sent, and the message stays in the form to send later.
    assert window.model.rowCount() == rows
    assert window.compose.editor.toPlainText() == "Your order has shipped"

    post_mo(windows, url, "START", "MO-start-0002")
    qtbot.waitUntil(lambda: window.model.row_for_message_id("MO-start-0002") == 0, timeout=10_000)
    compose(qtbot, window, "Your order has shipped", to=CUSTOMER)
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")
