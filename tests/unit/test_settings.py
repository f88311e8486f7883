from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from console.protocol.mt_request import HttpMethod, Priority
from console.settings import (
    PROVIDER_ENDPOINT,
    REGION_CODES,
    SETTINGS_VERSION,
    ConversationSettings,
    Environment,
    ListenerSettings,
    Profile,
    Settings,
    SettingsError,
    Theme,
    add_profile,
    duplicate_profile,
    listener_problems,
    load_settings,
    parse_port,
    remove_profile,
    replace_profile,
    save_settings,
    unique_name,
    with_active,
    with_profile,
)


def test_missing_file_gives_one_default_profile_on_the_provider(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "profiles.json")
    profile = settings.profile()
    assert profile.name == "default"
    assert profile.endpoint == PROVIDER_ENDPOINT
    assert (profile.retry_wait, profile.max_attempts, profile.method) == (
        30.0,
        10,
        HttpMethod.POST,
    )


def test_profiles_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    test_profile = Profile(
        name="test",
        endpoint="http://127.0.0.1:8080/httpapi/receiver",
        login="acme",
        senders=("12345", "ACME"),
        default_priority=Priority.INTERACTIVE,
        messages_per_second=2.5,
        method=HttpMethod.GET,
        default_region="GB",
    )
    save_settings(path, with_profile(Settings(), test_profile))
    loaded = load_settings(path)
    assert loaded.profile("test") == test_profile
    assert loaded.profile("default") == Profile()
    assert not list(tmp_path.glob(".profiles-*"))


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"'nope'.*default"):
        load_settings(tmp_path / "profiles.json").profile("nope")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not a valid settings file"),
        ('{"version": 99, "profiles": []}', "settings version 99; this one reads versions up"),
        ('{"version": "2", "profiles": []}', "unsupported settings version '2'"),
        ('{"version": 1, "profiles": [{"name": "x", "colour": "red"}]}', "unknown profile"),
        ('{"version": 1, "profiles": [{"endpoint": "ftp://x"}]}', "http:// or https://"),
        ('{"version": 1, "profiles": [{"method": "PUT"}]}', "not a valid settings file"),
        ('{"version": 1, "profiles": [{"max_attempts": 0}]}', "at least one attempt"),
        ('{"version": 1, "profiles": [{"default_region": "XX"}]}', "not a region code"),
    ],
)
def test_broken_settings_file_names_itself_and_the_problem(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(content)
    with pytest.raises(SettingsError) as raised:
        load_settings(path)
    assert str(path) in str(raised.value)
    assert reason in str(raised.value)


def test_endpoint_with_credentials_in_it_is_refused() -> None:
    with pytest.raises(SettingsError, match="must not carry"):
        Profile(endpoint="https://user:pw@example.test/httpapi/receiver")


def test_saved_file_holds_no_password_field(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    save_settings(path, Settings())
    data = json.loads(path.read_text())
    assert all("password" not in profile for profile in data["profiles"])


def test_a_profile_is_production_unless_it_says_test(tmp_path: Path) -> None:
    assert Profile().environment is Environment.PRODUCTION
    path = tmp_path / "profiles.json"
    save_settings(path, with_profile(Settings(), Profile(name="lab", environment=Environment.TEST)))
    assert json.loads(path.read_text())["profiles"][1]["environment"] == "test"
    assert load_settings(path).profile("lab").environment is Environment.TEST


def test_a_file_from_before_environments_loads_as_production(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "active": "desk",
                "profiles": [{"name": "desk", "login": "acme", "senders": ["ACME"]}],
                "listener": {"port": 9000},
            }
        )
    )
    settings = load_settings(path)
    assert settings.profile().environment is Environment.PRODUCTION
    assert settings.profile().senders == ("ACME",)
    assert settings.listener.port == 9000


