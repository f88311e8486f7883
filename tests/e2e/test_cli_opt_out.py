"""Opt-out end to end, on both stores: a customer's STOP posted to a real
``sms-console receiver`` stops ``sms-console send`` before the provider is contacted,
START lets it through again, and ``suppression`` lists and changes the list by hand."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import count
from pathlib import Path

import httpx
import pytest

from console.paths import settings_path
from console.protocol.keywords import Keywords, text_back_id
from console.settings import Profile, Settings, save_settings
from tests.support.cli import cli_env, command, run_cli
from tests.support.counting_provider import CountingProvider

TOKEN = "optout-token-0123456789abcdef"
NUMBER = "447700900123"
OPTED_OUT = 5
_MO_IDS = count(1)


@pytest.fixture(params=["sqlite", "postgres"])
def store_args(request: pytest.FixtureRequest) -> list[str]:
    """The global options naming the store: the data folder's own, or a shared one."""
    if request.param == "sqlite":
        return []
    return ["--store", request.getfixturevalue("postgres_url")]


@contextmanager
def receiver(data_dir: Path, store_args: list[str]) -> Iterator[str]:
    """``sms-console receiver`` on a loopback port; its callback URL."""
    process = subprocess.Popen(
        command(data_dir, *store_args, "receiver", "--port", "0", "--path-token", TOKEN),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        assert line.startswith("listening "), process.stderr.read() if process.stderr else line
        yield line.split()[1]
    finally:
        process.terminate()
        process.communicate(timeout=30)


def post_mo(url: str, text: str, phone: str = NUMBER) -> str:
    """A customer's reply, as the provider posts it; its message_id."""
    message_id = f"mo-{next(_MO_IDS)}-{time.monotonic_ns()}"
    fields = {
        "type": "MO",
        "message_id": message_id,
        "shortcode": "12345",
        "phone_number": phone,
        "message": text,
    }
    answer = httpx.post(url, data=fields, timeout=10)
    assert answer.status_code == 200, answer.text
    return message_id


def send(
    data_dir: Path, store_args: list[str], provider: CountingProvider, to: str = "+44 7700 900123"
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        data_dir, *store_args, "send", "--to", to, "--sender", "12345", "--text", "Your order",
        "--endpoint", provider.url, "--retry-wait", "0.1",
    )  # fmt: skip


def listed(data_dir: Path, store_args: list[str], *extra: str) -> list[dict[str, object]]:
    result = run_cli(data_dir, *store_args, "suppression", "list", "--json", *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line]


def test_stop_refuses_sending_and_start_restores_it(data_dir: Path, store_args: list[str]) -> None:
    with receiver(data_dir, store_args) as url, CountingProvider() as provider:
        before = time.time()
        stop_id = post_mo(url, "stop ")

        refused = send(data_dir, store_args, provider)

        assert refused.returncode == OPTED_OUT, refused.stdout + refused.stderr
        assert "This customer opted out on" in refused.stderr
        assert "(STOP)" in refused.stderr
        assert sum(provider.requests.values()) == 0
        [entry] = listed(data_dir, store_args)
        assert entry["phone_number"] == NUMBER
        assert entry["keyword"] == "STOP"
        assert entry["reply_message_id"] == stop_id
        at = datetime.fromisoformat(str(entry["at"])).timestamp()
        assert before - 1 <= at <= time.time()

        post_mo(url, "Start")
        accepted = send(data_dir, store_args, provider)

        assert accepted.returncode == 0, accepted.stdout + accepted.stderr
        assert sum(provider.requests.values()) == 1
        assert listed(data_dir, store_args) == []
        history = listed(data_dir, store_args, "--history")
        assert [(e["action"], e["keyword"]) for e in history] == [
            ("removed", "START"),
            ("added", "STOP"),
        ]


def test_only_a_whole_keyword_opts_out(data_dir: Path, store_args: list[str]) -> None:
    with receiver(data_dir, store_args) as url, CountingProvider() as provider:
        post_mo(url, "Please don't stop, I like these")

        result = send(data_dir, store_args, provider)

        assert result.returncode == 0, result.stdout + result.stderr
        assert sum(provider.requests.values()) == 1
        assert listed(data_dir, store_args) == []


def test_a_number_added_by_hand_is_refused_with_its_reason(
    data_dir: Path, store_args: list[str]
) -> None:
    with CountingProvider() as provider:
        added = run_cli(
            data_dir, *store_args, "--operator", "alice", "suppression", "add",
            "+44 7700 900123", "--reason", "asked by phone",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr

        refused = send(data_dir, store_args, provider, to="0044 7700 900123")

        assert refused.returncode == OPTED_OUT
        assert "put on the opt-out list by alice" in refused.stderr
        assert "asked by phone" in refused.stderr
        assert sum(provider.requests.values()) == 0
        [entry] = listed(data_dir, store_args)
        assert (entry["phone_number"], entry["operator"], entry["reason"], entry["keyword"]) == (
            NUMBER,
            "alice",
            "asked by phone",
            None,
        )
        assert entry["host"]
        audit = run_cli(data_dir, *store_args, "audit", "--json")
        [record] = [json.loads(line) for line in audit.stdout.splitlines()]
        assert (record["action"], record["operator"]) == ("suppression", "alice")

        removed = run_cli(
            data_dir, *store_args, "--operator", "bob", "suppression", "remove", NUMBER,
            "--reason", "called back to opt in",
        )  # fmt: skip
        assert removed.returncode == 0, removed.stderr
        assert send(data_dir, store_args, provider).returncode == 0
        assert sum(provider.requests.values()) == 1
        [latest, _first] = listed(data_dir, store_args, "--history")
        assert (latest["action"], latest["operator"], latest["reason"]) == (
            "removed",
            "bob",
            "called back to opt in",
        )


def test_changes_by_hand_that_cannot_be_made_say_why(data_dir: Path, store_args: list[str]) -> None:
    blank = run_cli(data_dir, *store_args, "suppression", "add", NUMBER, "--reason", "  ")
    not_listed = run_cli(data_dir, *store_args, "suppression", "remove", NUMBER, "--reason", "x")
    bad_number = run_cli(data_dir, *store_args, "suppression", "add", "12ab", "--reason", "x")
    run_cli(data_dir, *store_args, "suppression", "add", NUMBER, "--reason", "first")
    twice = run_cli(data_dir, *store_args, "suppression", "add", NUMBER, "--reason", "again")

    assert blank.returncode != 0
    assert "--reason cannot be blank" in blank.stderr
    assert not_listed.returncode != 0
    assert "is not on the opt-out list" in not_listed.stderr
    assert bad_number.returncode != 0
    assert "not a usable phone number" in bad_number.stderr
    assert twice.returncode != 0
    assert "already on the opt-out list" in twice.stderr
    [entry] = listed(data_dir, store_args)
    assert entry["reason"] == "first"


def test_an_empty_list_says_so_apart_from_the_listing(
    data_dir: Path, store_args: list[str]
) -> None:
    empty = run_cli(data_dir, *store_args, "suppression", "list", "--json")
    one = run_cli(data_dir, *store_args, "suppression", "list", "--number", NUMBER)
    history = run_cli(data_dir, *store_args, "suppression", "list", "--history")

    assert (empty.returncode, empty.stdout) == (0, "")
    assert empty.stderr.strip() == "no number is on the opt-out list"
    assert (one.returncode, one.stdout) == (0, "")
    assert one.stderr.strip() == f"{NUMBER} is not on the opt-out list"
    assert history.stderr.strip() == "no change to the opt-out list yet"


def test_a_send_50_ms_after_a_stop_is_refused(data_dir: Path, store_args: list[str]) -> None:
    with receiver(data_dir, store_args) as url, CountingProvider() as provider:
        posted = threading.Thread(target=post_mo, args=(url, "STOP"))
        posted.start()
        time.sleep(0.05)

        result = send(data_dir, store_args, provider)
        posted.join()

        assert result.returncode == OPTED_OUT, result.stdout + result.stderr
        assert "opted out" in result.stderr
        assert sum(provider.requests.values()) == 0


def test_resume_sends_the_texts_back_and_nothing_else_to_the_number(
    data_dir: Path, store_args: list[str]
) -> None:
    with CountingProvider() as provider:
        keywords = Keywords(help_reply="Acme: call 0800 000 000", stop_confirmation="Bye.")
        profile = Profile(
            endpoint=provider.url, senders=("12345",), messages_per_second=None, keywords=keywords
        )
        save_settings(settings_path(data_dir), Settings(profiles=(profile,)))
        with receiver(data_dir, store_args) as url:
            help_id = post_mo(url, "Help", phone="12025550100")
            stop_id = post_mo(url, "STOP")
            post_mo(url, "Thanks!", phone="12025550111")

        resumed = run_cli(data_dir, *store_args, "resume", "--retry-wait", "0.1")

        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert set(provider.requests) == {text_back_id(help_id), text_back_id(stop_id)}
        assert provider.accepted[text_back_id(stop_id)] == 1
        assert run_cli(data_dir, *store_args, "resume").stdout.strip() == "nothing to resume"
        refused = send(data_dir, store_args, provider)
        assert refused.returncode == OPTED_OUT
        assert sum(provider.requests.values()) == 2
