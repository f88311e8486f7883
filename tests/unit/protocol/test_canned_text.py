"""Canned texts: placeholders read, checked (each error placed and explained), listed and
filled; braces escaped by doubling."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.protocol.canned_text import (
    FillContext,
    MissingField,
    TemplateError,
    escape,
    name_key,
    name_problem,
    parse,
    text_problem,
)

CONTEXT = FillContext("+1 202-555-0143", "Ann", datetime(2024, 12, 2, 14, 3))


def test_known_placeholders_are_filled_from_where_the_text_goes() -> None:
    template = parse("Hi {number}, {operator} here. {date} {time}")

    assert template.fields == ()
    assert template.fill(CONTEXT, {}) == "Hi +1 202-555-0143, Ann here. 2 Dec 2024 14:03"


def test_free_fields_are_listed_once_each_in_order_and_filled() -> None:
    template = parse("Order {field:Order number} ships {field: Day }; order {field:Order number}.")

    assert template.fields == ("Order number", "Day")
    filled = template.fill(CONTEXT, {"Order number": "A-17", "Day": "Monday"})
    assert filled == "Order A-17 ships Monday; order A-17."
    with pytest.raises(MissingField):
        template.fill(CONTEXT, {"Day": "Monday"})


def test_doubled_braces_stand_for_braces() -> None:
    assert parse("{{number}} is {number}}}").fill(CONTEXT, {}) == "{number} is +1 202-555-0143}"


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("Hi {nmber}", 3, "unknown placeholder {nmber}: use {number}"),
        ("Hi {Number}", 3, "unknown placeholder {Number}: write {number}"),
        ("Hi {number", 3, "this { is not closed on its line"),
        ("Hi {num\nber}", 3, "this { is not closed on its line"),
        ("Hi {a{number}}", 3, "this { is not closed"),
        ("Hi number}", 9, "this } closes no placeholder"),
        ("Hi {}", 3, "{} names no placeholder"),
        ("Hi {field:  }", 3, "a free field needs a label"),
        ("Hi {field:" + "x" * 61 + "}", 3, "at most 60 characters"),
    ],
)
def test_each_mistake_is_placed_and_explained(text: str, position: int, words: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse(text)

    assert raised.value.position == position
    assert words in str(raised.value)
    assert str(raised.value).startswith(f"at character {position + 1}: ")


def test_a_text_and_a_name_are_checked_as_a_dialog_shows_them() -> None:
    assert text_problem("   ") == "the text is blank"
    assert text_problem("x" * 10_001) == "the text is longer than 10,000 characters"
    assert text_problem("Hi {x}") is not None
    assert text_problem("Hi {number}") is None
    assert name_problem(" ") == "a name cannot be blank"
    assert name_problem("a\tb") is not None
    assert name_problem("x" * 101) == "a name has at most 100 characters"
    assert name_problem(" Thanks ") is None
    assert name_key(" Straße ") == name_key("STRASSE")


@given(st.text())
def test_any_text_escaped_stands_for_itself(text: str) -> None:
    assert parse(escape(text)).fill(CONTEXT, {}) == text


def refusal(text: str) -> TemplateError | None:
    try:
        parse(text)
    except TemplateError as exc:
        return exc
    return None


@given(st.text(alphabet="{}ab:\n", max_size=30))
def test_any_text_is_read_or_refused_with_a_position_in_it(text: str) -> None:
    refused = refusal(text)
    if refused is None:
        template = parse(text)
        values = dict.fromkeys(template.fields, "{value}")
        assert isinstance(template.fill(CONTEXT, values), str)
    else:
        assert 0 <= refused.position < len(text)
        assert text[refused.position] in "{}"


@given(st.lists(st.text(min_size=1).filter(lambda v: v.strip()), min_size=1, max_size=3))
def test_values_are_put_in_as_they_are(values: list[str]) -> None:
    labels = [f"F{i}" for i in range(len(values))]
    template = parse(" ".join(f"{{field:{label}}}" for label in labels))

    assert template.fill(CONTEXT, dict(zip(labels, values, strict=True))) == " ".join(values)
