"""Canned replies' texts: placeholders read, checked, listed and filled.

A canned text is plain text with placeholders in braces:

- ``{number}``: the customer's number, as the operator sees it;
- ``{operator}``: the operator's name;
- ``{date}``: today's date (``2 Dec 2024``); ``{time}``: the time now (``14:03``);
- ``{field:Label}``: a free field, asked for under ``Label`` when the text is inserted
  (the same label twice is asked for once).

``{{`` and ``}}`` stand for a brace itself. Anything else in braces, a brace left open and
a closing brace alone are errors, each saying where and what to write instead. Values are
put in as they are: a value holding braces is not read as placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

KNOWN = ("number", "operator", "date", "time")
FIELD_PREFIX = "field:"
MAX_NAME_LENGTH = 100
MAX_LABEL_LENGTH = 60
MAX_TEXT_LENGTH = 10_000

_HINT = (
    "use {number}, {operator}, {date}, {time}, or {field:Label} for a value asked for "
    "when the text is inserted; write {{ and }} for a brace"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class TemplateError(ValueError):
    """What is wrong with a canned text, and where: ``position`` counts characters from 0."""

    def __init__(self, position: int, problem: str) -> None:
        super().__init__(f"at character {position + 1}: {problem}")
        self.position = position
        self.problem = problem


class MissingField(KeyError):
    """A free field was given no value."""


@dataclass(frozen=True)
class Placeholder:
    name: str  # one of KNOWN


@dataclass(frozen=True)
class Field:
    label: str


Part = str | Placeholder | Field


@dataclass(frozen=True)
class FillContext:
    """What the known placeholders stand for where the text goes."""

    number: str
    operator: str
    now: datetime  # local time

    def value(self, name: str) -> str:
        if name == "number":
            return self.number
        if name == "operator":
            return self.operator
        if name == "date":
            return f"{self.now.day} {_MONTHS[self.now.month - 1]} {self.now.year}"
        return f"{self.now.hour:02d}:{self.now.minute:02d}"


@dataclass(frozen=True)
class Template:
    parts: tuple[Part, ...]
    fields: tuple[str, ...] = field(default=())  # the free fields' labels, each once

    def uses(self, name: str) -> bool:
        return Placeholder(name) in self.parts

    def fill(self, context: FillContext, values: Mapping[str, str]) -> str:
        """The text with each placeholder replaced.

        Raises:
            MissingField: ``values`` lacks one of :attr:`fields`.
        """
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Placeholder):
                out.append(context.value(part.name))
            elif part.label in values:
                out.append(values[part.label])
            else:
                raise MissingField(part.label)
        return "".join(out)


def parse(text: str) -> Template:
    """Read ``text``'s placeholders.

    Raises:
        TemplateError: an unknown placeholder or a brace out of place.
    """
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            literal.append(char)
            i += 2
        elif char == "}":
            raise TemplateError(i, f"this }} closes no placeholder; {_HINT}")
        elif char == "{":
            end = _closing(text, i)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(text[i + 1 : end], i))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    labels = dict.fromkeys(p.label for p in parts if isinstance(p, Field))
    return Template(tuple(parts), tuple(labels))


def _closing(text: str, start: int) -> int:
    for j in range(start + 1, len(text)):
        if text[j] == "}":
            return j
        if text[j] == "{" or text[j] == "\n":
            break
    raise TemplateError(start, f"this {{ is not closed on its line; {_HINT}")


def _placeholder(inner: str, at: int) -> Placeholder | Field:
    if inner in KNOWN:
        return Placeholder(inner)
    if inner.startswith(FIELD_PREFIX):
        label = inner[len(FIELD_PREFIX) :].strip()
        if not label:
            raise TemplateError(at, "a free field needs a label: {field:Order number}")
        if len(label) > MAX_LABEL_LENGTH:
            raise TemplateError(
                at, f"a free field's label has at most {MAX_LABEL_LENGTH} characters"
            )
        return Field(label)
    if not inner:
        raise TemplateError(at, f"{{}} names no placeholder; {_HINT}")
    lowered = inner.strip().lower()
    if lowered in KNOWN:
        raise TemplateError(at, f"unknown placeholder {{{inner}}}: write {{{lowered}}}")
    raise TemplateError(at, f"unknown placeholder {{{inner}}}: {_HINT}")


def escape(text: str) -> str:
    """``text`` as a canned text that stands for itself (its braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a canned reply, or None when it can (after trimming)."""
    trimmed = name.strip()
    if not trimmed:
        return "a name cannot be blank"
    if len(trimmed) > MAX_NAME_LENGTH:
        return f"a name has at most {MAX_NAME_LENGTH} characters"
    if not trimmed.isprintable():
        return "a name cannot hold line breaks, tabs or other control characters"
    return None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a canned reply's text, or None when it can."""
    if not text.strip():
        return "the text is blank"
    if len(text) > MAX_TEXT_LENGTH:
        return f"the text is longer than {MAX_TEXT_LENGTH:,} characters"
    try:
        parse(text)
    except TemplateError as exc:
        return str(exc)
    return None


def name_key(name: str) -> str:
    """What two names that are the same reply's share: names differ by more than case."""
    return name.strip().casefold()
