"""The opt-out list on both backends: a reply's keyword changes it in the reply's own
transaction, changes by hand need a reason and are audited, and no message is stored or
attempted for a number on it."""

from __future__ import annotations

import pytest

from console.protocol.keywords import KeywordAction, KeywordMatch, Keywords
from console.store.audit import AuditAction
from console.store.errors import AlreadySuppressed, NotSuppressed, OptedOut, ReasonRequired
from console.store.interface import MessageStore
from console.store.models import AttemptResult, Decision, IncomingReply, MessageStatus, NewMessage
from console.store.suppression import ManualChange, SuppressionChange
from tests.unit.store.test_log_store import decide

NUMBER = "447700900123"
ALICE = ManualChange("alice", "desk-1", "asked by phone not to be texted")


def mo(store: MessageStore, message_id: str, body: str, at: float, phone: str = NUMBER) -> bool:
    """Store a customer's reply as the listener does: with the keyword its text is."""
    return store.add_reply(
        IncomingReply(
            message_id=message_id,
            shortcode="12345",
            phone_number=phone,
            carrier=None,
            body=body,
            received_at=at,
            source_address="203.0.113.7",
            raw=f"type=MO&message_id={message_id}",
            keyword=Keywords().match(body),
        )
    )


def new_message(message_id: str, phone: str = NUMBER) -> NewMessage:
    return NewMessage(
        message_id=message_id,
        profile="default",
        phone_number=phone,
        sender="12345",
        body="Your order has shipped",
        endpoint="http://127.0.0.1:9/httpapi/receiver",
    )


def test_a_stop_reply_puts_its_number_on_the_list_with_its_keyword(store: MessageStore) -> None:
    assert mo(store, "mo-1", " stop ", at=1000.0)

    entry = store.suppression(NUMBER)

    assert entry is not None
    assert (entry.phone_number, entry.keyword, entry.reply_message_id, entry.at) == (
        NUMBER,
        "STOP",
        "mo-1",
        1000.0,
    )
    assert entry.operator is None
    assert entry.reason is None
    assert store.suppressions() == [entry]
    [event] = store.suppression_history(NUMBER)
    assert (event.change, event.keyword, event.reply_message_id) == (
        SuppressionChange.ADDED,
        "STOP",
        "mo-1",
    )


def test_a_reply_that_is_not_only_a_keyword_changes_nothing(store: MessageStore) -> None:
    mo(store, "mo-1", "please stop sending me these", at=1000.0)
    mo(store, "mo-2", "HELP", at=1001.0)

    assert store.suppression(NUMBER) is None
    assert store.suppression_history() == []


