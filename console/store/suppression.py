"""The opt-out list: numbers that must not be sent to, and every change to it.

A number goes on the list when the customer sends an opt-out keyword (the reply's own
transaction adds it), or by hand with a reason; it comes off by an opt-in keyword, or by
hand with a reason. The list is checked in the transaction that stores an outgoing
message, so an opt-out committed first always wins a race with a send.
"""

from __future__ import annotations

from typing import Protocol


class SuppressionRecords(Protocol):
    """The opt-out part of :class:`console.store.interface.MessageStore`."""
