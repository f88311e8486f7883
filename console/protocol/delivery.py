"""How delivery receipts combine into a message's current delivery state.

Receipts may arrive several times and out of order. A final state (delivered, expired,
deleted, undeliverable, rejected) is never replaced: the first final receipt to arrive
stands, and later ones stay visible in the timeline only.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.protocol.codes import message_state


@dataclass(frozen=True)
class DeliveryState:
    state: int
    result_code: int | None
    at: float


def fold(current: DeliveryState | None, incoming: DeliveryState) -> DeliveryState:
    """The state after ``incoming`` arrives on top of ``current``."""
    if current is not None and message_state(current.state).final:
        return current
    return incoming
