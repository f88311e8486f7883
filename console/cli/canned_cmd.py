"""``sms-console canned``: the canned replies listed, exported to JSON, imported from it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from console.canned_files import export_canned, import_canned_file, summary
from console.cli.common import CliError, ExitCode, Subparsers
from console.cli.operator_option import cli_actor
from console.cli.store_option import connectable
from console.escaping import escape_controls
from console.history import iso_time
from console.protocol.canned_json import CannedFileError
from console.store import open_store
from console.store.canned import CannedReply


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "canned",
        help="list, export or import the canned replies",
        description=(
            "Canned replies are named texts with placeholders ({number}, {operator}, {date}, "
            "{time}, {field:Label}) inserted into a message in the window. On a shared store "
            "they are the team's."
        ),
    )
    actions = parser.add_subparsers(dest="canned_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every canned reply, by name")
    listing.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line (name, text, updated_at, updated_by)",
    )
    listing.set_defaults(run=run_list)
    export = actions.add_parser(
        "export", help="write every canned reply to a JSON file (format version 1)"
    )
    export.add_argument("file", type=Path, metavar="FILE")
    export.set_defaults(run=run_export)
    importing = actions.add_parser(
        "import",
        help="add the canned replies of a JSON file",
        description=(
            "The whole file is checked first: nothing is kept if any entry is wrong, and "
            "every problem is named with its entry's number and field. A name in use keeps "
            "its text unless --replace."
        ),
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument(
        "--replace", action="store_true", help="replace the text of names already in use"
    )
    importing.set_defaults(run=run_import)


def _as_json(reply: CannedReply) -> dict[str, object]:
    return {
        "name": reply.name,
        "text": reply.text,
        "updated_at": iso_time(reply.updated_at),
        "updated_by": reply.updated_by,
    }


def run_list(args: argparse.Namespace, data_dir: Path) -> int:
    with open_store(connectable(args.store)) as store:
        replies = store.canned_replies()
    for reply in replies:
        if args.json:
            print(json.dumps(_as_json(reply), ensure_ascii=False))
        else:
            print(f"{escape_controls(reply.name)}  |  {escape_controls(reply.text[:80])}")
    return ExitCode.OK


def run_export(args: argparse.Namespace, data_dir: Path) -> int:
    with open_store(connectable(args.store)) as store:
        try:
            count = export_canned(store, args.file)
        except OSError as exc:
            raise CliError(
                f"cannot write {args.file}: {exc.strerror or exc}", ExitCode.UNAVAILABLE
            ) from None
    print(f"{count} canned replies written to {args.file}")
    return ExitCode.OK


def run_import(args: argparse.Namespace, data_dir: Path) -> int:
    actor = cli_actor(args, data_dir)
    with open_store(connectable(args.store)) as store:
        try:
            outcome = import_canned_file(store, args.file, actor, replace=args.replace)
        except CannedFileError as exc:
            lines = "\n  ".join(exc.problems)
            raise CliError(f"{args.file}: nothing imported:\n  {lines}") from None
    print(f"{args.file}: {summary(outcome)}")
    for name in outcome.skipped:
        print(f"  kept as it was (use --replace): {escape_controls(name)}")
    return ExitCode.OK
