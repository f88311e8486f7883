"""What the log's search text finds in the shared store, as SQL conditions.

The same searches as the SQLite store's (see console.store.log_search and LogQuery):
phone numbers by their digits, message and reply text ignoring ASCII case, message_ids by
their start. Text is compared as ``lower(body COLLATE "C") LIKE``: lower() under the "C"
collation folds ASCII letters only, as SQLite's LIKE does, and the trigram indexes of
the schema hold that very expression; the numbers' trigram and pattern indexes serve the
digits, and the message_ids' pattern indexes their starts. Text too short for a trigram
is found through the listed trigrams that contain it (migration 2).
"""

# The statement here interpolates only this module's conditions; values go as parameters.
# ruff: noqa: S608

from __future__ import annotations

import string
from typing import Any

import psycopg

from console.store.log_search import MAX_TRIGRAMS, MIN_ID_PREFIX, MIN_INDEXED_TEXT, number_search

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

Condition = tuple[str, list[Any]]
Cursor = psycopg.Cursor[tuple[Any, ...]]


def like_escaped(text: str) -> str:
    """``text`` as a LIKE pattern that matches it literally (backslash escapes)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def short_text(text: str) -> bool:
    """Whether ``text`` is text too short for a trigram (not a number)."""
    return len(text) < MIN_INDEXED_TEXT and number_search(text) is None


def trigrams_holding(cur: Cursor, text: str) -> list[str] | None:
    """The listed trigrams that contain ``text`` (shorter than a trigram), folded as the
    texts are; None when there are so many that reading the table is quicker."""
    folded = text.translate(_ASCII_LOWER)
    places = ["term >= %(t)s AND term < %(t)s || chr(1114111)"]
    if len(folded) == 1:
        places += [
            "substr(term, 2) >= %(t)s AND substr(term, 2) < %(t)s || chr(1114111)",
            "substr(term, 3) = %(t)s",
        ]
    else:
        places.append("substr(term, 2) = %(t)s")
    union = " UNION ".join(f"SELECT term FROM text_trigrams WHERE {p}" for p in places)
    found = cur.execute(f"{union} LIMIT %(n)s", {"t": folded, "n": MAX_TRIGRAMS + 1})
    terms = [str(t) for (t,) in found]
    return None if len(terms) > MAX_TRIGRAMS else terms


# Text found in at least this share of the newest rows is read from the newest rows on
# (it comes soon enough); rarer text is asked of the trigram index.
_PROBE_ROWS = 2000
_DENSE_SHARE = 0.01


def dense(cur: Cursor, table: str, time: str, text: str) -> bool:
    """Whether ``text`` is in so many of ``table``'s newest rows that reading them in time
    order finds a page of matches sooner than the trigram index would."""
    pattern = f"%{like_escaped(text.translate(_ASCII_LOWER))}%"
    row = cur.execute(
        f"SELECT count(*) FROM (SELECT body FROM {table} ORDER BY {time} DESC, id DESC"
        ' LIMIT %s) newest WHERE lower(body COLLATE "C") LIKE %s',
        (_PROBE_ROWS, pattern),
    ).fetchone()
    return row is not None and row[0] >= _PROBE_ROWS * _DENSE_SHARE


def text_condition(
    text: str, *, has_content: bool, trigrams: list[str] | None = None
) -> Condition | None:
    """The condition a row meets when ``text`` (stripped) finds it, in a table with or
    without content (a body and a phone number); None when no row of it can match.
    ``trigrams``: for text too short for a trigram, those that contain it (None: many)."""
    terms: list[Condition] = []
    number = number_search(text)
    if number is not None and has_content:
        # Digits need no escaping.
        pattern = f"{number.digits}%" if number.at_start else f"%{number.digits}%"
        terms.append(("phone_number LIKE %s", [pattern]))
    elif has_content:
        folded = like_escaped(text.translate(_ASCII_LOWER))
        like = 'lower(body COLLATE "C") LIKE %s'
        if trigrams is None:
            terms.append((like, [f"%{folded}%"]))
        elif trigrams:
            holding = 'trigrams(lower(body COLLATE "C")) && %s::text[]'
            terms.append((f"{like} AND (length(body) < 3 OR {holding})", [f"%{folded}%", trigrams]))
        else:
            terms.append((f"{like} AND length(body) < 3", [f"%{folded}%"]))
    if len(text) >= MIN_ID_PREFIX:
        terms.append(("message_id LIKE %s", [f"{like_escaped(text)}%"]))
    if not terms:
        return None
    return (
        "(" + " OR ".join(f"({sql})" for sql, _ in terms) + ")",
        [value for _, values in terms for value in values],
    )
