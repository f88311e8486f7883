"""CSV export of the log: every selected row once, filters honoured, all or nothing."""

from __future__ import annotations

import csv
import time
from dataclasses import replace
from pathlib import Path

import pytest

from console import export
from console.export import ExportCancelled, export_csv, export_database
from console.identity import Actor
from console.store.models import Direction, IncomingReceipt, IncomingReply, LogQuery, NewMessage
from console.store.sqlite import SqliteStore


def fill(store: SqliteStore, count: int) -> None:
    now = time.time()
    for number in range(count):
        store.create_message(
            NewMessage(
                message_id=f"id-{number:05d}",
                profile="default",
                phone_number=f"1202555{number % 10:04d}",
                sender="12345",
                body=f"message {number}",
                endpoint="https://example.test/httpapi/receiver",
            ),
            now=now + number,
        )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_row_is_written_once_newest_first_across_pages(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE", 7)
    fill(store, 30)
    target = tmp_path / "log.csv"
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    written = export_csv(store, LogQuery(), target, progress)

    rows = read(target)
    assert written == 30
    assert [r["message_id"] for r in rows] == [f"id-{n:05d}" for n in range(29, -1, -1)]
    assert rows[0]["direction"] == "out"
    assert rows[0]["status"] == "queued"
    assert seen[-1] == (30, 30)
    assert len(seen) == 5


def test_filter_applies_to_the_export(store: SqliteStore, tmp_path: Path) -> None:
    fill(store, 30)
    target = tmp_path / "log.csv"

    written = export_csv(store, LogQuery(text="+1 202 555 0003"), target)

    assert written == 3
    assert {r["phone_number"] for r in read(target)} == {"12025550003"}


def test_cancel_leaves_no_file(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE", 5)
    fill(store, 20)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "log.csv"

    with pytest.raises(ExportCancelled, match="after 5 of 20"):
        export_csv(store, LogQuery(), target, lambda _done, _total: False)

    assert list(out.iterdir()) == []


def test_text_a_spreadsheet_would_run_is_written_as_text(
    store: SqliteStore, tmp_path: Path
) -> None:
    store.create_message(
        NewMessage(
            message_id="formula-1",
            profile="default",
            phone_number="12025550100",
            sender="12345",
            body='=HYPERLINK("http://example.test","click")',
            endpoint="https://example.test/httpapi/receiver",
        )
    )
    target = tmp_path / "log.csv"

    export_csv(store, LogQuery(), target)

    assert read(target)[0]["text_start"] == '\'=HYPERLINK("http://example.test","click")'


@pytest.mark.parametrize(
    "start",
    ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1", "\r=1"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_a_reply_from_a_number_a_spreadsheet_would_run_is_written_as_text(
    store: SqliteStore, tmp_path: Path, start: str
) -> None:
    # Whoever sends a reply chooses its number as freely as its text.
    store.add_reply(
        IncomingReply(
            message_id="mo-formula",
            shortcode="12345",
            phone_number=start,
            carrier=None,
            body=start,
            received_at=time.time(),
            source_address="127.0.0.1",
            raw="",
        )
    )
    target = tmp_path / "log.csv"

    export_csv(store, LogQuery(), target)

    with target.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert len(rows) == 1
    assert dict(zip(header, rows[0], strict=True))["phone_number"] == "'" + start
    assert [cell for cell in rows[0] if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []


def test_receipts_for_a_message_not_sent_here_are_one_row_saying_so(
    store: SqliteStore, tmp_path: Path
) -> None:
    fill(store, 1)
    for state in (2, 1):
        store.add_receipt(
            IncomingReceipt("elsewhere", state, 0, time.time() + 10, "203.0.113.7", "")
        )
    target = tmp_path / "log.csv"

    assert export_csv(store, LogQuery(), target) == 2

    orphan = read(target)[0]
    assert (orphan["message_id"], orphan["direction"], orphan["type"]) == ("elsewhere", "in", "")
    assert (orphan["status"], orphan["state_name"]) == ("orphan_receipt", "Delivered")


def test_an_export_is_audited_with_its_rows_and_filters_never_its_text(
    store: SqliteStore, tmp_path: Path
) -> None:
    fill(store, 30)
    query = LogQuery(text="+1 202 555 0003", direction=Direction.OUT, operator="carol")
    store.create_message(
        NewMessage("mine", "default", "12025550003", "12345", "secret order 42", "https://x.test"),
    )
    store.create_message(
        replace(
            NewMessage("c-1", "default", "12025550003", "12345", "secret order 43", "https://x"),
            operator="carol",
        )
    )

    written = export_database(
        store.path, query, tmp_path / "log.csv", actor=Actor("carol", "desk-9")
    )
    with pytest.raises(ExportCancelled):
        export_database(
            store.path, LogQuery(), tmp_path / "no.csv", lambda _d, _t: False, Actor("carol", "x")
        )

    (entry,) = store.audit()
    assert written == 1
    exported = read(tmp_path / "log.csv")
    assert [(r["message_id"], r["operator"]) for r in exported] == [("c-1", "carol")]
    assert (entry.operator, entry.host, entry.action) == ("carol", "desk-9", "export")
    assert entry.detail == "1 row as CSV, filtered by text, direction out, mine"
    assert "0003" not in entry.detail
    assert "secret" not in entry.detail


def test_an_operator_name_a_spreadsheet_would_run_is_written_as_text(
    store: SqliteStore, tmp_path: Path
) -> None:
    new = NewMessage("m-1", "default", "12025550100", "12345", "hi", "https://x.test")
    store.create_message(replace(new, operator="=cmd|' /C calc'!A0", host="desk-1"))

    export_csv(store, LogQuery(), tmp_path / "log.csv")

    (row,) = read(tmp_path / "log.csv")
    assert (row["operator"], row["host"]) == ("'=cmd|' /C calc'!A0", "desk-1")
