from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.protocol.mt_request import HttpMethod, Priority
from console.settings import (
    PROVIDER_ENDPOINT,
    Profile,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
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
        ('{"version": 99, "profiles": []}', "unsupported settings version"),
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
