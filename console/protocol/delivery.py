"""How delivery receipts combine into a message's current delivery state.

Receipts may arrive several times and out of order. A final state (delivered, expired,
deleted, undeliverable, rejected) is never replaced: the first final receipt to arrive
stands, and later ones stay visible in the timeline only. Until then, each receipt's state
replaces the previous one.
"""

from __future__ import annotations

from console.protocol.codes import MESSAGE_STATES

# The store applies the rule with these (one SQL statement per receipt batch).
FINAL_STATES: tuple[int, ...] = tuple(sorted(c for c, s in MESSAGE_STATES.items() if s.final))
