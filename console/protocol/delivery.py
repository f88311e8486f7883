"""How delivery receipts combine into a message's current delivery state.

Receipts may arrive several times and out of order. A final state (delivered, expired,
deleted, undeliverable, rejected) is never replaced: the first final receipt to arrive
stands, and later ones stay visible in the timeline only. Until then, each receipt's state
replaces the previous one.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.protocol.codes import MESSAGE_STATES

# The store applies the rule with these (one SQL statement per receipt batch).
FINAL_STATES: tuple[int, ...] = tuple(sorted(c for c, s in MESSAGE_STATES.items() if s.final))


def current_state(arrivals: Iterable[tuple[int, int | None]]) -> tuple[int, int | None] | None:
    """The state (and its result code) that ``arrivals`` leave, taken in arrival order:
    the first final one, or else the latest; None when there are none."""
    current: tuple[int, int | None] | None = None
    for state, code in arrivals:
        if current is not None and current[0] in FINAL_STATES:
            break
        current = (state, code)
    return current
