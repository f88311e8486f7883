from __future__ import annotations

from console.protocol.codes import message_state
from console.protocol.delivery import FINAL_STATES, current_state


def test_final_states_are_the_spec_ones() -> None:
    assert list(FINAL_STATES) == [2, 3, 4, 5, 8]


def test_final_states_agree_with_the_catalog() -> None:
    assert [s for s in range(1, 9) if message_state(s).final] == list(FINAL_STATES)


def test_current_state_keeps_the_first_final_one_and_else_the_latest() -> None:
    assert current_state([]) is None
    assert current_state([(1, None), (6, 0)]) == (6, 0)
    assert current_state([(1, None), (2, 0), (1, None), (5, 3)]) == (2, 0)
