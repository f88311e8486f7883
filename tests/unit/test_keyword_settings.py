"""Each profile's reply keywords: kept in the settings file (version 5), upgraded from
version 4 with the defaults, checked, and chosen for a reply by the shortcode it went to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.protocol.keywords import (
    DEFAULT_HELP,
    DEFAULT_OPT_IN,
    DEFAULT_OPT_OUT,
    KeywordAction,
    Keywords,
)
from console.settings import Profile, Settings, SettingsError, keyword_rules
from console.settings.file import load_settings, save_settings


def test_a_version_4_file_gets_the_default_keywords_and_no_texts(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 4, "theme": "dark", "profiles": [{"name": "x"}]}')

    keywords = load_settings(path).profile().keywords

    assert keywords.opt_out == DEFAULT_OPT_OUT == ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                                   "END", "QUIT")  # fmt: skip
    assert keywords.opt_in == DEFAULT_OPT_IN == ("START", "UNSTOP", "YES")
    assert keywords.help == DEFAULT_HELP == ("HELP", "INFO")
    assert (keywords.help_reply, keywords.stop_confirmation, keywords.start_confirmation) == (
        "",
        "",
        "",
    )


def test_a_profiles_keywords_and_texts_are_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    keywords = Keywords(
        opt_out=("STOP", "ARRET"),
        opt_in=("START",),
        help=("AIDE",),
        help_reply="Acme Support: call 0800 000 000. Reply STOP to opt out.",
        stop_confirmation="You will get no more messages from Acme.",
        start_confirmation="Welcome back to Acme messages.",
    )
    settings = Settings(profiles=(Profile(name="fr", keywords=keywords),), active="fr")

    save_settings(path, settings)

    saved = json.loads(path.read_text())
    assert saved["version"] == 5
    assert saved["profiles"][0]["keywords"]["opt_out"] == ["STOP", "ARRET"]
    assert load_settings(path) == settings


def test_keyword_settings_a_file_gets_wrong_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 5, "theme": "dark",'
                    ' "profiles": [{"name": "x", "keywords": {"opt_out": "STOP"}}]}')  # fmt: skip
    with pytest.raises(SettingsError, match="keywords opt_out must be a list of words"):
        load_settings(path)
    path.write_text('{"version": 5, "theme": "dark",'
                    ' "profiles": [{"name": "x", "keywords": {"colour": "red"}}]}')  # fmt: skip
    with pytest.raises(SettingsError, match="unknown keyword settings: colour"):
        load_settings(path)


def test_a_keyword_in_two_lists_or_with_no_letters_is_told_at_its_field() -> None:
    with pytest.raises(SettingsError) as twice:
        Profile(keywords=Keywords(opt_in=("START", "stop")))
    with pytest.raises(SettingsError) as empty:
        Profile(keywords=Keywords(help=("HELP", "?!")))

    assert twice.value.problems == {
        "opt_in_keywords": "'stop' is listed in the opt-out keywords too"
    }
    assert empty.value.problems == {"help_keywords": "a keyword needs a letter or a digit"}


def test_a_reply_gets_the_keywords_of_the_profile_of_its_shortcode() -> None:
    french = Profile(name="fr", senders=("33000",), keywords=Keywords(opt_out=("ARRET",)))
    english = Profile(name="uk", senders=("60000",))
    rules = keyword_rules(Settings(profiles=(english, french), active="uk"))

    assert rules.match("33000", "arret") is not None
    assert rules.match("33000", "STOP") is None
    assert rules.match("60000", "arret") is None
    found = rules.match("60000", "stop")
    assert found is not None
    assert found.action is KeywordAction.OPT_OUT
    # A shortcode no profile lists: the active profile's keywords.
    assert rules.match("99999", "STOP") is not None
    assert rules.match("99999", "ARRET") is None


def test_a_shortcode_in_two_profiles_takes_the_active_ones_keywords() -> None:
    first = Profile(name="a", senders=("12345",), keywords=Keywords(opt_out=("ALPHA",)))
    second = Profile(name="b", senders=("12345",), keywords=Keywords(opt_out=("BRAVO",)))

    rules = keyword_rules(Settings(profiles=(first, second), active="b"))

    assert rules.match("12345", "bravo") is not None
    assert rules.match("12345", "alpha") is None
