"""``sms-console send``: one message, with the provider's retry rules, from the shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from console.attachments import AttachmentError, load_attachment
from console.cli.common import (
    CliError,
    ExitCode,
    Subparsers,
    credentials_for,
    load_profile,
    non_negative_float,
    positive_float,
    positive_int,
)
from console.cli.operator_option import cli_actor
from console.cli.store_option import connectable
from console.drafts import Draft, compose
from console.protocol.mt_request import InvalidRequest, parse_priority
from console.protocol.phone import InvalidPhoneNumber
from console.sending.claims import DEFAULT_LEASE
from console.sending.engine import EngineSettings, open_engine
from console.sending.policy import RetrySettings
from console.settings import SettingsError, check_endpoint
from console.store import open_store
from console.store.errors import OptedOut
from console.store.models import MessageStatus, StoredMessage


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "send",
        help="send one SMS or MMS and wait until the provider's answer is settled",
        description=(
            "Send one message. It is stored before the first attempt; failed attempts that "
            "the provider allows are retried with the same message_id. Prints the message_id "
            "and the outcome; exits 0 only when the provider accepted the message, and 5 when "
            "the number is on the opt-out list (nothing is sent to it)."
        ),
    )
    parser.add_argument("--to", required=True, metavar="NUMBER", help="recipient, any usual form")
    parser.add_argument(
        "--sender", metavar="S", help="source address (default: the profile's first sender)"
    )
    parser.add_argument("--text", required=True, metavar="T", help="message text")
    parser.add_argument(
        "--priority",
        metavar="P",
        help="BULK_LOW, BULK, INTERACTIVE_LOW or INTERACTIVE (default: the profile's, "
        "else the account default)",
    )
    parser.add_argument("--carrier", metavar="C", help="carrier ID (a whole number)")
    parser.add_argument(
        "--no-receipt",
        action="store_true",
        help="do not ask for delivery receipts (they are asked for by default)",
    )
    parser.add_argument("--app-id", metavar="A", help="app_id echoed back in receipts")
    parser.add_argument(
        "--conversation-id", metavar="C", help="conversation_id echoed back in receipts"
    )
    parser.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="FILE",
        type=Path,
        help="attach a file as MMS content (repeatable; the type is detected from the content)",
    )
    add_connection_options(parser)
    parser.add_argument(
        "--profile", metavar="NAME", help="account profile to use (default: the active one)"
    )
    parser.set_defaults(run=run)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``send`` and ``resume``."""
    parser.add_argument(
        "--endpoint", metavar="URL", help="MT endpoint URL (default: the profile's)"
    )
    parser.add_argument(
        "--retry-wait",
        type=non_negative_float,
        metavar="SECONDS",
        help="seconds between attempts, fractions allowed (default: the profile's, 30)",
    )
    parser.add_argument(
        "--max-attempts",
        type=positive_int,
        metavar="N",
        help="attempts before giving up (default: the profile's, 10)",
    )
    parser.add_argument(
        "--lease",
        type=positive_float,
        default=DEFAULT_LEASE,
        metavar="SECONDS",
        help="how long a message stays held by this program while it sends it, renewed "
        "every third of it; another program may finish a message whose lease ran out "
        f"(default: {DEFAULT_LEASE:g})",
    )


def engine_settings(
    args: argparse.Namespace, wait: float, attempts: int, rate: float | None
) -> EngineSettings:
    endpoint = None
    if args.endpoint:
        try:
            endpoint = check_endpoint(args.endpoint)
        except SettingsError as exc:
            raise CliError(str(exc)) from None
    retry = RetrySettings(
        wait=args.retry_wait if args.retry_wait is not None else wait,
        max_attempts=args.max_attempts or attempts,
    )
    return EngineSettings(retry=retry, rate=rate, endpoint_override=endpoint, lease=args.lease)


def outcome_code(message: StoredMessage, opted_out: bool = False) -> ExitCode:
    """0 when accepted; else 5 when the number is on the opt-out list, 1 otherwise."""
    if message.status is MessageStatus.ACCEPTED:
        return ExitCode.OK
    return ExitCode.OPTED_OUT if opted_out else ExitCode.NOT_ACCEPTED


def describe(message: StoredMessage) -> str:
    return f"{message.message_id} {message.status.value}: {message.status_detail}"


def run(args: argparse.Namespace, data_dir: Path) -> int:
    profile = load_profile(data_dir, args.profile)
    settings = engine_settings(
        args, profile.retry_wait, profile.max_attempts, profile.messages_per_second
    )
    sender = args.sender or (profile.senders[0] if profile.senders else None)
    if not sender:
        raise CliError(f"no --sender given and profile {profile.name!r} lists no senders")
    try:
        attachments = tuple(load_attachment(path) for path in args.attach)
        draft = Draft(
            recipient=args.to,
            sender=sender,
            body=args.text,
            priority=parse_priority(args.priority) or profile.default_priority,
            carrier=args.carrier,
            receipt=not args.no_receipt,
            app_id=args.app_id,
            conversation_id=args.conversation_id,
            attachments=attachments,
        )
        composed = compose(draft, profile, endpoint=settings.endpoint_override)
    except (InvalidPhoneNumber, AttachmentError, InvalidRequest) as exc:
        raise CliError(str(exc)) from None
    if composed.number_warning:
        print(f"warning: {composed.number_warning}", file=sys.stderr)
    new = cli_actor(args, data_dir).stamp(composed.message)
    credentials = credentials_for(profile)
    location = connectable(args.store)

    async def send() -> tuple[StoredMessage, bool]:
        with open_store(location) as store:
            async with open_engine(
                store, credentials, settings, request_timeout=profile.timeout
            ) as engine:
                try:
                    engine.submit(new)
                except InvalidRequest as exc:
                    raise CliError(str(exc)) from None
                except OptedOut as exc:
                    raise CliError(
                        f"not sent to {new.phone_number}: {exc}", ExitCode.OPTED_OUT
                    ) from None
                # The id goes out before any attempt, so an interrupted run can be traced.
                print(f"message_id {new.message_id}", flush=True)
                message = await engine.deliver(new.message_id)
                # The number may have opted out while the message waited for an attempt.
                return message, store.suppression(new.phone_number) is not None

    message, opted_out = asyncio.run(send())
    print(describe(message))
    return outcome_code(message, opted_out)
