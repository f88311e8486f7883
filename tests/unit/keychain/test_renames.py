"""Which profiles were renamed between two versions of the settings, and their passwords
following them."""

from __future__ import annotations

from console.keychain import Keychain, Rename, follow_renames, renames, service_name
from console.settings import Profile, Settings
from tests.support.keyrings import MemoryKeyring, RefusingKeyring

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


async def test_a_renamed_profile_takes_its_password_along() -> None:
    backend = MemoryKeyring()
    backend.set_password(service_name("b"), "bob", "bob-Secr3t")
    problems = await follow_renames(Keychain(backend), [Rename("b", "b2", "bob")])
    assert problems == []
    assert backend.entries == {(service_name("b2"), "bob"): "bob-Secr3t"}


async def test_a_password_that_cannot_move_stays_and_says_so() -> None:
    problems = await follow_renames(Keychain(RefusingKeyring()), [Rename("b", "b2", "bob")])
    assert problems == [
        "Keychain: the password of 'b' stays under that name: "
        "the keychain is locked and was not unlocked while reading the password"
    ]
