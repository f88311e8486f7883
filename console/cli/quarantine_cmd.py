"""``sms-console quarantine``: callbacks that could not be understood, exactly as they came."""

from __future__ import annotations

import argparse
import base64
import json
from datetime import datetime
from pathlib import Path

from console.cli.common import ExitCode, Subparsers, positive_int
from console.history import iso_time
from console.paths import database_path
from console.store import open_store
from console.store.models import QuarantineRecord


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "quarantine",
        help="list callbacks that were refused as malformed, with their raw content",
        description=(
            "Every callback the listener could not understand was answered 400 and kept here "
            "byte for byte: when, from where, why, and what it contained."
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
    }


def run(args: argparse.Namespace, data_dir: Path) -> int:
    with open_store(database_path(data_dir)) as store:
        records = store.quarantined(args.limit)
    for record in records:
        if args.json:
            print(json.dumps(_as_json(record), ensure_ascii=False))
        else:
            when = datetime.fromtimestamp(record.received_at).strftime("%Y-%m-%d %H:%M:%S")
            preview = record.body[:80].decode("utf-8", errors="replace").replace("\n", "\\n")
            print(f"{when}  {record.source_address:<15}  {record.reason}  |  {preview}")
    return ExitCode.OK
