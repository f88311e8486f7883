"""Why a shared store could not be opened, in words that say what to fix: a refused or a
missing password names the user and the command that keeps one in the keychain; libpq's
own lines are joined with "; " (it writes one per line, and one per address tried, so a
refusal on two addresses is said once); the URL, which the caller shows, is left out."""

from __future__ import annotations

import re
import shlex

import psycopg
from psycopg.conninfo import conninfo_to_dict

from console.store.location import StoreLocation
from console.store.postgres.connection import Redactor, libpq_words

_REFUSED = re.compile(r'password authentication failed for user "(?P<user>[^"]*)"')
_NOT_GIVEN = "no password supplied"  # libpq: the server asked, none was found
# What connection.py puts before libpq's words, and the hint it may add after them.
_OPENED = re.compile(r"^the shared store at \S+ could not be (opened|set up): ")
_HINT = re.compile(r" \(keep one in the keychain: .*\)$")


def password_hint(url: str) -> str:
    """The command that keeps a password for ``url`` (without one) in the keychain, quoted
    for a shell: a URL's ``&`` would otherwise end the command there."""
    return f"sms-console --store {shlex.quote(url)} db password set"


def libpq_reason(error: BaseException, location: StoreLocation) -> str:
    """libpq's (or the store's) words for ``error``, one clause per line it wrote, each
    once, without the password."""
    redact = Redactor(location.connection_url())
    text = " ".join(str(error).split())
    found: BaseException | None = error
    if not isinstance(error, psycopg.Error):
        if not _OPENED.match(text):
            return redact(text)  # the store's own words, not libpq's
        # The store's text has libpq's lines run together; the error it came from, not.
        while found is not None and not isinstance(found, psycopg.Error):
            found = found.__context__
    if found is None:
        return redact(_HINT.sub("", _OPENED.sub("", text)))
    return redact(libpq_words(found))


def open_failure(error: BaseException, location: StoreLocation) -> str:
    """What to fix so that the shared store at ``location`` opens."""
    url = location.describe()
    reason = libpq_reason(error, location)
    if refused := _REFUSED.search(reason):
        return (
            f"the password for {refused['user']} was refused; keep the right one in the "
            f"keychain with {password_hint(url)}"
        )
    if _NOT_GIVEN in reason:
        return (
            f"no password was found for {_user(url)} (PGPASSWORD, ~/.pgpass or the keychain); "
            f"keep one in the keychain with {password_hint(url)}"
        )
    return reason


def _user(url: str) -> str:
    try:
        return str(conninfo_to_dict(url).get("user") or "this login")
    except psycopg.Error:
        return "this login"
