"""Texts back to customers' keywords, on both backends: stored once whoever stores them,
a STOP confirmation let through to the number that just opted out, nothing else."""

from __future__ import annotations

import pytest

from console.protocol.keywords import Keywords, text_back_id
from console.settings import Profile, Settings, keyword_rules
from console.store.errors import OptedOut
from console.store.interface import MessageStore
from console.store.models import MessageStatus
from console.text_back import recent_replies, store_texts_back
from tests.unit.store.test_suppression import NUMBER, mo, new_message

TEXTS = Keywords(
    help_reply="Acme: call 0800 000 000",
    stop_confirmation="You will get no more messages from Acme.",
    start_confirmation="Welcome back.",
)
RULES = keyword_rules(
    Settings(
        profiles=(
            Profile(
                name="support",
                endpoint="http://127.0.0.1:9/httpapi/receiver",
                senders=("12345",),
                keywords=TEXTS,
            ),
        ),
        active="support",
    )
)


def test_a_stop_confirmation_is_stored_for_the_number_that_opted_out(
    store: MessageStore,
) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)

    [stored] = store_texts_back(store, RULES, ["mo-1"])

    assert stored.message_id == text_back_id("mo-1")
    assert (stored.phone_number, stored.sender, stored.body, stored.profile) == (
        NUMBER,
        "12345",
        "You will get no more messages from Acme.",
        "support",
    )
    assert stored.operator is None
    # It may be attempted; any other message to the number may not.
    assert store.begin_attempt(stored.message_id, 1001.0) == 1
    with pytest.raises(OptedOut):
        store.create_message(new_message("m-1"))


def test_each_answer_is_stored_once_however_many_consoles_try(store: MessageStore) -> None:
    mo(store, "mo-1", "help", at=1000.0)

    first = store_texts_back(store, RULES, ["mo-1"])
    second = store_texts_back(store, RULES, ["mo-1"])

    assert [m.body for m in first] == ["Acme: call 0800 000 000"]
    assert second == []
    assert store.count_messages() == 1


def test_a_start_gets_its_confirmation(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    mo(store, "mo-2", "Start", at=1010.0)

    [stored] = store_texts_back(store, RULES, ["mo-2"])

    assert stored.body == "Welcome back."


def test_no_help_answer_goes_to_a_number_on_the_list(store: MessageStore) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    mo(store, "mo-2", "HELP", at=1001.0)

    stored = store_texts_back(store, RULES, ["mo-2"])

    assert stored == []
    assert store.get_message(text_back_id("mo-2")) is None


def test_a_later_stop_confirmation_is_refused_once_the_number_opts_out_again(
    store: MessageStore,
) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    [first] = store_texts_back(store, RULES, ["mo-1"])
    mo(store, "mo-2", "START", at=1010.0)
    mo(store, "mo-3", "STOP", at=1020.0)

    # The first confirmation, never sent, is not the one the new entry lets through.
    with pytest.raises(OptedOut):
        store.begin_attempt(first.message_id, 1021.0)
    failed = store.get_message(first.message_id)
    assert failed is not None
    assert failed.status is MessageStatus.FAILED
    # The START's confirmation comes too late: the number is on the list again.
    [stop] = store_texts_back(store, RULES, ["mo-2", "mo-3"])
    assert stop.message_id == text_back_id("mo-3")
    assert store.begin_attempt(stop.message_id, 1022.0) == 1


def test_no_text_is_stored_when_none_is_named_or_for_ordinary_replies(
    store: MessageStore,
) -> None:
    mo(store, "mo-1", "STOP", at=1000.0)
    mo(store, "mo-2", "Thanks, see you Tuesday", at=1001.0, phone="12025550100")

    assert store_texts_back(store, keyword_rules(Settings()), ["mo-1"]) == []
    assert store_texts_back(store, RULES, ["mo-2", "no-such-reply"]) == []
    assert store.count_messages() == 0


def test_resume_answers_only_the_last_days_replies(store: MessageStore) -> None:
    mo(store, "mo-old", "HELP", at=1000.0)
    mo(store, "mo-new", "HELP", at=100_000.0)

    assert recent_replies(store, now=100_001.0) == ["mo-new"]
