"""Searches in a worker thread: only the newest asked for is read and answered."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from console.log_search import LogSearcher
from console.store import log
from console.store.errors import StoreError
from console.store.models import LogQuery
from console.store.sqlite import SqliteStore
from tests.support.held_searches import HeldSearches
from tests.unit.store.test_store_contract import new_message


@pytest.fixture
def path(data_dir: Path) -> Path:
    path = data_dir / "messages.sqlite3"
    with SqliteStore(path) as store:
        for number in range(3):
            store.create_message(new_message(f"m-{number}"), now=1000.0 + number)
    return path


def searcher(path: Path, opened: list[SqliteStore]) -> LogSearcher:
    def open_reader() -> SqliteStore:
        opened.append(SqliteStore(path, any_thread=True))
        return opened[-1]

    return LogSearcher(open_reader, page_size=2)


async def test_searches_asked_while_one_runs_wait_and_only_the_newest_is_read(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch)
    held.hold("first")
    opened: list[SqliteStore] = []
    searches = searcher(path, opened)

    first = asyncio.create_task(searches.head(LogQuery(text="first")))
    assert await asyncio.to_thread(held.reached("first").wait, 5)
    second = asyncio.create_task(searches.head(LogQuery(text="second")))
    newest = asyncio.create_task(searches.head(LogQuery()))
    await asyncio.sleep(0.05)
    assert not newest.done()
    held.release("first")

    assert await first is None
    assert await second is None
    head = await newest
    assert head is not None
    rows, total = head
    assert [r.message_id for r in rows] == ["m-2", "m-1"]
    assert total == 3
    assert held.started == ["first", ""]
    assert len(opened) == 1  # one store for all searches
    searches.close()


async def test_a_failed_search_is_told_unless_a_newer_one_was_asked_for(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(log, "head", broken)
    held = HeldSearches(monkeypatch)
    held.hold("superseded")
    searches = searcher(path, [])
    superseded = asyncio.create_task(searches.head(LogQuery(text="superseded")))
    assert await asyncio.to_thread(held.reached("superseded").wait, 5)
    newest = asyncio.create_task(searches.head(LogQuery(text="newest")))
    await asyncio.sleep(0.05)
    held.release("superseded")

    assert await superseded is None
    with pytest.raises(StoreError, match="disk I/O error"):
        await newest
    searches.close()


async def test_closing_during_a_search_closes_its_store_once_the_search_ends(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch)
    held.hold("slow")
    opened: list[SqliteStore] = []
    searches = searcher(path, opened)
    running = asyncio.create_task(searches.head(LogQuery(text="slow")))
    assert await asyncio.to_thread(held.reached("slow").wait, 5)

    searches.close()
    opened[0].count_messages()  # still in use: not closed under the search
    held.release("slow")

    assert await running is None
    with pytest.raises(sqlite3.ProgrammingError):
        opened[0].count_messages()
    assert await searches.head(LogQuery()) is None


async def test_a_newer_search_stops_the_one_reading_the_store(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch)
    held.endless("zq")  # as a short text is read: row after row, for a long time
    searches = searcher(path, [])
    endless = asyncio.create_task(searches.head(LogQuery(text="zq")))
    assert await asyncio.to_thread(held.reached("zq").wait, 5)

    started = asyncio.get_running_loop().time()
    newest = await searches.head(LogQuery())
    waited = asyncio.get_running_loop().time() - started

    assert await endless is None
    assert newest is not None
    assert [r.message_id for r in newest[0]] == ["m-2", "m-1"]
    assert waited < 2.0  # not the seconds the endless one would have run
    searches.close()


async def test_a_search_of_many_rows_is_counted_in_full_after_its_first_rows(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("console.log_search.COUNT_FIRST", 1)
    with SqliteStore(path) as store:
        for number in range(3, 8):
            store.create_message(new_message(f"m-{number}"), now=1000.0 + number)
    searches = searcher(path, [])
    shipped = LogQuery(text="shipped")
    head = await searches.head(shipped)
    assert head is not None
    rows, total = head
    assert [r.message_id for r in rows] == ["m-7", "m-6"]
    assert 2 < total < 8  # a lower bound, past the rows read
    assert not searches.is_exact(shipped, head)
    assert await searches.count(LogQuery(text="shipped", up_to=rows[0].key)) == 8
    # Without text, a query is counted in full at once.
    everything = await searches.head(LogQuery())
    assert everything is not None
    assert everything[1] == 8
    assert searches.is_exact(LogQuery(), everything)
    searches.close()


async def test_a_count_is_dropped_once_a_newer_search_is_asked_for(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch)
    held.hold("first")
    searches = searcher(path, [])
    first = asyncio.create_task(searches.head(LogQuery(text="first")))
    assert await asyncio.to_thread(held.reached("first").wait, 5)
    count = asyncio.create_task(searches.count(LogQuery()))
    newest = asyncio.create_task(searches.head(LogQuery()))
    await asyncio.sleep(0.05)
    held.release("first")

    assert await first is None
    assert await count is None
    assert await newest is not None
    searches.close()
