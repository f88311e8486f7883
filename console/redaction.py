"""Keeping secrets out of every text the program produces.

Known secrets are registered once (when credentials are loaded); :func:`redact` and the
logging filter replace them wherever they appear: raw, HTML-escaped, JSON-escaped or
URL/form-encoded, in any mix, and their first characters where a text ends abruptly.
Values of fields named ``password``, and the password of a URL (``scheme://user:pw@host``),
are masked too, whatever they hold.
"""

from __future__ import annotations

import logging
import re
import threading

from console.secret_patterns import mask_password_fields, mask_url_passwords, secrets_pattern

MASK = "********"
# Shorter strings occur by chance in ordinary text (numbers, addresses, ids); masking
# them would garble that text while protecting nothing worth the name.
MIN_SECRET_LENGTH = 6

_lock = threading.Lock()
_secrets: set[str] = set()
# Compiled at registration, because the logging filter runs on every record.
_pattern: re.Pattern[str] | None = None


def register_secret(secret: str) -> None:
    """Remember ``secret`` so that no later text can carry it."""
    global _pattern
    if len(secret) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if secret in _secrets:
            return
        _secrets.add(secret)
        _pattern = secrets_pattern(_secrets)


def redact(text: str) -> str:
    """``text`` with every registered secret, every password field's value and every URL's
    password masked.

    A text that ends with a secret's first characters is taken as cut there (by us or by
    the remote side), and those characters are masked too.
    """
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return mask_url_passwords(mask_password_fields(text, MASK), MASK)


class RedactingFilter(logging.Filter):
    """Masks registered secrets in log records before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from the exception itself; fold them into the
            # message now so that the text can be cleaned.
            formatter = logging.Formatter()
            record.msg = f"{cleaned}\n{redact(formatter.formatException(record.exc_info))}"
            record.exc_info = None
            record.exc_text = None
        return True
