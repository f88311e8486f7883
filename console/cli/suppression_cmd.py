"""``sms-console suppression``: the opt-out list, and changes to it by hand."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from console.cli.common import CliError, ExitCode, Subparsers, positive_int
from console.cli.operator_option import cli_actor
from console.cli.store_option import connectable
from console.escaping import escape_controls
from console.history import iso_time
from console.paths import settings_path
from console.protocol.phone import InvalidPhoneNumber, normalise_number
from console.settings import SettingsError, load_settings
from console.store import open_store
from console.store.errors import AlreadySuppressed, NotSuppressed, ReasonRequired
from console.store.suppression import ManualChange, Suppression, SuppressionEvent


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "suppression",
        help="list the numbers that opted out (STOP), or put one on the list or take it off",
        description=(
            "The opt-out list: numbers nothing is sent to. A customer's reply that is an "
            "opt-out keyword (STOP…) puts its number on it, an opt-in keyword (START…) takes "
            "it off; an operator may do either by hand, with a reason, which the list and "
            "the audit trail keep."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="the numbers on the list, the latest first",
        description="The numbers on the opt-out list, the latest put there first.",
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line (phone_number, keyword, reply_message_id, at, "
        "operator, host, reason; with --history also action and id)",
    )
    listing.add_argument(
        "--history",
        action="store_true",
        help="every change to the list instead, newest first (added or removed, how, by whom)",
    )
    listing.add_argument("--number", metavar="NUMBER", help="only this number's entry or changes")
    listing.add_argument(
        "--limit", type=positive_int, metavar="N", help="entries to show (default: all)"
    )
    listing.set_defaults(run=run_list)
    for name, text in (
        ("add", "put a number on the list by hand: nothing is sent to it from then on"),
        ("remove", "take a number off the list by hand: it may be sent to again"),
    ):
        change = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        change.add_argument(
            "number", metavar="NUMBER", help="the customer's number, any usual form"
        )
        change.add_argument(
            "--reason", required=True, metavar="R", help="why (kept with the list and audited)"
        )
        change.add_argument(
            "--profile",
            metavar="NAME",
            help="the profile whose default region reads a national number (default: the "
            "active one)",
        )
        change.set_defaults(run=run_add if name == "add" else run_remove)


def as_json(entry: Suppression) -> dict[str, Any]:
    return {
        "phone_number": entry.phone_number,
        "keyword": entry.keyword,
        "reply_message_id": entry.reply_message_id,
        "at": iso_time(entry.at),
        "operator": entry.operator,
        "host": entry.host,
        "reason": entry.reason,
    }


def event_as_json(event: SuppressionEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "phone_number": event.phone_number,
        "action": event.change.value,
        "keyword": event.keyword,
        "reply_message_id": event.reply_message_id,
        "at": iso_time(event.at),
        "operator": event.operator,
        "host": event.host,
        "reason": event.reason,
    }


def _how(
    keyword: str | None, reply_id: str | None, operator: str | None, reason: str | None
) -> str:
    if keyword is not None:
        return f"by the customer's {keyword} ({reply_id})"
    return f"by {operator}: {reason}"


def _line(entry: Suppression) -> str:
    when = datetime.fromtimestamp(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    how = _how(entry.keyword, entry.reply_message_id, entry.operator, entry.reason)
    # Reasons and keywords come from people: shown, never run.
    return escape_controls(f"{when}  {entry.phone_number:<15}  {how}")


def _event_line(event: SuppressionEvent) -> str:
    when = datetime.fromtimestamp(event.at).strftime("%Y-%m-%d %H:%M:%S")
    how = _how(event.keyword, event.reply_message_id, event.operator, event.reason)
    return escape_controls(f"{when}  {event.phone_number:<15}  {event.change.value:<7}  {how}")


def _number(text: str, data_dir: Path, profile: str | None) -> str:
    """The digits the list keeps for ``text``, read in the profile's default region."""
    try:
        region = load_settings(settings_path(data_dir)).profile(profile).default_region
    except SettingsError as exc:
        if profile is not None:
            raise CliError(str(exc), ExitCode.UNAVAILABLE) from None
        region = None
    try:
        return normalise_number(text, region).digits
    except InvalidPhoneNumber as exc:
        raise CliError(str(exc)) from None


def run_list(args: argparse.Namespace, data_dir: Path) -> int:
    number = None if args.number is None else _number(args.number, data_dir, None)
    with open_store(connectable(args.store)) as store:
        if args.history:
            events = store.suppression_history(number, args.limit)
            for event in events:
                print(
                    json.dumps(event_as_json(event), ensure_ascii=False)
                    if args.json
                    else _event_line(event)
                )
            if not events:
                # Said apart from the listing: a script reading stdout finds no line.
                print("no change to the opt-out list yet", file=sys.stderr)
            return ExitCode.OK
        if number is None:
            entries = store.suppressions(args.limit)
        else:
            found = store.suppression(number)
            entries = [] if found is None else [found]
    for entry in entries:
        print(json.dumps(as_json(entry), ensure_ascii=False) if args.json else _line(entry))
    if not entries:
        print(
            "no number is on the opt-out list"
            if number is None
            else f"{number} is not on the opt-out list",
            file=sys.stderr,
        )
    return ExitCode.OK


def _change(args: argparse.Namespace, data_dir: Path) -> tuple[str, ManualChange]:
    if not args.reason.strip():
        raise CliError("--reason cannot be blank: say why the list is changed by hand")
    number = _number(args.number, data_dir, args.profile)
    actor = cli_actor(args, data_dir)
    return number, ManualChange(actor.operator, actor.host, args.reason)


def run_add(args: argparse.Namespace, data_dir: Path) -> int:
    number, change = _change(args, data_dir)
    with open_store(connectable(args.store)) as store:
        try:
            entry = store.suppress(number, change)
        except (AlreadySuppressed, ReasonRequired) as exc:
            raise CliError(f"{number}: {exc}") from None
    print(escape_controls(f"{entry.phone_number} added to the opt-out list: {entry.reason}"))
    return ExitCode.OK


def run_remove(args: argparse.Namespace, data_dir: Path) -> int:
    number, change = _change(args, data_dir)
    with open_store(connectable(args.store)) as store:
        try:
            removed = store.unsuppress(number, change)
        except NotSuppressed as exc:
            raise CliError(str(exc)) from None
        except ReasonRequired as exc:
            raise CliError(str(exc)) from None
    print(escape_controls(f"{number} removed from the opt-out list (was: {removed.describe()})"))
    return ExitCode.OK
