from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.protocol.codes import message_state
from console.protocol.delivery import DeliveryState, fold

FINAL_STATES = [2, 3, 4, 5, 8]
NON_FINAL_STATES = [1, 6, 7]


def receipt(state: int, at: float, result_code: int | None = 0) -> DeliveryState:
    return DeliveryState(state=state, result_code=result_code, at=at)


@pytest.mark.parametrize("state", FINAL_STATES + NON_FINAL_STATES)
def test_first_receipt_becomes_the_state(state: int) -> None:
    incoming = receipt(state, 1.0)
    assert fold(None, incoming) == incoming


@pytest.mark.parametrize(("final", "late"), list(itertools.product(FINAL_STATES, NON_FINAL_STATES)))
def test_late_non_final_receipt_never_replaces_a_final_state(final: int, late: int) -> None:
    current = receipt(final, 10.0)
    assert fold(current, receipt(late, 20.0)) == current


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for a, b in itertools.product(FINAL_STATES, FINAL_STATES) if a != b],
)
def test_first_final_state_stands_against_a_later_different_final(first: int, second: int) -> None:
    current = receipt(first, 10.0, result_code=0)
    assert fold(current, receipt(second, 20.0, result_code=1)) == current


def test_final_state_stands_even_against_an_undocumented_state() -> None:
    current = receipt(2, 10.0)
    assert fold(current, receipt(42, 20.0)) == current


@pytest.mark.parametrize(
    ("first", "second"), list(itertools.product(NON_FINAL_STATES, NON_FINAL_STATES))
)
def test_non_final_state_is_replaced_by_a_later_non_final(first: int, second: int) -> None:
    incoming = receipt(second, 20.0, result_code=6)
    assert fold(receipt(first, 10.0), incoming) == incoming


@pytest.mark.parametrize(
    ("first", "second"), list(itertools.product(NON_FINAL_STATES, FINAL_STATES))
)
def test_final_state_replaces_a_non_final(first: int, second: int) -> None:
    incoming = receipt(second, 20.0)
    assert fold(receipt(first, 10.0), incoming) == incoming


def test_undocumented_state_is_replaced_by_the_next_receipt() -> None:
    incoming = receipt(1, 20.0)
    assert fold(receipt(42, 10.0), incoming) == incoming


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=12))
def test_folding_a_receipt_stream_keeps_the_first_final(states: list[int]) -> None:
    current: DeliveryState | None = None
    for index, state in enumerate(states):
        current = fold(current, receipt(state, float(index)))
    assert current is not None
    finals = [i for i, s in enumerate(states) if message_state(s).final]
    if finals:
        assert current == receipt(states[finals[0]], float(finals[0]))
    else:
        assert current == receipt(states[-1], float(len(states) - 1))
