"""What the log's search text finds, as SQL: phone numbers, message text, message_ids.

Message and reply text is found through trigram full-text tables (migration 4). Text too
short to make a trigram is found through the trigrams that contain it (migration 8).
Digits found anywhere in a phone number use the numbers' trigram tables (migration 6)
the same way. A search matching many rows is counted in an index (a full-text one, or
the phone numbers' for a number with its country code), never by reading every message.
"""

# Statements here interpolate only the caller's table names; every value goes as a
# parameter.
# ruff: noqa: S608

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

# Shorter text is a number or a word, not the start of a message_id.
MIN_ID_PREFIX = 6
# A trigram index finds text of at least this many characters.
MIN_INDEXED_TEXT = 3
# Shorter text is looked up in at most this many trigrams containing it (more: it is
# common), and trigrams are taken from a text's first this many characters (migration 8).
MAX_TRIGRAMS = 256
_TRIGRAMMED_CHARS = 65538

# Digits and what people type around them in a phone number.
_PHONE_TEXT = re.compile(r"[\d\s+().\-/]*\d[\d\s+().\-/]*")
# From this many digits the text is a whole number, whose dialling prefix can be dropped.
_WHOLE_NUMBER = 9
# The text as one FTS5 phrase: quoted, so that no character of it is query syntax, and
# folded by the lower() that folded the indexed text.
_PHRASE = """'"' || replace(lower(?), '"', '""') || '"'"""

Condition = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class NumberSearch:
    """Digits to find in phone numbers: at their start, or anywhere."""

    digits: str
    at_start: bool


def number_search(text: str) -> NumberSearch | None:
    """How ``text`` searches phone numbers, or None when it is not a number."""
    stripped = text.strip()
    if not _PHONE_TEXT.fullmatch(stripped):
        return None
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("+"):
        return NumberSearch(digits, at_start=True)
    if len(digits) >= _WHOLE_NUMBER and digits.startswith("00"):
        return NumberSearch(digits[2:], at_start=True)
    if len(digits) >= _WHOLE_NUMBER and digits.startswith("0"):
        # A national number: stored numbers are international, so what follows the trunk
        # 0 is somewhere after the country code.
        return NumberSearch(digits[1:], at_start=False)
    return NumberSearch(digits, at_start=False)


def _short_text(
    conn: sqlite3.Connection, table: str, text_index: str, text: str, like: Condition
) -> list[Condition]:
    """Alternatives finding text too short for a trigram (migration 8): the index's rows
    holding a trigram that contains it, and the rows of text no trigram was taken from."""
    # Where in a trigram the text can sit: at its start, or after one or two characters.
    places = ["term >= lower(?1) AND term < lower(?1) || char(1114111)"]
    if len(text) == 1:
        places += [
            "substr(term, 2) >= lower(?1) AND substr(term, 2) < lower(?1) || char(1114111)",
            "substr(term, 3) = lower(?1)",
        ]
    else:
        places.append("substr(term, 2) = lower(?1)")
    union = " UNION ".join(f"SELECT term FROM text_trigrams WHERE {p}" for p in places)
    terms = [t for (t,) in conn.execute(f"{union} LIMIT ?2", (text, MAX_TRIGRAMS + 1))]
    untrigrammed = f"(length(body) < 3 OR length(body) > {_TRIGRAMMED_CHARS}) AND {like[0]}"
    if len(terms) > MAX_TRIGRAMS or any("\x00" in t for t in terms):
        # Text in so many trigrams is common: reading the table finds it soon enough.
        return [(f"SELECT id FROM {table} WHERE {like[0]}", like[1])]
    alternatives = [(f"SELECT id FROM {table} WHERE {untrigrammed}", like[1])]
    if terms:
        query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        alternatives.append(
            (f"SELECT rowid FROM {text_index} WHERE {text_index} MATCH ?", (query,))
        )
    return alternatives


