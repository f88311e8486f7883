"""Which profiles were renamed between two versions of the settings."""

from __future__ import annotations

from console.profile_credentials import Rename, renames
from console.settings import Profile, Settings

A = Profile(name="a", login="ann")
B = Profile(name="b", login="bob")


def test_a_profile_gone_under_its_name_is_found_under_its_new_one() -> None:
    before = Settings(profiles=(A, B), active="a")
    after = Settings(profiles=(A, Profile(name="b2", login="bob")), active="a")
    assert renames(before, after) == [Rename("b", "b2", "bob")]


def test_a_removed_and_an_added_profile_of_other_logins_are_no_rename() -> None:
    before = Settings(profiles=(A, B), active="a")
    after = Settings(profiles=(A, Profile(name="c", login="cat")), active="a")
    assert renames(before, after) == []


def test_unchanged_names_and_profiles_without_login_are_left_alone() -> None:
    before = Settings(profiles=(A, Profile(name="x")), active="a")
    after = Settings(profiles=(A, Profile(name="y")), active="a")
    assert renames(before, after) == []
