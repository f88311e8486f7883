"""``sms-console log``: what was sent and received, newest first."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from console.cli.common import ExitCode, Subparsers, positive_int
from console.cli.operator_option import cli_actor
from console.cli.store_option import connectable
from console.escaping import escape_controls
from console.history import LogEntry, recent
from console.store import open_store


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "log",
        help="list messages, customer replies and unmatched receipts, newest first",
        description=(
            "List what the console sent and received, newest first, with each message's "
            "acceptance status and delivery state."
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line (message_id, direction, phone_number, sender, "
        "priority, status, result_code, state, receipts, created_at, operator, host, ...)",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=100, metavar="N", help="entries to show (100)"
    )
    parser.add_argument(
        "--mine",
        action="store_true",
        help="only the messages you sent: the operator of --operator, $SMS_CONSOLE_OPERATOR, "
        "the settings' operator name or your user name (no replies or unmatched receipts)",
    )
    parser.set_defaults(run=run)


def _line(entry: LogEntry) -> str:
    when = datetime.fromtimestamp(entry.created_at).strftime("%Y-%m-%d %H:%M:%S")
    status = entry.fields.get("status") or ""
    state = entry.fields.get("state_name") or "-"
    operator = entry.fields.get("operator") or "-"
    text = " ".join(entry.text.splitlines())
    text = text if len(text) <= 40 else text[:39] + "…"
    # Replies and their numbers are the customers' text: a terminal escape sequence in them
    # is shown, not run, and no line break splits the entry.
    return escape_controls(
        f"{when}  {entry.direction:<3}  {entry.phone_number or '-':<15}  {status:<14}  "
        f"{state:<22}  {operator:<12}  {entry.message_id}  {text}"
    )


def run(args: argparse.Namespace, data_dir: Path) -> int:
    operator = cli_actor(args, data_dir).operator if args.mine else None
    with open_store(connectable(args.store)) as store:
        entries = recent(store, args.limit, operator)
    if not entries:
        # On standard error: standard output stays what a script reads (nothing).
        if operator is None:
            print("no messages", file=sys.stderr)
        else:
            print(
                f"no messages sent by {operator}: give --operator NAME (or "
                "$SMS_CONSOLE_OPERATOR) for another operator's",
                file=sys.stderr,
            )
    for entry in entries:
        if args.json:
            print(json.dumps(entry.as_json(), ensure_ascii=False))
        else:
            print(_line(entry))
    return ExitCode.OK