def test_a_start_reply_takes_the_number_off_the_list(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    mo(store, "mo-2", "Start", at=1010.0)

    assert store.suppression(NUMBER) is None
    assert store.suppressions() == []
    assert [(e.change, e.keyword, e.reply_message_id) for e in store.suppression_history()] == [
        (SuppressionChange.REMOVED, "START", "mo-2"),
        (SuppressionChange.ADDED, "STOP", "mo-1"),
    ]


def test_a_yes_from_a_number_not_on_the_list_leaves_no_trace(store: MessageStore) -> None:
    mo(store, "mo-1", "yes", at=1000.0)

    assert store.suppression_history() == []


def test_a_redelivered_stop_does_not_undo_a_later_start(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    mo(store, "mo-2", "START", at=1010.0)

    assert not mo(store, "mo-1", "STOP", at=1000.0)

    assert store.suppression(NUMBER) is None
    assert len(store.suppression_history(NUMBER)) == 2


def test_the_number_is_matched_by_its_digits(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0, phone="+44 7700 900123")

    assert store.suppression(NUMBER) is not None
    assert store.suppression("0044 7700 900123") is not None
    with pytest.raises(OptedOut):
        store.create_message(new_message("m-1"))


def test_no_message_is_stored_for_a_number_on_the_list(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)

    with pytest.raises(OptedOut) as refused:
        store.create_message(new_message("m-1"))

    assert refused.value.suppression.keyword == "STOP"
    assert "This customer opted out on" in str(refused.value)
    assert "(STOP)" in str(refused.value)
    assert store.get_message("m-1") is None
    # Another number is not touched by it.
    store.create_message(new_message("m-2", phone="12025550100"))


def test_opting_in_again_lets_messages_through(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    mo(store, "mo-2", "UNSTOP", at=1001.0)

    stored = store.create_message(new_message("m-1"))

    assert stored.status is MessageStatus.QUEUED


def test_a_waiting_message_is_failed_when_its_attempt_begins(store: MessageStore) -> None:
    store.create_message(new_message("m-1"))
    mo(store, "mo-1", "QUIT", at=1000.0)

    with pytest.raises(OptedOut):
        store.begin_attempt("m-1", 1005.0)

    message = store.get_message("m-1")
    assert message is not None
    assert message.status is MessageStatus.FAILED
    assert message.status_detail is not None
    assert message.status_detail.startswith("This customer opted out on")
    assert store.attempts("m-1") == []


@pytest.mark.parametrize(("answer_lost", "attempted_again"), [(True, True), (False, False)])
def test_a_message_whose_answer_was_lost_is_finished_with_its_id_after_a_stop(
    store: MessageStore, answer_lost: bool, attempted_again: bool
) -> None:
    # The first attempt's answer was lost: the provider may have taken it, and the STOP may
    # answer that very message. Trying it again with its own id only learns its fate. An
    # attempt the provider is known to have refused sent nothing: no other is made.
    store.create_message(new_message("m-1"))
    first = store.begin_attempt("m-1", 1000.0)
    lost = AttemptResult(1001.0, transport_error="connection dropped", outcome_known=False)
    refused = AttemptResult(1001.0, http_status=200, result_code=4)
    store.finish_attempt(
        "m-1",
        first,
        lost if answer_lost else refused,
        Decision(MessageStatus.RETRY_WAIT, "trying again", retry_at=1030.0),
    )
    mo(store, "mo-1", "STOP", at=1010.0)

    if attempted_again:
        assert store.begin_attempt("m-1", 1030.0) == 2
    else:
        with pytest.raises(OptedOut):
            store.begin_attempt("m-1", 1030.0)
        message = store.get_message("m-1")
        assert message is not None
        assert message.status is MessageStatus.FAILED
    assert len(store.attempts("m-1")) == (2 if attempted_again else 1)


def test_a_failed_message_is_not_reopened_for_a_number_on_the_list(store: MessageStore) -> None:
    store.create_message(new_message("m-1"))
    decide(store, "m-1", MessageStatus.FAILED, 1, at=1001.0)
    store.suppress(NUMBER, ALICE, at=1002.0)

    with pytest.raises(OptedOut) as refused:
        store.reopen_for_retry("m-1")

    assert "put on the opt-out list by alice" in str(refused.value)
    message = store.get_message("m-1")
    assert message is not None
    assert message.status is MessageStatus.FAILED
    assert message.status_detail == str(refused.value)


def test_an_accepted_message_stays_accepted(store: MessageStore) -> None:
    store.create_message(new_message("m-1"))
    decide(store, "m-1", MessageStatus.ACCEPTED, 0, at=1001.0)
    mo(store, "mo-1", "STOP", at=1002.0)

    assert not store.reopen_for_retry("m-1")
    message = store.get_message("m-1")
    assert message is not None
    assert message.status is MessageStatus.ACCEPTED


def test_a_number_put_on_the_list_by_hand_keeps_who_and_why(store: MessageStore) -> None:
    entry = store.suppress("+44 7700 900123", ALICE, at=2000.0)

    assert store.suppression(NUMBER) == entry
    assert (entry.phone_number, entry.operator, entry.host, entry.reason, entry.keyword) == (
        NUMBER,
        "alice",
        "desk-1",
        "asked by phone not to be texted",
        None,
    )
    [audit] = store.audit()
    assert (audit.action, audit.operator, audit.host) == (
        AuditAction.SUPPRESSION,
        "alice",
        "desk-1",
    )
    assert NUMBER in audit.detail
    assert "asked by phone" in audit.detail
    with pytest.raises(OptedOut) as refused:
        store.create_message(new_message("m-1"))
    assert "put on the opt-out list by alice on" in str(refused.value)
    assert str(refused.value).endswith(": asked by phone not to be texted")


def test_taking_a_number_off_by_hand_is_recorded(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    bob = ManualChange("bob", "desk-2", "customer called back to opt in")

    removed = store.unsuppress(NUMBER, bob, at=1100.0)

    assert removed.keyword == "STOP"
    assert store.suppression(NUMBER) is None
    latest = store.suppression_history(NUMBER)[0]
    assert (latest.change, latest.operator, latest.host, latest.reason, latest.at) == (
        SuppressionChange.REMOVED,
        "bob",
        "desk-2",
        "customer called back to opt in",
        1100.0,
    )
    assert [a.detail for a in store.audit()] == [
        f"{NUMBER} removed from the opt-out list: customer called back to opt in"
    ]
    store.create_message(new_message("m-1"))


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_change_by_hand_needs_a_reason(store: MessageStore, reason: str) -> None:
    with pytest.raises(ReasonRequired):
        store.suppress(NUMBER, ManualChange("alice", "desk-1", reason))
    mo(store, "mo-1", "STOP", at=1000.0)
    with pytest.raises(ReasonRequired):
        store.unsuppress(NUMBER, ManualChange("alice", "desk-1", reason))

    assert store.suppression(NUMBER) is not None
    assert store.audit() == []


def test_removing_a_number_not_on_the_list_is_refused(store: MessageStore) -> None:
    with pytest.raises(NotSuppressed):
        store.unsuppress(NUMBER, ALICE)
    assert store.suppression_history() == []
    assert store.audit() == []


def test_adding_a_number_on_the_list_already_is_refused(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)

    with pytest.raises(AlreadySuppressed):
        store.suppress(NUMBER, ALICE)

    entry = store.suppression(NUMBER)
    assert entry is not None
    assert entry.keyword == "STOP"
    assert store.audit() == []


def test_the_list_is_newest_first_and_history_is_by_number(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0, phone="111111111111")
    store.suppress("222222222222", ALICE, at=1005.0)
    mo(store, "mo-3", "END", at=1010.0, phone="333333333333")

    assert [s.phone_number for s in store.suppressions()] == [
        "333333333333",
        "222222222222",
        "111111111111",
    ]
    assert [s.phone_number for s in store.suppressions(limit=1)] == ["333333333333"]
    assert [e.phone_number for e in store.suppression_history("222222222222")] == ["222222222222"]


def test_a_stop_after_a_manual_entry_becomes_the_customers_own(store: MessageStore) -> None:
    store.suppress(NUMBER, ALICE, at=1000.0)
    mo(store, "mo-1", "Unsubscribe!", at=1010.0)

    entry = store.suppression(NUMBER)

    assert entry is not None
    assert (entry.keyword, entry.operator, entry.reason, entry.at) == (
        "UNSUBSCRIBE",
        None,
        None,
        1010.0,
    )


def test_keyword_match_in_the_reply_is_what_the_store_applies(store: MessageStore) -> None:
    # The listener decides what a reply is by the profile's keywords; the store applies it.
    store.add_reply(
        IncomingReply(
            message_id="mo-1",
            shortcode="12345",
            phone_number=NUMBER,
            carrier=None,
            body="ARRET",
            received_at=1000.0,
            source_address="203.0.113.7",
            raw="type=MO",
            keyword=KeywordMatch(KeywordAction.OPT_OUT, "ARRET"),
        )
    )

    entry = store.suppression(NUMBER)
    assert entry is not None
    assert entry.keyword == "ARRET"


def test_changes_to_the_list_are_followed_by_the_latest_changes_number(
    store: MessageStore,
) -> None:
    other = "12025550100"
    latest, numbers = store.opt_out_changes(None)
    assert numbers == frozenset()

    mo(store, "mo-1", "STOP", at=1000.0)
    store.suppress(other, ALICE, at=1001.0)

    after, numbers = store.opt_out_changes(latest)
    assert after > latest
    assert numbers == {NUMBER, other}
    assert store.opt_out_changes(after) == (after, frozenset())

    store.unsuppress(other, ALICE, at=1002.0)
    mo(store, "mo-2", "hello", at=1003.0)  # no keyword: no change to the list

    assert store.opt_out_changes(after)[1] == {other}
