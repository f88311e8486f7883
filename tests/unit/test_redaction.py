from __future__ import annotations

import logging
from pathlib import Path

from console.credentials import Credentials
from console.logging_setup import configure_logging
from console.paths import log_path
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