@dataclass(frozen=True)
class TextSearch:
    """A text search in one table, in the forms each use of it needs.

    ``scan`` filters a scan in time order, so it must not tempt the planner into reading
    another index instead. Each of ``alternatives`` selects the ids of some matches through
    an index of its own; together they select every match. ``counts`` are ``FROM …``
    clauses whose rows, added up, are the matches, read from indexes alone; empty when
    they cannot tell it.
    """

    scan: tuple[str, list[Any]]
    alternatives: tuple[Condition, ...]
    counts: tuple[Condition, ...]


def text_search(
    conn: sqlite3.Connection,
    table: str,
    text_index: str | None,
    number_index: str | None,
    text: str,
) -> TextSearch | None:
    """The search for ``text`` in ``table``, whose text (if any) ``text_index`` holds and
    whose phone numbers ``number_index``; None when no row of it can match."""
    number = number_search(text)
    scan: list[Condition] = []
    alternatives: list[Condition] = []
    # Matches counted from an index alone: its FROM clause, and the same test of a row ``t``.
    counted: tuple[str, str, tuple[Any, ...]] | None = None
    if text_index is not None and number is not None:
        if number.at_start:
            term = "{0}phone_number >= ? AND {0}phone_number < ?"
            params: tuple[Any, ...] = (number.digits, number.digits + "\U0010ffff")
            on_index = term.format("")
            counted = (f"FROM {table} WHERE {on_index}", on_index, params)
            alternatives.append((f"SELECT id {counted[0]}", params))
        else:
            term = "instr(phone_number, ?) > 0"
            params = (number.digits,)
            if number_index is not None and len(number.digits) >= MIN_INDEXED_TEXT:
                digits = f"{number_index} MATCH '\"' || ? || '\"'"
                alternatives.append((f"SELECT rowid FROM {number_index} WHERE {digits}", params))
                counted = (
                    f"FROM {number_index} WHERE {digits}",
                    f"EXISTS (SELECT 1 FROM {number_index} WHERE {digits} AND rowid = t.id)",
                    params,
                )
            else:
                alternatives.append((f"SELECT id FROM {table} WHERE {term.format('')}", params))
        scan.append((term.format("+"), params))
    elif text_index is not None:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like: Condition = ("body LIKE ? ESCAPE '\\'", (f"%{escaped}%",))
        scan.append(like)
        # A full-text query ends at a NUL character: such text is read as LIKE reads it.
        if len(text) >= MIN_INDEXED_TEXT and "\x00" not in text:
            phrase = f"{text_index} MATCH {_PHRASE}"
            alternatives.append((f"SELECT rowid FROM {text_index} WHERE {phrase}", (text,)))
            counted = (
                f"FROM {text_index} WHERE {phrase}",
                f"EXISTS (SELECT 1 FROM {text_index} WHERE {phrase} AND rowid = t.id)",
                (text,),
            )
        elif "\x00" not in text:
            alternatives += _short_text(conn, table, text_index, text, like)
        else:
            alternatives.append((f"SELECT id FROM {table} WHERE {like[0]}", like[1]))
    counts = [] if counted is None else [(counted[0], counted[2])]
    upper = text + "\U0010ffff"
    # Only a table holding such an id needs that test: it costs a look-up per row scanned.
    if (
        len(text) >= MIN_ID_PREFIX
        and conn.execute(
            f"SELECT 1 FROM {table} WHERE message_id >= ? AND message_id < ? LIMIT 1",
            (text, upper),
        ).fetchone()
    ):
        prefix = "message_id >= ? AND message_id < ?"
        scan.append((f"id IN (SELECT id FROM {table} WHERE {prefix})", (text, upper)))
        alternatives.append((f"SELECT id FROM {table} WHERE {prefix}", (text, upper)))
        if counted is not None:
            # The ids not counted already.
            counts.append(
                (
                    f"FROM {table} t WHERE {prefix} AND NOT ({counted[1]})",
                    (text, upper, *counted[2]),
                )
            )
    if not scan:
        return None
    return TextSearch(
        ("(" + " OR ".join(f"({t})" for t, _ in scan) + ")", [p for _, ps in scan for p in ps]),
        tuple(alternatives),
        tuple(counts),
    )
