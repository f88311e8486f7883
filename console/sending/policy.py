"""What to do after an attempt: the provider's retry rules, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from console.protocol.codes import ACCEPTED, DUPLICATE, result_code
from console.store.models import AttemptRecord, AttemptResult, Decision, MessageStatus


@dataclass(frozen=True)
class RetrySettings:
    """How long to wait between attempts and how many to make (the spec suggests 30 s, 10)."""

    wait: float = 30.0
    max_attempts: int = 10

    def __post_init__(self) -> None:
        if self.wait < 0:
            raise ValueError("the retry wait cannot be negative")
        if self.max_attempts < 1:
            raise ValueError("at least one attempt is needed")


def describe_problem(result: AttemptResult) -> str:
    """A short account of a failed attempt, for the operator."""
    if result.transport_error:
        return result.transport_error
    if result.result_code is not None:
        info = result_code(result.result_code)
        return f"result_code {info.code} ({info.name}): {info.meaning}"
    if result.http_status is not None and result.http_status != 200:
        return f"HTTP {result.http_status} from the endpoint"
    return f"unparseable answer: {result.raw_response!r}"


def decide(
    result: AttemptResult,
    attempt_number: int,
    earlier_outcome_unknown: bool,
    settings: RetrySettings,
) -> Decision:
    """Decide after attempt ``attempt_number`` (from 1).

    ``earlier_outcome_unknown`` says whether some earlier attempt of the same message may
    have reached the provider without us reading its answer; a duplicate answer then
    means that attempt was accepted.
    """
    code = result.result_code
    if code == ACCEPTED:
        return Decision(MessageStatus.ACCEPTED, "Accepted by the provider.")
    if code == DUPLICATE:
        if earlier_outcome_unknown:
            return Decision(
                MessageStatus.ACCEPTED,
                "Accepted: an earlier attempt whose answer was lost had gone through "
                "(the provider reports this message_id as already accepted).",
            )
        return Decision(
            MessageStatus.NEEDS_OPERATOR,
            "The provider already has a message with this message_id, from before this "
            "message was sent: the id was reused. Send again to give it a new id.",
        )
    if code is not None:
        info = result_code(code)
        if not info.retryable:
            return Decision(MessageStatus.FAILED, f"{info.name}: {info.meaning} {info.action}")
    elif not _transient(result):
        return Decision(MessageStatus.FAILED, describe_problem(result))

    if attempt_number >= settings.max_attempts:
        problem = describe_problem(result)
        if earlier_outcome_unknown or not result.outcome_known:
            return Decision(
                MessageStatus.NEEDS_OPERATOR,
                f"Gave up after {_attempts(attempt_number)} (last: {problem}). An attempt's "
                "answer was lost, so the provider may have accepted it: watch for a delivery "
                "receipt before sending again.",
            )
        return Decision(
            MessageStatus.FAILED, f"Gave up after {_attempts(attempt_number)} (last: {problem})."
        )
    retry_at = result.finished_at + settings.wait
    return Decision(
        MessageStatus.RETRY_WAIT,
        f"Attempt {attempt_number} failed ({describe_problem(result)}); retrying with the same "
        "message_id.",
        retry_at=retry_at,
    )


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"


def _transient(result: AttemptResult) -> bool:
    """Failures without a result code that a later attempt may get past."""
    if result.transport_error is not None or result.http_status is None:
        return True
    status = result.http_status
    # 200 without a readable code: the provider may have taken the message, and a resend
    # with the same id is safe.
    return status == 200 or status == 429 or status >= 500


def may_retry_same_id(status: MessageStatus, last: AttemptRecord | None) -> bool:
    """Whether the operator may send a stopped message again with its own message_id.

    Only when its last attempt failed in a way the provider's rules call transient (the
    retries ran out): a refusal would come back the same, and a reused id needs a new one.
    """
    if status not in (MessageStatus.FAILED, MessageStatus.NEEDS_OPERATOR) or last is None:
        return False
    result = last.result()
    if result is None:
        return True
    if result.result_code is not None:
        return result.result_code != DUPLICATE and result_code(result.result_code).retryable
    return _transient(result)
