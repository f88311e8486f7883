"""Group commit into a shared store over a real PostgreSQL server: batches are written off
the event loop, on two connections, so that one waiting for the server does not hold the
next back; a batch the server lost is answered 503, and the next one is stored (and the
log says so)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator

import pytest

from console.listener.batching import BatchWriter, StorageUnavailable
from console.listener.intake import Delivery
from console.store.models import CallbackItem
from console.store.postgres.live_connection import RECONNECT_INTERVAL
from console.store.postgres.store import PostgresStore
from tests.support.postgres_server import cut_off

FORM = b"application/x-www-form-urlencoded"


class HeldStore(PostgresStore):
    """The real store; its first batch waits until the test lets it go."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.release = threading.Event()
        self.batches: list[list[str]] = []

    def record_callbacks(self, items: list[CallbackItem]) -> list[bool]:
        self.batches.append([getattr(item, "message_id", "") for item in items])
        if len(self.batches) == 1:
            self.release.wait(10)
        return super().record_callbacks(items)


def receipt(message_id: str) -> Delivery:
    body = f"type=receipt&message_id={message_id}&message_state=2".encode()
    return Delivery(time.time(), "127.0.0.1", "POST", "/callbacks/<token>", b"", FORM, body, {})


@pytest.fixture
def stores(postgres_url: str) -> Iterator[tuple[HeldStore, PostgresStore]]:
    held, spare = HeldStore(postgres_url), PostgresStore(postgres_url)
    yield held, spare
    held.release.set()
    held.close()
    spare.close()


async def test_a_batch_waiting_for_the_server_does_not_hold_the_next_one_back(
    stores: tuple[HeldStore, PostgresStore],
) -> None:
    held, spare = stores
    writer = BatchWriter(held, spares=[spare])
    try:
        first = asyncio.ensure_future(writer.submit(receipt("first")))
        await asyncio.sleep(0.2)  # its batch is now waiting on the first connection
        later = await asyncio.wait_for(
            asyncio.gather(*(writer.submit(receipt(f"later-{n}")) for n in range(10))), 5
        )
        assert [v.status for v in later] == [200] * 10
        assert not first.done()

        held.release.set()
        assert (await asyncio.wait_for(first, 5)).status == 200
    finally:
        await asyncio.to_thread(writer.close)
    assert held.batches == [["first"]]
    assert {r.message_id for r in spare.orphan_receipts()} == {"first"} | {
        f"later-{n}" for n in range(10)
    }


async def test_a_batch_the_server_lost_is_answered_503_and_the_next_is_stored(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = PostgresStore(postgres_url)
    writer = BatchWriter(store)
    try:
        assert (await writer.submit(receipt("before"))).status == 200
        with cut_off(postgres_url), pytest.raises(StorageUnavailable):
            await writer.submit(receipt("lost"))
        await asyncio.sleep(RECONNECT_INTERVAL)  # a lost connection is tried again once a second
        with caplog.at_level(logging.INFO, logger="console.listener.batching"):
            assert (await writer.submit(receipt("after"))).status == 200
    finally:
        await asyncio.to_thread(writer.close)
    ids = {r.message_id for r in store.orphan_receipts()}
    store.close()
    assert ids == {"before", "after"}
    # Who reads the log learns that the trouble is over.
    assert "callbacks are stored again" in caplog.messages
