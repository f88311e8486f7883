from __future__ import annotations

from console.protocol.codes import message_state
from console.protocol.delivery import FINAL_STATES


def test_final_states_are_the_spec_ones() -> None:
    assert list(FINAL_STATES) == [2, 3, 4, 5, 8]


def test_final_states_agree_with_the_catalog() -> None:
    assert [s for s in range(1, 9) if message_state(s).final] == list(FINAL_STATES)
