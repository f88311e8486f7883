"""``sms-console log`` shows a customer's reply without letting it drive the terminal."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from console.store.models import IncomingReceipt, IncomingReply
from console.store.sqlite import SqliteStore
from tests.support.cli import cli_env, command, run_cli

# Retitle the window, clear the screen, then lines of its own, and an 8-bit CSI sequence.
BODY = "hi\x1b]0;pwned\x07\x1b[2J\r\nforged\u2028\x9b0m"
NUMBER = "+1202\x1b[8m5550100"


def test_plain_output_escapes_control_characters_of_a_reply(data_dir: Path) -> None:
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        store.add_reply(
            IncomingReply(
                message_id="mo-1",
                shortcode="12345",
                phone_number=NUMBER,
                carrier=None,
                body=BODY,
                received_at=time.time(),
                source_address="127.0.0.1",
                raw="",
            )
        )

    result = run_cli(data_dir, "log")

    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert "\x1b" not in result.stdout
    assert "\x9b" not in result.stdout
    assert "\r" not in result.stdout
    assert "  +1202\\x1b[8m5550100  " in line
    # A line break becomes a space; every other control character is shown.
    assert line.endswith("  mo-1  hi\\x1b]0;pwned\\x07\\x1b[2J forged \\x9b0m")

    as_json = run_cli(data_dir, "log", "--json")
    assert json.loads(as_json.stdout)["text"] == BODY


def test_receipts_for_a_message_we_never_sent_are_one_entry_with_the_state_rule(
    data_dir: Path,
) -> None:
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        # A late "En route" (another of its kind) after "Delivered".
        for at, state, code in ((1.0, 1, 0), (2.0, 2, 0), (3.0, 1, None)):
            store.add_receipt(
                IncomingReceipt("ext-7", state, code, time.time() + at, "127.0.0.1", "type=r")
            )

    result = run_cli(data_dir, "log", "--json")

    assert result.returncode == 0, result.stderr
    (entry,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (entry["message_id"], entry["state_name"]) == ("ext-7", "Delivered")
    assert len(entry["receipts"]) == 3
    plain = run_cli(data_dir, "log").stdout.splitlines()
    assert len(plain) == 1
    assert "Delivered" in plain[0]


def test_a_reader_that_stops_early_ends_the_listing_quietly(data_dir: Path) -> None:
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        for n in range(1500):  # well past a pipe's buffer
            store.add_reply(
                IncomingReply(f"mo-{n}", "12345", "12025550100", None, "Thanks " * 5,
                              time.time(), "127.0.0.1", "")
            )  # fmt: skip

    # As `sms-console log | head -1` does.
    with subprocess.Popen(
        command(data_dir, "log", "--limit", "1500"),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as reader:
        assert reader.stdout is not None
        assert reader.stdout.readline()
        reader.stdout.close()
        assert reader.stderr is not None
        errors = reader.stderr.read()
        returncode = reader.wait(60)

    assert returncode == 0
    assert b"Traceback" not in errors
    assert b"BrokenPipe" not in errors
