"""Regular expressions that find a secret, or a password field, in whatever form a text has.

A remote side may echo a request's password raw, HTML-escaped, JSON-escaped or URL/form
encoded, and a text may nest these forms (JSON quoted in an HTML page, a query string in
JSON), so that they mix character by character. Each character of a secret therefore
becomes the set of all its encodings, and the secret the sequence of those sets.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterable
from functools import cache

# Fewer of a secret's first characters at the end of a text are left alone: they occur by
# chance in ordinary text.
MIN_PREFIX_LENGTH = 4
# Characters of a secret matched one by one at a text's end; later ones are matched in any
# order, because each one nests a group and the regular expression parser limits nesting.
_EXACT_EDGE = 64

_JSON_SHORT = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}

# What a cut can leave of the next character's encoding: an entity without its end, half
# a surrogate pair or an unfinished \u escape, some bytes of a UTF-8 sequence or half a byte.
_PARTIAL = (
    r"(?i:\\?&[#\w]*"
    r"|(?:\\u[0-9a-f]{4})?(?:\\(?:u[0-9a-f]{0,3})?)?"
    r"|(?:%[0-9a-f]{2})*(?:%[0-9a-f]?)?)"
)


@cache
def _entity_names() -> dict[str, tuple[str, ...]]:
    names: dict[str, list[str]] = {}
    for name, value in html.entities.html5.items():
        names.setdefault(value, []).append(name)
    return {value: tuple(found) for value, found in names.items()}


def _hex(value: int, width: int = 0) -> str:
    return f"{value:0{width}x}"


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return rf"\\u{_hex(code, 4)}"
    high, low = divmod(code - 0x10000, 0x400)
    return rf"\\u{_hex(0xD800 + high, 4)}\\u{_hex(0xDC00 + low, 4)}"


def _html_forms(char: str) -> list[str]:
    code = ord(char)
    forms = [re.escape(char)]
    forms += [re.escape(f"&{name}") for name in _entity_names().get(char, ())]
    return [*forms, rf"&\#0*{code};", rf"(?i:&\#x0*{_hex(code)};)"]


@cache
def char_forms(char: str) -> str:
    """A pattern that matches ``char`` raw or in any one of its encodings."""
    forms = _html_forms(char)
    forms.append(f"(?i:{_json_escape(char)})")
    if char in _JSON_SHORT:
        # JSON shown in an HTML page escapes the character after the backslash once more.
        escaped = _JSON_SHORT[char][1]
        forms.append(r"\\(?:" + "|".join(_html_forms(escaped)) + ")")
    # A password read from a non-UTF-8 environment may hold lone surrogates: registering
    # it must not fail on them.
    utf8 = char.encode("utf-8", "surrogatepass")
    forms.append("(?i:" + "".join(f"%{byte:02x}" for byte in utf8) + ")")
    if char == " ":
        forms.append(r"\+")
    return "(?:" + "|".join(forms) + ")"


def _secret_pattern(secret: str) -> str:
    return "".join(char_forms(char) for char in secret)


def _edge_pattern(secret: str) -> str:
    """The first characters of ``secret`` (at least MIN_PREFIX_LENGTH) at the end of a text."""
    forms = [char_forms(char) for char in secret]
    exact, rest = forms[:_EXACT_EDGE], forms[_EXACT_EDGE:]
    optional = f"(?:{'|'.join(sorted(set(rest)))})*" if rest else ""
    for form in reversed(exact[MIN_PREFIX_LENGTH:]):
        optional = f"(?:{form}{optional})?"
    return "".join(exact[:MIN_PREFIX_LENGTH]) + optional + _PARTIAL + r"(?=\s*\Z)"


def secrets_pattern(secrets: Iterable[str]) -> re.Pattern[str]:
    """One pattern for all ``secrets``, whole anywhere or their start at the end of a text."""
    ordered = sorted(set(secrets), key=len, reverse=True)
    whole = [_secret_pattern(secret) for secret in ordered]
    edges = [_edge_pattern(secret) for secret in ordered]
    return re.compile("|".join(whole + edges))


# A quote around a name or value: plain, backslash-escaped (JSON inside a string) or an
# HTML entity (JSON quoted in a page).
_QUOTE = r"""(?:\\{0,8}["']|&quot;?|&apos;|&\#0*3[49];|&\#x0*2[27];)"""
# Bounded, and starting where a name can start: unbounded, every run of name characters
# in a long text was scanned again from each of its positions.
_NAME = r"(?<![\w.\-\[\]])[\w.\-\[\]]{0,64}password"

# "password": "...", 'password': '...', \"password\": \"...\", &quot;password&quot;: ...
_QUOTED_FIELD = re.compile(
    rf"""(?P<kq>{_QUOTE}){_NAME}(?P=kq)\s*[:=]\s*
    (?:(?P<vq>{_QUOTE})(?P<quoted>(?:(?!(?P=vq))(?:\\.|[^\\\n]))*)(?=(?P=vq))
      |(?P<bare>[^\s,;&}}\]<]+))""",
    re.IGNORECASE | re.VERBOSE,
)
# password=... in a form body or query string; an HTML-escaped one separates its fields
# with &amp;, and its other entities are data.
_FORM_FIELD = re.compile(rf"{_NAME}=(?P<bare>(?:&(?!amp;)[#\w]+;|[^\s&;,\"'<>])+)", re.IGNORECASE)
# password='...' in a libpq connection string
_CONNINFO_FIELD = re.compile(rf"{_NAME}\s*=\s*'(?P<quoted>(?:\\.|[^'\\])*)'", re.IGNORECASE)
# <password>...</password>
_XML_FIELD = re.compile(
    rf"<(?P<tag>{_NAME})(?:\s[^>]*)?>(?P<bare>[^<]+)(?=</(?P=tag)>)", re.IGNORECASE
)
# <input name="password" value="...">, with its attributes in any order.
_INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_PASSWORD_NAME = re.compile(rf"""\bname\s*=\s*(["']?){_NAME}\1[\s/>]""", re.IGNORECASE)
_VALUE_ATTRIBUTE = re.compile(
    r"""\bvalue\s*=\s*(?:"(?P<quoted>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s>]+))""",
    re.IGNORECASE,
)


def mask_password_fields(text: str, mask: str) -> str:
    """``text`` with the value of every field named like ``password`` replaced by ``mask``."""
    if "password" not in text.lower():
        return text

    def value_masked(match: re.Match[str]) -> str:
        whole = match.group(0)
        for group in ("quoted", "single", "bare"):
            if group in match.re.groupindex and match.group(group) is not None:
                start, end = match.span(group)
                offset = match.start()
                return whole[: start - offset] + mask + whole[end - offset :]
        return whole

    def input_masked(match: re.Match[str]) -> str:
        tag = match.group(0)
        if not _PASSWORD_NAME.search(tag):
            return tag
        return _VALUE_ATTRIBUTE.sub(value_masked, tag)

    for pattern in (_QUOTED_FIELD, _CONNINFO_FIELD, _FORM_FIELD, _XML_FIELD):
        text = pattern.sub(value_masked, text)
    return _INPUT_TAG.sub(input_masked, text)


# scheme://user:password@host, its separators raw, JSON-escaped (\/) or percent-encoded (a
# URL quoted in another URL's query). Bounded, so that a long text is not scanned again
# from each of its positions.
_COLON = r"(?::|%3a)"
_AT = r"(?:@|%40)"
_SLASH = r"(?:/|\\/|%2f)"
_URL_PASSWORD = re.compile(
    rf"\b[a-z][a-z0-9+.\-]{{0,32}}{_COLON}{_SLASH}{_SLASH}"
    rf"(?:(?!{_COLON}|{_AT})[^\s/?#\\]){{0,128}}{_COLON}"
    # Up to the authority's last "@": a password may hold an "@" (raw or as %40) itself.
    # Characters a URL never holds raw end it (a quote closing a JSON string, a tag).
    rf"(?P<bare>(?:\\\"|[^\s/?#\"<>]){{1,512}})(?={_AT})",
    re.IGNORECASE,
)


def mask_url_passwords(text: str, mask: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` replaced by
    ``mask``."""
    if "@" not in text and "%40" not in text.lower():
        return text

    def masked(match: re.Match[str]) -> str:
        start, end = match.span("bare")
        offset = match.start()
        whole = match.group(0)
        return whole[: start - offset] + mask + whole[end - offset :]

    return _URL_PASSWORD.sub(masked, text)
