"""The engine holds the messages it sends: another console never sends them meanwhile, and
a message whose holder stopped is finished with its own message_id."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest

from console.keychain import Credentials
from console.sending.claims import ClaimedElsewhere, console_owner
from console.sending.engine import INTERRUPTED, EngineSettings, open_engine
from console.sending.policy import RetrySettings
from console.store.models import AttemptResult, Claim, Decision, MessageStatus
from console.store.sqlite import SqliteStore
from tests.support.provider import FakeProvider, Reaction
from tests.unit.sending.test_engine import message

OTHER = Claim("other-host:42:abcd", 60.0)
LAPSED = Claim("killed-host:43:dcba", 0.0)


def settings(lease: float = 60.0, wait: float = 0.05) -> EngineSettings:
    return EngineSettings(retry=RetrySettings(wait=wait, max_attempts=4), lease=lease)


async def test_a_message_another_console_holds_is_not_sent(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    store.create_message(message(provider.url), claim=OTHER)

    async with open_engine(store, credentials, settings()) as engine:
        with pytest.raises(ClaimedElsewhere):
            await engine.deliver("id-1")

    assert provider.requests == []
    held = store.get_message("id-1")
    assert held is not None
    assert held.lease_owner == OTHER.owner


async def test_a_slow_send_keeps_its_lease_and_lets_go_once_decided(
    store: SqliteStore, credentials: Credentials
) -> None:
    other = SqliteStore(store.path)
    taken: list[str] = []

    async def other_console() -> None:
        while True:
            taken.extend(m.message_id for m in other.claim_undecided(OTHER))
            await asyncio.sleep(0.05)

    with FakeProvider([Reaction("slow", delay=1.2)]) as provider:
        async with open_engine(store, credentials, settings(lease=0.3)) as engine:
            watching = asyncio.create_task(other_console())
            done = await engine.send(message(provider.url))
            watching.cancel()
    other.close()

    # The lease (0.3 s) was renewed throughout the 1.2 s answer.
    assert taken == []
    assert done.status is MessageStatus.ACCEPTED
    assert done.lease_owner is None
    assert len(provider.requests) == 1


async def test_a_lapsed_lease_is_taken_over_and_finished_with_the_same_id(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    # A console killed mid-request: its attempt unfinished, its lease run out, and the
    # provider had taken the message.
    store.create_message(message(provider.url), claim=LAPSED)
    store.begin_attempt("id-1", time.time())
    provider.accepted.append("id-1")

    async with open_engine(store, credentials, settings()) as engine:
        done = await engine.deliver("id-1")

    assert done.status is MessageStatus.ACCEPTED
    assert [r.field("message_id") for r in provider.requests] == ["id-1"]
    first, second = store.attempts("id-1")
    assert first.transport_error == INTERRUPTED
    assert second.result_code == 7
    assert done.lease_owner is None


async def test_a_send_whose_message_was_taken_over_during_a_wait_stops(
    store: SqliteStore, credentials: Credentials
) -> None:
    asked = threading.Event()
    reactions = [Reaction("answer", result_code=98)]
    with FakeProvider(reactions, on_request=lambda _r: asked.set()) as provider:
        async with open_engine(store, credentials, settings(wait=0.5)) as engine:
            sending = asyncio.create_task(engine.send(message(provider.url)))
            assert await asyncio.to_thread(asked.wait, 10)
            await asyncio.sleep(0.1)
            # Another console took it over (this one's hold had lapsed while it stalled).
            conn = sqlite3.connect(store.path)
            with conn:
                conn.execute("UPDATE messages SET lease_owner = ?", (OTHER.owner,))
            conn.close()
            with pytest.raises(ClaimedElsewhere):
                await sending

    assert len(provider.requests) == 1
    held = store.get_message("id-1")
    assert held is not None
    assert held.lease_owner == OTHER.owner


async def test_a_cancelled_send_lets_go_of_its_message_at_once(
    store: SqliteStore, credentials: Credentials
) -> None:
    asked = threading.Event()
    reactions = [Reaction("slow", delay=1.0)]
    with FakeProvider(reactions, on_request=lambda _r: asked.set()) as provider:
        async with open_engine(store, credentials, settings()) as engine:
            sending = asyncio.create_task(engine.send(message(provider.url)))
            assert await asyncio.to_thread(asked.wait, 10)
            held = store.get_message("id-1")
            assert held is not None
            assert held.lease_owner == console_owner()
            sending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await sending

    # Another console may finish it now, not a lease later.
    assert [m.message_id for m in store.claim_undecided(OTHER)] == ["id-1"]


async def test_a_decided_message_is_read_back_not_sent_again(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    store.create_message(message(provider.url), claim=OTHER)
    number = store.begin_attempt("id-1", time.time())
    store.finish_attempt(
        "id-1",
        number,
        AttemptResult(finished_at=time.time(), http_status=200, result_code=0),
        Decision(MessageStatus.ACCEPTED, "ok"),
    )
    store.release_claim(OTHER, "id-1")

    async with open_engine(store, credentials, settings()) as engine:
        done = await engine.deliver("id-1")

    # A decided message is read back, not sent again.
    assert done.status is MessageStatus.ACCEPTED
    assert provider.requests == []


async def test_a_message_is_held_from_the_moment_it_is_stored(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    async with open_engine(store, credentials, settings()) as engine:
        stored = engine.submit(message(provider.url))

    # Before its first attempt, no other console's recovery may take it.
    assert stored.lease_owner == engine.claims.claim.owner
    assert store.claim_undecided(OTHER) == []
