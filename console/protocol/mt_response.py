"""Reading the provider's answer to an MT request (``result_code=N``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

RAW_LIMIT = 500
_SEPARATORS = re.compile(r"[&\r\n;,]+")
_CODE = re.compile(r"-?[0-9]{1,9}")


@dataclass(frozen=True)
class MtAnswer:
    """The parsed answer: ``result_code`` when one was found, and the raw body (truncated)."""

    result_code: int | None
    raw: str

    @property
    def parseable(self) -> bool:
        return self.result_code is not None


def _as_is(text: str) -> str:
    return text


# Beyond the part kept, cleaning looks this far: room for any secret, however encoded,
# that crosses the cut. An answer of megabytes is not cleaned whole.
_CLEAN_MARGIN = 16 * 1024


def truncate(text: str, limit: int = RAW_LIMIT, clean: Callable[[str], str] = _as_is) -> str:
    """``text`` cut to ``limit`` characters, saying how many were left off.

    ``clean`` runs before the cut (what it removes must not be cut in half first), and
    again on the part kept, whose new end may show the start of something it removes.
    """
    window = text[: limit + _CLEAN_MARGIN]
    cleaned = clean(window)
    if len(cleaned) <= limit and len(window) == len(text):
        return cleaned
    more = len(cleaned) - limit + len(text) - len(window)
    return clean(cleaned[:limit]) + f"… [{more} more]"


def parse_answer(body: bytes | str, clean: Callable[[str], str] = _as_is) -> MtAnswer:
    """Find ``result_code`` in ``body``; tolerant of spacing, line ends and extra fields.

    Never raises: an answer without a readable code keeps its raw text for the operator,
    passed through ``clean`` and truncated.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    raw = truncate(text, clean=clean)
    for part in _SEPARATORS.split(text):
        name, sep, value = part.partition("=")
        if not sep or name.strip().lower() != "result_code":
            continue
        value = value.strip()
        if _CODE.fullmatch(value):
            return MtAnswer(result_code=int(value), raw=raw)
        break
    return MtAnswer(result_code=None, raw=raw)
