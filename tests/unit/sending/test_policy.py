from __future__ import annotations

import pytest

from console.sending.policy import RetrySettings, decide
from console.store.models import AttemptResult, MessageStatus

SETTINGS = RetrySettings(wait=30.0, max_attempts=3)


def answered(code: int) -> AttemptResult:
    return AttemptResult(finished_at=100.0, http_status=200, result_code=code)


def test_zero_is_accepted() -> None:
    assert decide(answered(0), 1, False, SETTINGS).status is MessageStatus.ACCEPTED


@pytest.mark.parametrize("code", [6, 98])
def test_throttle_and_internal_error_are_retried_after_the_wait(code: int) -> None:
    decision = decide(answered(code), 1, False, SETTINGS)
    assert decision.status is MessageStatus.RETRY_WAIT
    assert decision.retry_at == 130.0
    assert "same message_id" in decision.detail


@pytest.mark.parametrize("code", [1, 2, 3, 4, 5, 8, 99])
def test_refusals_are_final_and_say_what_to_do(code: int) -> None:
    decision = decide(answered(code), 1, False, SETTINGS)
    assert decision.status is MessageStatus.FAILED
    assert decision.retry_at is None
    assert decision.detail


def test_undocumented_code_is_not_retried_and_is_named() -> None:
    decision = decide(answered(42), 1, False, SETTINGS)
    assert decision.status is MessageStatus.FAILED
    assert "42" in decision.detail


def test_duplicate_after_a_lost_answer_means_accepted() -> None:
    decision = decide(answered(7), 2, True, SETTINGS)
    assert decision.status is MessageStatus.ACCEPTED


def test_duplicate_on_a_first_attempt_needs_the_operator() -> None:
    decision = decide(answered(7), 1, False, SETTINGS)
    assert decision.status is MessageStatus.NEEDS_OPERATOR
    assert "reused" in decision.detail


@pytest.mark.parametrize(
    "result",
    [
        AttemptResult(finished_at=1.0, transport_error="dropped", outcome_known=False),
        AttemptResult(finished_at=1.0, transport_error="refused", outcome_known=True),
        AttemptResult(finished_at=1.0, http_status=503, raw_response="busy", outcome_known=False),
        AttemptResult(finished_at=1.0, http_status=429, raw_response="slow down"),
        AttemptResult(finished_at=1.0, http_status=200, raw_response="<html>", outcome_known=False),
    ],
)
def test_transient_failures_are_retried(result: AttemptResult) -> None:
    assert decide(result, 1, False, SETTINGS).status is MessageStatus.RETRY_WAIT


def test_client_error_status_is_final() -> None:
    result = AttemptResult(finished_at=1.0, http_status=404, raw_response="not found")
    decision = decide(result, 1, False, SETTINGS)
    assert decision.status is MessageStatus.FAILED
    assert "HTTP 404" in decision.detail


def test_giving_up_when_every_attempt_was_refused_is_a_failure() -> None:
    decision = decide(answered(98), 3, False, SETTINGS)
    assert decision.status is MessageStatus.FAILED
    assert "3 attempts" in decision.detail


def test_giving_up_after_a_lost_answer_asks_the_operator_to_check() -> None:
    lost = AttemptResult(finished_at=1.0, transport_error="dropped", outcome_known=False)
    decision = decide(lost, 3, False, SETTINGS)
    assert decision.status is MessageStatus.NEEDS_OPERATOR
    assert "may have accepted" in decision.detail


@pytest.mark.parametrize(("wait", "attempts"), [(-1.0, 3), (1.0, 0)])
def test_nonsense_retry_settings_are_refused(wait: float, attempts: int) -> None:
    with pytest.raises(ValueError, match=r"attempt|negative"):
        RetrySettings(wait=wait, max_attempts=attempts)
