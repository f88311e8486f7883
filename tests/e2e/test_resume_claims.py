"""Two ``sms-console resume`` processes at once on one shared store: each undecided
message is sent by one of them, once, and never by both at the same moment."""

from __future__ import annotations

import subprocess
from pathlib import Path

from console.store.models import MessageStatus
from console.store.postgres import PostgresStore
from tests.support.cli import cli_env, command, unpaced
from tests.support.counting_provider import CountingProvider
from tests.unit.store.test_store_contract import new_message

MESSAGES = 200


def test_two_resumes_at_once_send_each_message_once(postgres_url: str, tmp_path: Path) -> None:
    ids = [f"race-{i:04d}" for i in range(MESSAGES)]
    # A delay per answer long enough that neither process can finish alone before the
    # other has started (200 messages, 4 at a time: 5 s).
    with CountingProvider(delay=0.1) as provider:
        with PostgresStore(postgres_url) as store:
            for message_id in ids:
                store.create_message(new_message(message_id, endpoint=provider.url))
        runs = [
            subprocess.Popen(
                command(
                    unpaced(tmp_path / f"console{i}"),
                    "--store",
                    postgres_url,
                    "resume",
                    "--endpoint",
                    provider.url,
                    "--retry-wait",
                    "0.1",
                ),
                env=cli_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]

    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    resumed = [
        {line.removeprefix("resuming ") for line in out.splitlines() if line.startswith("resuming")}
        for out, _err in outputs
    ]
    assert resumed[0].isdisjoint(resumed[1])
    assert resumed[0] | resumed[1] == set(ids)
    assert all(resumed), "one process sent everything: no race was run"
    assert provider.requests == dict.fromkeys(ids, 1)
    assert provider.accepted == dict.fromkeys(ids, 1)
    assert max(provider.max_in_flight.values()) == 1
    with PostgresStore(postgres_url) as store:
        left = store.undecided()
        statuses = {store.get_message(i).status for i in ids}  # type: ignore[union-attr]
    assert left == []
    assert statuses == {MessageStatus.ACCEPTED}
