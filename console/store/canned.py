"""Canned replies: named texts with placeholders, shared by everyone on the store."""

from __future__ import annotations

from typing import Protocol


class CannedRecords(Protocol):
    """The canned replies part of :class:`console.store.interface.MessageStore`."""
