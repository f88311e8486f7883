"""The window's session records who did what: each message it sends carries the operator
and host, and the audit trail gets its sends, resends, retries and settings changes."""

from __future__ import annotations

import getpass
import socket
from dataclasses import replace
from pathlib import Path

from console.identity import RunOperator
from console.keychain import Credentials
from console.session import Session
from console.store.models import MessageStatus
from tests.support.provider import FakeProvider, Reaction
from tests.unit.test_session import Events, message, wait_for


async def test_sends_and_resends_carry_the_operator_and_are_audited(data_dir: Path) -> None:
    with FakeProvider([Reaction("answer"), Reaction("answer")]) as provider:
        session = Session(data_dir, notify_interval=0.02)
        events = Events(session)
        await session.start()
        session.save_settings(replace(session.settings, operator_name="alice"))
        await session.use_credentials(Credentials("acme", "pw-abcdef"))
        try:
            first = message(provider.url)
            session.send(first)
            copy = message(provider.url)
            session.send(copy, copy_of=first.message_id)
            await wait_for(lambda: len(events.outcomes) == 2)
            stored = session.store.get_message(copy.message_id)
            trail = session.store.audit()
        finally:
            await session.close()

    assert stored is not None
    assert (stored.operator, stored.host) == ("alice", socket.gethostname())
    assert [(e.operator, e.action, e.message_id, e.detail) for e in trail] == [
        ("alice", "resend", copy.message_id, f"copy of {first.message_id}"),
        ("alice", "send", first.message_id, ""),
        ("alice", "settings", None, "changed operator_name"),
    ]
    assert {e.host for e in trail} == {socket.gethostname()}


async def test_without_a_name_the_operator_is_the_systems_user(data_dir: Path) -> None:
    with FakeProvider([Reaction("answer")]) as provider:
        session = Session(data_dir, notify_interval=0.02)
        events = Events(session)
        await session.start()
        await session.use_credentials(Credentials("acme", "pw-abcdef"))
        try:
            new = message(provider.url)
            session.send(new)
            await wait_for(lambda: bool(events.outcomes))
            stored = session.store.get_message(new.message_id)
        finally:
            await session.close()

    assert stored is not None
    assert stored.operator == getpass.getuser()


async def test_a_retry_with_the_same_id_is_audited(data_dir: Path) -> None:
    script = [Reaction("answer", result_code=6), Reaction("answer")]
    with FakeProvider(script) as provider:
        session = Session(data_dir, notify_interval=0.02)
        events = Events(session)
        await session.start()
        settings = replace(session.settings, operator_name="bob")
        profile = replace(settings.profile(), max_attempts=1)
        session.save_settings(replace(settings, profiles=(profile,)))
        await session.use_credentials(Credentials("acme", "pw-abcdef"))
        try:
            new = message(provider.url)
            session.send(new)
            await wait_for(lambda: bool(events.outcomes))
            assert events.outcomes[0].status is MessageStatus.FAILED
            session.retry(new.message_id)
            await wait_for(lambda: len(events.outcomes) == 2)
            trail = session.store.audit()
        finally:
            await session.close()

    assert events.outcomes[1].status is MessageStatus.ACCEPTED
    assert [(e.operator, e.action, e.message_id) for e in trail[:2]] == [
        ("bob", "retry", new.message_id),
        ("bob", "send", new.message_id),
    ]
    assert trail[2].detail == "changed operator_name, profile 'default'.max_attempts"


async def test_the_runs_operator_takes_the_settings_place(data_dir: Path) -> None:
    script = [Reaction("answer", result_code=6), Reaction("answer")]
    with FakeProvider(script) as provider:
        session = Session(
            data_dir, notify_interval=0.02, operator=RunOperator("alice", "--operator")
        )
        events = Events(session)
        await session.start()
        settings = replace(session.settings, operator_name="bob")
        profile = replace(settings.profile(), max_attempts=1)
        session.save_settings(replace(settings, profiles=(profile,)))
        await session.use_credentials(Credentials("acme", "pw-abcdef"))
        try:
            new = message(provider.url)
            session.send(new)
            await wait_for(lambda: bool(events.outcomes))
            session.retry(new.message_id)
            await wait_for(lambda: len(events.outcomes) == 2)
            stored = session.store.get_message(new.message_id)
            trail = session.store.audit()
        finally:
            await session.close()

    assert stored is not None
    assert stored.operator == "alice"
    assert [(e.operator, e.action) for e in trail] == [
        ("alice", "retry"),
        ("alice", "send"),
        ("alice", "settings"),
    ]


async def test_a_settings_change_names_the_settings_never_their_values(data_dir: Path) -> None:
    session = Session(data_dir)
    try:
        first = replace(session.settings.listener, path_token="first-path-token-0123456789ab")
        # The first token is the program's own making: not the operator's change.
        session.save_settings(replace(session.settings, listener=first))
        assert session.store.audit() == []
        token = "s3cret-path-token-0123456789abcdef"
        session.save_settings(
            replace(session.settings, listener=replace(first, path_token=token, port=9999))
        )
        session.save_settings(session.settings)  # nothing changed: nothing recorded
        trail = session.store.audit()
    finally:
        await session.close()

    (entry,) = trail
    assert entry.action == "settings"
    assert entry.detail == "changed listener.port, listener.path_token"
    assert token not in entry.detail
    assert "9999" not in entry.detail
