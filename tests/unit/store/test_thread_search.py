"""Searching conversations, on both backends: by a part of the customer's number, or by
text in any message of the thread. Each search runs both ways: reading its few matching
messages through the text index, and reading the threads newest first."""

from __future__ import annotations

import pytest

from console.store import log
from console.store.interface import MessageStore
from console.store.postgres import threads_sql
from console.store.threads import ThreadQuery
from tests.unit.store.test_threads import ALICE, ANN, BEN, CARL, SHORT, listed, replied, sent

DAN = "13124477009"


@pytest.fixture(params=["few", "many"])
def how(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    many = request.param == "many"
    monkeypatch.setattr(log, "FEW_MATCHES", 1 if many else 2000)
    monkeypatch.setattr(threads_sql, "dense", lambda *_args: many)
    return str(request.param)


@pytest.fixture
def customers(store: MessageStore) -> MessageStore:
    sent(store, "m-ann", 100.0, ANN, body="Your parcel 4411 is on its way")
    sent(store, "m-ben", 200.0, BEN, body="Your code is 9876")
    sent(store, "m-carl", 300.0, CARL, body="Your PARCEL 5522 has arrived")
    replied(store, "mo-ben", 250.0, BEN, body="Where is my parcel?")
    sent(store, "m-ann-acme", 50.0, ANN, sender="ACME", body="Welcome")
    # Carl's country code and area in the middle of another number.
    sent(store, "m-dan", 20.0, DAN, body="Hi")
    return store


def numbers(store: MessageStore, text: str) -> list[str]:
    return [t.phone_number for t in listed(store, text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("5550", [BEN, ANN, ANN]),
        ("555-0199", [BEN]),
        ("+1 202 555", [ANN, ANN]),
        ("+44 7700", [CARL]),
        ("447700", [CARL, DAN]),
        ("(312) 555 0199", [BEN]),
        ("0123", [CARL]),
        ("9999", []),
    ],
)
def test_a_number_or_part_of_one_finds_the_customers_threads(
    customers: MessageStore, text: str, found: list[str]
) -> None:
    assert numbers(customers, text) == found


@pytest.mark.usefixtures("how")
def test_text_finds_the_threads_with_a_message_holding_it(customers: MessageStore) -> None:
    assert numbers(customers, "parcel") == [CARL, BEN, ANN]
    assert numbers(customers, "  Parcel 44 ") == [ANN]
    assert numbers(customers, "where is") == [BEN]
    assert numbers(customers, "welcome") == [ANN]
    assert numbers(customers, "nothing like it") == []


@pytest.mark.usefixtures("how")
def test_text_too_short_for_the_index_is_found_too(customers: MessageStore) -> None:
    assert numbers(customers, "ar") == [CARL, BEN, ANN]
    assert numbers(customers, "?") == [BEN]


@pytest.mark.usefixtures("how")
def test_a_search_pages_like_the_whole_list(customers: MessageStore) -> None:
    first = customers.threads(ThreadQuery("parcel"), ALICE, limit=2)
    rest = customers.threads(ThreadQuery("parcel"), ALICE, before=first[-1].key, limit=2)

    assert [t.phone_number for t in first + rest] == [CARL, BEN, ANN]
    assert all(t.sender == SHORT for t in first + rest)
