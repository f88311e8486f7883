"""Group commit over a real SQLite file: who shares a transaction, and when answers come."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.listener.batching import BatchWriter, StorageUnavailable
from console.listener.intake import Delivery
from console.store.models import CallbackItem
from console.store.sqlite import SqliteStore

FORM = b"application/x-www-form-urlencoded"


class CountingStore(SqliteStore):
    """The real store, remembering the size of each transaction it was given."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, any_thread=True)  # commits come from the writer's thread
        self.transactions: list[int] = []

    def stage_callbacks(self, items: list[CallbackItem]) -> list[bool]:
        self.transactions.append(len(items))
        return super().stage_callbacks(items)


def receipt(message_id: str) -> Delivery:
    body = f"type=receipt&message_id={message_id}&message_state=2&result_code=0".encode()
    return Delivery(time.time(), "127.0.0.1", "POST", "/callbacks/<token>", b"", FORM, body, {})


@pytest.fixture
def counting(tmp_path: Path) -> Iterator[CountingStore]:
    store = CountingStore(tmp_path / "messages.sqlite3")
    yield store
    store.close()


@pytest.fixture
def writer(counting: CountingStore) -> Iterator[BatchWriter]:
    made = BatchWriter(counting)
    yield made
    made.close()  # its commit thread ends with the test


async def test_callbacks_arriving_together_share_one_transaction(
    counting: CountingStore, writer: BatchWriter
) -> None:
    verdicts = await asyncio.gather(*(writer.submit(receipt(f"m-{n}")) for n in range(100)))
    assert [v.status for v in verdicts] == [200] * 100
    assert counting.transactions == [100]
    assert len(counting.orphan_receipts()) == 100


async def passes_until_staged(store: CountingStore, transactions: int) -> int:
    passes = 0
    while len(store.transactions) < transactions:
        await asyncio.sleep(0)
        passes += 1
    return passes


async def test_a_lone_callback_is_committed_in_the_next_pass(
    counting: CountingStore, writer: BatchWriter
) -> None:
    lone = asyncio.create_task(writer.submit(receipt("alone")))
    assert await passes_until_staged(counting, 1) <= 3
    assert (await lone).status == 200  # answered once its commit is done
    assert counting.transactions == [1]
    assert [r.message_id for r in counting.orphan_receipts()] == ["alone"]


async def test_callbacks_arriving_during_a_commit_form_the_next_batch(
    counting: CountingStore, writer: BatchWriter
) -> None:
    first = asyncio.create_task(writer.submit(receipt("a")))
    await passes_until_staged(counting, 1)  # its commit is under way in the writer's thread
    later = [asyncio.create_task(writer.submit(receipt(f"b-{n}"))) for n in range(5)]
    assert [v.status for v in await asyncio.gather(first, *later)] == [200] * 6
    assert counting.transactions == [1, 5]


async def test_a_failed_commit_is_reported_to_every_callback_of_the_batch(
    counting: CountingStore, writer: BatchWriter
) -> None:
    counting.close()  # the file is gone from under the listener
    results = await asyncio.gather(
        *(writer.submit(receipt(f"m-{n}")) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, StorageUnavailable) for r in results)


async def test_an_unexpected_failure_answers_the_batch_instead_of_leaving_it_waiting(
    writer: BatchWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> CallbackItem:
        raise RuntimeError("a decoder bug")

    monkeypatch.setattr("console.listener.batching.interpret", broken)
    results = await asyncio.wait_for(
        asyncio.gather(
            *(writer.submit(receipt(f"m-{n}")) for n in range(3)), return_exceptions=True
        ),
        timeout=5,
    )
    assert all(isinstance(r, StorageUnavailable) for r in results)


async def test_a_commit_that_fails_in_the_writers_thread_answers_the_batch_503(
    counting: CountingStore, writer: BatchWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(store: SqliteStore) -> None:
        store._conn.execute("ROLLBACK")  # as SQLite does when a commit cannot be written
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(CountingStore, "commit_staged", disk_full)
        results = await asyncio.gather(
            *(writer.submit(receipt(f"m-{n}")) for n in range(3)), return_exceptions=True
        )
    assert all(isinstance(r, StorageUnavailable) for r in results)
    assert counting.orphan_receipts() == []
    assert (await writer.submit(receipt("after"))).status == 200


async def test_a_lone_callback_not_stored_is_logged_as_one(
    counting: CountingStore, writer: BatchWriter, caplog: pytest.LogCaptureFixture
) -> None:
    counting.close()
    with pytest.raises(StorageUnavailable):
        await writer.submit(receipt("alone"))
    logged = [r.getMessage() for r in caplog.records if r.name == "console.listener.batching"]
    assert logged
    assert logged[0].startswith("could not store 1 callback")
    assert "1 callbacks" not in logged[0]
