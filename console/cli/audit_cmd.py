"""``sms-console audit``: who did what and when, newest first."""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from console.cli.common import ExitCode, Subparsers, positive_int
from console.cli.store_option import connectable
from console.escaping import escape_controls
from console.history import iso_time
from console.store import open_store
from console.store.audit import AuditRecord

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def since_arg(text: str) -> float:
    """A time as ``2026-12-02``, ``2026-12-02T14:00`` (local time unless it names its
    offset) or ``2026-12-02T14:00Z``, or as long ago as ``90m``, ``12h`` or ``7d``."""
    duration = _DURATION.fullmatch(text.strip())
    if duration:
        return time.time() - float(duration[1]) * _SECONDS[duration[2]]
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a time like 2026-12-02T14:00 nor a duration like 12h or 7d"
        ) from None


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="list who did what and when: sends, retries, resends, exports, settings changes",
        description=(
            "List the audit trail, newest first: each entry's time, operator, computer, "
            "action (send, retry, resend, export, settings, suppression, canned), message_id and "
            "detail. It never holds a message's text or a secret."
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line (id, at, operator, host, action, message_id, detail)",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=100, metavar="N", help="entries to show (100)"
    )
    parser.add_argument(
        "--since",
        type=since_arg,
        metavar="WHEN",
        help="only entries from then on: a time (2026-12-02T14:00, local unless it has an "
        "offset or Z) or how long ago (90m, 12h, 7d)",
    )
    parser.set_defaults(run=run)


def as_json(entry: AuditRecord) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": iso_time(entry.at),
        "operator": entry.operator,
        "host": entry.host,
        "action": entry.action,
        "message_id": entry.message_id,
        "detail": entry.detail,
    }


def _line(entry: AuditRecord) -> str:
    when = datetime.fromtimestamp(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    # Names and details come from settings and other consoles: shown, never run.
    return escape_controls(
        f"{when}  {entry.operator:<12}  {entry.host:<16}  {entry.action:<11}  "
        f"{entry.message_id or '-'}  {entry.detail}"
    )


def run(args: argparse.Namespace, data_dir: Path) -> int:
    with open_store(connectable(args.store)) as store:
        entries = store.audit(args.limit, args.since)
    for entry in entries:
        if args.json:
            print(json.dumps(as_json(entry), ensure_ascii=False))
        else:
            print(_line(entry))
    return ExitCode.OK
