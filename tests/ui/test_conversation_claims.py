"""Claims on a team's shared store: Ann claims a conversation, Bob sees *ann is handling
this* live and is asked before replying in it; a released claim is gone for both."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.session_state import UNREACHABLE
from console.store.location import StoreLocation
from console.store.models import IncomingReply
from console.store.postgres import PostgresStore
from console.store.suppression import ManualChange
from tests.support.postgres_server import scratch_server
from tests.support.shared_receiver import migrated_database
from tests.ui.test_conversations import bubble_texts, click_thread, pane_of, press_ctrl, row_words

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def reply_now(message_id: str, number: str, text: str) -> IncomingReply:
    """A customer's reply to our sender 12345, arriving now."""
    return IncomingReply(message_id, "12345", number, None, text, time.time(), "127.0.0.1", "")


def warning_boxes(window) -> list[QMessageBox]:
    return [
        box for box in window.findChildren(QMessageBox, "claimedReplyWarning") if box.isVisible()
    ]


def test_a_thread_claimed_by_another_operator_warns_before_a_reply(
    qtbot, windows, tmp_path, postgres_url
):
    with PostgresStore(postgres_url) as store:
        store.add_reply(reply_now("MO-claim-1", "12025550177", "Is my order late?"))
    shared = StoreLocation.postgresql(postgres_url)
    ann = windows.open(tmp_path / "ann", store=shared, operator="ann")
    bob = windows.open(tmp_path / "bob", store=shared, operator="bob")
    ann_pane, bob_pane = pane_of(ann), pane_of(bob)
    for window, pane in ((ann, ann_pane), (bob, bob_pane)):
        press_ctrl(qtbot, window, Qt.Key.Key_2)
        qtbot.waitUntil(lambda pane=pane: pane.model.rowCount() == 1, timeout=10_000)

    click_thread(qtbot, ann_pane, 0)
    qtbot.mouseClick(ann_pane.view.claim_button, Qt.MouseButton.LeftButton)

    assert ann_pane.view.handler.text() == "You are handling this"
    assert ann_pane.view.claim_button.text() == "Release"
    # Bob's list says so live, from the store's change feed.
    qtbot.waitUntil(lambda: "ann is handling this" in row_words(bob_pane, 0), timeout=10_000)
    click_thread(qtbot, bob_pane, 0)
    assert bob_pane.view.handler.text() == "ann is handling this"
    assert bob_pane.view.claim_button.text() == "Claim"

    qtbot.keyClicks(bob_pane.reply_box.editor, "I can look into it")
    qtbot.keyClick(
        bob_pane.reply_box.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(lambda: len(warning_boxes(bob)) == 1, timeout=5000)
    (box,) = warning_boxes(bob)
    assert box.text() == "ann is handling this conversation. Send your reply anyway?"
    box.button(QMessageBox.StandardButton.No).click()
    assert bubble_texts(bob_pane) == ["Is my order late?"]
    assert bob_pane.reply_box.editor.toPlainText() == "I can look into it"

    # Ann lets go: Bob replies without being asked.
    qtbot.mouseClick(ann_pane.view.claim_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not bob_pane.view.handler.isVisible(), timeout=10_000)
    assert "handling" not in row_words(bob_pane, 0)
    qtbot.keyClick(
        bob_pane.reply_box.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert not warning_boxes(bob)
    assert bubble_texts(bob_pane) == ["Is my order late?", "I can look into it"]
    sent = bob_pane.view.bubbles()[-1]
    qtbot.waitUntil(lambda: "Accepted, awaiting receipt" in sent.meta.text(), timeout=10_000)
    assert "bob" in sent.meta.text()
    # Ann sees Bob's reply in her open thread, live.
    qtbot.waitUntil(
        lambda: bubble_texts(ann_pane) == ["Is my order late?", "I can look into it"],
        timeout=10_000,
    )


def test_a_claim_that_ran_out_shows_as_unclaimed(qtbot, windows, tmp_path, postgres_url):
    with PostgresStore(postgres_url) as store:
        store.add_reply(reply_now("MO-claim-2", "12025550188", "Hi"))
        (row,) = store.threads_for(["MO-claim-2"], "ann")
        now = time.time()
        store.claim_thread(row.id, "ann", now + 1.5, now)
    bob = windows.open(
        tmp_path / "bob", store=StoreLocation.postgresql(postgres_url), operator="bob"
    )
    pane = pane_of(bob)
    press_ctrl(qtbot, bob, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    assert "ann is handling this" in row_words(pane, 0)
    click_thread(qtbot, pane, 0)
    assert pane.view.handler.text() == "ann is handling this"

    qtbot.wait(1600)
    pane.expire_claims()  # what its timer does every half minute

    assert "handling" not in row_words(pane, 0)
    assert not pane.view.handler.isVisible()


def test_a_store_out_of_reach_is_told_in_the_conversations_until_it_is_back(
    qtbot, windows, tmp_path
):
    with scratch_server() as server:
        url = migrated_database(server)
        with PostgresStore(url) as store:
            store.add_reply(reply_now("MO-gone-1", "12025550177", "Hello?"))
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        pane = pane_of(window)
        press_ctrl(qtbot, window, Qt.Key.Key_2)
        qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
        click_thread(qtbot, pane, 0)
        server.stop()
        qtbot.waitUntil(lambda: window.store_status.text() == UNREACHABLE, timeout=20_000)

        qtbot.keyClicks(pane.search, "parcel")
        qtbot.waitUntil(lambda: pane.list_error.isVisible(), timeout=10_000)
        assert "could not" in pane.list_error.text()
        assert pane.model.rowCount() == 1  # the threads shown stay
        qtbot.keyClicks(pane.reply_box.editor, "Still here")
        qtbot.keyClick(
            pane.reply_box.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        qtbot.waitUntil(lambda: pane.reply_box.error.isVisible(), timeout=10_000)
        assert pane.reply_box.editor.toPlainText() == "Still here"
        assert bubble_texts(pane) == ["Hello?"]

        server.start()
        qtbot.waitUntil(lambda: window.store_status.text() == "Shared store", timeout=20_000)
        qtbot.waitUntil(lambda: not pane.list_error.isVisible(), timeout=10_000)
        assert pane.model.rowCount() == 0  # the search is read now: nothing holds "parcel"


def test_a_number_put_on_the_opt_out_list_elsewhere_shows_at_once(
    qtbot, windows, tmp_path, postgres_url
):
    with PostgresStore(postgres_url) as store:
        store.add_reply(reply_now("MO-list-1", "12025550166", "Please call me"))
    ann = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    pane = pane_of(ann)
    press_ctrl(qtbot, ann, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    assert "opt-out list" not in row_words(pane, 0)

    # Another operator (or the command line) puts the number on the list by hand.
    with PostgresStore(postgres_url) as other:
        other.suppress("12025550166", ManualChange("bob", "desk-2", "asked by phone"))

    # Put there by hand, not by the customer's keyword: said so.
    qtbot.waitUntil(lambda: "Put on the opt-out list on " in row_words(pane, 0), timeout=10_000)
    with PostgresStore(postgres_url) as other:
        other.unsuppress("12025550166", ManualChange("bob", "desk-2", "asked to resume"))
    qtbot.waitUntil(lambda: "opt-out list" not in row_words(pane, 0), timeout=10_000)
