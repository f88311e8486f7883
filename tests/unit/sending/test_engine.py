from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from console.keychain import Credentials
from console.protocol.mt_request import Attachment, HttpMethod, InvalidRequest
from console.sending.engine import INTERRUPTED, EngineSettings, SendingEngine, open_engine
from console.sending.policy import RetrySettings
from console.store.models import (
    AttemptResult,
    Decision,
    MessageStatus,
    NewMessage,
)
from console.store.sqlite import SqliteStore
from tests.conftest import PASSWORD
from tests.support.provider import Captured, FakeProvider, Reaction

FAST = EngineSettings(retry=RetrySettings(wait=0.05, max_attempts=4))


def message(endpoint: str, message_id: str = "id-1", **changes: object) -> NewMessage:
    fields: dict[str, object] = {
        "message_id": message_id,
        "profile": "default",
        "phone_number": "12025550100",
        "sender": "12345",
        "body": "Hello",
        "endpoint": endpoint,
    }
    fields.update(changes)
    return NewMessage(**fields)  # type: ignore[arg-type]


async def send(
    store: SqliteStore,
    credentials: Credentials,
    new: NewMessage,
    settings: EngineSettings = FAST,
) -> MessageStatus:
    async with open_engine(store, credentials, settings, request_timeout=2.0) as engine:
        return (await engine.send(new)).status


async def test_message_is_stored_before_the_request_leaves(
    store: SqliteStore, credentials: Credentials
) -> None:
    seen: list[str] = []

    def check_store(captured: Captured) -> None:
        # A separate connection, as a crash-surviving reader would have.
        conn = sqlite3.connect(store.path)
        try:
            row = conn.execute(
                "SELECT status FROM messages WHERE message_id = ?", (captured.field("message_id"),)
            ).fetchone()
        finally:
            conn.close()
        seen.append(row[0] if row else "missing")

    with FakeProvider(on_request=check_store) as provider:
        status = await send(store, credentials, message(provider.url))
    assert status is MessageStatus.ACCEPTED
    assert seen == ["sending"]


