"""Who did what from the command line: ``--operator``, ``SMS_CONSOLE_OPERATOR`` and the
settings name the operator of each message sent; ``log`` shows it and ``audit`` lists the
sends. Real processes: the simulator, the receiver and ``sms-console send``."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.paths import settings_path
from console.settings import Settings, save_settings
from tests.conftest import PASSWORD
from tests.e2e.test_send_with_simulator import serving
from tests.support.cli import LOGIN, cli_env, run_cli


@pytest.fixture
def endpoint(data_dir: Path) -> Iterator[str]:
    with (
        serving(data_dir, "receiver", "--port", "0") as callback_url,
        serving(
            data_dir, "simulator", "--port", "0", "--login", LOGIN, "--password", PASSWORD,
            "--sender", "12345", "--callback-url", callback_url,
        ) as simulator_url,
    ):  # fmt: skip
        yield f"{simulator_url}/httpapi/receiver"


def send(data_dir: Path, endpoint: str, *before: str, env: dict[str, str] | None = None) -> str:
    result = run_cli(
        data_dir,
        *before,
        "send",
        "--to",
        "+1 202 555 0100",
        "--sender",
        "12345",
        "--text",
        "Your order has shipped",
        "--endpoint",
        endpoint,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[1]  # "message_id <id>"


def test_the_operator_comes_from_the_option_the_environment_or_the_settings(
    data_dir: Path, endpoint: str
) -> None:
    save_settings(settings_path(data_dir), Settings(operator_name="dana"))
    by_setting = send(data_dir, endpoint)
    by_env = send(data_dir, endpoint, env=cli_env(SMS_CONSOLE_OPERATOR="bob"))
    by_option = send(
        data_dir, endpoint, "--operator", "carol", env=cli_env(SMS_CONSOLE_OPERATOR="bob")
    )

    logged = run_cli(data_dir, "log", "--json")
    plain = run_cli(data_dir, "log")

    assert logged.returncode == 0, logged.stderr
    entries = {e["message_id"]: e for e in map(json.loads, logged.stdout.splitlines())}
    assert entries[by_setting]["operator"] == "dana"
    assert entries[by_env]["operator"] == "bob"
    assert entries[by_option]["operator"] == "carol"
    assert {e["host"] for e in entries.values()} == {socket.gethostname()}
    lines = plain.stdout.splitlines()
    assert f"  carol         {by_option}  Your order" in lines[0]
    assert f"  dana          {by_setting}  Your order" in lines[2]


def test_log_mine_lists_only_the_operators_own_messages(data_dir: Path, endpoint: str) -> None:
    alice = [send(data_dir, endpoint, "--operator", "alice") for _ in range(2)]
    bob = send(data_dir, endpoint, "--operator", "bob")

    as_alice = run_cli(data_dir, "--operator", "alice", "log", "--mine", "--json")
    as_bob = run_cli(data_dir, "log", "--mine", env=cli_env(SMS_CONSOLE_OPERATOR="bob"))
    as_carol = run_cli(data_dir, "--operator", "carol", "log", "--mine", "--json")

    assert as_alice.returncode == 0, as_alice.stderr
    assert [json.loads(line)["message_id"] for line in as_alice.stdout.splitlines()] == alice[::-1]
    assert [bob in line for line in as_bob.stdout.splitlines()] == [True]
    assert (as_carol.returncode, as_carol.stdout) == (0, "")


def test_audit_lists_each_send_newest_first(data_dir: Path, endpoint: str) -> None:
    first = send(data_dir, endpoint, "--operator", "alice")
    second = send(data_dir, endpoint, "--operator", "Bob Jones")

    listed = run_cli(data_dir, "audit", "--json")
    newest = run_cli(data_dir, "audit", "--json", "--limit", "1")
    recent = run_cli(data_dir, "audit", "--since", "1h")
    future = run_cli(data_dir, "audit", "--json", "--since", "2999-01-01T00:00")

    assert listed.returncode == 0, listed.stderr
    entries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(e["operator"], e["action"], e["message_id"]) for e in entries] == [
        ("Bob Jones", "send", second),
        ("alice", "send", first),
    ]
    assert entries[0]["host"] == socket.gethostname()
    assert entries[0]["at"] >= entries[1]["at"]
    assert [json.loads(line)["message_id"] for line in newest.stdout.splitlines()] == [second]
    assert f"Bob Jones     {socket.gethostname()}" in recent.stdout.splitlines()[0]
    assert future.stdout == ""


def test_a_blank_operator_is_refused(data_dir: Path) -> None:
    blank = run_cli(data_dir, "--operator", " ", "log")

    assert blank.returncode == 2
    assert "an operator name cannot be blank" in blank.stderr


def test_the_shared_store_keeps_the_operator_and_the_audit_trail(
    data_dir: Path, endpoint: str, postgres_url: str
) -> None:
    sent = send(
        data_dir, endpoint, "--store", postgres_url, env=cli_env(SMS_CONSOLE_OPERATOR="pat")
    )

    logged = run_cli(data_dir, "--store", postgres_url, "log", "--json")
    listed = run_cli(data_dir, "--store", postgres_url, "audit", "--json")

    assert logged.returncode == 0, logged.stderr
    (entry,) = map(json.loads, logged.stdout.splitlines())
    assert (entry["message_id"], entry["operator"]) == (sent, "pat")
    assert entry["host"] == socket.gethostname()
    (audited,) = map(json.loads, listed.stdout.splitlines())
    assert (audited["operator"], audited["action"], audited["message_id"]) == ("pat", "send", sent)
