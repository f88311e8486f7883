"""``sms-console simulator``: the provider stand-in as a local HTTP server.

Prints ``listening <base URL>`` on stdout once it accepts requests, logs every request
and callback on stderr (passwords masked), and stops cleanly on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from console.cli.common import (
    ExitCode,
    Subparsers,
    non_negative_float,
    non_negative_int,
    port_number,
    positive_float,
    positive_int,
    probability,
)
from console.simulator import (
    Account,
    ConfigFileError,
    FinalOutcome,
    SimulatorServer,
    SimulatorSettings,
    load_settings_file,
)
from console.simulator.config_file import parse_final_weights

_FAULT_OPTIONS = ("p_internal_error", "p_other_error", "p_drop", "p_slow", "slow_seconds")
_CALLBACK_OPTIONS = {
    "dr_delay": "dr_delay",
    "p_duplicate_dr": "p_duplicate_dr",
    "p_reorder": "p_reorder",
    "p_reply": "p_reply",
    "p_mms_reply": "p_mms_reply",
    "callback_retry_interval": "retry_interval",
    "callback_retry_count": "retry_count",
    "callback_timeout": "timeout",
    "callback_url": "url",
}


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "simulator",
        help="run a local stand-in for the provider's SMS API",
        description=(
            "Serve the provider's MT endpoint (/httpapi/receiver) locally, answer with "
            "result codes like the provider, and post delivery receipts and customer "
            "replies to a callback URL. Options given here override the --config file."
        ),
    )
    server = parser.add_argument_group("server")
    server.add_argument("--host", metavar="H", help="address to listen on (default 127.0.0.1)")
    server.add_argument(
        "--port",
        metavar="P",
        type=port_number,
        help="port to listen on; 0 picks a free one (default)",
    )
    server.add_argument("--config", metavar="FILE", type=Path, help="settings file, .json or .toml")
    server.add_argument(
        "--seed", metavar="N", type=int, help="seed for every random choice (reproducible runs)"
    )

    account = parser.add_argument_group(
        "account",
        "These describe one account (default login demo, password demo, sender 12345); "
        "it replaces a file account of the same login or is added to them.",
    )
    account.add_argument("--login", metavar="L")
    account.add_argument("--password", metavar="PW")
    account.add_argument(
        "--sender",
        metavar="S",
        action="append",
        help="registered sender; repeat for several",
    )
    account.add_argument("--rate", metavar="N", type=positive_float, help="requests per second")
    account.add_argument(
        "--max-length", metavar="N", type=positive_int, help="longest message, in characters"
    )

    faults = parser.add_argument_group("faults (probabilities from 0 to 1)")
    faults.add_argument(
        "--p-internal-error", metavar="P", type=probability, help="answer 98 to a valid request"
    )
    faults.add_argument(
        "--p-other-error", metavar="P", type=probability, help="answer 99 to a valid request"
    )
    faults.add_argument(
        "--p-drop",
        metavar="P",
        type=probability,
        help="accept the message, then close the connection without answering",
    )
    faults.add_argument("--p-slow", metavar="P", type=probability, help="delay the answer")
    faults.add_argument(
        "--slow-seconds", metavar="S", type=non_negative_float, help="how long a slow answer takes"
    )

    callbacks = parser.add_argument_group("callbacks (receipts and replies)")
    callbacks.add_argument(
        "--callback-url", metavar="URL", help="where receipts and replies are posted"
    )
    callbacks.add_argument(
        "--dr-delay",
        metavar="S",
        type=non_negative_float,
        help="mean seconds between two receipts of one message (default 2)",
    )
    callbacks.add_argument(
        "--p-duplicate-dr", metavar="P", type=probability, help="send one receipt twice"
    )
    callbacks.add_argument(
        "--p-reorder", metavar="P", type=probability, help="swap two receipts' order"
    )
    callbacks.add_argument(
        "--p-reply", metavar="P", type=probability, help="customer replies to a delivered message"
    )
    callbacks.add_argument(
        "--p-mms-reply", metavar="P", type=probability, help="a reply carries a picture"
    )
    callbacks.add_argument(
        "--final-weights",
        metavar="W",
        type=_weights,
        help="how deliveries end, e.g. delivered=85,expired=4,deleted=1,undeliverable=5,"
        "rejected=5 (outcomes left out weigh 0)",
    )
    callbacks.add_argument(
        "--callback-retry-interval",
        metavar="S",
        type=non_negative_float,
        help="seconds before a failed callback is retried (default 600)",
    )
    callbacks.add_argument(
        "--callback-retry-count",
        metavar="N",
        type=non_negative_int,
        help="retries after the first attempt (default 25)",
    )
    callbacks.add_argument(
        "--callback-timeout",
        metavar="S",
        type=positive_float,
        help="seconds to wait for the receiver's answer (default 10)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    """Serve until SIGINT/SIGTERM. ``data_dir`` is unused: the simulator keeps no files."""
    try:
        settings = settings_from_args(args)
    except (ConfigFileError, ValueError) as exc:
        print(f"sms-console simulator: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    _ensure_stderr_logging()
    return asyncio.run(_serve(settings))


def settings_from_args(args: argparse.Namespace) -> SimulatorSettings:
    """The ``--config`` file's settings (or the defaults) with the given options applied."""
    base = load_settings_file(args.config) if args.config else SimulatorSettings()
    fault_changes = _given(args, {name: name for name in _FAULT_OPTIONS})
    callback_changes = _given(args, _CALLBACK_OPTIONS)
    if args.final_weights is not None:
        callback_changes["final_weights"] = args.final_weights
    top_changes = _given(args, {"host": "host", "port": "port", "seed": "seed"})
    return dataclasses.replace(
        base,
        accounts=_accounts(base.accounts, args),
        faults=dataclasses.replace(base.faults, **fault_changes),
        callbacks=dataclasses.replace(base.callbacks, **callback_changes),
        **top_changes,
    )


