"""An endpoint that echoes the request's password, in any encoding, never gets it shown or kept.

``sms-console send`` runs as a subprocess against a loopback server that answers with the
password it received: HTML-escaped, JSON-escaped, URL- and form-encoded and raw, in 200
answers with and without a result code, cut short by the server, and in long 502 answers
whose first 500 characters end inside the password. Then every output and every file in
the data dir is searched for the password and its start in each of those encodings.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

import pytest

from console.protocol.mt_response import RAW_LIMIT
from console.redaction import MASK
from tests.support.cli import cli_env, run_cli

# Every character here is changed by at least one encoding; the first four by all of them.
PASSWORD = "<&\"'%+ Pw/\\é9<&\"'"

Reply = tuple[int, str]  # HTTP status, body
Answer = Callable[[str], Reply]  # from the password received


def _percent_lower(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), quote(text, safe=""))


def _json_html_safe(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if c in "<>&'\"" else json.dumps(c)[1:-1] for c in text)


ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda text: text,
    "html": html.escape,
    "html without quotes": lambda text: html.escape(text, quote=False),
    "html &apos;": lambda text: html.escape(text).replace("&#x27;", "&apos;"),
    "html &#39; &#34;": lambda text: (
        html.escape(text).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    ),
    "json": lambda text: json.dumps(text, ensure_ascii=False)[1:-1],
    "json ascii": lambda text: json.dumps(text)[1:-1],
    "json html-safe": _json_html_safe,
    "json escaped slashes": lambda text: json.dumps(text)[1:-1].replace("/", "\\/"),
    "url": lambda text: quote(text, safe=""),
    "url keeping /": quote,
    "url lower hex": _percent_lower,
    "url plus": quote_plus,
    "form": lambda text: urlencode({"x": text})[2:],
}


def _leaks(data: bytes) -> list[str]:
    """The password, or its first four or more characters, in any encoding, in ``data``."""
    found = []
    for size in range(4, len(PASSWORD) + 1):
        for name, encode in ENCODINGS.items():
            if encode(PASSWORD[:size]).encode() in data:
                found.append(f"{name} of {PASSWORD[:size]!r}")
    return found


def _echo(*encodings: str, code: str = "") -> Answer:
    def answer(password: str) -> Reply:
        lines = [f"you sent ({name}): {ENCODINGS[name](password)}" for name in encodings]
        return 200, "\n".join([code, *lines] if code else lines)

    return answer


def _cut_502(encoding: str, keep: int, partial: int) -> Answer:
    """A long 502 page whose first RAW_LIMIT characters end inside the echoed password.

    The edge falls ``partial`` characters into the encoding of the password's character
    after its first ``keep``.
    """

    def answer(password: str) -> Reply:
        encoded = ENCODINGS[encoding](password)
        edge = len(ENCODINGS[encoding](password[:keep])) + partial
        head = "<html><body><h1>502 Bad Gateway</h1><p>upstream rejected "
        head += "." * (RAW_LIMIT - len(head) - edge)
        return 502, f"{head}{encoded}</p>{'<p>upstream details</p>' * 40}</body></html>"

    return answer


def _cut_by_server(encoding: str, keep: int) -> Answer:
    def answer(password: str) -> Reply:
        return 200, f"error: cannot parse request near {ENCODINGS[encoding](password[:keep])}"

    return answer


def _mixed(password: str) -> Reply:
    names = list(ENCODINGS)
    mixed = "".join(ENCODINGS[names[i % len(names)]](c) for i, c in enumerate(password))
    return 200, f"<pre>{mixed}</pre>"


def _json_fields(password: str) -> Reply:
    return 200, json.dumps({"error": "invalid sender", "request": {"password": password}})


class EchoingEndpoint:
    """A loopback MT endpoint answering each request with the next scripted answer."""

    def __init__(self, script: list[Answer]) -> None:
        self.script = deque(script)
        self.passwords: list[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = dict(parse_qsl(self.rfile.read(length).decode()))
                endpoint.passwords.append(fields["password"])
                status, body = endpoint.script.popleft()(fields["password"])
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/httpapi/receiver"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> EchoingEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def env() -> dict[str, str]:
    return cli_env(SMS_CONSOLE_PASSWORD=PASSWORD)


def _send(
    data_dir: Path, endpoint: EchoingEndpoint, env: dict[str, str], attempts: int
) -> subprocess.CompletedProcess[str]:
    result = run_cli(
        data_dir, "send", "--to", "12025550100", "--sender", "12345", "--text", "hello",
        "--endpoint", endpoint.url, "--retry-wait", "0", "--max-attempts", str(attempts),
        env=env,
    )  # fmt: skip
    assert not endpoint.script, "the endpoint expected more attempts"
    assert set(endpoint.passwords) == {PASSWORD}
    return result


def test_send_to_an_echoing_endpoint_never_shows_or_keeps_the_password(
    data_dir: Path, env: dict[str, str]
) -> None:
    accepted_script = [
        _echo("html", "html without quotes", "html &apos;", "html &#39; &#34;"),
        _echo("json", "json ascii", "json html-safe", "json escaped slashes"),
        _echo("url", "url keeping /", "url lower hex", "url plus", "form", "raw"),
        _mixed,
        _json_fields,
        _cut_502("html", keep=4, partial=0),
        _cut_502("html", keep=5, partial=3),
        _cut_502("json ascii", keep=6, partial=1),
        _cut_502("url", keep=4, partial=2),
        _cut_502("raw", keep=4, partial=0),
        _cut_by_server("html", keep=7),
        _cut_by_server("url plus", keep=5),
        _echo("html", "json ascii", "form", code="result_code=0"),
    ]
    with EchoingEndpoint(accepted_script) as endpoint:
        accepted = _send(data_dir, endpoint, env, attempts=len(accepted_script))
    assert accepted.returncode == 0, accepted.stderr
    assert "accepted" in accepted.stdout.splitlines()[-1]

    # Given up on: the last answer, unreadable, is quoted to the operator.
    gave_up_script = [_echo("raw", "json", code="result_code=98"), _echo("html", "url plus")]
    with EchoingEndpoint(gave_up_script) as endpoint:
        gave_up = _send(data_dir, endpoint, env, attempts=len(gave_up_script))
    assert gave_up.returncode == 1
    assert "Gave up after 2 attempts (last: unparseable answer: 'you sent" in gave_up.stdout

    log = run_cli(data_dir, "log", "--json", env=env)
    assert log.returncode == 0, log.stderr

    outputs = {
        f"{name} {stream}": getattr(result, stream).encode()
        for name, result in (("send accepted", accepted), ("send gave up", gave_up), ("log", log))
        for stream in ("stdout", "stderr")
    }
    written = {str(path): path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}
    assert {"console.log", "messages.sqlite3"} <= {Path(path).name for path in written}
    sources = {**outputs, **written}
    leaking = sorted(where for where, data in sources.items() if _leaks(data))
    assert leaking == [], {where: _leaks(sources[where])[:3] for where in leaking}

    # The answers are still kept for the operator, masked.
    with closing(sqlite3.connect(data_dir / "messages.sqlite3")) as db:
        kept = [row[0] for row in db.execute("SELECT raw_response FROM attempts")]
    assert len(kept) == len(accepted_script) + len(gave_up_script)
    # Masked, and sometimes the mask itself cut at the limit.
    assert all(MASK[:4] in raw for raw in kept)
    assert sum("502 Bad Gateway" in raw for raw in kept) == 5
