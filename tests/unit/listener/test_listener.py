"""The listener over real HTTP on loopback, storing into a real SQLite file."""

from __future__ import annotations

import base64
import socket
import sqlite3
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from console.history import recent
from console.listener.config import ListenerConfig, parse_networks
from console.listener.intake import Change
from console.listener.server import CallbackListener, ListenerError, callback_store
from console.store.interface import MessageStore
from console.store.models import CallbackItem, NewMessage
from console.store.sqlite import SqliteStore
from tests.support.listener import TOKEN, running_listener

RECEIPT = {"type": "receipt", "message_id": "m-1", "message_state": "2", "result_code": "0"}


@pytest.fixture
def listener(data_dir: Path) -> Iterator[CallbackListener]:
    with running_listener(data_dir) as running:
        yield running


def post(url: str, data: dict[str, str] | None = None, **kwargs: object) -> httpx.Response:
    return httpx.post(url, data=data, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_receipt_is_acknowledged_and_stored(listener: CallbackListener, store: SqliteStore) -> None:
    response = post(listener.url, {**RECEIPT, "app_id": "crm", "conversation_id": "c-1"})
    assert (response.status_code, response.text.strip()) == (200, "OK")
    (kept,) = store.receipts("m-1")
    assert (kept.message_state, kept.result_code, kept.app_id, kept.conversation_id) == (
        2,
        0,
        "crm",
        "c-1",
    )
    assert kept.source_address == "127.0.0.1"
    assert "message_state=2" in kept.raw


def test_redelivery_is_acknowledged_and_counted_once(
    listener: CallbackListener, store: SqliteStore
) -> None:
    for _ in range(3):
        assert post(listener.url, RECEIPT).status_code == 200
    (kept,) = store.receipts("m-1")
    assert kept.redeliveries == 2


def test_reordered_receipts_keep_the_final_state(
    listener: CallbackListener, store: SqliteStore
) -> None:
    store.create_message(
        NewMessage("m-1", "default", "12025550100", "12345", "hi", "http://127.0.0.1:9/")
    )
    post(listener.url, {**RECEIPT, "message_state": "2"})
    post(listener.url, {**RECEIPT, "message_state": "1"})
    post(listener.url, {**RECEIPT, "message_state": "6"})
    message = store.get_message("m-1")
    assert message is not None
    assert message.state == 2
    assert [r.message_state for r in store.receipts("m-1")] == [2, 1, 6]


def test_orphan_receipt_is_acknowledged_and_linked_later(
    listener: CallbackListener, store: SqliteStore
) -> None:
    assert post(listener.url, {**RECEIPT, "message_id": "later"}).status_code == 200
    assert [r.message_id for r in store.orphan_receipts()] == ["later"]
    message = store.create_message(
        NewMessage("later", "default", "12025550100", "12345", "hi", "http://127.0.0.1:9/")
    )
    assert message.state == 2


def test_unknown_result_code_is_kept(listener: CallbackListener, store: SqliteStore) -> None:
    assert post(listener.url, {**RECEIPT, "result_code": "4242"}).status_code == 200
    assert store.receipts("m-1")[0].result_code == 4242


def test_reply_with_picture_is_stored_as_inbound(
    listener: CallbackListener, store: SqliteStore
) -> None:
    picture = b"\x89PNG\r\n\x1a\n-picture-"
    response = post(
        listener.url,
        {
            "type": "MO",
            "message_id": "mo-1",
            "shortcode": "12345",
            "phone_number": "12025550100",
            "carrier": "31",
            "message": "Here is the photo",
            "mms_attachment[0].content_type": "image/png",
            "mms_attachment[0].content": base64.b64encode(picture).decode(),
        },
    )
    assert response.status_code == 200
    (reply,) = store.replies("12025550100")
    assert (reply.body, reply.shortcode, reply.carrier) == ("Here is the photo", "12345", "31")
    assert reply.attachments[0].content == picture
    assert base64.b64encode(picture).decode() not in reply.raw
    entry = recent(store)[0]
    assert (entry.direction, entry.message_id, entry.text) == ("in", "mo-1", "Here is the photo")


def test_multipart_and_query_string_fields_are_accepted(
    listener: CallbackListener, store: SqliteStore
) -> None:
    files = {name: (None, value) for name, value in RECEIPT.items()}
    assert httpx.post(listener.url, files=files, timeout=5).status_code == 200
    query = "type=receipt&message_id=q-1&message_state=5&result_code=1"
    assert httpx.post(f"{listener.url}?{query}", timeout=5).status_code == 200
    assert store.receipts("m-1")[0].message_state == 2
    assert store.receipts("q-1")[0].message_state == 5


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"message_id=x&message_state=2", "application/x-www-form-urlencoded", "type is missing"),
        (b"type=receipt&message_state=2", "application/x-www-form-urlencoded", "message_id"),
        (b"type=receipt&message_id=x&message_state=9", None, "message_state must be 1 to 8"),
        (b"type=receipt&message_id=x&message_state=two", None, "message_state must be an int"),
        (b"type=receipt&message_id=x&message_state=2&result_code=0x1", None, "result_code"),
        (b"type=MO&message_id=x&phone_number=1", None, "shortcode is missing"),
        (b"type=receipt&message_id=\xff", "application/x-www-form-urlencoded", "not UTF-8"),
        (b'{"type": "receipt"}', "application/json", "unsupported content type"),
        (b"--x\r\ngarbage", "multipart/form-data; boundary=zz", "multipart"),
        (b"type=nonsense&message_id=x", None, "type must be receipt or MO"),
    ],
)
def test_malformed_callback_is_refused_with_a_reason_and_quarantined(
    listener: CallbackListener,
    store: SqliteStore,
    body: bytes,
    content_type: str | None,
    reason: str,
) -> None:
    headers = {"content-type": content_type or "application/x-www-form-urlencoded"}
    response = httpx.post(listener.url, content=body, headers=headers, timeout=5)
    assert response.status_code == 400
    assert reason in response.text
    (kept,) = store.quarantined()
    assert kept.body == body
    assert reason in kept.reason
    assert TOKEN not in kept.target