def test_a_hand_written_file_without_active_uses_its_first_profile(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 1, "profiles": [{"name": "us"}, {"name": "gb"}]}')
    assert load_settings(path).active == "us"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"version": 1, "profiles": [{"environment": "staging"}]}', "production or test"),
        ('{"version": 1, "profiles": []}', "at least one profile"),
        ('{"version": 1, "profiles": [{"name": "a"}, {"name": "a"}]}', "two profiles are named"),
        ('{"version": 1, "active": "b", "profiles": [{"name": "a"}]}', "active profile 'b'"),
    ],
)
def test_environment_and_profile_set_are_checked_on_load(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(content)
    with pytest.raises(SettingsError, match=reason):
        load_settings(path)


def test_every_problem_of_a_profile_is_named_by_its_field() -> None:
    with pytest.raises(SettingsError) as raised:
        Profile(
            name=" ",
            environment="live",  # type: ignore[arg-type]
            endpoint="ftp://x",
            senders=("ACME", "ACME"),
            messages_per_second=0,
            retry_wait=float("nan"),
            max_attempts=0,
            timeout=-1,
            default_region="XX",
        )
    assert set(raised.value.problems) == {
        "name",
        "environment",
        "endpoint",
        "senders",
        "messages_per_second",
        "retry_wait",
        "max_attempts",
        "timeout",
        "default_region",
    }
    assert "listed twice" in raised.value.problems["senders"]
    assert all(message in str(raised.value) for message in raised.value.problems.values())


@pytest.mark.parametrize(
    "endpoint", ["http://host:99999/x", "http://host:port/x", "http://host:0/x", "http://[::1/x"]
)
def test_endpoint_with_an_impossible_port_or_host_is_refused(endpoint: str) -> None:
    with pytest.raises(SettingsError, match="endpoint"):
        Profile(endpoint=endpoint)


def test_region_codes_are_the_ones_profiles_accept() -> None:
    assert {"US", "GB", "DE"} <= set(REGION_CODES)
    assert list(REGION_CODES) == sorted(REGION_CODES)
    Profile(default_region=REGION_CODES[0])


def _three() -> Settings:
    return Settings(profiles=(Profile(name="a"), Profile(name="b"), Profile(name="c")), active="b")


def test_renaming_keeps_the_place_and_moves_the_active_mark() -> None:
    renamed = replace_profile(_three(), "b", replace(_three().profile("b"), name="bee"))
    assert [p.name for p in renamed.profiles] == ["a", "bee", "c"]
    assert renamed.active == "bee"


def test_renaming_onto_another_profile_is_refused_at_the_name() -> None:
    with pytest.raises(SettingsError) as raised:
        replace_profile(_three(), "a", Profile(name="c"))
    assert raised.value.problems == {"name": "'c' is already taken"}


def test_replacing_a_missing_profile_names_the_ones_there_are() -> None:
    with pytest.raises(SettingsError, match=r"'z'.*a, b, c"):
        replace_profile(_three(), "z", Profile(name="z"))


def test_removing_the_active_profile_makes_the_first_one_active() -> None:
    settings = remove_profile(_three(), "b")
    assert ([p.name for p in settings.profiles], settings.active) == (["a", "c"], "a")
    assert remove_profile(_three(), "c").active == "b"


def test_the_last_profile_cannot_be_removed() -> None:
    one = remove_profile(remove_profile(_three(), "a"), "b")
    with pytest.raises(SettingsError, match="last profile"):
        remove_profile(one, "c")


def test_new_names_never_clash() -> None:
    settings = add_profile(_three(), Profile(name=unique_name(_three(), "a")))
    assert [p.name for p in settings.profiles] == ["a", "b", "c", "a 2"]
    assert unique_name(settings, "a") == "a 3"
    assert unique_name(settings, "d") == "d"
    with pytest.raises(SettingsError, match="two profiles"):
        add_profile(settings, Profile(name="b"))


def test_a_duplicate_follows_its_original_with_everything_but_the_name() -> None:
    original = Profile(name="a", login="acme", senders=("ACME",), environment=Environment.TEST)
    settings = Settings(profiles=(original, Profile(name="b")), active="a")
    settings, copy = duplicate_profile(settings, "a")
    assert [p.name for p in settings.profiles] == ["a", "a copy", "b"]
    assert copy == replace(original, name="a copy")
    assert duplicate_profile(settings, "a")[1].name == "a copy 2"


def test_any_profile_can_be_made_active_but_no_unknown_one() -> None:
    assert with_active(_three(), "c").active == "c"
    with pytest.raises(SettingsError, match="'z'"):
        with_active(_three(), "z")


def test_every_profile_edit_keeps_the_listener_and_the_theme() -> None:
    settings = replace(_three(), listener=ListenerSettings(port=9000), theme=Theme.DARK)
    edited = (
        add_profile(settings, Profile(name="d")),
        duplicate_profile(settings, "a")[0],
        replace_profile(settings, "b", replace(settings.profile("b"), max_attempts=6)),
        remove_profile(settings, "c"),
        with_active(settings, "c"),
        with_profile(settings, Profile(name="a", login="acme")),
    )
    for after in edited:
        assert (after.listener, after.theme) == (settings.listener, settings.theme)


def test_sound_listener_settings_have_no_problems(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert")
    key.write_text("key")
    listener = ListenerSettings(
        host="0.0.0.0",  # noqa: S104
        port=0,
        path_token="x" * 16,
        allow=("203.0.113.0/24", "2001:db8::/32"),
        trusted_proxies=("10.0.0.5",),
        tls_cert=str(cert),
        tls_key=str(key),
    )
    assert listener_problems(listener) == {}
    assert listener_problems(ListenerSettings(host="localhost")) == {}


def test_each_listener_problem_is_told_at_its_field(tmp_path: Path) -> None:
    listener = ListenerSettings(
        host="not an address",
        port=70000,
        path_token="short",
        allow=("203.0.113.0/24", "nope"),
        trusted_proxies=("10.0.0.0/33",),
        tls_cert=str(tmp_path / "missing.pem"),
        max_body=10,
    )
    problems = listener_problems(listener)
    assert set(problems) == {
        "host",
        "port",
        "path_token",
        "allow",
        "trusted_proxies",
        "tls",
        "max_body",
    }
    assert "70000" in problems["port"]
    assert "'nope'" in problems["allow"]
    assert "both" in problems["tls"]
    cert_only = replace(listener, tls_key=str(tmp_path / "missing-key.pem"))
    assert "no such file" in listener_problems(cert_only)["tls"]


@pytest.mark.parametrize(("text", "port"), [("8787", 8787), (" 0 ", 0), ("99999", 99999)])
def test_a_typed_port_is_read_as_a_number(text: str, port: int) -> None:
    assert parse_port(text) == port


# Full-width digits pass str.isdigit() and int() would read them.
@pytest.mark.parametrize("text", ["", "80a", "-1", "\uff18\uff10"])
def test_a_typed_port_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(SettingsError) as raised:
        parse_port(text)
    assert "port" in raised.value.problems


def test_changing_a_profile_keeps_its_place_in_the_list() -> None:
    profiles = (Profile(name="a"), Profile(name="b"), Profile(name="c"))
    settings = Settings(profiles=profiles, active="a")
    changed = with_profile(settings, Profile(name="a", default_region="GB"))
    assert [p.name for p in changed.profiles] == ["a", "b", "c"]
    assert changed.profiles[0].default_region == "GB"
    added = with_profile(settings, Profile(name="d"))
    assert [p.name for p in added.profiles] == ["a", "b", "c", "d"]


def test_a_file_of_the_first_version_is_upgraded_as_it_is_read_and_saved_as_the_newest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(
        '{"version": 1, "active": "us", "profiles": [{"name": "us", "default_region": "US"}]}'
    )
    settings = load_settings(path)
    assert settings.profile().max_segments == 10
    assert settings.profile().max_characters is None
    assert settings.theme is Theme.SYSTEM
    save_settings(path, settings)
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION == 5
    assert load_settings(path) == settings


def test_the_theme_is_kept_and_an_unknown_one_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    save_settings(path, Settings(theme=Theme.DARK))
    assert load_settings(path).theme is Theme.DARK
    path.write_text('{"version": 3, "theme": "purple", "profiles": [{"name": "x"}]}')
    with pytest.raises(SettingsError, match="theme 'purple' must be system, light or dark"):
        load_settings(path)


def test_a_file_of_a_newer_console_is_refused_naming_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 6, "profiles": [{"name": "x", "new_thing": 1}]}')
    with pytest.raises(SettingsError) as refused:
        load_settings(path)
    assert "settings version 6; this one reads versions up to 5" in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_version_3_file_keeps_this_computers_store_and_the_local_url(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 3, "theme": "dark", "profiles": [{"name": "x"}]}')
    settings = load_settings(path)
    assert not settings.workspace.shared
    assert settings.listener.public_url == ""
    save_settings(path, settings)
    assert json.loads(path.read_text())["workspace"] == {"store": ""}


def test_a_workspace_file_naming_an_unknown_setting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 4, "theme": "dark", "profiles": [{"name": "x"}],'
                    ' "workspace": {"store": "", "colour": "red"}}')  # fmt: skip
    with pytest.raises(SettingsError, match="unknown workspace settings: colour"):
        load_settings(path)


