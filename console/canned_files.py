"""Canned replies exported to a JSON file and imported from one (the format:
:mod:`console.protocol.canned_json`), for the window and the command line alike."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from console.atomic_file import replaced_atomically
from console.identity import Actor
from console.protocol.canned_json import CannedEntry, CannedFileError, dump, load
from console.protocol.canned_text import name_key
from console.store import MessageStore
from console.store.audit import AuditAction, AuditEntry
from console.store.canned import CannedImport

# A file of canned replies is small: a larger one is not one.
MAX_FILE_SIZE = 16 * 1024 * 1024


def export_canned(store: MessageStore, path: Path) -> int:
    """Write every canned reply to ``path`` (whole or not at all); how many."""
    entries = [CannedEntry(c.name, c.text) for c in store.canned_replies()]
    with replaced_atomically(path) as handle:
        handle.write(dump(entries))
    return len(entries)


def read_canned_file(path: Path) -> list[CannedEntry]:
    """Raises:
    CannedFileError: the file cannot be read, or what is wrong with it, every problem.
    """
    try:
        if path.stat().st_size > MAX_FILE_SIZE:
            raise CannedFileError([f"larger than {MAX_FILE_SIZE // (1024 * 1024)} MiB"])
        raw = path.read_bytes()
    except OSError as exc:
        raise CannedFileError([f"cannot be read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CannedFileError([f"not UTF-8 text (byte {exc.start + 1})"]) from None
    return load(text)


def import_canned_file(
    store: MessageStore, path: Path, actor: Actor, *, replace: bool
) -> CannedImport:
    """Check the whole file, then keep its replies in one transaction, audited; a name in
    use keeps its text unless ``replace``.

    Raises:
        CannedFileError: what is wrong with the file; nothing was kept.
    """
    return import_entries(store, read_canned_file(path), path.name, actor, replace=replace)


def import_entries(
    store: MessageStore,
    entries: Sequence[CannedEntry],
    source: str,
    actor: Actor,
    *,
    replace: bool,
) -> CannedImport:
    """Keep ``entries`` (read from the file named ``source``) in one transaction, audited."""

    def audited(outcome: CannedImport) -> AuditEntry:
        return actor.entry(AuditAction.CANNED, detail=f"imported {source}: {summary(outcome)}")

    return store.import_canned(
        [(e.name, e.text) for e in entries], actor.operator, replace=replace, audit=audited
    )


def names_in_use(store: MessageStore, entries: Sequence[CannedEntry]) -> list[str]:
    """The names of ``entries`` already kept with another text, as they are kept."""
    kept = {name_key(c.name): c for c in store.canned_replies()}
    found = (kept.get(name_key(e.name)) for e in entries)
    return [
        c.name for c, e in zip(found, entries, strict=True) if c is not None and c.text != e.text
    ]


def summary(outcome: CannedImport) -> str:
    """What an import did, in a few words: ``2 added, 1 skipped (name in use)``."""
    parts = [
        f"{len(outcome.added)} added",
        *([f"{len(outcome.replaced)} replaced"] if outcome.replaced else []),
        *([f"{len(outcome.skipped)} skipped (name in use)"] if outcome.skipped else []),
        *([f"{len(outcome.unchanged)} unchanged"] if outcome.unchanged else []),
    ]
    return ", ".join(parts)
