"""``sms-console resume``: finish messages a stopped program left undecided."""

from __future__ import annotations

import argparse
import asyncio
from itertools import groupby
from pathlib import Path

from console.cli.common import ExitCode, Subparsers, credentials_for, load_profile
from console.cli.operator_option import cli_actor
from console.cli.send_cmd import add_connection_options, describe, engine_settings, outcome_code
from console.cli.store_option import connectable
from console.sending.engine import open_engine
from console.store import open_store
from console.store.audit import AuditAction
from console.store.models import StoredMessage


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "resume",
        help="finish every message whose outcome is undecided, with its original message_id",
        description=(
            "Find the messages that were stored but whose acceptance was never settled "
            "(the program stopped while sending or waiting to retry) and attempt them again "
            "with their original message_id. A duplicate answer to such a resend means an "
            "earlier attempt was accepted. Exits 0 when every one of them ends accepted."
        ),
    )
    add_connection_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    location = connectable(args.store)
    actor = cli_actor(args, data_dir)

    async def resume() -> list[StoredMessage]:
        finished: list[StoredMessage] = []
        with open_store(location) as store:
            pending = store.undecided()
            if not pending:
                return finished
            pending.sort(key=lambda m: m.profile)
            for profile_name, group in groupby(pending, key=lambda m: m.profile):
                profile = load_profile(data_dir, profile_name)
                settings = engine_settings(
                    args, profile.retry_wait, profile.max_attempts, profile.messages_per_second
                )
                credentials = credentials_for(profile)
                async with open_engine(
                    store, credentials, settings, request_timeout=profile.timeout
                ) as engine:
                    for message in group:
                        print(f"resuming {message.message_id}", flush=True)
                        store.add_audit(
                            actor.entry(AuditAction.RETRY, message.message_id, "resume")
                        )
                        done = await engine.deliver(message.message_id)
                        print(describe(done), flush=True)
                        finished.append(done)
        return finished

    finished = asyncio.run(resume())
    if not finished:
        print("nothing to resume")
        return ExitCode.OK
    worst = max(outcome_code(m) for m in finished)
    return int(worst)