def test_the_operator_name_is_kept_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(operator_name="Alice Smith"))

    assert load_settings(path).operator_name == "Alice Smith"
    assert Settings().operator_name == ""  # the system's user name
    with pytest.raises(SettingsError) as spaced:
        Settings(operator_name=" alice")
    with pytest.raises(SettingsError) as controlled:
        Settings(operator_name="al\x1bice")
    assert "operator_name" in spaced.value.problems
    assert "control characters" in controlled.value.problems["operator_name"]


def test_a_file_from_before_the_operator_name_reads_as_none_set(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 3, "theme": "dark", "profiles": [{"name": "x"}]}')

    assert load_settings(path).operator_name == ""


def test_a_version_4_file_notifies_replies_and_claims_for_15_minutes(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 4, "theme": "dark", "profiles": [{"name": "x"}]}')
    settings = load_settings(path)
    assert settings.conversations.notify_replies
    assert settings.conversations.claim_minutes == 15
    save_settings(path, settings)
    saved = json.loads(path.read_text())
    assert saved["version"] == 5
    assert saved["conversations"] == {"notify_replies": True, "claim_minutes": 15}


def test_silenced_notifications_and_a_claims_length_are_kept_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    quiet = ConversationSettings(notify_replies=False, claim_minutes=30)
    save_settings(path, Settings(conversations=quiet))
    assert load_settings(path).conversations == quiet
    with pytest.raises(SettingsError) as endless:
        Settings(conversations=ConversationSettings(claim_minutes=0))
    assert "from 1 to 480 minutes" in endless.value.problems["claim_minutes"]
    path.write_text('{"version": 5, "theme": "dark", "profiles": [{"name": "x"}],'
                    ' "conversations": {"notify_replies": "no"}}')  # fmt: skip
    with pytest.raises(SettingsError, match="notify_replies must be true or false"):
        load_settings(path)
