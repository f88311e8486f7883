"""Exporting the (filtered) message log to a CSV file, page by page, with progress."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from console.atomic_file import replaced_atomically
from console.history import iso_time
from console.identity import Actor
from console.protocol.codes import message_state
from console.store import MessageStore, StoreLocation, open_store
from console.store.audit import AuditAction
from console.store.models import LogKind, LogQuery, LogRow

PAGE = 2000
COLUMNS = (
    "time",
    "direction",
    "phone_number",
    "sender",
    "priority",
    "type",
    "status",
    "result_code",
    "status_detail",
    "message_state",
    "state_name",
    "updated_at",
    "message_id",
    "text_start",
    "operator",
    "host",
)


# A spreadsheet runs a cell starting with these as a formula. Replies come from customers,
# numbers included: every cell with text in it goes through _cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


class ExportCancelled(Exception):
    """The operator stopped the export; no file was left behind."""


def csv_row(row: LogRow) -> list[str]:
    # Receipts for a message never sent from here: their status is what `log` calls them.
    orphan = row.kind is LogKind.ORPHAN_RECEIPT
    return [
        iso_time(row.time) or "",
        row.direction.value,
        _cell(row.phone_number),
        _cell(row.sender),
        row.priority.value if row.priority else "",
        "" if orphan else "MMS" if row.is_mms else "SMS",
        "orphan_receipt" if orphan else row.status.value if row.status else "received",
        "" if row.result_code is None else str(row.result_code),
        _cell(row.status_detail or ""),
        "" if row.state is None else str(row.state),
        message_state(row.state).name if row.state is not None else "",
        iso_time(row.updated_at) or "",
        _cell(row.message_id),
        _cell(row.preview),
        # Names typed in other consoles' settings: a spreadsheet must not run them either.
        _cell(row.operator or ""),
        _cell(row.host or ""),
    ]


def export_database(
    database: StoreLocation | Path,
    query: LogQuery,
    path: Path,
    progress: Callable[[int, int], bool] = lambda _done, _total: True,
    actor: Actor | None = None,
) -> int:
    """:func:`export_csv` over a connection of its own (for a worker thread); recorded
    in the audit trail as done by ``actor``, if given."""
    with open_store(database) as store:
        written = export_csv(store, query, path, progress)
        if actor is not None:
            store.add_audit(actor.entry(AuditAction.EXPORT, detail=export_detail(query, written)))
        return written


def export_detail(query: LogQuery, rows: int) -> str:
    """What an export wrote, for the audit trail: how many rows, and which filters chose
    them (the searched text is not repeated: it may be a customer's words)."""
    filters = [
        *(["text"] if query.text else []),
        *([f"direction {query.direction.value}"] if query.direction else []),
        *([f"state {query.state.value}"] if query.state else []),
        *(["mine"] if query.operator is not None else []),
    ]
    chosen = f", filtered by {', '.join(filters)}" if filters else ""
    return f"{rows} row{'' if rows == 1 else 's'} as CSV{chosen}"


def export_csv(
    store: MessageStore,
    query: LogQuery,
    path: Path,
    progress: Callable[[int, int], bool] = lambda _done, _total: True,
) -> int:
    """Write every row ``query`` selects to ``path``, newest first; returns how many.

    ``progress(done, total)`` is called after each page; returning False cancels. The file
    appears whole or not at all.

    Raises:
        ExportCancelled: ``progress`` asked to stop.
        OSError: the file cannot be written.
    """
    head, total = store.log_head(query, limit=1)
    if head:
        # Rows arriving during the export must not shift the pages under it.
        query = replace(query, up_to=head[0].key)
    done = 0
    with replaced_atomically(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        before = None
        while True:
            rows = store.log_page(query, before=before, limit=PAGE)
            writer.writerows(csv_row(r) for r in rows)
            done += len(rows)
            if not progress(done, max(total, done)):
                raise ExportCancelled(f"export stopped after {done} of {total} rows")
            if len(rows) < PAGE:
                break
            before = rows[-1].key
    return done
