"""The open conversation and the Conversations settings: older messages read as the
operator scrolls up, a number that opted out marked, notifications silenced and a claim's
length set in the settings dialog."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt

from console.paths import database_path, settings_path
from console.settings import load_settings
from console.store.models import (
    AttemptResult,
    Decision,
    IncomingReceipt,
    IncomingReply,
    MessageStatus,
    NewMessage,
)
from console.store.sqlite import SqliteStore
from console.ui.thread_view import SHOWN_AT_MOST
from tests.ui.test_conversations import (
    bubble_texts,
    click_thread,
    open_reply,
    pane_of,
    press_ctrl,
    row_words,
)
from tests.ui.test_main_window import listener_url
from tests.ui.test_settings_dialog import ok_button
from tests.ui.test_team_listener import click_tab, open_settings

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_notifications_are_silenced_and_claims_lengthened_in_the_settings(qtbot, window):
    dialog = open_settings(qtbot, window)
    click_tab(qtbot, dialog, "Conversations")
    page = dialog.conversations_page
    assert page.notify.isChecked()
    assert page.claim_minutes.value() == 15

    qtbot.mouseClick(
        page.notify, Qt.MouseButton.LeftButton, pos=QPoint(8, page.notify.height() // 2)
    )
    page.claim_minutes.selectAll()
    qtbot.keyClicks(page.claim_minutes, "30")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    settings = load_settings(settings_path(window.session.data_dir))
    assert not settings.conversations.notify_replies
    assert settings.conversations.claim_minutes == 30
    assert window.session.settings.conversations == settings.conversations


def test_older_messages_come_when_scrolled_up_to_keeping_the_place(qtbot, windows, data_dir):
    start = time.time() - 10_000
    with SqliteStore(database_path(data_dir)) as store:
        for number in range(230):
            store.add_reply(
                IncomingReply(
                    f"MO-long-{number:03d}", "12345", "12025550177", None,
                    f"Line {number}", start + number, "127.0.0.1", "",
                )
            )  # fmt: skip
        for number in range(40):
            store.add_reply(
                IncomingReply(
                    f"MO-other-{number:03d}", "12345", "12025550188", None,
                    f"Other {number}", start - 100 + number, "127.0.0.1", "",
                )
            )  # fmt: skip
    window = windows.open(data_dir)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10_000)
    click_thread(qtbot, pane, 0)
    texts = bubble_texts(pane)
    assert len(texts) == 50
    assert texts[0] == "Line 180"
    assert texts[-1] == "Line 229"
    bar = pane.view.messages.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() > 0, timeout=5000)

    def first_in_view() -> str:
        viewport = pane.view.messages.viewport()
        for bubble in pane.view.bubbles():
            top = bubble.mapTo(viewport, QPoint(0, 0)).y()
            if top >= 0:
                return bubble.body.text()
        return ""

    bar.setValue(0)

    qtbot.waitUntil(lambda: len(pane.view.bubbles()) == 100, timeout=5000)
    assert bubble_texts(pane)[:2] == ["Line 130", "Line 131"]
    qtbot.waitUntil(lambda: first_in_view() == "Line 180", timeout=5000)
    bar.setValue(0)  # and on up
    qtbot.waitUntil(lambda: len(pane.view.bubbles()) == 150, timeout=5000)
    # Another thread opens on its newest messages, whatever the last one's place was.
    click_thread(qtbot, pane, 1)
    assert bubble_texts(pane)[-1] == "Other 39"
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() > 0, timeout=5000)


def test_a_customer_writing_fast_is_followed_to_the_end_and_nothing_is_skipped(
    qtbot, windows, window
):
    url = listener_url(window)
    pane = open_reply(qtbot, windows, window, "MO-fast-000", "Line 000")
    bar = pane.view.messages.verticalScrollBar()
    lines = [f"Line {number:03d}" for number in range(240)]

    async def burst() -> None:
        # Many at once, as a busy provider sends them: the window takes them in batches.
        async with httpx.AsyncClient(timeout=10) as client:
            for first in range(1, len(lines), 40):
                await asyncio.gather(
                    *(
                        client.post(url, data=mo_fields(number, lines[number]))
                        for number in range(first, min(first + 40, len(lines)))
                    )
                )

    windows.run(burst())
    newest = window.session.store.thread_items(pane.view.showing.id, limit=1)[0].message_id
    qtbot.waitUntil(lambda: pane.view.bubbles()[-1].message_id == newest, timeout=10_000)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() > 0, timeout=5000)
    # A thread followed at its end keeps a bounded number of bubbles...
    assert len(pane.view.bubbles()) <= SHOWN_AT_MOST
    # ...and scrolling up reads the older ones: every line once, in the order they came.
    for _ in range(10):
        if bubble_texts(pane)[0] == "Line 000":
            break
        count = len(pane.view.bubbles())
        bar.setValue(0)
        qtbot.waitUntil(lambda shown=count: len(pane.view.bubbles()) > shown, timeout=5000)
        qtbot.waitUntil(lambda: bar.value() > 0, timeout=5000)  # the place kept
    texts = bubble_texts(pane)
    assert sorted(texts) == lines
    arrived = [bubble.item.at for bubble in pane.view.bubbles()]
    assert arrived == sorted(arrived)


def mo_fields(number: int, text: str) -> dict[str, str]:
    return {
        "type": "MO",
        "message_id": f"MO-fast-{number:03d}",
        "shortcode": "12345",
        "phone_number": "12025550177",
        "message": text,
    }


def test_a_number_that_opted_out_is_marked_in_the_list_and_the_thread(qtbot, windows, data_dir):
    at = datetime(2026, 12, 2, 14, 3).timestamp()
    with SqliteStore(database_path(data_dir)) as store:
        store.add_reply(
            IncomingReply("MO-stop-1", "12345", "12025550177", None, "STOP", at, "127.0.0.1", "")
        )
    # The opt-out list as the store keeps it (filled by the STOP handling).
    with sqlite3.connect(database_path(data_dir)) as db:
        db.execute(
            "INSERT INTO suppressions (phone_number, at, keyword, reply_message_id)"
            " VALUES ('12025550177', ?, 'STOP', 'MO-stop-1')",
            (at,),
        )
    window = windows.open(data_dir)
    pane = pane_of(window)
    # A reply unread from before: counted in the title once the window is up.
    qtbot.waitUntil(lambda: window.windowTitle() == "(1) Demo mode", timeout=5000)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)

    assert "Opted out on 2 Dec at 14:03 (STOP)" in row_words(pane, 0)
    click_thread(qtbot, pane, 0)
    assert pane.view.opted_out.isVisible()
    assert pane.view.opted_out.text() == (
        "Opted out on 2 Dec at 14:03 (STOP): messages to this number are refused."
    )


def test_a_message_not_delivered_says_why_in_the_states_words_when_the_code_names_nothing(
    qtbot, windows, data_dir
):
    now = time.time() - 60
    with SqliteStore(database_path(data_dir)) as store:
        for message_id, code in (("m-expired", 99), ("m-barred", 2)):
            store.create_message(
                NewMessage(
                    message_id=message_id,
                    profile="demo",
                    phone_number="12025550177",
                    sender="12345",
                    body=f"Text {message_id}",
                    endpoint="http://127.0.0.1:1/httpapi/receiver",
                ),
                now=now,
            )
            number = store.begin_attempt(message_id, now)
            store.finish_attempt(
                message_id,
                number,
                AttemptResult(finished_at=now, http_status=200, result_code=0),
                Decision(MessageStatus.ACCEPTED, "accepted"),
            )
            store.add_receipt(
                IncomingReceipt(message_id, 3 if code == 99 else 5, code, now + 1, "::1", "")
            )
    window = windows.open(data_dir)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)

    click_thread(qtbot, pane, 0)

    metas = [bubble.meta.text() for bubble in pane.view.bubbles()]
    assert any(
        m.endswith(" · Expired: The phone could not be reached in time (off or out of coverage"
                   " for too long)") for m in metas
    ), metas  # fmt: skip
    assert not any("does not name" in m for m in metas)