def _accounts(accounts: tuple[Account, ...], args: argparse.Namespace) -> tuple[Account, ...]:
    options = (args.login, args.password, args.sender, args.rate, args.max_length)
    if all(option is None for option in options):
        return accounts
    login = args.login or "demo"
    existing = next((account for account in accounts if account.login == login), None)
    template = existing or Account(login=login, password="demo", senders=("12345",))  # noqa: S106
    changes: dict[str, Any] = {"login": login}
    if args.password is not None:
        changes["password"] = args.password
    if args.sender is not None:
        changes["senders"] = tuple(args.sender)
    if args.rate is not None:
        changes["rate_per_second"] = args.rate
    if args.max_length is not None:
        changes["max_length"] = args.max_length
    account = dataclasses.replace(template, **changes)
    if existing is None:
        return (*accounts, account)
    return tuple(account if item.login == login else item for item in accounts)


def _given(args: argparse.Namespace, names: dict[str, str]) -> dict[str, Any]:
    return {
        field: getattr(args, option)
        for option, field in names.items()
        if getattr(args, option) is not None
    }


async def _serve(settings: SimulatorSettings) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(stop.set)

    # signal.signal rather than loop.add_signal_handler: the latter does not exist on
    # Windows event loops.
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server = SimulatorServer(settings)
        try:
            base_url = await server.start()
        except OSError as exc:
            print(f"sms-console simulator: {exc.strerror or exc}", file=sys.stderr)
            return ExitCode.UNAVAILABLE
        try:
            print(f"listening {base_url}", flush=True)
            await stop.wait()
            logging.getLogger("console.simulator").info("stopping")
        finally:
            await server.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return ExitCode.OK


def _ensure_stderr_logging() -> None:
    """Make the simulator's log lines reach stderr.

    Under the main program the root logger already writes to stderr (and a file); run on
    its own, nothing would show, so the simulator's logger gets a handler of its own.
    """
    logger = logging.getLogger("console.simulator")
    logger.setLevel(logging.INFO)
    if not logging.getLogger().handlers and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)


def _weights(text: str) -> dict[FinalOutcome, float]:
    raw: dict[str, float] = {}
    for item in text.split(","):
        name, sep, weight = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"{item!r} is not outcome=weight")
        raw[name.strip()] = non_negative_float(weight.strip())
    try:
        return parse_final_weights(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
