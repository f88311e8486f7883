"""``sms-console receiver``: the callback listener without the window."""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import threading
from dataclasses import replace
from pathlib import Path

from console.cli.common import CliError, ExitCode, Subparsers, port_number, positive_int
from console.cli.store_option import connectable
from console.listener.config import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    ListenerConfigError,
)
from console.listener.heartbeat import Heartbeat, heartbeat_store
from console.listener.server import CallbackListener, ListenerError, callback_store
from console.paths import access_log_path, settings_path
from console.settings import SettingsError, keyword_rules, load_settings
from console.settings.listener import ensure_path_token, listener_config

log = logging.getLogger(__name__)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "receiver",
        help="receive delivery receipts and customer replies from the provider",
        description=(
            "Run the callback listener in the foreground. Prints 'listening <callback URL>' "
            "once it accepts callbacks; that URL is the one to configure at the provider. "
            "Every callback is stored before it is acknowledged. Stops on Ctrl+C or SIGTERM "
            "after answering the callbacks in flight."
        ),
    )
    parser.add_argument("--host", metavar="H", help="address to bind (saved setting, 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=port_number,
        metavar="P",
        help="port to bind, 0 for any free one (saved, 8787)",
    )
    parser.add_argument(
        "--path-token",
        metavar="T",
        help="secret path segment of the URL (default: the saved one, generated on first use)",
    )
    parser.add_argument(
        "--allow",
        action="append",
        metavar="CIDR",
        help="only accept callbacks from this address range (repeatable)",
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="CIDR",
        help="believe X-Forwarded-For from this proxy's address range (repeatable)",
    )
    parser.add_argument("--tls-cert", type=Path, metavar="F", help="certificate file for HTTPS")
    parser.add_argument("--tls-key", type=Path, metavar="F", help="private key file for HTTPS")
    parser.add_argument(
        "--max-body", type=positive_int, metavar="BYTES", help="largest accepted body (8 MiB)"
    )
    parser.add_argument(
        "--max-connections",
        type=positive_int,
        metavar="N",
        help="open connections in all; past it, idle ones make room or newcomers get 503 "
        f"(saved setting, {DEFAULT_MAX_CONNECTIONS})",
    )
    parser.add_argument(
        "--max-connections-per-address",
        type=positive_int,
        metavar="N",
        help="open connections from one client address (trusted proxies excepted) "
        f"(saved setting, {DEFAULT_MAX_CONNECTIONS_PER_ADDRESS})",
    )
    parser.set_defaults(run=run)


def _tune_for_receiving() -> None:
    # This process only receives callbacks. What exists at start lives as long as it does,
    # so the cycle collector need not walk it again; and each request leaves many small
    # objects that reference counting frees, so collecting after every 700 allocations
    # (the default) mostly finds nothing. Together about 5% of the listener's CPU.
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        saved = ensure_path_token(data_dir)
        overrides = {
            "host": args.host,
            "port": args.port,
            "path_token": args.path_token,
            "allow": tuple(args.allow) if args.allow else None,
            "trusted_proxies": tuple(args.trusted_proxy) if args.trusted_proxy else None,
            "tls_cert": str(args.tls_cert) if args.tls_cert else None,
            "tls_key": str(args.tls_key) if args.tls_key else None,
            "max_body": args.max_body,
            "max_connections": args.max_connections,
            "max_connections_per_address": args.max_connections_per_address,
        }
        saved = replace(saved, **{k: v for k, v in overrides.items() if v is not None})
        # The profiles say which keywords a reply may be (STOP, START, HELP).
        config = listener_config(saved, keyword_rules(load_settings(settings_path(data_dir))))
    except (SettingsError, ListenerConfigError) as exc:
        raise CliError(str(exc)) from None

    location = connectable(args.store)
    store = callback_store(location)
    # Opened once here, so that a store that cannot be used (unreachable, or on another
    # schema version) stops the command with its own words and exit status.
    store().close()
    listener = CallbackListener(config, store, access_log=access_log_path(data_dir))
    # Before the "listening" line: whoever reads it may signal at once.
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    _tune_for_receiving()
    try:
        url = listener.start_in_thread()
    except ListenerError as exc:
        raise CliError(str(exc), ExitCode.UNAVAILABLE) from None
    # Registered before the "listening" line: whoever reads it may look for the receiver.
    heartbeat = Heartbeat(heartbeat_store(location), lambda: listener.last_callback_at)
    heartbeat.start()
    try:
        print(f"listening {url}", flush=True)
        while not stop.wait(0.2):
            if not listener.running:
                raise CliError(
                    "the listener stopped unexpectedly; see the log", ExitCode.UNAVAILABLE
                )
        log.info("stopping: answering the callbacks in flight")
        listener.stop()
    finally:
        heartbeat.stop()
    return ExitCode.OK
