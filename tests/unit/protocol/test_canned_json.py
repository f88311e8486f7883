"""The canned replies file (version 1): written and read back, and a bad one refused
with every problem placed by entry and field."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.protocol.canned_json import MAX_PROBLEMS, CannedEntry, CannedFileError, dump, load
from console.protocol.canned_text import escape, name_key, name_problem

names = st.text(min_size=1, max_size=100).filter(lambda n: name_problem(n) is None)
texts = st.text(min_size=1).filter(str.strip).map(escape)


@given(st.lists(st.tuples(names, texts), max_size=5, unique_by=lambda e: name_key(e[0])))
def test_what_is_written_is_read_back(pairs: list[tuple[str, str]]) -> None:
    entries = [CannedEntry(name.strip(), text) for name, text in pairs]

    assert load(dump(entries)) == entries


def problems(data: object) -> tuple[str, ...]:
    with pytest.raises(CannedFileError) as raised:
        load(json.dumps(data))
    return raised.value.problems


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], 'not a canned replies file: expected an object with "version"'),
        ({"canned_replies": []}, '"version" must be 1'),
        ({"version": 2, "canned_replies": []}, "version 2 is newer than this program reads (1)"),
        ({"version": 1}, '"canned_replies" must be a list of {"name", "text"} objects'),
        (
            {"version": 1, "replies": []},
            "unknown field 'replies' (a file has version and canned_replies)",
        ),
    ],
)
def test_a_file_of_another_shape_is_refused(data: object, problem: str) -> None:
    assert problems(data) == (problem,)


def test_every_bad_entry_is_named_with_its_field() -> None:
    found = problems(
        {
            "version": 1,
            "canned_replies": [
                "text",
                {"name": "A", "txt": "a"},
                {"name": 3, "text": "{date"},
                {"name": "B", "text": "b"},
                {"name": " b ", "text": "  "},
            ],
        }
    )

    assert found == (
        'entry 1: expected an object with "name" and "text"',
        "entry 2: unknown field 'txt' (an entry has name and text)",
        "entry 2, text: missing",
        "entry 3, name: must be text",
        "entry 3, text: at character 1: this { is not closed on its line; use {number},"
        " {operator}, {date}, {time}, or {field:Label} for a value asked for when the text is"
        " inserted; write {{ and }} for a brace",
        "entry 5, text: the text is blank",
        "entry 5, name: 'b' is also entry 4's name",
    )


def test_a_name_twice_is_refused_whatever_its_case() -> None:
    found = problems(
        {
            "version": 1,
            "canned_replies": [{"name": "Hi", "text": "a"}, {"name": "HI ", "text": "b"}],
        }
    )

    assert found == ("entry 2, name: 'HI' is also entry 1's name",)


def test_a_name_twice_is_said_even_when_the_first_entry_is_wrong_in_its_text() -> None:
    found = problems(
        {
            "version": 1,
            "canned_replies": [{"name": "Hi", "text": "Hi {nmber}"}, {"name": "hi", "text": "b"}],
        }
    )

    assert len(found) == 2
    assert found[0].startswith("entry 1, text: ")
    assert found[1] == "entry 2, name: 'hi' is also entry 1's name"


def test_a_long_list_of_problems_is_cut_short() -> None:
    bad = [{"name": "", "text": "x"}] * (MAX_PROBLEMS + 5)

    with pytest.raises(CannedFileError) as raised:
        load(json.dumps({"version": 1, "canned_replies": bad}))

    lines = str(raised.value).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == "and 5 more problems"


def test_text_that_is_not_json_is_placed() -> None:
    with pytest.raises(CannedFileError, match="not JSON: Expecting value at line 2, column 1"):
        load('{"version": 1, "canned_replies":\n')
