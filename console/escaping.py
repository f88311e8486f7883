"""Putting text from outside on one line of a log or a terminal, as it is but harmless."""

from __future__ import annotations

import re

# C0 controls and DEL (line feed, carriage return, ESC among them), C1 controls (NEL, and
# CSI and OSC, which start terminal sequences on their own), the Unicode line and paragraph
# separators, and the bidirectional overrides and isolates, which make the rest of a line
# read in another order than it was written.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape_controls(text: str) -> str:
    """``text`` with each character that could end, rewrite or disguise a line shown as an
    escape (``\\n``, ``\\x1b``, ``\\u2028``); backslashes are left as they are."""
    # Every character the pattern matches is unprintable, so most text skips the pattern.
    if text.isprintable():
        return text
    return _UNSAFE.sub(_visible, text)
