from __future__ import annotations

import html
import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.keychain import Credentials
from console.logging_setup import configure_logging
from console.paths import log_path
from console.protocol.mt_response import RAW_LIMIT, parse_answer, truncate
from console.redaction import MASK, redact

SECRET = "red-act&me=1"


def test_secret_is_masked_raw_and_url_encoded() -> None:
    Credentials("acme", SECRET)
    text = f"login=acme&password={SECRET} or encoded red-act%26me%3D1 or red-act%26me%3D1"
    cleaned = redact(text)
    assert SECRET not in cleaned
    assert "red-act%26me%3D1" not in cleaned
    assert cleaned.count(MASK) == 3


def test_log_file_never_receives_the_secret(tmp_path: Path) -> None:
    Credentials("acme", SECRET)
    configure_logging(tmp_path, stderr_level=None)
    log = logging.getLogger("console.test")
    log.info("sending with %s", SECRET)
    try:
        raise RuntimeError(f"failed for https://host/?password={SECRET}")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = log_path(tmp_path).read_text()
    assert "request failed" in content
    assert "RuntimeError" in content
    assert SECRET not in content
    assert MASK in content
    for handler in list(logging.getLogger().handlers):
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_short_secrets_are_not_masked_in_ordinary_text() -> None:
    Credentials("acme", "1")
    text = "[Errno 111] Connect call failed ('127.0.0.1', 1)"
    assert redact(text) == text


# Every character that some encoding changes, a non-ASCII one and one beyond the BMP.
ODD = "<&\"'%+ /\\é🔑=x9"


def _html_named(text: str) -> str:
    return html.escape(text).replace("&#x27;", "&apos;")


def _html_decimal(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def _html_hex(text: str) -> str:
    return "".join(f"&#X{ord(c):X};" for c in text)


def _json(text: str) -> str:
    return json.dumps(text)[1:-1]


def _json_ascii_upper(text: str) -> str:
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m[1].upper(), _json(text))


def _json_html_safe(text: str) -> str:
    # As some JSON writers emit it for pages: every HTML-significant character as \u00XX.
    return "".join(f"\\u{ord(c):04x}" if c in "<>&'\"" else _json(c) for c in text)


def _json_slashes(text: str) -> str:
    return _json(text).replace("/", "\\/")


def _json_in_html(text: str) -> str:
    return html.escape(_json(text))


def _percent_lower(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), quote(text, safe=""))


ENCODERS: dict[str, Callable[[str], str]] = {
    "raw": lambda text: text,
    "html": html.escape,
    "html without quotes": lambda text: html.escape(text, quote=False),
    "html named": _html_named,
    "html decimal": _html_decimal,
    "html hex": _html_hex,
    "json": lambda text: json.dumps(text, ensure_ascii=False)[1:-1],
    "json ascii": _json,
    "json ascii upper hex": _json_ascii_upper,
    "json html-safe": _json_html_safe,
    "json escaped slashes": _json_slashes,
    "json in html": _json_in_html,
    "url quote": lambda text: quote(text, safe=""),
    "url quote keeping /": quote,
    "url quote lower hex": _percent_lower,
    "url quote_plus": quote_plus,
    "form": lambda text: urlencode({"x": text})[2:],
}


@pytest.fixture
def odd() -> str:
    Credentials("acme", ODD)
    return ODD


def _leftovers(text: str, secret: str) -> list[str]:
    """Every encoding of ``secret``'s first four or more characters found in ``text``."""
    return [
        f"{name}: {secret[:size]!r}"
        for size in range(4, len(secret) + 1)
        for name, encode in ENCODERS.items()
        if encode(secret[:size]) in text
    ]


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_secret_is_masked_in_every_encoding(odd: str, encoding: str) -> None:
    text = f"The endpoint said: {ENCODERS[encoding](odd)} (end)"
    assert redact(text) == f"The endpoint said: {MASK} (end)"


