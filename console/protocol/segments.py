"""How many SMS segments a text takes, and which characters make it expensive.

A text that fits the GSM 03.38 alphabet travels as 7-bit septets: 160 per single message,
153 per part of a concatenated one; characters of the extension table (``{ } [ ] ~ \\ | ^ €``)
take two septets. Any other character switches the whole text to UCS-2: 70 code units per
single message, 67 per part. A character is never split across two parts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM_CODEC = "gsm03.38"


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


_LIMITS = {
    Encoding.GSM7: (160, 153),
    Encoding.UCS2: (70, 67),
}


@dataclass(frozen=True)
class SegmentCount:
    """What the operator's counter shows for one text."""

    characters: int
    encoding: Encoding
    units: int
    segments: int
    per_segment: int
    ucs2_characters: tuple[str, ...]
    remaining_in_segment: int
    """Units that still fit before another segment starts."""


@cache
def _gsm_septets(char: str) -> int | None:
    """Septets ``char`` takes in GSM 03.38, or None when the alphabet lacks it."""
    try:
        return len(char.encode(GSM_CODEC))
    except UnicodeEncodeError:
        return None


def _ucs2_units(char: str) -> int:
    # surrogatepass: a lone surrogate pasted from elsewhere still counts as one unit.
    return len(char.encode("utf-16-be", errors="surrogatepass")) // 2


def count_segments(text: str) -> SegmentCount:
    """Count the encoding, units and segments of ``text``."""
    gsm_sizes = [_gsm_septets(char) for char in text]
    ucs2_chars = tuple(dict.fromkeys(c for c, n in zip(text, gsm_sizes, strict=True) if n is None))
    if ucs2_chars:
        encoding = Encoding.UCS2
        sizes = [_ucs2_units(char) for char in text]
    else:
        encoding = Encoding.GSM7
        sizes = [n or 0 for n in gsm_sizes]
    single, multi = _LIMITS[encoding]
    units = sum(sizes)
    if units <= single:
        segments, remaining = (1 if units else 0), single - units
    else:
        segments, used_in_last = _pack(sizes, multi)
        remaining = multi - used_in_last
    return SegmentCount(
        characters=len(text),
        encoding=encoding,
        units=units,
        segments=segments,
        per_segment=single if segments <= 1 else multi,
        ucs2_characters=ucs2_chars,
        remaining_in_segment=remaining,
    )


def _pack(sizes: list[int], capacity: int) -> tuple[int, int]:
    """Parts needed when no character may straddle two parts, and units used in the last."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > capacity:
            parts += 1
            used = 0
        used += size
    return parts, used


def ucs2_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where the characters that force UCS-2 sit in ``text``, as ``(start, length)`` pairs.

    Positions count UTF-16 code units, as Qt's text widgets do, so an emoji spans two.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for char in text:
        width = _ucs2_units(char)
        if _gsm_septets(char) is None:
            spans.append((position, width))
        position += width
    return tuple(spans)


# Characters that force UCS-2 only because a word processor made them typographic, and
# the plain GSM-7 characters that read the same.
GSM_REPLACEMENTS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u200b": "",
}  # fmt: skip


_TO_GSM = {ord(char): plain for char, plain in GSM_REPLACEMENTS.items()}


def gsm_replaceable(text: str) -> tuple[str, ...]:
    """The characters of ``text`` that :func:`to_gsm` would replace, each once."""
    return tuple(dict.fromkeys(c for c in text if c in GSM_REPLACEMENTS))


def to_gsm(text: str) -> str:
    """``text`` with its typographic characters made plain (an en dash to -, a curly quote to ')."""
    return text.translate(_TO_GSM)


def describe_character(char: str) -> str:
    """``char`` the way an operator can find it: its glyph when visible, name and code point."""
    name = unicodedata.name(char, "").lower() or "unnamed character"
    code = f"U+{ord(char):04X}"
    # An invisible character (a no-break space, a joiner) is known only by its name.
    if char.isprintable() and not char.isspace():
        return f"{char} {name} ({code})"
    return f"{name} ({code})"
