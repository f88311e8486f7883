from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.protocol.codes import (
    ACCEPTED,
    DUPLICATE,
    MESSAGE_STATES,
    RESULT_CODES,
    message_state,
    result_code,
)

SPEC_RESULT_CODES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 98, 99]
SPEC_MESSAGE_STATES = [1, 2, 3, 4, 5, 6, 7, 8]
FINAL_STATES = [2, 3, 4, 5, 8]
NON_FINAL_STATES = [1, 6, 7]


def test_catalog_holds_exactly_the_spec_result_codes() -> None:
    assert sorted(RESULT_CODES) == SPEC_RESULT_CODES


@pytest.mark.parametrize("code", SPEC_RESULT_CODES)
def test_every_spec_result_code_is_known_and_explained(code: int) -> None:
    described = result_code(code)
    assert described.code == code
    assert described.known
    assert described.name.strip()
    assert described.meaning.strip()
    assert described.action.strip()


def test_only_throttled_and_internal_error_are_retryable() -> None:
    retryable = sorted(code for code in SPEC_RESULT_CODES if result_code(code).retryable)
    assert retryable == [6, 98]


def test_accepted_and_duplicate_constants_match_the_spec() -> None:
    assert ACCEPTED == 0
    assert DUPLICATE == 7
    assert not result_code(ACCEPTED).retryable
    assert not result_code(DUPLICATE).retryable


def test_catalog_holds_exactly_the_spec_message_states() -> None:
    assert sorted(MESSAGE_STATES) == SPEC_MESSAGE_STATES


@pytest.mark.parametrize("code", FINAL_STATES)
def test_final_message_states(code: int) -> None:
    state = message_state(code)
    assert state.code == code
    assert state.known
    assert state.final
    assert state.name.strip()
    assert state.meaning.strip()


@pytest.mark.parametrize("code", NON_FINAL_STATES)
def test_non_final_message_states(code: int) -> None:
    state = message_state(code)
    assert state.code == code
    assert state.known
    assert not state.final
    assert not state.delivered


def test_only_state_two_means_delivered() -> None:
    delivered = [code for code in SPEC_MESSAGE_STATES if message_state(code).delivered]
    assert delivered == [2]


@pytest.mark.parametrize("code", [-1, 9, 42, 97, 100, 1000])
def test_unknown_result_code_is_described_as_unknown(code: int) -> None:
    described = result_code(code)
    assert described.code == code
    assert not described.known
    assert not described.retryable
    assert str(code) in described.name
    assert str(code) in described.meaning
    assert described.action.strip()


@pytest.mark.parametrize("code", [-1, 0, 9, 42, 99])
def test_unknown_message_state_is_not_final(code: int) -> None:
    state = message_state(code)
    assert state.code == code
    assert not state.known
    assert not state.final
    assert not state.delivered
    assert str(code) in state.name


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers())
def test_any_result_code_is_described_without_raising(code: int) -> None:
    described = result_code(code)
    assert described.code == code
    assert described.known == (code in SPEC_RESULT_CODES)
    assert described.retryable == (code in (6, 98))


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers())
def test_any_message_state_is_described_without_raising(code: int) -> None:
    state = message_state(code)
    assert state.code == code
    assert state.known == (code in SPEC_MESSAGE_STATES)
    assert state.final == (code in FINAL_STATES)
