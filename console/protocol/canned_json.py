"""Canned replies as a JSON file, to import and export them (format version 1)::

    {
      "version": 1,
      "canned_replies": [
        {"name": "Order shipped", "text": "Hello, order {field:Order number} left today."}
      ]
    }

Reading checks the whole file before anything is used, and reports every problem found
with where it is: the entry's number (from 1) and its field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from console.protocol.canned_text import name_key, name_problem, text_problem

VERSION = 1
# Beyond this many, the rest of a bad file's problems are summed up in one line.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class CannedEntry:
    name: str
    text: str


class CannedFileError(ValueError):
    """What is wrong with a file, one problem a line."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = list(problems[:MAX_PROBLEMS])
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"and {len(problems) - MAX_PROBLEMS} more problems")
        super().__init__("\n".join(shown))
        self.problems = tuple(problems)


def dump(entries: Sequence[CannedEntry]) -> str:
    data = {
        "version": VERSION,
        "canned_replies": [{"name": e.name, "text": e.text} for e in entries],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load(text: str) -> list[CannedEntry]:
    """The entries of a file's ``text``, names trimmed.

    Raises:
        CannedFileError: the file is not one, or an entry is not acceptable.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CannedFileError(
            [f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from None
    if not isinstance(data, dict):
        raise CannedFileError(['not a canned replies file: expected an object with "version"'])
    version = data.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            problem = f"version {version} is newer than this program reads ({VERSION})"
        else:
            problem = f'"version" must be {VERSION}'
        raise CannedFileError([problem])
    unknown = sorted(set(data) - {"version", "canned_replies"})
    if unknown:
        raise CannedFileError(
            [f"unknown field {unknown[0]!r} (a file has version and canned_replies)"]
        )
    items = data.get("canned_replies")
    if not isinstance(items, list):
        raise CannedFileError(['"canned_replies" must be a list of {"name", "text"} objects'])
    problems: list[str] = []
    entries: list[CannedEntry] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        entry = _entry(number, item, problems)
        # An entry wrong in its text still holds its name: a second one is said at once.
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name.strip():
            first = seen.setdefault(name_key(name), number)
            if first != number:
                problems.append(
                    f"entry {number}, name: {name.strip()!r} is also entry {first}'s name"
                )
        if entry is not None:
            entries.append(entry)
    if problems:
        raise CannedFileError(problems)
    return entries


def _entry(number: int, item: object, problems: list[str]) -> CannedEntry | None:
    where = f"entry {number}"
    if not isinstance(item, dict):
        problems.append(f'{where}: expected an object with "name" and "text"')
        return None
    before = len(problems)
    for key in sorted(set(item) - {"name", "text"}):
        problems.append(f"{where}: unknown field {key!r} (an entry has name and text)")
    name, text = item.get("name"), item.get("text")
    if not isinstance(name, str):
        problems.append(f"{where}, name: {_missing_or_not_text(name)}")
    elif (problem := name_problem(name)) is not None:
        problems.append(f"{where}, name: {problem}")
    if not isinstance(text, str):
        problems.append(f"{where}, text: {_missing_or_not_text(text)}")
    elif (problem := text_problem(text)) is not None:
        problems.append(f"{where}, text: {problem}")
    if len(problems) > before or not isinstance(name, str) or not isinstance(text, str):
        return None
    return CannedEntry(name.strip(), text)


def _missing_or_not_text(value: object) -> str:
    return "missing" if value is None else "must be text"