@pytest.mark.parametrize("single", ["'", "&#39;", "&#x27;", "&apos;", "&#039;"])
@pytest.mark.parametrize("double", ['"', "&quot;", "&#34;", "&#x22;", "&QUOT;"])
def test_every_html_form_of_a_quote_is_recognised(single: str, double: str) -> None:
    secret = 'it\'s "quoted" here'
    Credentials("acme", secret)
    escaped = secret.replace("'", single).replace('"', double)
    assert redact(f"<p>{escaped}</p>") == f"<p>{MASK}</p>"


@given(st.lists(st.sampled_from(sorted(ENCODERS)), min_size=len(ODD), max_size=len(ODD)))
def test_secret_is_masked_when_its_characters_mix_encodings(choice: list[str]) -> None:
    Credentials("acme", ODD)
    mixed = "".join(ENCODERS[name](char) for name, char in zip(choice, ODD, strict=True))
    assert redact(f"echo={mixed};") == f"echo={MASK};"


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_a_secret_cut_short_at_the_end_of_a_text_is_masked(odd: str, encoding: str) -> None:
    encoded = ENCODERS[encoding](odd)
    for size in range(4, len(odd)):
        start = len(ENCODERS[encoding](odd[:size]))
        # Cut after whole characters, and inside the encoding of the next one.
        for end in range(start, len(ENCODERS[encoding](odd[: size + 1]))):
            cleaned = redact(f"upstream answered: {encoded[:end]}")
            assert cleaned == f"upstream answered: {MASK}", (size, encoded[:end])


def test_a_long_secret_is_masked_whole_and_cut_anywhere() -> None:
    secret = "".join(f"{n}<&\"'" for n in range(100))
    Credentials("acme", secret)
    assert redact(f"[{html.escape(secret)}]") == f"[{MASK}]"
    for size in (4, 63, 64, 65, 300, len(secret) - 1):
        assert redact(f"[{quote_plus(secret[:size])}") == f"[{MASK}", size


def test_three_characters_of_a_secret_at_the_end_stay(odd: str) -> None:
    text = f"ends with {odd[:3]}"
    assert redact(text) == text


@pytest.mark.parametrize("encoding", ["raw", "html", "json ascii", "url quote_plus"])
def test_truncation_keeps_no_start_of_a_secret_at_its_edge(odd: str, encoding: str) -> None:
    encode = ENCODERS[encoding]
    tail = " and more" * 100
    for keep in range(4, len(odd)):
        filler = "x" * (RAW_LIMIT - len(encode(odd[:keep])))
        # The whole secret across the limit, and only its start there.
        for text in (filler + encode(odd) + tail, filler + encode(odd[:keep]) + tail):
            answer = parse_answer(text.encode(), clean=redact)
            assert not _leftovers(answer.raw, odd), (keep, text)
            assert answer.raw.startswith(filler)
            assert answer.raw.endswith("more]")


def test_truncate_cleans_before_cutting(odd: str) -> None:
    text = "x" * 10 + odd + "y" * 10
    cut = truncate(text, limit=15, clean=redact)
    assert cut.startswith("x" * 10 + "*****")
    assert not _leftovers(cut, odd)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("login=acme&password=anything-at-all&x=1", f"login=acme&password={MASK}&x=1"),
        ("PASSWORD=a%26b&x=1", f"PASSWORD={MASK}&x=1"),
        ("password=&lt;b&amp;x=1", f"password={MASK}&amp;x=1"),
        (
            '{"login": "acme", "password": "a \\"b\\" c"}',
            f'{{"login": "acme", "password": "{MASK}"}}',
        ),
        ('{"password":12345678,"x":1}', f'{{"password":{MASK},"x":1}}'),
        ("{'password': 'abc def'}", f"{{'password': '{MASK}'}}"),
        ('"{\\"password\\": \\"abc\\"}"', f'"{{\\"password\\": \\"{MASK}\\"}}"'),
        (
            "{&quot;password&quot;: &quot;a&lt;b&quot;}",
            f"{{&quot;password&quot;: &quot;{MASK}&quot;}}",
        ),
        ("<user_password>abc</user_password>", f"<user_password>{MASK}</user_password>"),
        (
            '<input type="password" name="password" value="abc def">',
            f'<input type="password" name="password" value="{MASK}">',
        ),
        ("<input value='abc' name=password>", f"<input value='{MASK}' name=password>"),
    ],
)
def test_password_fields_are_masked_whatever_their_value(answer: str, expected: str) -> None:
    assert redact(answer) == expected


