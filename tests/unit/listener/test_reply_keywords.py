"""The listener finds the keyword a reply is with the keywords of the profile of the
shortcode it was sent to, and the reply's transaction changes the opt-out list."""

from __future__ import annotations

from pathlib import Path

import httpx

from console.protocol.keywords import KeywordRules, Keywords, ProfileKeywords
from console.settings import Profile, Settings, keyword_rules
from console.settings.listener import listener_config
from console.settings.model import ListenerSettings
from console.store.sqlite import SqliteStore
from tests.support.listener import running_listener


def post(url: str, message_id: str, shortcode: str, text: str, phone: str) -> None:
    fields = {
        "type": "MO",
        "message_id": message_id,
        "shortcode": shortcode,
        "phone_number": phone,
        "message": text,
    }
    assert httpx.post(url, data=fields, timeout=10).status_code == 200


def test_each_shortcode_gets_its_profiles_keywords(data_dir: Path) -> None:
    french = Profile(name="fr", senders=("33000",), keywords=Keywords(opt_out=("ARRET",)))
    english = Profile(name="uk", senders=("60000",))
    rules = keyword_rules(Settings(profiles=(english, french), active="uk"))

    with running_listener(data_dir, keywords=rules) as listener:
        post(listener.url, "mo-1", "33000", "Arrêt", "33600000001")  # not the word: no
        post(listener.url, "mo-2", "33000", "arret!", "33600000002")
        post(listener.url, "mo-3", "33000", "STOP", "33600000003")  # not French: no
        post(listener.url, "mo-4", "60000", "stop ", "447700900004")
        post(listener.url, "mo-5", "99999", "Quit", "447700900005")  # no profile: active's

    with SqliteStore(data_dir / "messages.sqlite3") as store:
        listed = {s.phone_number: (s.keyword, s.reply_message_id) for s in store.suppressions()}
        assert listed == {
            "33600000002": ("ARRET", "mo-2"),
            "447700900004": ("STOP", "mo-4"),
            "447700900005": ("QUIT", "mo-5"),
        }
        assert len(store.replies()) == 5


def test_the_listeners_configuration_carries_the_profiles_keywords() -> None:
    rules = KeywordRules(ProfileKeywords(Keywords(opt_out=("HALT",))))
    saved = ListenerSettings(path_token="t" * 24)

    assert listener_config(saved, rules).keywords == rules
    assert listener_config(saved).keywords == KeywordRules()
