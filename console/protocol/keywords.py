"""Keywords a customer's whole reply may be: opt out (STOP), opt in (START), or HELP.

A reply is a keyword when its whole text, less the spaces and punctuation around it and
with case folded, is one of the words configured: ``stop``, `` Stop! `` and ``STOP.`` are
STOP; ``stop please`` is no keyword at all.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from console.protocol.mt_request import HttpMethod, Priority

DEFAULT_OPT_OUT = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")
DEFAULT_OPT_IN = ("START", "UNSTOP", "YES")
DEFAULT_HELP = ("HELP", "INFO")


class KeywordAction(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


@dataclass(frozen=True)
class KeywordMatch:
    """What a reply asks for, and the keyword it matched (as configured)."""

    action: KeywordAction
    keyword: str


def folded(text: str) -> str:
    """``text`` as it is compared: trimmed of spaces and punctuation, case folded."""
    start, end = 0, len(text)
    while start < end and _trimmed(text[start]):
        start += 1
    while end > start and _trimmed(text[end - 1]):
        end -= 1
    return unicodedata.normalize("NFKC", text[start:end]).casefold()


def _trimmed(char: str) -> bool:
    # Spaces, controls (a stray newline) and punctuation (P*) and symbols (S*) such as
    # an emoji or "!" around the word.
    return char.isspace() or unicodedata.category(char)[0] in "PSCZ"


@dataclass(frozen=True)
class Keywords:
    """One profile's keyword lists and the texts sent back, if any (empty: none).

    ``help_reply`` answers a HELP keyword; ``stop_confirmation`` and
    ``start_confirmation`` confirm an opt-out and an opt-in (off by default).
    """

    opt_out: tuple[str, ...] = DEFAULT_OPT_OUT
    opt_in: tuple[str, ...] = DEFAULT_OPT_IN
    help: tuple[str, ...] = DEFAULT_HELP
    help_reply: str = ""
    stop_confirmation: str = ""
    start_confirmation: str = ""

    def problems(self) -> dict[str, str]:
        """What is wrong with the lists, by field (``opt_out``, ``opt_in``, ``help``)."""
        found: dict[str, str] = {}
        seen: dict[str, str] = {}
        for name in ("opt_out", "opt_in", "help"):
            for word in getattr(self, name):
                key = folded(word)
                if not key:
                    found[name] = "a keyword needs a letter or a digit"
                elif key in seen:
                    where = "twice" if seen[key] == name else f"in {_LISTS[seen[key]]} too"
                    found[name] = f"{word.strip()!r} is listed {where}"
                seen.setdefault(key, name)
        return found

    def text_back(self, match: KeywordMatch | None) -> str:
        """What is sent back to a reply that is ``match`` (empty: nothing)."""
        if match is None:
            return ""
        return {
            KeywordAction.OPT_OUT: self.stop_confirmation,
            KeywordAction.OPT_IN: self.start_confirmation,
            KeywordAction.HELP: self.help_reply,
        }[match.action]

    def match(self, text: str) -> KeywordMatch | None:
        """The keyword ``text`` is, or None when it is none of them."""
        key = folded(text)
        if not key or len(key) > _LONGEST:
            return None
        for action, words in (
            (KeywordAction.OPT_OUT, self.opt_out),
            (KeywordAction.OPT_IN, self.opt_in),
            (KeywordAction.HELP, self.help),
        ):
            for word in words:
                if folded(word) == key:
                    return KeywordMatch(action, word.strip())
        return None


_LISTS = {"opt_out": "the opt-out keywords", "opt_in": "the opt-in keywords", "help": "HELP"}
# Nobody types a keyword this long: a longer reply is not looked at further.
_LONGEST = 64


def text_back_id(reply_message_id: str) -> str:
    """The message_id of the text sent back to a reply (a HELP answer, a confirmation):
    every console works out the same one, so the text is stored, and sent, only once."""
    return hashlib.sha256(f"text back to {reply_message_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ReplySender:
    """How a text back to a customer goes out: as a message of this profile, from the
    shortcode the customer wrote to."""

    profile: str
    endpoint: str
    method: HttpMethod = HttpMethod.POST
    receipt: bool = True
    priority: Priority | None = None


@dataclass(frozen=True)
class ProfileKeywords:
    """One profile's keywords, and how its texts back are sent (None: they are not)."""

    keywords: Keywords = field(default_factory=Keywords)
    sender: ReplySender | None = None


@dataclass(frozen=True)
class KeywordRules:
    """Which keywords apply to a reply: those of the profile whose senders include the
    shortcode the customer wrote to, else those of the active profile."""

    default: ProfileKeywords = field(default_factory=ProfileKeywords)
    by_shortcode: tuple[tuple[str, ProfileKeywords], ...] = ()

    def for_shortcode(self, shortcode: str) -> ProfileKeywords:
        for sender, profile in self.by_shortcode:
            if sender == shortcode:
                return profile
        return self.default

    def match(self, shortcode: str, text: str) -> KeywordMatch | None:
        return self.for_shortcode(shortcode).keywords.match(text)
