"""What the log's search text finds in the shared store, as SQL conditions.

The same searches as the SQLite store's (see console.store.log_search and LogQuery):
phone numbers by their digits, message and reply text ignoring ASCII case, message_ids by
their start. Text is compared as ``lower(body COLLATE "C") LIKE``: lower() under the "C"
collation folds ASCII letters only, as SQLite's LIKE does, and the trigram indexes of
the schema hold that very expression; the numbers' trigram and pattern indexes serve the
digits, and the message_ids' pattern indexes their starts.
"""

from __future__ import annotations

import string
from typing import Any

from console.store.log_search import MIN_ID_PREFIX, number_search

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

Condition = tuple[str, list[Any]]


def like_escaped(text: str) -> str:
    """``text`` as a LIKE pattern that matches it literally (backslash escapes)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_condition(text: str, *, has_content: bool) -> Condition | None:
    """The condition a row meets when ``text`` (stripped) finds it, in a table with or
    without content (a body and a phone number); None when no row of it can match."""
    terms: list[Condition] = []
    number = number_search(text)
    if number is not None and has_content:
        # Digits need no escaping.
        pattern = f"{number.digits}%" if number.at_start else f"%{number.digits}%"
        terms.append(("phone_number LIKE %s", [pattern]))
    elif has_content:
        folded = like_escaped(text.translate(_ASCII_LOWER))
        terms.append(('lower(body COLLATE "C") LIKE %s', [f"%{folded}%"]))
    if len(text) >= MIN_ID_PREFIX:
        terms.append(("message_id LIKE %s", [f"{like_escaped(text)}%"]))
    if not terms:
        return None
    return (
        "(" + " OR ".join(f"({sql})" for sql, _ in terms) + ")",
        [value for _, values in terms for value in values],
    )
