"""What a customer's reply is: an opt-out, an opt-in or HELP, only when it is the whole
text, whatever the case and the spaces and punctuation around it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.protocol.keywords import KeywordAction, KeywordMatch, Keywords, folded

DEFAULTS = Keywords()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STOP", KeywordMatch(KeywordAction.OPT_OUT, "STOP")),
        ("stop ", KeywordMatch(KeywordAction.OPT_OUT, "STOP")),
        ("  Stop!\n", KeywordMatch(KeywordAction.OPT_OUT, "STOP")),
        ('"unsubscribe."', KeywordMatch(KeywordAction.OPT_OUT, "UNSUBSCRIBE")),
        ("StopAll", KeywordMatch(KeywordAction.OPT_OUT, "STOPALL")),
        ("cancel", KeywordMatch(KeywordAction.OPT_OUT, "CANCEL")),
        ("End", KeywordMatch(KeywordAction.OPT_OUT, "END")),
        ("quit", KeywordMatch(KeywordAction.OPT_OUT, "QUIT")),
        ("Start", KeywordMatch(KeywordAction.OPT_IN, "START")),
        ("unstop", KeywordMatch(KeywordAction.OPT_IN, "UNSTOP")),
        ("Yes!", KeywordMatch(KeywordAction.OPT_IN, "YES")),
        ("help?", KeywordMatch(KeywordAction.HELP, "HELP")),
        ("INFO", KeywordMatch(KeywordAction.HELP, "INFO")),
        ("\uff33\uff34\uff2f\uff30", KeywordMatch(KeywordAction.OPT_OUT, "STOP")),  # full width
    ],
)
def test_a_whole_reply_that_is_a_keyword_is_found(text: str, expected: KeywordMatch) -> None:
    assert DEFAULTS.match(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "please stop", "stop it", "STOP STOP", "st op", "stopp", "yes please",
     "STOP" * 30],
)  # fmt: skip
def test_a_reply_that_is_more_or_less_than_a_keyword_is_none(text: str) -> None:
    assert DEFAULTS.match(text) is None


def test_the_profiles_own_words_replace_the_defaults() -> None:
    french = Keywords(opt_out=("ARRET", " Désabonner "), opt_in=("OUI",), help=("AIDE",))

    assert french.match("arret") == KeywordMatch(KeywordAction.OPT_OUT, "ARRET")
    assert french.match("DÉSABONNER") == KeywordMatch(KeywordAction.OPT_OUT, "Désabonner")
    assert french.match("oui") == KeywordMatch(KeywordAction.OPT_IN, "OUI")
    assert french.match("aide") == KeywordMatch(KeywordAction.HELP, "AIDE")
    assert french.match("STOP") is None


_KEYWORD = st.sampled_from(DEFAULTS.opt_out + DEFAULTS.opt_in + DEFAULTS.help)
_AROUND = st.text(alphabet=" \t\r\n.,!?;:'\"()-*", max_size=5)


@given(_KEYWORD, _AROUND, _AROUND, st.booleans())
def test_any_case_and_punctuation_around_a_keyword_still_match(
    word: str, before: str, after: str, lower: bool
) -> None:
    text = before + (word.lower() if lower else word.title()) + after

    found = DEFAULTS.match(text)

    assert found is not None
    assert found.keyword == word


@given(_KEYWORD, st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8))
def test_a_keyword_with_more_words_or_letters_is_none(word: str, extra: str) -> None:
    assert DEFAULTS.match(f"{word} {extra}") is None
    assert DEFAULTS.match(f"{word}{extra}") is None or folded(word + extra) in {
        folded(w) for w in DEFAULTS.opt_out + DEFAULTS.opt_in + DEFAULTS.help
    }