async def test_request_carries_the_spec_fields_as_a_form_post(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    photo = Attachment("image/png", b"\x89PNG\r\n\x1a\n\x00\x01", "p.png")
    await send(store, credentials, message(provider.url, app_id="crm", attachments=(photo,)))
    (request,) = provider.requests
    assert request.method == "POST"
    assert request.query == ""
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(request.fields) == {
        "login": "acme",
        "password": PASSWORD,
        "phone_number": "12025550100",
        "sender": "12345",
        "message": "Hello",
        "message_id": "id-1",
        "receipt": "TRUE",
        "app_id": "crm",
        "mms_attachment[0].content_type": "image/png",
        "mms_attachment[0].content": "iVBORw0KGgoAAQ==",
    }


async def test_get_profile_puts_the_fields_in_the_query(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    await send(store, credentials, message(provider.url, method=HttpMethod.GET))
    (request,) = provider.requests
    assert request.method == "GET"
    assert request.body == b""
    assert dict(request.fields)["message_id"] == "id-1"
    assert dict(request.fields)["password"] == PASSWORD


@pytest.mark.parametrize("code", [6, 98])
async def test_retryable_codes_are_retried_with_the_same_id(
    store: SqliteStore, credentials: Credentials, code: int
) -> None:
    script = [Reaction("answer", result_code=code), Reaction("answer", result_code=code)]
    with FakeProvider(script) as provider:
        started = time.monotonic()
        status = await send(store, credentials, message(provider.url))
        elapsed = time.monotonic() - started
    assert status is MessageStatus.ACCEPTED
    assert [r.field("message_id") for r in provider.requests] == ["id-1"] * 3
    assert elapsed >= 2 * FAST.retry.wait
    assert [a.result_code for a in store.attempts("id-1")] == [code, code, 0]


@pytest.mark.parametrize("code", [1, 2, 3, 4, 5, 8, 99])
async def test_refusals_are_not_retried(
    store: SqliteStore, credentials: Credentials, code: int
) -> None:
    with FakeProvider([Reaction("answer", result_code=code)]) as provider:
        status = await send(store, credentials, message(provider.url))
    assert status is MessageStatus.FAILED
    assert len(provider.requests) == 1
    stored = store.get_message("id-1")
    assert stored is not None
    assert stored.result_code == code


async def test_dropped_connection_then_duplicate_means_accepted_once(
    store: SqliteStore, credentials: Credentials
) -> None:
    with FakeProvider([Reaction("drop")]) as provider:
        status = await send(store, credentials, message(provider.url))
    assert status is MessageStatus.ACCEPTED
    assert provider.accepted == ["id-1"]
    attempts = store.attempts("id-1")
    assert [a.outcome_known for a in attempts] == [False, True]
    assert attempts[0].transport_error is not None
    assert "dropped" in attempts[0].transport_error
    assert attempts[1].result_code == 7


async def test_duplicate_on_first_attempt_is_shown_as_a_reused_id(
    store: SqliteStore, credentials: Credentials
) -> None:
    with FakeProvider([Reaction("answer", result_code=7)]) as provider:
        status = await send(store, credentials, message(provider.url))
    assert status is MessageStatus.NEEDS_OPERATOR
    assert len(provider.requests) == 1


async def test_server_errors_are_retried_until_the_attempts_run_out(
    store: SqliteStore, credentials: Credentials
) -> None:
    with FakeProvider([Reaction("http_error", http_status=503)] * 10) as provider:
        status = await send(store, credentials, message(provider.url))
    assert len(provider.requests) == FAST.retry.max_attempts
    # A 5xx may come from a gateway that passed the request on: the outcome is unsure.
    assert status is MessageStatus.NEEDS_OPERATOR


async def test_unreachable_endpoint_fails_after_every_attempt(
    store: SqliteStore, credentials: Credentials
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status = await send(store, credentials, message(f"http://127.0.0.1:{port}/httpapi/receiver"))
    assert status is MessageStatus.FAILED
    attempts = store.attempts("id-1")
    assert len(attempts) == FAST.retry.max_attempts
    assert all(a.transport_error and "could not connect" in a.transport_error for a in attempts)


async def test_slow_answer_times_out_and_is_resent(
    store: SqliteStore, credentials: Credentials
) -> None:
    with FakeProvider([Reaction("slow", delay=1.0, result_code=0)]) as provider:
        async with httpx.AsyncClient(timeout=0.3) as client:
            engine = SendingEngine(store, client, credentials, FAST)
            result = await engine.send(message(provider.url))
    assert result.status is MessageStatus.ACCEPTED
    first, second = store.attempts("id-1")
    assert first.transport_error is not None
    # In words, without the I/O library's cancellation ("Cancelled via cancel scope …").
    assert first.transport_error == "no answer in time (the message may have been accepted)"
    assert second.result_code == 7


async def test_invalid_message_is_refused_before_anything_is_stored(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    with pytest.raises(InvalidRequest, match="sender"):
        await send(store, credentials, message(provider.url, sender=""))
    assert store.count_messages() == 0
    assert provider.requests == []


async def test_resume_sends_a_waiting_message_with_its_id(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    store.create_message(message(provider.url))
    number = store.begin_attempt("id-1", time.time())
    store.finish_attempt(
        "id-1",
        number,
        AttemptResult(finished_at=time.time(), http_status=200, result_code=98),
        Decision(MessageStatus.RETRY_WAIT, "later", retry_at=time.time() + 3600),
    )
    async with open_engine(store, credentials, FAST) as engine:
        done = await engine.deliver("id-1")
    assert done.status is MessageStatus.ACCEPTED
    assert [r.field("message_id") for r in provider.requests] == ["id-1"]


async def test_resume_after_a_crash_mid_request_trusts_a_duplicate_answer(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    store.create_message(message(provider.url))
    store.begin_attempt("id-1", time.time())  # the program died before the answer came
    provider.accepted.append("id-1")  # ...and the provider had taken it
    async with open_engine(store, credentials, FAST) as engine:
        done = await engine.deliver("id-1")
    assert done.status is MessageStatus.ACCEPTED
    first, second = store.attempts("id-1")
    assert first.transport_error == INTERRUPTED
    assert second.result_code == 7


async def test_many_messages_respect_the_rate(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    settings = EngineSettings(retry=FAST.retry, rate=40.0)
    started = time.monotonic()
    async with open_engine(store, credentials, settings) as engine:
        accepted = await engine.send_many(
            (message(provider.url, f"id-{i}") for i in range(20)), concurrency=4
        )
    elapsed = time.monotonic() - started
    assert accepted == 20
    assert sorted(provider.accepted) == sorted(f"id-{i}" for i in range(20))
    assert elapsed >= 19 / 40.0 * 0.95


async def test_password_is_nowhere_in_the_store(
    data_dir: Path, store: SqliteStore, credentials: Credentials
) -> None:
    with FakeProvider([Reaction("drop"), Reaction("http_error", http_status=500)]) as provider:
        await send(store, credentials, message(provider.url))
    store.close()
    assert files_containing(data_dir, PASSWORD.encode()) == []
    assert files_containing(data_dir, b"Secr3t") == []


def files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if needle in path.read_bytes()]
