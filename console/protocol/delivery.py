"""How delivery receipts combine into a message's current delivery state.

Receipts may arrive several times and out of order. A final state (delivered, expired,
deleted, undeliverable, rejected) is never replaced: the first final receipt to arrive
stands, and later ones stay visible in the timeline only. Until then, each receipt's state
replaces the previous one.
"""

from __future__ import annotations

from console.protocol.codes import MESSAGE_STATES

FINAL_STATES: tuple[int, ...] = tuple(sorted(c for c, s in MESSAGE_STATES.items() if s.final))


def replaces(current: int | None, incoming: int) -> bool:
    """Whether a receipt in state ``incoming`` becomes the message's state."""
    del incoming  # any state may replace a state that is not final
    return current is None or current not in FINAL_STATES
