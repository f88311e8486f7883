"""Reading the provider's answer to an MT request (``result_code=N``)."""

from __future__ import annotations

import re
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


def truncate(text: str, limit: int = RAW_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more]"


def parse_answer(body: bytes | str) -> MtAnswer:
    """Find ``result_code`` in ``body``; tolerant of spacing, line ends and extra fields.

    Never raises: an answer without a readable code keeps its raw text for the operator.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    for part in _SEPARATORS.split(text):
        name, sep, value = part.partition("=")
        if not sep or name.strip().lower() != "result_code":
            continue
        value = value.strip()
        if _CODE.fullmatch(value):
            return MtAnswer(result_code=int(value), raw=truncate(text))
        break
    return MtAnswer(result_code=None, raw=truncate(text))
