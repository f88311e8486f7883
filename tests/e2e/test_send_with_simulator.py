"""The console against the simulator, end to end, with faults on: sender, provider, listener.

Real processes all the way: ``sms-console simulator`` with drops, internal errors and a
tight rate, ``sms-console receiver`` taking its receipts and replies, and several
``sms-console send`` runs at once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import PASSWORD
from tests.support.cli import LOGIN, cli_env, command, run_cli


@contextmanager
def serving(data_dir: Path, *args: str) -> Iterator[str]:
    process = subprocess.Popen(
        command(data_dir, *args),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        assert line.startswith("listening "), line
        yield line.split()[1]
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert PASSWORD not in err


def test_every_message_is_accepted_exactly_once_despite_faults(data_dir: Path) -> None:
    with (
        serving(data_dir, "receiver", "--port", "0") as callback_url,
        serving(
            data_dir, "simulator", "--port", "0", "--seed", "11", "--login", LOGIN,
            "--password", PASSWORD, "--sender", "12345", "--rate", "4",
            "--p-drop", "0.3", "--p-internal-error", "0.3", "--callback-url", callback_url,
            "--dr-delay", "0.05", "--p-reply", "1", "--final-weights", "delivered=1",
        ) as simulator_url,
    ):  # fmt: skip
        endpoint = f"{simulator_url}/httpapi/receiver"
        senders = [
            subprocess.Popen(
                command(
                    data_dir,
                    "send",
                    "--to",
                    f"1202555{i:04d}",
                    "--sender",
                    "12345",
                    "--text",
                    f"Order {i} has shipped",
                    "--endpoint",
                    endpoint,
                    "--retry-wait",
                    "0.3",
                    "--max-attempts",
                    "40",
                ),
                env=cli_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(8)
        ]
        results = [(p.wait(timeout=120), *p.communicate()) for p in senders]
        assert all(code == 0 for code, _out, _err in results), results
        sent_ids = {out.splitlines()[0].removeprefix("message_id ") for _code, out, _e in results}
        journal = httpx.get(f"{simulator_url}/simulator/journal", timeout=5).json()
        # Wait for every receipt and reply to reach the listener.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            entries = [
                json.loads(x) for x in run_cli(data_dir, "log", "--json").stdout.split("\n") if x
            ]
            delivered = {
                e["message_id"] for e in entries if e["direction"] == "out" and e["state"] == 2
            }
            replies = [e for e in entries if e["direction"] == "in" and e["kind"] == "reply"]
            if delivered == sent_ids and len(replies) >= len(sent_ids):
                break
            time.sleep(0.2)

    accepted = Counter(
        r["params"]["message_id"] for r in journal["mt_requests"] if r["result_code"] == 0
    )
    assert set(accepted) == sent_ids
    assert set(accepted.values()) == {1}
    codes = Counter(r["result_code"] for r in journal["mt_requests"])
    assert codes[7] >= 1, codes  # a dropped answer was resent and recognised
    assert codes[6] + codes[98] >= 1, codes  # throttling or internal errors were retried
    assert journal["totals"]["dropped"] >= 1

    outbound = [e for e in entries if e["direction"] == "out"]
    assert len(outbound) == len(sent_ids)
    assert all(e["status"] == "accepted" for e in outbound)
    assert delivered == sent_ids
    assert len(replies) >= len(sent_ids)
    assert {r["phone_number"] for r in replies} == {e["phone_number"] for e in outbound}
