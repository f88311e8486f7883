"""Sessions on a shared PostgreSQL store: each console sees what the others send and what
the receivers store, live; a store out of reach is said, refuses sends, and comes back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from itertools import groupby
from pathlib import Path

import httpx
import psycopg
import pytest

from console.keychain import Credentials
from console.listener.config import ListenerConfig
from console.listener.server import CallbackListener, callback_store
from console.paths import settings_path
from console.session import UNREACHABLE, Session, StoreState, StoreUnreachable
from console.settings import load_settings, save_settings
from console.store import StoreLocation
from console.store.models import MessageStatus
from console.store.postgres import schema
from console.store.postgres.store import PostgresStore
from tests.support.postgres_server import PostgresServer, scratch_server
from tests.support.provider import FakeProvider
from tests.unit.test_session import Events, message, wait_for

TOKEN = "shared-token-0123456789abcdef"


def folder(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.mkdir(mode=0o700)
    return path


@asynccontextmanager
async def console(data_dir: Path, url: str) -> AsyncIterator[tuple[Session, Events]]:
    session = Session(data_dir, store=StoreLocation.postgresql(url), notify_interval=0.02)
    events = Events(session)
    await session.start()
    await session.use_credentials(Credentials("acme", "pw-abcdef"))
    try:
        yield session, events
    finally:
        await session.close()


@pytest.fixture
def receiver(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    """A callback listener on the shared store, as ``sms-console receiver`` runs it; its URL."""
    listener = CallbackListener(
        ListenerConfig(port=0, path_token=TOKEN),
        callback_store(StoreLocation.postgresql(postgres_url)),
        access_log=tmp_path / "listener-access.log",
    )
    url = listener.start_in_thread()
    try:
        yield url
    finally:
        listener.stop()


async def post_receipt(url: str, message_id: str, state: int) -> None:
    form = {"type": "receipt", "message_id": message_id, "message_state": str(state)}
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, data={**form, "result_code": "0"}, timeout=10)
    assert answer.status_code == 200


async def test_each_console_sees_the_others_sends_and_the_receivers_receipts(
    postgres_url: str, receiver: str, tmp_path: Path, provider: FakeProvider
) -> None:
    async with (
        console(folder(tmp_path, "alice"), postgres_url) as (alice, alice_saw),
        console(folder(tmp_path, "bob"), postgres_url) as (bob, bob_saw),
    ):
        # Neither runs a listener of its own: the receiver takes the callbacks.
        assert alice.listener_state.off
        assert not alice.listener_state.running
        assert bob.listener_state.off

        sent = alice.send(message(provider.url))
        await wait_for(lambda: sent.message_id in bob_saw.changed)
        shown = bob.store.get_message(sent.message_id)
        assert shown is not None
        await wait_for(lambda: bool(alice_saw.outcomes))
        assert alice_saw.outcomes[0].status is MessageStatus.ACCEPTED

        bob_saw.changed.clear()
        await post_receipt(receiver, sent.message_id, state=5)  # undeliverable
        await wait_for(lambda: any(a.title == "Not delivered" for a in bob_saw.alerts))
        await wait_for(lambda: any(a.title == "Not delivered" for a in alice_saw.alerts))
        assert sent.message_id in bob_saw.changed
        for alerts in (alice_saw.alerts, bob_saw.alerts):
            (alert,) = [a for a in alerts if a.title == "Not delivered"]
            assert alert.message_ids == (sent.message_id,)
            assert alert.text == "To +1 202-555-0100: Undeliverable"

        mine = bob.send(message(provider.url))
        await wait_for(lambda: mine.message_id in alice_saw.changed)


async def test_the_embedded_listener_runs_on_a_shared_store_when_the_settings_ask(
    postgres_url: str, data_dir: Path
) -> None:
    path = settings_path(data_dir)
    settings = load_settings(path)
    listener = replace(settings.listener, port=0, embedded_on_shared=True)
    save_settings(path, replace(settings, listener=listener))
    async with console(data_dir, postgres_url) as (session, _events):
        assert session.listener_state.running
        assert session.listener_state.url
        await post_receipt(session.listener_state.url, "for-a-message-to-come", state=2)
        assert session.store.orphan_receipts()[0].message_id == "for-a-message-to-come"


@pytest.fixture
def own_server() -> Iterator[tuple[PostgresServer, str]]:
    """A server of this test's own, to stop and start; a database on it, migrated."""
    with scratch_server() as server:
        url = server.url(server.create_database())
        with psycopg.connect(url) as conn:
            schema.migrate(conn)
        yield server, url


class Ticks:
    """The longest the loop went without running a task of ours."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            self.longest = max(self.longest, now - last)
            last = now

    def stop(self) -> None:
        self._task.cancel()


async def test_a_store_out_of_reach_refuses_sends_then_comes_back_by_itself(
    own_server: tuple[PostgresServer, str], data_dir: Path, provider: FakeProvider
) -> None:
    server, url = own_server
    states: list[StoreState] = []
    async with console(data_dir, url) as (session, events):
        session.on_store = states.append
        ticks = Ticks()
        await asyncio.to_thread(server.stop)
        await wait_for(lambda: not session.store_state.reachable)

        assert session.store_state.text is not None
        assert session.store_state.text.startswith("Shared store unreachable, retrying")
        with pytest.raises(StoreUnreachable, match=UNREACHABLE):
            session.send(message(provider.url))
        await asyncio.sleep(1.0)  # it keeps trying meanwhile; the window is not held

        await asyncio.to_thread(server.start)
        # What another console sent meanwhile arrives once it is back.
        with PostgresStore(url) as other:
            theirs = other.create_message(message(provider.url))
        await wait_for(lambda: session.store_state.reachable)
        await wait_for(lambda: theirs.message_id in events.changed)
        ticks.stop()

        sent = session.send(message(provider.url))
        await wait_for(lambda: bool(events.outcomes))
        assert events.outcomes[0].message_id == sent.message_id
        assert events.outcomes[0].status is MessageStatus.ACCEPTED
    # Out of reach once (its reason may change meanwhile), then back.
    told = [reachable for reachable, _ in groupby(s.reachable for s in states)]
    assert told[-2:] == [False, True]
    assert told.count(False) == 1
    assert ticks.longest < 0.5
