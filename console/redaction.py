"""Keeping secrets out of every text the program produces.

Known secrets are registered once (when credentials are loaded); :func:`redact` and the
logging filter replace them, raw or URL-encoded, wherever they appear.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote, quote_plus

MASK = "********"
# Shorter strings occur by chance in ordinary text (numbers, addresses, ids); masking
# them would garble that text while protecting nothing worth the name.
MIN_SECRET_LENGTH = 6

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(secret: str) -> None:
    """Remember ``secret`` so that no later text can carry it."""
    if len(secret) < MIN_SECRET_LENGTH:
        return
    with _lock:
        _secrets.update({secret, quote(secret, safe=""), quote_plus(secret)})


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


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
