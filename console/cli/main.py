"""Entry point of ``sms-console``: global options and subcommand dispatch."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from console.cli import (
    audit_cmd,
    canned_cmd,
    credentials_cmd,
    db_cmd,
    log_cmd,
    quarantine_cmd,
    receiver_cmd,
    resume_cmd,
    send_cmd,
    simulator_cmd,
    suppression_cmd,
)
from console.cli.common import CliError, ExitCode
from console.cli.operator_option import add_operator_option
from console.cli.store_option import add_store_option, chosen_store, store_errors, store_location
from console.logging_setup import configure_logging
from console.paths import DATA_DIR_ENV, private_files, resolve_data_dir, restrict_data_dir
from console.redaction import redact
from console.store.errors import IncompatibleStore
from console.store.location import StoreLocation

SUBCOMMANDS = (
    send_cmd,
    resume_cmd,
    log_cmd,
    audit_cmd,
    quarantine_cmd,
    canned_cmd,
    suppression_cmd,
    receiver_cmd,
    simulator_cmd,
    credentials_cmd,
    db_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sms-console",
        description=(
            "Send SMS and MMS through the Genesys SMS aggregation HTTP API and follow "
            "what happened to each message. Without a command it opens the operator window."
        ),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=(
            "directory for every file the program writes (database, settings, log); "
            f"default: ${DATA_DIR_ENV}, else the per-user data directory"
        ),
    )
    add_store_option(parser)
    add_operator_option(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help=(
            "open the window against the built-in provider simulator, with a demo profile "
            "and credentials, in a throwaway data directory unless --data-dir is given"
        ),
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help=(
            "check this installation, with no display or account needed: the built-in "
            "simulator and callback listener, one message and its receipt, the keychain, "
            "and Qt; exit status 0 only if all of it works"
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def open_window(
    data_dir: str | None,
    demo: bool,
    store: StoreLocation | None = None,
    operator: str | None = None,
) -> int:
    """The operator window (Qt is loaded only when a window is wanted) on ``store``, else
    the workspace its settings name; ``operator`` is ``--operator``."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        print(
            "sms-console: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
            "unset); run it in a desktop session, or use a subcommand (see --help)",
            file=sys.stderr,
        )
        return ExitCode.UNAVAILABLE
    from console.ui.app import run_window

    return run_window(data_dir, demo, store, operator)


def main(argv: Sequence[str] | None = None) -> int:
    # Every file the program writes holds customer data or settings. The umask comes back
    # when it returns, for callers that run the program in-process.
    with private_files():
        try:
            return _run(argv)
        except BrokenPipeError:
            # The reader stopped reading (``| head``): what is left to print goes nowhere,
            # and Python's own flush at exit must not fail on it either.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return ExitCode.OK


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_check:
        if args.command or args.demo or args.data_dir or args.store_url or args.operator:
            parser.error("--self-check runs on its own, in a throwaway data directory")
        from console.self_check import run_self_check

        return run_self_check()
    try:
        chosen = chosen_store(args.store_url, os.environ)
        if args.command is None and args.demo and chosen is not None:
            raise CliError(f"{chosen[1]}: demo mode keeps its messages in its own data folder")
    except CliError as exc:
        return _report(exc)
    if args.command is None:
        return open_window(args.data_dir, args.demo, chosen[0] if chosen else None, args.operator)
    if args.demo:
        parser.error("--demo opens the window; it does not combine with a subcommand")
    try:
        try:
            data_dir = resolve_data_dir(args.data_dir)
            configure_logging(data_dir)
            restrict_data_dir(data_dir)
        except OSError as exc:
            raise CliError(
                f"cannot use the data directory {exc.filename or args.data_dir}: {exc.strerror}",
                ExitCode.UNAVAILABLE,
            ) from None
        args.store = store_location(chosen[0] if chosen else None, data_dir)
        result: int = _run_command(args, data_dir)
    except CliError as exc:
        return _report(exc)
    except KeyboardInterrupt:
        print("sms-console: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    return result


def _report(error: CliError) -> int:
    # A store's error may quote its URL, and a server's answer anything it was sent.
    print(f"sms-console: {redact(str(error))}", file=sys.stderr)
    return error.exit_code


def _run_command(args: argparse.Namespace, data_dir: Path) -> int:
    where = args.store.describe()
    try:
        result: int = args.run(args, data_dir)
    except IncompatibleStore as exc:
        raise CliError(
            f"cannot use the message store {where}: {exc}", ExitCode.INCOMPATIBLE_STORE
        ) from None
    except store_errors(args.store) as exc:
        if args.store.kind == "postgresql":
            from console.store.postgres.open_failure import open_failure

            reason = open_failure(exc, args.store)
        else:
            reason = " ".join(str(exc).split())
        raise CliError(
            f"cannot use the message store {where}: {reason}", ExitCode.UNAVAILABLE
        ) from None
    return result
