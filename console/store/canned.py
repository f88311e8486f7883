"""Canned replies: named texts with placeholders, shared by everyone on the store.

Names are unique whatever their case (``Thanks`` and ``thanks`` are one reply's), kept as
last written. Texts are checked by :mod:`console.protocol.canned_text` before they come
here; the store keeps them as given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from console.store.audit import AuditEntry
from console.store.errors import StoreError

# Each backend selects these, in this order, for canned_reply().
CANNED_COLUMNS = "id, name, body, updated_at, updated_by"


@dataclass(frozen=True)
class CannedReply:
    id: int
    name: str
    text: str
    updated_at: float
    updated_by: str | None


@dataclass(frozen=True)
class CannedImport:
    """What an import did: names added, names whose text was replaced, names left alone
    (taken, without replacing) and names already holding the same text."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


class CannedNameTaken(StoreError):
    def __init__(self, name: str) -> None:
        super().__init__(f"a canned reply named {name!r} exists already")
        self.name = name


class UnknownCanned(StoreError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no canned reply named {name!r}")
        self.name = name


def canned_reply(
    row_id: int, name: str, body: str, updated_at: float, updated_by: str | None
) -> CannedReply:
    return CannedReply(int(row_id), name, body, float(updated_at), updated_by)


class CannedRecords(Protocol):
    """The canned replies part of :class:`console.store.interface.MessageStore`."""

    def canned_replies(self) -> list[CannedReply]:
        """Every canned reply, by name (ignoring case)."""

    def canned(self, name: str) -> CannedReply | None:
        """The canned reply of this name (ignoring case)."""

    def save_canned(
        self,
        name: str,
        text: str,
        operator: str,
        *,
        new: bool = False,
        now: float | None = None,
    ) -> CannedReply:
        """Keep ``text`` under ``name``: a new reply, or the text of the one of that name
        (whose name then takes this spelling). ``new``: only a new one.

        Raises:
            CannedNameTaken: ``new``, and the name is taken.
        """

    def rename_canned(
        self, name: str, new_name: str, operator: str, *, now: float | None = None
    ) -> CannedReply:
        """Raises:
        UnknownCanned: no reply is named ``name``.
        CannedNameTaken: another reply is named ``new_name``.
        """

    def delete_canned(self, name: str) -> bool:
        """Delete the reply of this name; False when there was none."""

    def import_canned(
        self,
        entries: Sequence[tuple[str, str]],
        operator: str,
        *,
        replace: bool,
        audit: Callable[[CannedImport], AuditEntry] | None = None,
        now: float | None = None,
    ) -> CannedImport:
        """Keep each (name, text), all or none, with the audit entry ``audit`` makes of
        the outcome: a name taken keeps its text unless ``replace``."""
