"""``sms-console quarantine``: callbacks that could not be understood, exactly as they came."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import datetime
from pathlib import Path

from console.cli.common import ExitCode, Subparsers, positive_int
from console.cli.store_option import connectable
from console.escaping import escape_controls
from console.history import iso_time
from console.store import open_store
from console.store.models import QuarantineRecord, QuarantineSummary


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "quarantine",
        help="list callbacks that were refused as malformed, with their raw content",
        description=(
            "Every callback the listener could not understand was answered 400 and kept here: "
            "when, from where, why, and what it contained (the first 64 KiB of a larger body, "
            "with its length and SHA-256). Past 10,000 entries or 64 MiB, the oldest are "
            "dropped, and this list says how many."
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line (body as text when it is UTF-8, else base64)",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=100, metavar="N", help="entries to show (100)"
    )
    parser.set_defaults(run=run)


def _as_json(record: QuarantineRecord) -> dict[str, object]:
    try:
        body: dict[str, str] = {"body": record.body.decode("utf-8")}
    except UnicodeDecodeError:
        body = {"body_base64": base64.b64encode(record.body).decode("ascii")}
    return {
        "id": record.id,
        "received_at": iso_time(record.received_at),
        "source_address": record.source_address,
        "method": record.method,
        "target": record.target,
        "reason": record.reason,
        "headers": dict(record.headers),
        **body,
        "body_length": record.body_length,
        "body_sha256": record.body_sha256,
        "body_truncated": record.truncated,
    }


def _dropped_note(summary: QuarantineSummary) -> str:
    return (
        f"{summary.dropped:,} older entries were dropped to keep the quarantine within "
        f"{summary.max_entries:,} entries and {summary.max_bytes // (1024 * 1024)} MiB"
    )


def _line(record: QuarantineRecord) -> str:
    when = datetime.fromtimestamp(record.received_at).strftime("%Y-%m-%d %H:%M:%S")
    preview = escape_controls(record.body[:80].decode("utf-8", errors="replace"))
    size = f"  ({record.body_length:,} bytes, first {len(record.body):,} kept)"
    return (
        f"{when}  {record.source_address:<15}  {escape_controls(record.reason)}  |  {preview}"
        + (size if record.truncated else "")
    )


def run(args: argparse.Namespace, data_dir: Path) -> int:
    with open_store(connectable(args.store)) as store:
        records = store.quarantined(args.limit)
        summary = store.quarantine_summary()
    if summary.dropped:
        # With --json, standard output stays one object per line.
        print(_dropped_note(summary), file=sys.stderr if args.json else sys.stdout)
    if not records:
        print("no refused callbacks in the quarantine", file=sys.stderr)
    for record in records:
        if args.json:
            print(json.dumps(_as_json(record), ensure_ascii=False))
        else:
            print(_line(record))
    return ExitCode.OK
