"""Searching the message log's text at a million messages: the store call the window makes.

Run: ``.venv/bin/python tests/benchmarks/bench_search.py [--messages N] [--rounds N]``.
The store is the one of ``bench_log.py`` (see ``big_store.py``), built once and reused.
Each round times what the window's search worker reads, for a text not searched before
(no answer comes from an earlier one), on a connection of its own as a worker thread has:
the first page with a count that stops at ``COUNT_FIRST`` (what the window shows first),
then the whole count of a search that reached it (shown when it comes). Beside it, in the
same round, the search as it was before the indexes: text read with LIKE, counted in full.
Target: the first page of every kind of search <= 150 ms (median); the maximum is
printed too. Text of one or two characters, too short to be a trigram, is looked up
through the trigrams that contain it.
Last, a page of 200 rows read by column name (as the store does) against by position.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.log_pages import read_count, read_head  # noqa: E402
from console.log_search import COUNT_FIRST  # noqa: E402
from console.protocol.mt_request import Priority  # noqa: E402
from console.store import log, log_search  # noqa: E402
from console.store.models import (  # noqa: E402
    PREVIEW_CHARS,
    LogKey,
    LogKind,
    LogQuery,
    LogRow,
    LogState,
    MessageStatus,
)
from console.store.sqlite import SqliteStore  # noqa: E402
from tests.benchmarks.big_store import ensure_store  # noqa: E402

TARGET_MS = 150.0
PAGE = 200


def kinds(path: Path, rounds: int) -> dict[str, list[str]]:
    """For each kind of search, one text a round, none searched twice."""
    rng = random.Random(11)
    conn = sqlite3.connect(path)
    try:
        ids = [r[0] for r in conn.execute("SELECT message_id FROM messages LIMIT 2000")]
        numbers = [r[0] for r in conn.execute("SELECT phone_number FROM messages LIMIT 2000")]
    finally:
        conn.close()
    common = ["parcel", "invoice", "shipped", "appointment", "verification", "payment"]
    every = ["your", "Your", "YOUR", "yOur", "youR", "YouR"]
    short = ["ar", "ou", "er", "in", "re", "ed"]
    absent = ["zq", "qz", "jx", "xj", "vq", "qv"]
    # Only in customers' replies, a few thousand of them.
    rare = ["e?", "s!", "ks", "ye", "wh", "ea"]
    no_letter = ["q", "z", "j", "#", "@", "~"]
    return {
        "rare word": [f"parcel {1000 + n}" for n in range(rounds)],
        "common word": [common[n % len(common)] for n in range(rounds)],
        "word in every message": [every[n % len(every)] for n in range(rounds)],
        "2 characters, common": [short[n % len(short)] for n in range(rounds)],
        "2 characters, rare": [rare[n % len(rare)] for n in range(rounds)],
        "2 characters, no match": [absent[n % len(absent)] for n in range(rounds)],
        "1 character, no match": [no_letter[n % len(no_letter)] for n in range(rounds)],
        "number with country code": [f"+{p[:-3]}" for p in rng.sample(numbers, rounds)],
        "number, last 4 digits": [p[-4:] for p in rng.sample(numbers, rounds)],
        "message_id prefix": [i[:8] for i in rng.sample(ids, rounds)],
        "no match": [f"zebra {n} quartz" for n in range(rounds)],
    }


def timed(store: SqliteStore, text: str) -> tuple[float, float | None, int]:
    """Milliseconds to the first page, to the whole count if one follows, and the count."""
    started = time.perf_counter()
    rows, total = read_head(store, LogQuery(text=text), PAGE, COUNT_FIRST)
    first = (time.perf_counter() - started) * 1000
    if total < COUNT_FIRST:
        return first, None, total
    started = time.perf_counter()
    total = read_count(store, LogQuery(text=text, up_to=rows[0].key))
    return first, (time.perf_counter() - started) * 1000, total


def timed_before(store: SqliteStore, text: str) -> tuple[float, int]:
    """Milliseconds to the first page and the whole count, read together as before."""
    started = time.perf_counter()
    _rows, total = store.log_head(LogQuery(text=text), PAGE)
    return (time.perf_counter() - started) * 1000, total


def by_position(r: tuple[Any, ...]) -> LogRow:
    """A log row from its columns by position, as the store read them before."""
    return LogRow(
        key=LogKey(r[0], r[1], LogKind(r[2])),
        message_id=r[3],
        phone_number=r[4],
        sender=r[5],
        priority=Priority(r[6]) if r[6] else None,
        attachments=r[7],
        receipt=bool(r[8]),
        status=MessageStatus(r[9]) if r[9] else None,
        result_code=r[10],
        status_detail=r[11],
        state=r[12],
        state_result_code=r[13],
        log_state=LogState(r[14]) if r[14] else None,
        updated_at=r[15],
        preview=" ".join(r[16][:PREVIEW_CHARS].split()),
        preview_cut=len(r[16]) > PREVIEW_CHARS,
    )


def row_reads(path: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds to read 200 rows from the middle of the log, by name and by position."""
    conn = sqlite3.connect(path)
    sql = log._MESSAGES.rows + " WHERE id > ? ORDER BY id LIMIT 200"
    by_name: list[float] = []
    by_number: list[float] = []
    try:
        for number in range(rounds * 10):
            start = [500_000 + number * 200]
            started = time.perf_counter()
            named = log._rows(conn, sql, start)
            by_name.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            positional = [by_position(r) for r in conn.execute(sql, start)]
            by_number.append((time.perf_counter() - started) * 1000)
            assert named == positional
    finally:
        conn.close()
    return by_name, by_number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()

    path = ensure_store(args.messages)

    searches = kinds(path, args.rounds)
    indexed_store = SqliteStore(path)
    like_store = SqliteStore(path)
    indexed_min = log_search.MIN_INDEXED_TEXT
    most_trigrams = log_search.MAX_TRIGRAMS

    def with_like(text: str) -> tuple[float, int]:
        # The same code with the indexes out of reach: every text too short for them, and
        # in more trigrams than are looked up.
        log_search.MIN_INDEXED_TEXT = 10**9
        log_search.MAX_TRIGRAMS = -1
        try:
            return timed_before(like_store, text)
        finally:
            log_search.MIN_INDEXED_TEXT = indexed_min
            log_search.MAX_TRIGRAMS = most_trigrams

    results: dict[str, tuple[list[float], list[float], list[float], set[int]]] = {}
    for name in searches:
        results[name] = ([], [], [], set())
    for number in range(args.rounds):
        for name, texts in searches.items():
            text = texts[number]
            indexed, counts, like, totals = results[name]
            # Alternate which goes first: neither always finds the other's pages cached.
            order = [0, 1] if number % 2 == 0 else [1, 0]
            for which in order:
                if which == 0:
                    ms, count_ms, total = timed(indexed_store, text)
                    indexed.append(ms)
                    if count_ms is not None:
                        counts.append(count_ms)
                else:
                    ms, total = with_like(text)
                    like.append(ms)
                totals.add(total)
    indexed_store.close()
    like_store.close()

    by_name, by_number = row_reads(path, args.rounds)

    print(f"{'load average while measuring':<30}{os.getloadavg()[0]:6.2f}")
    print(
        f"{'search (1M messages)':<30}{'rows':>17}  {'first page':>10} {'max':>7}"
        f"  {'whole count':>11}  {'before':>9} {'max':>7}"
    )
    met = True
    for name, (indexed, counts, like, totals) in results.items():
        median = statistics.median(indexed)
        verdict = "PASS" if median <= TARGET_MS else "FAIL"
        met = met and median <= TARGET_MS
        rows = f"{min(totals):,}" if len(totals) == 1 else f"{min(totals):,}-{max(totals):,}"
        whole = f"{statistics.median(counts):8.1f} ms" if counts else f"{'-':>11}"
        print(
            f"{name:<30}{rows:>17}  {median:7.1f} ms {max(indexed):7.1f}  {whole}  "
            f"{statistics.median(like):6.1f} ms {max(like):7.1f}   target <= "
            f"{TARGET_MS:.0f} ms  {verdict}"
        )
    print(
        f"{'200 rows read by column name':<30}{statistics.median(by_name):26.2f} ms"
        f" {max(by_name):7.2f}   by position {statistics.median(by_number):.2f} ms"
        f" {max(by_number):7.2f}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
