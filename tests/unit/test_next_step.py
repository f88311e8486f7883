"""Where a message stands and what to do next, for each status and state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.next_step import summarise, summarise_orphan
from console.protocol.codes import MESSAGE_STATES, message_state, result_code
from console.protocol.mt_request import HttpMethod
from console.protocol.receipt_codes import RECEIPT_CODES, receipt_code
from console.store.models import MessageStatus, ReceiptRecord, StoredMessage


def message(
    status: MessageStatus = MessageStatus.ACCEPTED,
    result: int | None = 0,
    state: int | None = None,
    state_result: int | None = None,
    receipt: bool = True,
) -> StoredMessage:
    return StoredMessage(
        id=1, message_id="m-1", profile="p", phone_number="12025550100", sender="12345",
        body="Hi", endpoint="http://x", method=HttpMethod.POST, priority=None, carrier=None,
        receipt=receipt, app_id=None, conversation_id=None, status=status, result_code=result,
        status_detail=None, attempt_count=1, next_attempt_at=None, state=state,
        state_result_code=state_result, state_at=None, created_at=0.0, updated_at=0.0,
    )  # fmt: skip


def test_delivered_needs_nothing() -> None:
    summary = summarise(message(state=2))
    assert (summary.headline, summary.next_step, summary.tone) == (
        "Delivered to the customer's phone.",
        "Nothing to do.",
        "good",
    )


@pytest.mark.parametrize(("state", "words"), [(3, "Send again later"), (5, "Check the number")])
def test_a_final_failure_says_what_happened_then_what_to_do(state: int, words: str) -> None:
    summary = summarise(message(state=state))
    assert summary.tone == "bad"
    assert summary.headline == f"Not delivered. {message_state(state).meaning}"
    assert words in summary.next_step
    assert summary.reason == ""  # the receipt's 0 adds nothing


def test_a_refusal_gives_the_result_codes_own_advice() -> None:
    summary = summarise(message(MessageStatus.FAILED, result=1))
    assert summary.headline == f"Refused by the provider: {result_code(1).meaning}"
    assert summary.next_step == result_code(1).action


def test_an_undecided_send_says_it_is_retried_with_the_same_id() -> None:
    assert "same message_id" in summarise(message(MessageStatus.RETRY_WAIT)).next_step
    assert "same message_id" in summarise(message(MessageStatus.NEEDS_OPERATOR)).next_step


def test_without_a_receipt_asked_for_none_is_awaited() -> None:
    assert summarise(message(receipt=False)).next_step == (
        "No receipt was asked for, so none will come."
    )
    assert "within a day" in summarise(message()).next_step


def test_a_receipts_result_code_is_told_from_the_receipt_catalogue_not_the_sends() -> None:
    summary = summarise(message(state=8, state_result=6))
    assert summary.reason == f"Reason given (result code 6): {receipt_code(6).meaning}"
    assert summary.next_step == receipt_code(6).action
    assert result_code(6).name not in summary.reason  # "Throttled", the send's word
    assert "Retried automatically" not in summary.next_step  # a send's advice


def test_an_expired_message_with_an_unnamed_error_is_not_called_another_error() -> None:
    summary = summarise(message(state=3, state_result=99))
    assert summary.headline == f"Not delivered. {message_state(3).meaning}"
    assert summary.reason == "Reason given (result code 99): An error the provider does not name."
    assert result_code(99).name not in summary.reason  # "Other error", the send's name
    # No code advice to give: the state's is the guide.
    assert summary.next_step.startswith("Send again later")


@pytest.mark.parametrize("code", sorted(set(RECEIPT_CODES) - {0}))
def test_each_receipt_result_code_gives_its_reason_and_a_next_step(code: int) -> None:
    summary = summarise(message(state=5, state_result=code))
    described = receipt_code(code)
    assert summary.reason == f"Reason given (result code {code}): {described.meaning}"
    assert summary.reason != f"Reason given (result code {code}): {result_code(code).meaning}"
    state_advice = summarise(message(state=5)).next_step
    assert summary.next_step == (described.action or state_advice)


@pytest.mark.parametrize("state", sorted(MESSAGE_STATES))
@pytest.mark.parametrize("code", [0, None])
def test_a_receipt_code_of_0_or_none_prints_no_code(state: int, code: int | None) -> None:
    summary = summarise(message(state=state, state_result=code))
    assert summary.reason == ""
    assert "result code" not in f"{summary.headline} {summary.next_step}".lower()
    assert "Queued" not in summary.headline


@pytest.mark.parametrize("state", [1, 3, 4, 5, 6, 7, 8])
def test_a_state_is_told_once_in_plain_words(state: int) -> None:
    described = message_state(state)
    headline = summarise(message(state=state)).headline
    # Its name shows beside the summary; the headline says what it means, once.
    assert described.name not in headline
    assert headline.count(described.meaning) == 1
    assert headline.lower().count("accepted") <= 1


def test_an_unknown_receipt_code_is_told_as_undocumented() -> None:
    summary = summarise(message(state=5, state_result=34))
    assert summary.reason == "Reason given (result code 34): A code the provider does not document."
    assert summary.next_step == receipt_code(34).action


def orphan_receipt(state: int, code: int | None = 0) -> ReceiptRecord:
    return ReceiptRecord(
        id=1, message_id="elsewhere", message_state=state, result_code=code, app_id=None,
        conversation_id=None, received_at=0.0, source_address="203.0.113.7", raw="",
        redeliveries=0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("states", "headline", "reason", "tone"),
    [
        ([6, 2, 1], "Delivered.", "", "good"),
        ([1, 6], "Accepted by aggregator.", "", "pending"),
        ([5], "Undeliverable.", "Reason given (result code 1): " + receipt_code(1).meaning, "bad"),
    ],
)
def test_receipts_for_a_message_not_sent_here_say_so_with_the_state_that_stands(
    states: list[int], headline: str, reason: str, tone: str
) -> None:
    summary = summarise_orphan([orphan_receipt(s, 1 if s == 5 else 0) for s in states])
    assert summary.headline == f"A receipt for a message not sent from here: {headline}"
    assert summary.reason == reason
    assert summary.next_step.startswith("Nothing to do here: this console has no such message.")
    assert summary.tone == tone


def test_a_detail_that_ends_its_sentence_gets_no_second_full_stop() -> None:
    failed = replace(
        message(MessageStatus.FAILED, result=None),
        status_detail="Gave up after 10 attempts (last: could not connect ('127.0.0.1', 9)).",
    )
    headline = summarise(failed).headline
    assert headline.endswith("9)).")
    assert not headline.endswith("..")
    unanswered = summarise(message(MessageStatus.FAILED, result=None)).headline
    assert unanswered == "Not sent: no answer from the provider."
