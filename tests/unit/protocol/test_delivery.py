from __future__ import annotations

import itertools

import pytest

from console.protocol.delivery import FINAL_STATES, replaces

SPEC_FINAL = [2, 3, 4, 5, 8]
SPEC_NON_FINAL = [1, 6, 7]


def test_final_states_are_the_spec_ones() -> None:
    assert list(FINAL_STATES) == SPEC_FINAL


@pytest.mark.parametrize("state", SPEC_FINAL + SPEC_NON_FINAL)
def test_first_receipt_always_sets_the_state(state: int) -> None:
    assert replaces(None, state)


@pytest.mark.parametrize(
    ("final", "late"), list(itertools.product(SPEC_FINAL, SPEC_FINAL + SPEC_NON_FINAL))
)
def test_nothing_replaces_a_final_state(final: int, late: int) -> None:
    assert not replaces(final, late)


@pytest.mark.parametrize(
    ("current", "late"), list(itertools.product(SPEC_NON_FINAL, SPEC_FINAL + SPEC_NON_FINAL))
)
def test_anything_replaces_a_state_that_is_not_final(current: int, late: int) -> None:
    assert replaces(current, late)
