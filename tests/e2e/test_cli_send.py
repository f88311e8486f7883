"""``sms-console send``, ``resume`` and ``log`` as subprocesses against a local provider."""

from __future__ import annotations

import base64
import getpass
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PASSWORD
from tests.support.cli import cli_env, command, run_cli
from tests.support.provider import FakeProvider, Reaction

# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_send_with_attachment_carries_exactly_the_spec_fields(
    tmp_path: Path, data_dir: Path, provider: FakeProvider
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    result = run_cli(
        data_dir,
        "send",
        "--to", "+1 (202) 555-0100",
        "--sender", "12345",
        "--text", "Voilà: your receipt & photo = 100%",
        "--attach", str(photo),
        "--endpoint", provider.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    message_id = lines[0].removeprefix("message_id ")
    assert "accepted" in lines[-1]
    (request,) = provider.requests
    assert (request.method, request.path, request.query) == ("POST", "/httpapi/receiver", "")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sorted(request.fields) == sorted(
        [
            ("login", "acme"),
            ("password", PASSWORD),
            ("phone_number", "12025550100"),
            ("sender", "12345"),
            ("message", "Voilà: your receipt & photo = 100%"),
            ("message_id", message_id),
            ("receipt", "TRUE"),
            ("mms_attachment[0].content_type", "image/png"),
            ("mms_attachment[0].content", base64.b64encode(PNG).decode()),
        ]
    )
    (entry,) = (
        json.loads(line) for line in run_cli(data_dir, "log", "--json").stdout.split("\n") if line
    )
    assert entry["attachments"] == 1


def test_send_options_map_to_their_spec_fields(data_dir: Path, provider: FakeProvider) -> None:
    result = run_cli(
        data_dir,
        "send",
        "--to", "12025550100",
        "--sender", "ACME",
        "--text", "hi",
        "--priority", "interactive",
        "--carrier", "31",
        "--no-receipt",
        "--app-id", "crm",
        "--conversation-id", "conv-7",
        "--endpoint", provider.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    fields = dict(provider.requests[0].fields)
    assert fields["priority"] == "INTERACTIVE"
    assert fields["carrier"] == "31"
    assert fields["receipt"] == "FALSE"
    assert (fields["app_id"], fields["conversation_id"]) == ("crm", "conv-7")


def test_dropped_connection_is_resent_with_the_same_id_and_ends_accepted(data_dir: Path) -> None:
    with FakeProvider([Reaction("drop")]) as provider:
        result = run_cli(
            data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
            "--endpoint", provider.url, "--retry-wait", "0.2",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ids = [r.field("message_id") for r in provider.requests]
    assert len(ids) == 2
    assert ids[0] == ids[1]
    assert provider.accepted == [ids[0]]
    assert "accepted" in result.stdout.splitlines()[-1]
    assert "dropped" in result.stderr


def test_retry_waits_between_attempts_and_stops_at_the_limit(data_dir: Path) -> None:
    script = [Reaction("answer", result_code=98)] * 5
    with FakeProvider(script) as provider:
        started = time.monotonic()
        result = run_cli(
            data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
            "--endpoint", provider.url, "--retry-wait", "0.3", "--max-attempts", "3",
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert len(provider.requests) == 3
    assert elapsed >= 0.6
    assert "Gave up after 3 attempts" in result.stdout


def test_refused_message_exits_nonzero_after_one_attempt(data_dir: Path) -> None:
    with FakeProvider([Reaction("answer", result_code=2)]) as provider:
        result = run_cli(
            data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
            "--endpoint", provider.url, "--retry-wait", "0.1",
        )  # fmt: skip
    assert result.returncode == 1
    assert len(provider.requests) == 1
    assert "Authentication failed" in result.stdout


def _status(data_dir: Path, message_id: str) -> str | None:
    conn = sqlite3.connect(data_dir / "messages.sqlite3")
    try:
        row = conn.execute(
            "SELECT status FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def test_killed_during_retry_wait_then_resume_gives_one_accepted_message(data_dir: Path) -> None:
    """The killed send's lease keeps the message from a resume until it runs out."""
    with FakeProvider([Reaction("drop")]) as provider:
        process = subprocess.Popen(
            command(
                data_dir,
                "send",
                "--to",
                "12025550100",
                "--sender",
                "1",
                "--text",
                "x",
                "--endpoint",
                provider.url,
                "--retry-wait",
                "60",
                "--lease",
                "2",
            ),
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        message_id = process.stdout.readline().strip().removeprefix("message_id ")
        deadline = time.monotonic() + 20
        while _status(data_dir, message_id) != "retry_wait":
            assert time.monotonic() < deadline, "send never reached its retry wait"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        process.communicate(timeout=10)

        held = run_cli(data_dir, "resume", "--endpoint", provider.url, "--retry-wait", "0.1")
        assert held.returncode == 0, held.stderr
        assert f"{message_id} is being sent by another program" in held.stdout
        assert len(provider.requests) == 1

        time.sleep(max(killed_at + 2.2 - time.monotonic(), 0))
        resumed = run_cli(
            data_dir, "--operator", "erin", "resume", "--endpoint", provider.url,
            "--retry-wait", "0.1",
        )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert f"{message_id} accepted" in resumed.stdout
    assert [r.field("message_id") for r in provider.requests] == [message_id, message_id]
    assert provider.accepted == [message_id]

    log = run_cli(data_dir, "log", "--json")
    entries = [json.loads(line) for line in log.stdout.splitlines()]
    assert [(e["message_id"], e["status"]) for e in entries] == [(message_id, "accepted")]
    audit = run_cli(data_dir, "audit", "--json")
    trail = [json.loads(line) for line in audit.stdout.splitlines()]
    assert [(e["operator"], e["action"], e["message_id"], e["detail"]) for e in trail] == [
        ("erin", "retry", message_id, "resume"),
        (getpass.getuser(), "send", message_id, ""),
    ]


def test_resume_with_nothing_undecided_says_so(data_dir: Path) -> None:
    result = run_cli(data_dir, "resume")
    assert result.returncode == 0
    assert result.stdout.strip() == "nothing to resume"


def test_log_json_has_the_documented_fields(data_dir: Path, provider: FakeProvider) -> None:
    run_cli(
        data_dir, "send", "--to", "12025550100", "--sender", "12345", "--text", "first",
        "--endpoint", provider.url, "--priority", "BULK",
    )  # fmt: skip
    run_cli(
        data_dir, "send", "--to", "447700900000", "--sender", "12345", "--text", "second",
        "--endpoint", provider.url,
    )  # fmt: skip
    result = run_cli(data_dir, "log", "--json")
    assert result.returncode == 0
    second, first = (json.loads(line) for line in result.stdout.splitlines())
    for entry in (first, second):
        assert entry["direction"] == "out"
        assert entry["status"] == "accepted"
        assert entry["result_code"] == 0
        assert entry["state"] is None
        assert entry["receipts"] == []
        assert entry["sender"] == "12345"
        assert entry["created_at"].endswith("+00:00")
    assert (first["phone_number"], first["priority"], first["text"]) == (
        "12025550100",
        "BULK",
        "first",
    )
    assert (second["phone_number"], second["priority"]) == ("447700900000", None)

    plain = run_cli(data_dir, "log")
    assert plain.stdout.splitlines()[0].split()[3] == "447700900000"


def test_unusable_number_is_refused_with_the_reason_and_nothing_is_stored(
    data_dir: Path, provider: FakeProvider
) -> None:
    result = run_cli(
        data_dir, "send", "--to", "12", "--sender", "1", "--text", "x", "--endpoint", provider.url
    )
    assert result.returncode == 2
    assert "too few digits" in result.stderr
    assert provider.requests == []
    assert run_cli(data_dir, "log", "--json").stdout == ""


def test_possible_but_unassigned_number_is_sent_with_a_warning(
    data_dir: Path, provider: FakeProvider
) -> None:
    result = run_cli(
        data_dir, "send", "--to", "447700900000", "--sender", "1", "--text", "x",
        "--endpoint", provider.url,
    )  # fmt: skip
    assert result.returncode == 0
    assert "not known to be an assigned number" in result.stderr
    assert provider.requests[0].field("phone_number") == "447700900000"


def test_missing_credentials_are_explained(data_dir: Path, provider: FakeProvider) -> None:
    env = cli_env()
    del env["SMS_CONSOLE_PASSWORD"]
    del env["SMS_CONSOLE_LOGIN"]
    result = run_cli(
        data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
        "--endpoint", provider.url, env=env,
    )  # fmt: skip
    assert result.returncode == 3
    assert "SMS_CONSOLE_PASSWORD" in result.stderr
    assert provider.requests == []


def test_missing_attachment_file_is_named(data_dir: Path, provider: FakeProvider) -> None:
    result = run_cli(
        data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
        "--attach", "/nonexistent/photo.png", "--endpoint", provider.url,
    )  # fmt: skip
    assert result.returncode == 2
    assert "/nonexistent/photo.png: no such file" in result.stderr


def test_attachment_of_no_type_an_mms_carries_is_refused_before_sending(
    tmp_path: Path, data_dir: Path, provider: FakeProvider
) -> None:
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(random.Random(7).randbytes(256 * 1024))
    result = run_cli(
        data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
        "--attach", str(fake), "--endpoint", provider.url,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{fake}: its content is not a picture, audio, video or document type" in result.stderr
    assert provider.requests == []


def test_data_dir_from_environment_holds_every_file(tmp_path: Path, provider: FakeProvider) -> None:
    target = tmp_path / "from-env"
    env = cli_env(SMS_CONSOLE_DATA_DIR=str(target))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "send",
            "--to",
            "12025550100",
            "--sender",
            "1",
            "--text",
            "x",
            "--endpoint",
            provider.url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in target.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "console.log",
        "messages.sqlite3",
    ]


def test_password_appears_in_no_output_and_no_file(tmp_path: Path, data_dir: Path) -> None:
    outputs: list[str] = []
    script = [Reaction("drop"), Reaction("http_error", http_status=503)]
    with FakeProvider(script) as provider:
        for extra in ([], ["--attach", str(tmp_path / "missing.png")]):
            result = run_cli(
                data_dir, "send", "--to", "12025550100", "--sender", "1", "--text", "x",
                "--endpoint", provider.url, "--retry-wait", "0.05", *extra,
            )  # fmt: skip
            outputs += [result.stdout, result.stderr]
    for args in (["log"], ["log", "--json"], ["resume"], ["--help"], ["send", "--help"]):
        result = run_cli(data_dir, *args)
        outputs += [result.stdout, result.stderr]
    assert any("accepted" in text for text in outputs)
    for text in outputs:
        assert PASSWORD not in text
    for path in data_dir.rglob("*"):
        assert PASSWORD.encode() not in path.read_bytes(), path


def test_help_describes_every_subcommand(data_dir: Path) -> None:
    top = run_cli(data_dir, "--help")
    assert top.returncode == 0
    for name in ("send", "resume", "log"):
        assert name in top.stdout
        sub = run_cli(data_dir, name, "--help")
        assert sub.returncode == 0
        assert f"sms-console {name}" in sub.stdout
    send_help = run_cli(data_dir, "send", "--help").stdout
    for option in ("--to", "--sender", "--text", "--priority", "--carrier", "--no-receipt",
                   "--app-id", "--conversation-id", "--attach", "--endpoint", "--profile",
                   "--retry-wait", "--max-attempts"):  # fmt: skip
        assert option in send_help


def test_profile_supplies_endpoint_login_region_and_method(
    data_dir: Path, provider: FakeProvider
) -> None:
    (data_dir / "profiles.json").write_text(
        json.dumps(
            {
                "version": 1,
                "active": "default",
                "profiles": [
                    {"name": "default"},
                    {
                        "name": "us-desk",
                        "endpoint": provider.url,
                        "login": "desk-login",
                        "default_region": "US",
                        "method": "GET",
                        "default_priority": "BULK_LOW",
                    },
                ],
            }
        )
    )
    env = cli_env()
    del env["SMS_CONSOLE_LOGIN"]
    result = run_cli(
        data_dir, "send", "--profile", "us-desk", "--to", "(202) 555-0100", "--sender", "1",
        "--text", "x", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (request,) = provider.requests
    assert request.method == "GET"
    fields = dict(request.fields)
    assert (fields["login"], fields["phone_number"], fields["priority"]) == (
        "desk-login",
        "12025550100",
        "BULK_LOW",
    )
    assert PASSWORD not in result.stdout + result.stderr
    assert PASSWORD not in (data_dir / "console.log").read_text()


def test_unknown_profile_is_a_clear_error(data_dir: Path) -> None:
    result = run_cli(data_dir, "send", "--profile", "nope", "--to", "1", "--sender", "1",
                     "--text", "x")  # fmt: skip
    assert result.returncode == 3
    assert "no profile named 'nope'" in result.stderr


def test_unusable_store_or_data_dir_is_one_plain_line(tmp_path: Path, data_dir: Path) -> None:
    (data_dir / "messages.sqlite3").write_bytes(b"this is not a database" * 100)
    corrupt = run_cli(data_dir, "log")
    assert corrupt.returncode == 3
    assert "cannot use the message store" in corrupt.stderr
    assert "Traceback" not in corrupt.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    unusable = run_cli(blocker / "data", "log")
    assert unusable.returncode == 3
    assert "cannot use the data directory" in unusable.stderr
    assert "Traceback" not in unusable.stderr


def test_sender_defaults_to_the_profiles_first(data_dir: Path, provider: FakeProvider) -> None:
    missing = run_cli(data_dir, "send", "--to", "12025550100", "--text", "x",
                      "--endpoint", provider.url)  # fmt: skip
    assert missing.returncode == 2
    assert "no --sender given" in missing.stderr
    (data_dir / "profiles.json").write_text(
        json.dumps({"version": 1, "profiles": [{"senders": ["ACME", "12345"]}]})
    )
    result = run_cli(data_dir, "send", "--to", "12025550100", "--text", "x",
                     "--endpoint", provider.url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert provider.requests[0].field("sender") == "ACME"
