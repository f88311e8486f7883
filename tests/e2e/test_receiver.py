"""``sms-console receiver`` as a subprocess: start, callbacks, signals, and reliability drills."""

from __future__ import annotations

import asyncio
import base64
import json
import resource
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.store.models import NewMessage
from console.store.sqlite import SqliteStore
from tests.support.cli import cli_env, command, run_cli

TOKEN = "e2e-token-0123456789abcdef"


@contextmanager
def receiver(data_dir: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        command(data_dir, "receiver", "--port", "0", "--path-token", TOKEN, *args),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        assert line.startswith("listening "), process.stderr.read() if process.stderr else line
        yield process, line.split()[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def receipt(message_id: str, state: int = 2) -> dict[str, str]:
    return {
        "type": "receipt",
        "message_id": message_id,
        "message_state": str(state),
        "result_code": "0",
    }


def test_prints_one_listening_line_and_stops_cleanly_on_sigterm(data_dir: Path) -> None:
    with receiver(data_dir) as (process, url):
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith(f"/callbacks/{TOKEN}")
        assert httpx.post(url, data=receipt("a"), timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 0
        assert out == ""
        assert "Traceback" not in err


def test_token_is_generated_once_and_kept(data_dir: Path) -> None:
    urls = []
    for _ in range(2):
        process = subprocess.Popen(
            command(data_dir, "receiver", "--port", "0"),
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        urls.append(process.stdout.readline().split()[1])
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
        assert process.returncode == 0
    tokens = {url.rsplit("/", 1)[1] for url in urls}
    assert len(tokens) == 1
    assert len(tokens.pop()) >= 32


def test_port_in_use_is_reported_without_a_traceback(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(data_dir, "receiver", "--port", str(port))
    assert result.returncode == 3
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_allowlist_entry_is_named(data_dir: Path) -> None:
    result = run_cli(data_dir, "receiver", "--allow", "10.0.0.0/33")
    assert result.returncode == 2
    assert "'10.0.0.0/33' is not an address range" in result.stderr


def test_everything_acknowledged_shows_in_the_log(data_dir: Path) -> None:
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        store.create_message(
            NewMessage("sent-1", "default", "12025550100", "12345", "hi", "http://127.0.0.1:9/")
        )
    with receiver(data_dir) as (process, url):
        statuses = [
            httpx.post(url, data=body, timeout=5).status_code
            for body in (
                receipt("sent-1", 6),
                receipt("sent-1", 2),
                receipt("sent-1", 1),  # late, must not undo delivered
                receipt("sent-1", 2),  # redelivery
                receipt("unknown-1", 5),
                {
                    "type": "MO",
                    "message_id": "mo-1",
                    "shortcode": "12345",
                    "phone_number": "12025550100",
                    "message": "Thanks!",
                },
            )
        ]
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert statuses == [200] * 6
    entries = {
        e["message_id"]: e
        for e in map(json.loads, run_cli(data_dir, "log", "--json").stdout.splitlines())
    }
    assert entries["sent-1"]["state"] == 2
    assert [r["message_state"] for r in entries["sent-1"]["receipts"]] == [6, 2, 1]
    assert entries["unknown-1"]["kind"] == "orphan_receipt"
    assert entries["unknown-1"]["state"] == 5
    assert (entries["mo-1"]["direction"], entries["mo-1"]["text"]) == ("in", "Thanks!")


async def _hammer(url: str, prefix: str, acknowledged: list[str], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        counter = 0
        while not stop.is_set():
            counter += 1
            message_id = f"{prefix}-{counter}"
            try:
                response = await client.post(url, data=receipt(message_id))
            except httpx.HTTPError:
                return
            if response.status_code == 200:
                acknowledged.append(message_id)


def test_kill_9_under_load_loses_nothing_acknowledged(data_dir: Path) -> None:
    acknowledged: list[str] = []
    with receiver(data_dir) as (process, url):

        async def load() -> None:
            stop = asyncio.Event()
            workers = [
                asyncio.create_task(_hammer(url, f"w{i}", acknowledged, stop)) for i in range(16)
            ]
            await asyncio.sleep(3.0)
            process.send_signal(signal.SIGKILL)
            await asyncio.gather(*workers)

        asyncio.run(load())
    assert len(acknowledged) > 100
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        stored = {r.message_id for r in store.orphan_receipts()}
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged receipts lost"
    # And it starts again on the same store.
    with receiver(data_dir) as (_process, url):
        assert httpx.post(url, data=receipt("after-restart"), timeout=5).status_code == 200


FIELD_NAMES = [
    "type", "message_id", "message_state", "result_code", "app_id", "shortcode",
    "phone_number", "message", "mms_attachment[0].content", "mms_attachment[1].content_type",
    "carrier",
]  # fmt: skip
field_pairs = st.lists(
    st.tuples(
        st.sampled_from(FIELD_NAMES) | st.text(max_size=20),
        st.sampled_from(["receipt", "MO", "2", "-1", "99999999999", "%ff"]) | st.text(max_size=40),
    ),
    max_size=8,
)
garbage = st.one_of(st.binary(max_size=300), field_pairs.map(lambda f: urlencode(f).encode()))
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "multipart/form-data",
        "text/plain",
        "",
        "application/x-www-form-urlencoded; charset=latin-1",
    ]
)


# Ten thousand round trips take a minute on a quiet machine and three on a busy one.
@pytest.mark.timeout(420)
def test_ten_thousand_malformed_requests_never_get_a_5xx(data_dir: Path) -> None:
    statuses: dict[int, int] = {}
    with receiver(data_dir) as (process, url), httpx.Client(timeout=5) as client:

        @settings(
            max_examples=10_000,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            body=garbage,
            content_type=content_types,
            method=st.sampled_from(["POST", "POST", "POST", "GET", "PUT"]),
            path=st.sampled_from(["", "", "", "x", "/../x", "%00"]),
        )
        def fuzz(body: bytes, content_type: str, method: str, path: str) -> None:
            headers = {"content-type": content_type} if content_type else {}
            response = client.request(method, url + path, content=body, headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500

        fuzz()
        valid = client.post(url, data=receipt("still-works"))
        assert valid.status_code == 200
        assert process.poll() is None
    assert sum(statuses.values()) == 10_000
    assert statuses.get(400, 0) > 1000


def test_idle_half_open_connections_do_not_block_a_receipt(data_dir: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    idle: list[socket.socket] = []
    with receiver(data_dir) as (_process, url):
        host, port = url.split("//")[1].split("/")[0].split(":")
        try:
            for i in range(500):
                sock = socket.create_connection((host, int(port)), timeout=5)
                if i % 2:
                    # Half a request, never finished.
                    sock.sendall(b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n")
                idle.append(sock)
            started = time.monotonic()
            response = httpx.post(url, data=receipt("through"), timeout=5)
            elapsed = time.monotonic() - started
        finally:
            for sock in idle:
                sock.close()
    assert response.status_code == 200
    assert elapsed < 1.0


def test_refused_callbacks_can_be_inspected_raw(data_dir: Path) -> None:
    with receiver(data_dir) as (process, url):
        bad_text = httpx.post(url, content=b"type=receipt&message_state=2", timeout=5)
        bad_bytes = httpx.post(
            url,
            content=b"\xff\xfe\x00binary",
            headers={"content-type": "application/x-www-form-urlencoded"},
            timeout=5,
        )
        unknown_code = httpx.post(url, data={**receipt("odd"), "result_code": "4242"}, timeout=5)
        httpx.post(url, data=receipt("fine"), timeout=5).raise_for_status()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert (bad_text.status_code, bad_bytes.status_code, unknown_code.status_code) == (
        400,
        400,
        200,
    )
    listed = run_cli(data_dir, "quarantine", "--json")
    assert listed.returncode == 0
    newest, oldest = (json.loads(line) for line in listed.stdout.splitlines())
    assert oldest["body"] == "type=receipt&message_state=2"
    assert oldest["reason"] == "message_id is missing"
    assert oldest["source_address"] == "127.0.0.1"
    assert TOKEN not in oldest["target"]
    assert base64.b64decode(newest["body_base64"]) == b"\xff\xfe\x00binary"
    plain = run_cli(data_dir, "quarantine")
    assert "message_id is missing" in plain.stdout
    (odd,) = (
        json.loads(line)
        for line in run_cli(data_dir, "log", "--json").stdout.splitlines()
        if '"odd"' in line
    )
    assert odd["receipts"][0]["result_name"] == "Unknown code 4242"
    (fine,) = (
        json.loads(line)
        for line in run_cli(data_dir, "log", "--json").stdout.splitlines()
        if '"fine"' in line
    )
    # A receipt's 0 is its own "nothing went wrong", not the send's "queued".
    assert fine["receipts"][0]["result_name"] == "Success"