def test_wrong_path_method_and_size_are_refused(listener: CallbackListener) -> None:
    wrong_path = listener.url.replace(TOKEN, "guessed-token-guessed-token")
    assert post(wrong_path, RECEIPT).status_code == 404
    got = httpx.get(listener.url, timeout=5)
    assert got.status_code == 405
    assert got.headers["allow"] == "POST"
    big = b"type=receipt&message=" + b"x" * (9 * 1024 * 1024)
    assert httpx.post(listener.url, content=big, timeout=10).status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    assert httpx.post(listener.url, content=chunks(), timeout=10).status_code == 413


def test_too_large_a_body_is_refused_before_the_client_sends_it(
    listener: CallbackListener,
) -> None:
    assert listener.port is not None
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        sock.sendall(
            b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 99999999\r\nExpect: 100-continue\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(4096):  # and then the listener hangs up
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")  # no "100 Continue" first
    assert b"connection: close" in answer


def test_body_limit_is_configurable(data_dir: Path) -> None:
    with running_listener(data_dir, max_body=2048) as small:
        assert post(small.url, {**RECEIPT, "app_id": "a" * 3000}).status_code == 413
        assert post(small.url, RECEIPT).status_code == 200


def test_allowlist_refuses_other_addresses(data_dir: Path) -> None:
    with running_listener(data_dir, allow=parse_networks(["203.0.113.0/24"])) as guarded:
        response = post(guarded.url, RECEIPT)
    assert response.status_code == 403
    assert "forbidden" in response.text


def test_forwarded_address_is_believed_only_from_a_trusted_proxy(
    data_dir: Path, store: SqliteStore
) -> None:
    allow = parse_networks(["203.0.113.0/24"])
    with running_listener(data_dir, allow=allow) as untrusting:
        spoofed = post(untrusting.url, RECEIPT, headers={"x-forwarded-for": "203.0.113.5"})
    assert spoofed.status_code == 403
    proxies = parse_networks(["127.0.0.0/8"])
    with running_listener(data_dir, allow=allow, trusted_proxies=proxies) as behind_proxy:
        relayed = post(behind_proxy.url, RECEIPT, headers={"x-forwarded-for": "203.0.113.5"})
    assert relayed.status_code == 200
    assert store.receipts("m-1")[0].source_address == "203.0.113.5"


def test_https_with_certificate_files(data_dir: Path, tmp_path: Path) -> None:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    certificate.cert_chain_pems[0].write_to_path(str(cert_file))
    certificate.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    authority.configure_trust(context)
    with running_listener(data_dir, tls_cert=cert_file, tls_key=key_file) as secure:
        assert secure.url.startswith("https://")
        response = httpx.post(secure.url, data=RECEIPT, verify=context, timeout=5)
    assert response.status_code == 200


def test_port_in_use_is_a_plain_error(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        listener = CallbackListener(
            ListenerConfig(port=port, path_token=TOKEN),
            callback_store(data_dir / "messages.sqlite3"),
        )
        with pytest.raises(ListenerError, match=f"port {port} .* already in use"):
            listener.start_in_thread()


def test_stop_then_start_again_on_the_same_port(data_dir: Path, store: SqliteStore) -> None:
    with running_listener(data_dir) as first:
        port = first.port
        post(first.url, RECEIPT)
    assert port is not None
    with running_listener(data_dir, port=port) as second:
        assert second.port == port
        assert post(second.url, {**RECEIPT, "message_id": "m-2"}).status_code == 200
    assert len(store.orphan_receipts()) == 2


def test_storage_failure_is_answered_503_so_the_provider_retries(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: SqliteStore, items: list[CallbackItem]) -> list[bool]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SqliteStore, "stage_callbacks", broken)
    with running_listener(data_dir) as failing:
        response = post(failing.url, RECEIPT)
    assert response.status_code == 503


def test_committed_changes_are_reported_for_the_screen(data_dir: Path) -> None:
    seen: list[list[Change]] = []
    with running_listener(data_dir, on_changes=seen.append) as running:
        post(running.url, RECEIPT)
        post(running.url, RECEIPT)  # a redelivery changes nothing on screen
        post(running.url, {"type": "receipt"})
        post(running.url, {"type": "receipt"})  # the same again: refused again, counted again
        post(
            running.url,
            {"type": "MO", "message_id": "mo-9", "shortcode": "1", "phone_number": "2",
             "message": "hi"},
        )  # fmt: skip
    changes = [change for batch in seen for change in batch]
    assert [kind for kind, _ in changes] == ["receipt", "quarantine", "quarantine", "reply"]
    assert (changes[0], changes[3]) == (("receipt", "m-1"), ("reply", "mo-9"))
    assert changes[1] != changes[2]


def test_access_log_records_requests_without_the_token(
    listener: CallbackListener, data_dir: Path
) -> None:
    post(listener.url, RECEIPT)
    post(listener.url, {"type": "receipt"})
    listener.stop()
    lines = (data_dir / "listener-access.log").read_text().splitlines()
    assert len(lines) == 2
    assert " 200 " in lines[0]
    assert "receipt m-1" in lines[0]
    assert " 400 " in lines[1]
    assert all(TOKEN not in line for line in lines)


def test_a_client_too_slow_to_send_its_request_is_disconnected(data_dir: Path) -> None:
    with running_listener(data_dir, request_timeout=0.5) as guarded:
        assert guarded.port is not None
        with socket.create_connection(("127.0.0.1", guarded.port), timeout=5) as slow:
            slow.sendall(b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            assert slow.recv(100) == b""  # closed by the server, without an answer
            assert 0.3 < time.monotonic() - started < 3
        with socket.create_connection(("127.0.0.1", guarded.port), timeout=5) as silent:
            assert silent.recv(100) == b""
        # A prompt client on a kept-alive connection is not affected.
        with httpx.Client(timeout=5) as client:
            for _ in range(3):
                assert client.post(guarded.url, data=RECEIPT).status_code == 200
                time.sleep(0.3)


def test_the_listener_stores_through_the_store_it_is_handed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite3"
    opened_on: list[str] = []

    def open_elsewhere() -> MessageStore:
        opened_on.append(threading.current_thread().name)
        return callback_store(elsewhere)()

    listener = CallbackListener(ListenerConfig(port=0, path_token=TOKEN), open_elsewhere)
    listener.start_in_thread()
    try:
        assert post(listener.url, RECEIPT).status_code == 200
    finally:
        listener.stop()
    # Opened once, on the listener's own thread, where its connection is used.
    assert opened_on == ["callback-listener"]
    with SqliteStore(elsewhere) as store:
        assert [r.message_id for r in store.receipts("m-1")] == ["m-1"]


def test_uvicorns_start_and_stop_lines_are_not_logged(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    with running_listener(data_dir) as running:
        assert post(running.url, RECEIPT).status_code == 200
    said = [r.getMessage() for r in caplog.records if r.name.startswith("uvicorn")]
    assert not [line for line in said if "server process" in line], said
