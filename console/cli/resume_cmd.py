"""``sms-console resume``: finish messages a stopped program left undecided."""

from __future__ import annotations

import argparse
import asyncio
import time
from contextlib import AsyncExitStack
from pathlib import Path

from console.cli.common import CliError, ExitCode, Subparsers, credentials_for, load_profile
from console.cli.operator_option import cli_actor
from console.cli.send_cmd import add_connection_options, describe, engine_settings, outcome_code
from console.cli.store_option import connectable
from console.identity import Actor
from console.paths import settings_path
from console.sending.claims import ClaimedElsewhere, Claims, console_owner
from console.sending.engine import SendingEngine, open_engine
from console.settings import SettingsError, keyword_rules, load_settings
from console.store import open_store
from console.store.audit import AuditAction
from console.store.interface import MessageStore
from console.store.models import Claim, StoredMessage
from console.text_back import recent_replies, store_texts_back

# Messages sent at once, each taken from the store as the one before it is decided.
_CONCURRENCY = 4


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "resume",
        help="finish every message whose outcome is undecided, with its original message_id",
        description=(
            "Find the messages that were stored but whose acceptance was never settled "
            "(the program stopped while sending or waiting to retry) and attempt them again "
            "with their original message_id. A duplicate answer to such a resend means an "
            "earlier attempt was accepted. On a shared store, a message another program "
            "holds is left to it until its lease runs out. First it stores the answers to "
            "customers' keywords of the last day (HELP, STOP and START texts the profiles "
            "name) that no console stored. Exits 0 when every message resumed ends accepted."
        ),
    )
    add_connection_options(parser)
    parser.set_defaults(run=run)


class _Resume:
    """The messages one run takes from the store and finishes, one engine per profile."""

    def __init__(
        self, args: argparse.Namespace, data_dir: Path, store: MessageStore, actor: Actor
    ) -> None:
        self._args = args
        self._actor = actor
        self._data_dir = data_dir
        self._store = store
        self.claims = Claims(store, Claim(console_owner(), args.lease))
        self.finished: list[StoredMessage] = []
        self._engines: dict[str, SendingEngine] = {}
        self._opening = asyncio.Lock()
        self._failure: BaseException | None = None

    async def run(self) -> None:
        async with AsyncExitStack() as stack:
            try:
                await asyncio.gather(*(self._worker(stack) for _ in range(_CONCURRENCY)))
            finally:
                await self.claims.close()
        if self._failure is not None:
            raise self._failure

    async def _worker(self, stack: AsyncExitStack) -> None:
        while self._failure is None:
            claimed = self._store.claim_undecided(self.claims.claim, limit=1)
            if not claimed:
                return
            message = claimed[0]
            try:
                engine = await self._engine(stack, message.profile)
                print(f"resuming {message.message_id}", flush=True)
                self._store.add_audit(
                    self._actor.entry(AuditAction.RETRY, message.message_id, "resume")
                )
                done = await engine.deliver(message.message_id)
            except ClaimedElsewhere:
                print(f"{message.message_id} was taken over by another program", flush=True)
                continue
            except Exception as exc:
                # The others finish the message they are sending, then the run stops.
                self.claims.drop(message.message_id)
                self._failure = exc
                return
            print(describe(done), flush=True)
            self.finished.append(done)

    async def _engine(self, stack: AsyncExitStack, profile_name: str) -> SendingEngine:
        async with self._opening:
            if profile_name not in self._engines:
                profile = load_profile(self._data_dir, profile_name)
                settings = engine_settings(
                    self._args,
                    profile.retry_wait,
                    profile.max_attempts,
                    profile.messages_per_second,
                )
                self._engines[profile_name] = await stack.enter_async_context(
                    open_engine(
                        self._store,
                        credentials_for(profile),
                        settings,
                        request_timeout=profile.timeout,
                        claims=self.claims,
                    )
                )
            return self._engines[profile_name]


def run(args: argparse.Namespace, data_dir: Path) -> int:
    location = connectable(args.store)
    actor = cli_actor(args, data_dir)

    try:
        rules = keyword_rules(load_settings(settings_path(data_dir)))
    except SettingsError as exc:
        raise CliError(str(exc), ExitCode.UNAVAILABLE) from None

    async def resume() -> tuple[list[StoredMessage], list[StoredMessage]]:
        with open_store(location) as store:
            # Answers to customers' keywords no console was there to store.
            for answer in store_texts_back(store, rules, recent_replies(store)):
                print(f"answering a customer's keyword: {answer.message_id}", flush=True)
            work = _Resume(args, data_dir, store, actor)
            await work.run()
            owner = work.claims.claim.owner
            held = [m for m in store.undecided() if m.lease_owner not in (None, owner)]
        return work.finished, held

    finished, held = asyncio.run(resume())
    for message in held:
        left = max((message.lease_until or 0) - time.time(), 0)
        print(
            f"{message.message_id} is being sent by another program"
            f" (its lease runs out in {left:.0f} s unless renewed)"
        )
    if not finished:
        print("nothing to resume" if not held else "nothing else to resume")
        return ExitCode.OK
    worst = max(outcome_code(m) for m in finished)
    return int(worst)
