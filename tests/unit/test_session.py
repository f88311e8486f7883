"""The window's session over real parts: store file, listener thread, simulator, provider."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from console import demo
from console.keychain import Credentials
from console.paths import database_path, settings_path
from console.session import Alert, ListenerState, NotReady, Session
from console.settings import Profile, Settings, SettingsError, load_settings, save_settings
from console.simulator import ThreadedSimulator
from console.store.models import Claim, MessageStatus, NewMessage, StoredMessage
from console.store.sqlite import SqliteStore
from tests.support.provider import FakeProvider, Reaction


class Events:
    def __init__(self, session: Session) -> None:
        self.changed: set[str] = set()
        self.outcomes: list[StoredMessage] = []
        self.alerts: list[Alert] = []
        self.listener: list[ListenerState] = []
        session.on_messages = self.changed.update
        session.on_outcome = self.outcomes.append
        session.on_alert = self.alerts.append
        session.on_listener = self.listener.append


async def wait_for(condition: Callable[[], bool], within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def message(endpoint: str, to: str = "12025550100", sender: str = "12345") -> NewMessage:
    return NewMessage(
        message_id=uuid.uuid4().hex,
        profile="demo",
        phone_number=to,
        sender=sender,
        body="Your order has shipped",
        endpoint=endpoint,
    )


@pytest.fixture
async def demo_session(data_dir: Path) -> AsyncIterator[tuple[Session, Events, ThreadedSimulator]]:
    demo.prepare_settings(data_dir)
    session = Session(data_dir, notify_interval=0.02)
    events = Events(session)
    state = await session.start()
    assert state.running, state.error
    simulator = await asyncio.to_thread(demo.start_simulator, state.url)
    session.save_settings(demo.with_endpoint(session.settings, simulator.endpoint_url))
    await session.use_credentials(demo.demo_credentials())
    try:
        yield session, events, simulator
    finally:
        await session.close()
        await asyncio.to_thread(simulator.stop)


async def test_sent_message_is_accepted_and_its_receipt_changes_the_row(
    demo_session: tuple[Session, Events, ThreadedSimulator],
) -> None:
    session, events, simulator = demo_session
    new = message(simulator.endpoint_url)

    stored = session.send(new)

    assert stored.status is MessageStatus.QUEUED  # in the outbox before any attempt
    await wait_for(lambda: bool(events.outcomes))
    assert events.outcomes[0].message_id == new.message_id
    assert events.outcomes[0].status is MessageStatus.ACCEPTED
    await wait_for(lambda: bool(session.store.receipts(new.message_id)))
    await wait_for(lambda: new.message_id in events.changed)
    settled = session.store.get_message(new.message_id)
    assert settled is not None
    assert settled.state is not None


async def test_listener_url_is_reported_and_receives_on_loopback(
    demo_session: tuple[Session, Events, ThreadedSimulator],
) -> None:
    session, events, _ = demo_session

    assert events.listener[-1].running
    url = events.listener[-1].url
    assert url is not None
    assert url.startswith("http://127.0.0.1:")
    token = load_settings(settings_path(session.data_dir)).listener.path_token
    assert token
    assert url.endswith(f"/{token}")


async def test_a_listener_on_a_port_chosen_at_start_keeps_it_through_a_restart(
    demo_session: tuple[Session, Events, ThreadedSimulator],
) -> None:
    # Saving a keyword restarts the listener: the URL given out (curl, the provider)
    # must stay right.
    session, events, _ = demo_session
    before = events.listener[-1].url
    assert before is not None

    state = await session.restart_listener()

    assert state.running
    assert state.url == before
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.post(before, data={"type": "receipt", "message_id": "x"})
    assert answer.status_code < 500


async def test_sending_without_credentials_is_refused_and_stores_nothing(data_dir: Path) -> None:
    session = Session(data_dir)
    await session.start()
    try:
        with pytest.raises(NotReady, match="no credentials"):
            session.send(message("http://127.0.0.1:9/httpapi/receiver"))
        assert session.store.count_messages() == 0
    finally:
        await session.close()


async def test_refused_message_raises_one_alert(data_dir: Path) -> None:
    with FakeProvider([Reaction("answer", result_code=2)]) as provider:
        session = Session(data_dir, notify_interval=0.02)
        events = Events(session)
        await session.start()
        await session.use_credentials(Credentials("acme", "pw-abcdef"))
        try:
            session.send(message(provider.url))
            await wait_for(lambda: bool(events.outcomes))
        finally:
            await session.close()

    assert events.outcomes[0].status is MessageStatus.FAILED
    assert [a.title for a in events.alerts] == ["Message not sent"]
    assert "+1 202-555-0100" in events.alerts[0].text


async def test_port_in_use_is_a_state_with_a_reason_not_a_crash(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        demo.prepare_settings(data_dir)
        path = settings_path(data_dir)
        settings = load_settings(path)

        save_settings(path, replace(settings, listener=replace(settings.listener, port=port)))
        session = Session(data_dir)
        try:
            state = await session.start()
        finally:
            await session.close()

    assert not state.running
    assert state.error
    assert str(port) in state.error


async def test_quitting_does_not_wait_for_retries_of_an_account_set_aside(data_dir: Path) -> None:
    session = Session(data_dir, notify_interval=0.02)
    await session.start()
    await session.use_credentials(Credentials("acme", "pw-abcdef"))
    new = message("http://127.0.0.1:1/httpapi/receiver")  # nothing listens: retried in 30 s
    session.send(new)
    await wait_for(lambda: bool(session.store.attempts(new.message_id)))

    await session.use_credentials(Credentials("acme", "pw-changed"))

    assert session.sends_in_flight == 1  # quitting must still ask first
    await asyncio.wait_for(session.close(), 5)
    with SqliteStore(database_path(data_dir)) as store:
        kept = store.get_message(new.message_id)
    assert kept is not None
    assert kept.status.undecided  # still in the outbox for 'sms-console resume'


async def test_a_message_being_sent_is_held_until_quitting_lets_go_of_it(
    data_dir: Path,
) -> None:
    session = Session(data_dir, notify_interval=0.02)
    await session.start()
    await session.use_credentials(Credentials("acme", "pw-abcdef"))
    new = message("http://127.0.0.1:1/httpapi/receiver")  # nothing listens: retried in 30 s
    session.send(new)
    await wait_for(lambda: bool(session.store.attempts(new.message_id)))
    other = Claim("other-host:1:abcd", 60.0)
    with SqliteStore(database_path(data_dir)) as elsewhere:
        # Another console's resume leaves it alone while this one retries it.
        assert elsewhere.claim_undecided(other) == []

        await asyncio.wait_for(session.close(), 5)

        # Quitting let go of it: another console may finish it now, not a lease later.
        assert [m.message_id for m in elsewhere.claim_undecided(other)] == [new.message_id]


def test_demo_mode_refuses_a_folder_with_real_profiles(data_dir: Path) -> None:
    real = Profile(name="acme-prod", login="acme", senders=("12345",))
    path = settings_path(data_dir)
    save_settings(path, Settings(profiles=(real,), active="acme-prod"))
    before = path.read_bytes()

    with pytest.raises(SettingsError, match="holds real profiles \\(acme-prod\\)") as refused:
        demo.prepare_settings(data_dir)

    assert path.read_bytes() == before
    # It says the way out.
    assert "Start without --demo" in str(refused.value)
    assert "--data-dir" in str(refused.value)


def test_the_operators_changes_to_the_demo_profile_stay_for_the_next_demo(
    data_dir: Path,
) -> None:
    settings = demo.prepare_settings(data_dir)
    (profile,) = settings.profiles
    changed = replace(profile, max_attempts=6, default_region="GB", senders=("12345", "777"))
    save_settings(settings_path(data_dir), replace(settings, profiles=(changed,)))

    again = demo.prepare_settings(data_dir)

    (kept,) = again.profiles
    assert (kept.max_attempts, kept.default_region, kept.senders) == (6, "GB", ("12345", "777"))
    assert kept.login == demo.DEMO_LOGIN


def test_a_demo_folder_holds_the_demo_profile_only(data_dir: Path) -> None:
    # Nothing in a demo may point at the real provider.
    settings = demo.prepare_settings(data_dir)
    assert [p.name for p in settings.profiles] == [demo.DEMO_PROFILE]


async def test_receipts_that_end_messages_undelivered_alert_those_once(data_dir: Path) -> None:
    path = settings_path(data_dir)
    settings = load_settings(path)
    save_settings(path, replace(settings, listener=replace(settings.listener, port=0)))
    session = Session(data_dir, notify_interval=0.02)
    events = Events(session)
    state = await session.start()
    try:
        assert state.url is not None
        sent = [session.store.create_message(message("http://127.0.0.1:9/")) for _ in range(3)]
        # Undeliverable, delivered, rejected; then another receipt for the first.
        finals = [(sent[0], 5, 0), (sent[1], 2, 0), (sent[2], 8, 0), (sent[0], 5, 1)]
        async with httpx.AsyncClient() as client:
            for stored, final, code in finals:
                form = {"type": "receipt", "message_id": stored.message_id,
                        "message_state": str(final), "result_code": str(code)}  # fmt: skip
                assert (await client.post(state.url, data=form)).status_code == 200
        await wait_for(lambda: sum(len(a.message_ids) for a in events.alerts) >= 2)
        await asyncio.sleep(0.3)
    finally:
        await session.close()

    assert {a.title for a in events.alerts} == {"Not delivered"}
    alerted = [message_id for a in events.alerts for message_id in a.message_ids]
    assert sorted(alerted) == sorted([sent[0].message_id, sent[2].message_id])
    texts = {a.text for a in events.alerts}
    assert texts <= {
        "To +1 202-555-0100: Undeliverable",
        "To +1 202-555-0100: Rejected",
        "2 messages ended without delivery",
    }


async def test_messages_a_stopped_console_left_are_finished_at_start_with_their_ids(
    data_dir: Path,
) -> None:
    demo.prepare_settings(data_dir)
    simulator = await asyncio.to_thread(demo.start_simulator, None)
    settings = demo.with_endpoint(load_settings(settings_path(data_dir)), simulator.endpoint_url)
    save_settings(settings_path(data_dir), settings)
    left = message(simulator.endpoint_url)
    held = message(simulator.endpoint_url)
    other_profile = replace(message(simulator.endpoint_url), profile="other")
    stale = message(simulator.endpoint_url)
    with SqliteStore(database_path(data_dir)) as store:
        # Two days old: not sent by surprise ('resume' finishes it when asked).
        store.create_message(stale, now=time.time() - 2 * 86_400)
        # A console killed before sending: its lease ran out long ago.
        store.create_message(left, now=time.time() - 600, claim=Claim("gone:1:aa", 60.0))
        # One another console is sending right now.
        store.create_message(held, claim=Claim("busy:2:bb", 60.0))
        store.create_message(other_profile)
    session = Session(data_dir, notify_interval=0.02, recovery_interval=0.2)
    events = Events(session)
    try:
        await session.use_credentials(demo.demo_credentials())
        await wait_for(lambda: [m.message_id for m in events.outcomes] == [left.message_id])
        assert events.outcomes[0].status is MessageStatus.ACCEPTED
        await asyncio.sleep(0.5)  # looked at again: the others stay as they are
        assert [m.message_id for m in events.outcomes] == [left.message_id]
        still = session.store.get_message(held.message_id)
        assert still is not None
        assert still.status is MessageStatus.QUEUED
        other = session.store.get_message(other_profile.message_id)
        assert other is not None
        assert other.status is MessageStatus.QUEUED
        assert other.lease_owner is None
        old = session.store.get_message(stale.message_id)
        assert old is not None
        assert old.status is MessageStatus.QUEUED
        sent = [r["params"]["message_id"] for r in simulator.journal()["mt_requests"]]
        assert sent == [left.message_id]
    finally:
        await session.close()
        await asyncio.to_thread(simulator.stop)
