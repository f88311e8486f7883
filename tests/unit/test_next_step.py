"""Where a message stands and what to do next, for each status and state."""

from __future__ import annotations

import pytest

from console.next_step import summarise, summarise_orphan
from console.protocol.codes import result_code
from console.protocol.mt_request import HttpMethod
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


@pytest.mark.parametrize(("state", "words"), [(3, "out of reach"), (5, "Check the number")])
def test_a_final_failure_says_what_to_do(state: int, words: str) -> None:
    summary = summarise(message(state=state))
    assert summary.tone == "bad"
    assert summary.headline.startswith("Not delivered: ")
    assert words in summary.next_step


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


def test_a_receipts_reason_is_told_but_its_send_advice_is_not_given() -> None:
    summary = summarise(message(state=8, state_result=6))
    assert "Reason: Throttled" in summary.headline
    assert summary.next_step.startswith("The network refused it")
    assert "Retried automatically" not in summary.next_step


def orphan_receipt(state: int, code: int | None = 0) -> ReceiptRecord:
    return ReceiptRecord(
        id=1, message_id="elsewhere", message_state=state, result_code=code, app_id=None,
        conversation_id=None, received_at=0.0, source_address="203.0.113.7", raw="",
        redeliveries=0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("states", "headline", "tone"),
    [
        ([6, 2, 1], "Delivered. Delivered to the handset.", "good"),
        ([1, 6], "Accepted by aggregator. Accepted by an aggregator.", "pending"),
        ([5], "Undeliverable. Cannot be delivered to the handset. Reason: ", "bad"),
    ],
)
def test_receipts_for_a_message_not_sent_here_say_so_with_the_state_that_stands(
    states: list[int], headline: str, tone: str
) -> None:
    summary = summarise_orphan([orphan_receipt(s, 34 if s == 5 else 0) for s in states])
    assert summary.headline.startswith(f"A receipt for a message not sent from here: {headline}")
    assert summary.next_step.startswith("Nothing to do here: this console has no such message.")
    assert summary.tone == tone
