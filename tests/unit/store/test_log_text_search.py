"""Text search through the trigram index finds exactly what LIKE '%text%' found: the same
rows, case folded for ASCII letters only, every character literal, counted alike."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from console.store import log
from console.store.interface import MessageStore
from console.store.log_search import number_search
from console.store.migrations import MIGRATIONS
from console.store.models import LogQuery, LogState, MessageStatus
from console.store.sqlite import SqliteStore
from tests.support.store_backends import Backend
from tests.unit.store.test_log_store import decide, deliver, ids, page_through, reply, send

# Property tests start each example from an empty database of the test's backend.
_PER_EXAMPLE = [HealthCheck.function_scoped_fixture]


def found(store: MessageStore, text: str) -> list[str]:
    query = LogQuery(text=text)
    rows = ids(store.log_page(query, limit=1000))
    assert store.log_count(query) == len(rows)
    assert store.log_head(query, limit=1)[1] == len(rows)
    if len(rows) > 1:
        # The snapshot a window shows, from the second match down, counted in full.
        second = store.log_page(query, limit=2)[1].key
        assert store.log_count(LogQuery(text=text, up_to=second)) == len(rows) - 1
    return rows


# Letters that fold differently in LIKE and in Unicode (É/é, the Kelvin sign and k, ß),
# query syntax of FTS5 and LIKE, spaces and NUL; no digits, so no text is a phone number.
_ALPHABET = "aAbBkKÉé\u212aß%_\\\"*^:()-+ .'🎉\x00"


@settings(max_examples=80, deadline=None, suppress_health_check=_PER_EXAMPLE)
@given(
    bodies=st.lists(st.text(_ALPHABET, min_size=0, max_size=12), min_size=1, max_size=8),
    texts=st.lists(st.text(_ALPHABET, min_size=1, max_size=5), min_size=1, max_size=4),
)
def test_a_search_finds_exactly_what_like_finds(
    backend: Backend, bodies: list[str], texts: list[str]
) -> None:
    assume(all(t.strip() and number_search(t) is None for t in texts))
    with backend.fresh() as fresh, fresh.open() as store:
        for i, body in enumerate(bodies):
            if i % 3 == 2:
                reply(store, f"r{i}", at=float(i), body=body)
            else:
                send(store, f"m{i}", at=float(i), body=body)
        for text in texts:
            assert found(store, text) == fresh.like(text.strip()), text


def test_rows_stored_edited_and_deleted_are_found_as_they_read_now(
    store: MessageStore, backend: Backend, matches: str
) -> None:
    send(store, "m-1", at=100.0, body="Your PARCEL is here")
    reply(store, "r-1", at=150.0, body="Where is the parcel?")
    assert found(store, "parcel") == ["r-1", "m-1"]

    send(store, "m-2", at=200.0, body="A second parcel left")
    assert found(store, "parcel") == ["m-2", "r-1", "m-1"]

    # No program path edits or deletes a message; the index follows whoever does.
    backend.execute("UPDATE messages SET body = 'Your order is here' WHERE message_id = 'm-1'")
    backend.execute("UPDATE replies SET body = 'Thanks' WHERE message_id = 'r-1'")
    backend.execute("DELETE FROM messages WHERE message_id = 'm-2'")

    assert found(store, "parcel") == []
    assert found(store, "order is") == ["m-1"]
    assert found(store, "thanks") == ["r-1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", ["m-7", "m-6", "m-3", "m-2", "m-1"]),
        ("B", ["m-3", "m-1"]),
        ("Ab", ["m-1"]),
        ("%", ["m-4"]),
        ("_", ["m-5"]),
        ("é", ["m-6"]),
        ("É", []),
        ('"', ["m-7"]),
    ],
)
def test_text_too_short_for_the_index_is_still_found(
    store: MessageStore, backend: Backend, matches: str, text: str, expected: list[str]
) -> None:
    send(store, "m-1", at=100.0, body="Abc")
    send(store, "m-2", at=200.0, body="a")
    send(store, "m-3", at=300.0, body="xyz a Bx")
    send(store, "m-4", at=400.0, body="50% off")
    send(store, "m-5", at=500.0, body="file_1")
    send(store, "m-6", at=600.0, body="café")
    send(store, "m-7", at=700.0, body='say "hi"')

    assert found(store, text) == expected
    assert expected == backend.like(text)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        'say "hi"',
        "it's",
        "* star",
        "NEAR(one two)",
        "one AND two",
        "one OR two",
        "NOT one",
        "-minus",
        "^caret",
        "body:text",
        "{body} : x",
        "(paren)",
        "back\\slash",
        "50% off",
        "file_name",
        "+plus",
        "nul\x00char",
    ],
)
def test_query_syntax_in_the_text_is_plain_text(
    store: MessageStore, matches: str, text: str
) -> None:
    send(store, "m-1", at=100.0, body=f"before {text} after")
    send(store, "m-2", at=200.0, body="one two star paren minus caret body text filename")

    assert found(store, text) == ["m-1"]
    assert found(store, text.upper()) == ["m-1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("grüße", ["m-1"]),  # G and g fold: ASCII letters
        ("köln", ["m-3", "m-1"]),
        ("KÖLN", ["m-2"]),  # Ö and ö do not, as with LIKE
        ("5 k", ["m-5"]),  # the Kelvin sign is not a k to LIKE
        ("5 \u212a", ["m-4"]),
        ("🎉 party", ["m-6"]),
        ("ß au", []),
        ("ße au", ["m-1"]),
    ],
)
def test_text_outside_ascii_is_found_as_like_found_it(
    store: MessageStore, backend: Backend, matches: str, text: str, expected: list[str]
) -> None:
    for number, body in enumerate(
        ["Grüße aus Köln", "KÖLN calling", "köln", "5 \u212a", "5 K", "🎉 party 🎉"], start=1
    ):
        send(store, f"m-{number}", at=100.0 * number, body=body)

    assert found(store, text) == expected
    assert expected == backend.like(text)


def test_a_store_from_the_schema_before_the_index_finds_its_old_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:3], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.execute(
        "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
        " method, receipt, status, created_at, updated_at)"
        " VALUES ('old', 'default', '12025550100', '12345', 'Your PARCEL waits', 'x', 'POST',"
        " 1, 'accepted', 10.0, 12.0)"
    )
    conn.execute(
        "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
        " source_address, raw) VALUES ('old-reply', '12345', '12025550100',"
        " 'which parcel?', 20.0, '203.0.113.7', '')"
    )
    conn.close()

    with SqliteStore(path) as upgraded:
        assert found(upgraded, "parcel") == ["old-reply", "old"]
        (indexed,) = upgraded._conn.execute(
            "SELECT COUNT(*) FROM messages_text WHERE messages_text MATCH '\"parcel\"'"
        ).fetchone()
        send(upgraded, "new", at=30.0, body="parcel again")
        assert found(upgraded, "parcel") == ["new", "old-reply", "old"]
    assert indexed == 1


def test_many_matches_are_counted_once_whether_by_text_or_by_message_id(
    store: MessageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "FEW_MATCHES", 1)
    send(store, "abcdef-1", at=100.0, body="has abcdef in its text too")
    send(store, "abcdef-2", at=200.0, body="found by its id only")
    send(store, "other-3", at=300.0, body="found by abcdef in the text only")
    send(store, "other-4", at=400.0, body="not found")
    decide(store, "other-3", MessageStatus.ACCEPTED, 0, at=301.0)
    deliver(store, "other-3", 2, at=302.0)
    query = LogQuery(text="abcdef")

    expected = ["other-3", "abcdef-2", "abcdef-1"]
    assert page_through(store, query, 1, newest_first=True) == expected
    assert store.log_head(query, limit=1)[1] == 3
    assert store.log_count(query) == 3
    top = store.log_page(query, limit=1)[0].key
    assert store.log_count(LogQuery(text="abcdef", up_to=top), before=top) == 2
    assert store.log_count(LogQuery(text="abcdef", state=LogState.DELIVERED)) == 1


def test_many_matches_of_a_number_are_counted_once_whether_by_number_or_by_message_id(
    store: MessageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "FEW_MATCHES", 1)
    send(store, "00447700900-1", at=100.0, phone="447700900123")  # both
    send(store, "00447700900-2", at=200.0, phone="12025550100")  # its id only
    send(store, "m-3", at=300.0, phone="447700900124")  # its number only
    send(store, "m-4", at=400.0, phone="12025550101")
    query = LogQuery(text="00447700900")

    expected = ["m-3", "00447700900-2", "00447700900-1"]
    assert page_through(store, query, 1, newest_first=True) == expected
    assert store.log_head(query, limit=1)[1] == 3
    assert store.log_count(query) == 3


def test_a_worker_thread_searches_with_its_own_connection_while_rows_arrive(
    store: MessageStore, backend: Backend
) -> None:
    for i in range(50):
        send(store, f"m-{i}", at=float(i), body=f"parcel number {i}")
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def search() -> None:
        try:
            with backend.open() as own:
                for _ in range(20):
                    rows, total = own.log_head(LogQuery(text="parcel number"), limit=10)
                    results.append((len(rows), total))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    worker = threading.Thread(target=search)
    worker.start()
    for i in range(50, 80):
        send(store, f"m-{i}", at=float(i), body=f"parcel number {i}")
    worker.join(timeout=30)

    assert not errors
    assert len(results) == 20
    assert all(rows == 10 and 50 <= total <= 80 for rows, total in results)


def test_a_store_made_for_any_thread_searches_from_a_worker(backend: Backend) -> None:
    with backend.open(any_thread=True) as shared:
        send(shared, "m-1", at=1.0, body="Your parcel")
        answers: list[list[str]] = []
        worker = threading.Thread(
            target=lambda: answers.append(ids(shared.log_head(LogQuery(text="parcel"))[0]))
        )
        worker.start()
        worker.join(timeout=30)
    assert answers == [["m-1"]]


@settings(max_examples=60, deadline=None, suppress_health_check=_PER_EXAMPLE)
@given(
    numbers=st.lists(st.text("0123", min_size=1, max_size=9), min_size=1, max_size=8),
    texts=st.lists(st.text("0123", min_size=1, max_size=5), min_size=1, max_size=4),
    many=st.booleans(),
)
def test_digits_anywhere_in_a_number_find_exactly_what_reading_every_number_finds(
    backend: Backend, numbers: list[str], texts: list[str], many: bool
) -> None:
    few = log.FEW_MATCHES
    log.FEW_MATCHES = 1 if many else few  # scanned in time order and counted in the index
    names = [f"r{i}" if i % 3 == 2 else f"m{i}" for i in range(len(numbers))]
    try:
        with backend.fresh() as fresh, fresh.open() as store:
            for i, number in enumerate(numbers):
                if i % 3 == 2:
                    reply(store, names[i], at=float(i), phone=number)
                else:
                    send(store, names[i], at=float(i), phone=number)
            for text in texts:
                # What reading every number finds, newest first: the search without index.
                expected = [names[i] for i in reversed(range(len(numbers))) if text in numbers[i]]
                assert found(store, text) == expected, text
                if len(expected) > 1:
                    # A snapshot from the second match down, and a count that stops early.
                    second = store.log_page(LogQuery(text=text), limit=2)[1].key
                    snapshot = LogQuery(text=text, up_to=second)
                    assert store.log_count(snapshot) == len(expected) - 1
                    _rows, total = store.log_head(LogQuery(text=text), 1, count_limit=1)
                    assert total == 2  # past the row read, and no further
    finally:
        log.FEW_MATCHES = few


def test_short_text_far_into_a_very_long_text_is_found(store: MessageStore) -> None:
    # Trigrams are listed from a text's first 65,536 characters; past them it is read.
    send(store, "m-1", at=100.0, body="a" * 70_000 + " qz")
    send(store, "m-2", at=200.0, body="qa")

    assert found(store, "qz") == ["m-1"]
    assert found(store, "q") == ["m-2", "m-1"]


def test_short_text_common_to_many_trigrams_is_found(store: MessageStore) -> None:
    # "a" sits in more trigrams than are looked up one by one: the text is read instead.
    body = "".join(f"a{chr(0x4E00 + i)}" for i in range(400))
    send(store, "m-1", at=100.0, body=body)
    send(store, "m-2", at=200.0, body="b")

    assert found(store, "a") == ["m-1"]
    assert found(store, "b") == ["m-2"]


def test_short_text_is_found_in_rows_stored_before_its_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:7], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    with conn:
        conn.execute(
            "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
            " method, receipt, status, created_at, updated_at)"
            " VALUES ('m-1', 'p', '12025550100', '12345', 'Quiz night', 'e', 'GET', 0,"
            " 'accepted', 100.0, 100.0)"
        )
        conn.execute(
            "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
            " source_address, raw) VALUES ('r-1', '12345', '12025550100', 'ZQx', 200.0, '', '')"
        )
    conn.close()
    with SqliteStore(path) as upgraded:
        assert found(upgraded, "zq") == ["r-1"]
        assert found(upgraded, "ui") == ["m-1"]
