"""The access log keeps one line per request, whatever characters a request carries."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx

from console.listener.access_log import AccessLog
from tests.support.listener import running_listener

# What a forger would have a line start with: a time, an address, a verdict of their own.
FORGED = "2030-01-01T00:00:00Z 10.6.6.6 POST /callbacks/<token> 200 3B 0.1ms receipt forged"
LINE_START = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 POST /callbacks/<token>\?q\S+ 400 \d+B "
)
# Each percent-escape decodes to something a terminal or log viewer may take as a new line
# or as the start of an escape sequence.
BREAKS = {
    "%0A": "\\n",
    "%0D": "\\r",
    "%0D%0A": "\\r\\n",
    "%1B%5B2K%0D": "\\x1b[2K\\r",  # erase the line, back to its start
    "%0B": "\\x0b",
    "%0C": "\\x0c",
    "%1E": "\\x1e",
    "%7F": "\\x7f",
    "%C2%85": "\\x85",  # NEL
    "%C2%9B": "\\x9b",  # CSI
    "%E2%80%A8": "\\u2028",
    "%E2%80%A9": "\\u2029",
    "%E2%80%AE": "\\u202e",  # right-to-left override
}
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def read_lines(path: Path) -> tuple[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    return text, text.split("\n")[:-1]


def test_a_field_name_with_line_breaks_cannot_forge_a_line(data_dir: Path) -> None:
    forged = FORGED.replace(" ", "+")
    with running_listener(data_dir) as listener:
        for escape in BREAKS:
            # The same field twice with two values: refused, the reason naming the field.
            body = (
                f"type=receipt&message_id=m-1&message_state=2"
                f"&x{escape}{forged}=1&x{escape}{forged}=2"
            )
            answer = httpx.post(
                f"{listener.url}?q{escape}{forged}=1",
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
                timeout=5,
            )
            assert answer.status_code == 400
            assert "given twice" in answer.text
    # Stopping the listener writes out what was left of the log.

    text, lines = read_lines(data_dir / "listener-access.log")
    assert len(lines) == len(BREAKS)
    assert len(text.splitlines()) == len(BREAKS)  # no other line break either
    assert UNSAFE.findall(text) == ["\n"] * len(BREAKS)
    for line, shown in zip(lines, BREAKS.values(), strict=True):
        assert LINE_START.match(line), line
        assert f"field x{shown}{FORGED} is given twice" in line


def test_every_part_of_an_entry_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "listener-access.log"

    async def write() -> None:
        access = AccessLog(path, "secret-token")
        access.add(
            0.0,
            "10.0.0.1\nforged",
            "PO\x1b]0;title\x07ST",
            "/callbacks/secret-token?a=\r\n\x85b",
            400,
            12,
            0.001,
            "note\u2028forged\x9b31m",
        )
        access.close()

    asyncio.run(write())

    text, lines = read_lines(path)
    assert lines == [
        "1970-01-01T00:00:00Z 10.0.0.1\\nforged PO\\x1b]0;title\\x07ST "
        "/callbacks/<token>?a=\\r\\n\\x85b 400 12B 1.0ms note\\u2028forged\\x9b31m"
    ]
    assert len(text.splitlines()) == 1