@pytest.mark.parametrize(
    "text",
    [
        "result_code=0",
        "status=ok&result_code=3&message_id=abc-123",
        "<html><body><h1>502 Bad Gateway</h1><p>Tom &amp; Jerry &lt;3 &quot;x&quot;</p></html>",
        '{"error": "bad \\"sender\\"", "path": "\\/httpapi\\/receiver", "n": "\\u00e9"}',
        "https://example.com/a%20b?q=1+2&r=%3C%3E",
        "Wrong password: check it and try again.",
        "The password field is required",
        '<input type="password" name="login" value="acme">',
        "[Errno 111] Connect call failed ('127.0.0.1', 8080)",
    ],
)
def test_ordinary_text_is_untouched(odd: str, text: str) -> None:
    assert redact(text) == text


def test_log_file_never_receives_an_encoded_secret(tmp_path: Path, odd: str) -> None:
    configure_logging(tmp_path, stderr_level=None)
    log = logging.getLogger("console.test")
    log.warning("answer: %s", html.escape(odd))
    log.warning("answer: %s", _json_html_safe(odd))
    log.warning("cut answer: %s", quote_plus(odd)[:20])
    for handler in list(logging.getLogger().handlers):
        handler.flush()
        logging.getLogger().removeHandler(handler)
        handler.close()
    content = log_path(tmp_path).read_text()
    assert content.count(MASK) == 3
    assert not _leftovers(content, odd)


@pytest.mark.parametrize(
    "text",
    [
        "password " + "-" * 65536,
        "password" + "\\" * 65536,
        "a" * 65536 + " password",
        "<input name=password value=x><!-- " + "-" * 65536 + " -->",
        "x.y-" * 16384 + "password=1",
    ],
    ids=["dashes", "backslashes", "letters", "html-comment", "name-characters"],
)
def test_redacting_a_long_hostile_text_takes_no_time_to_speak_of(text: str) -> None:
    # An answer or a log line is redacted on the window's thread: it must not freeze it.
    Credentials("acme", SECRET)
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 0.5


STORE_PASSWORD = "s3cr@t+&pw:é"
STORE_URL = f"postgresql://ops:{quote(STORE_PASSWORD, safe='')}@db.example:5432/sms?sslmode=require"


@pytest.mark.parametrize(
    ("text", "password_as"),
    [
        (f"cannot reach {STORE_URL}", quote(STORE_PASSWORD, safe="")),
        ("postgres://ops:s3cr!t$pw@db.example/sms: refused", "s3cr!t$pw"),
        ("postgresql://ops:s3cr@t@db.example/sms", "s3cr@t"),
        # JSON as encoders that escape "/" write it.
        (json.dumps({"store": STORE_URL}).replace("/", "\\/"), quote(STORE_PASSWORD, safe="")),
        (f"GET /?store={quote(STORE_URL, safe='')} 400", quote(quote(STORE_PASSWORD, safe=""))),
        (f"<p>{html.escape('postgresql://ops:s3cr&t<@db.example/sms')}</p>", "s3cr&amp;t&lt;"),
        ("postgresql://ops@db.example/sms?password=s3cr%40t&sslmode=require", "s3cr%40t"),
        ("host=db.example user=ops password='s3 cr\\'t' dbname=sms", "s3 cr\\'t"),
    ],
)
def test_a_store_urls_password_is_masked_in_any_encoding(text: str, password_as: str) -> None:
    assert password_as in text
    cleaned = redact(text)
    assert password_as not in cleaned
    assert MASK in cleaned
    assert "db.example" in cleaned
    assert "ops" in cleaned


def test_urls_without_a_password_are_left_alone() -> None:
    for text in (
        "postgresql://ops@db.example:5432/sms?sslmode=require",
        "https://smsc-api.example:8443/httpapi/receiver, mail ops@example.com",
        '{"url": "http://a.example:80/x", "mail": "a@b.example"}',
    ):
        assert redact(text) == text
