"""Canned replies, on both backends: kept by name whatever its case, renamed, deleted,
and imported all or nothing, with what an import did said and audited."""

from __future__ import annotations

import pytest

from console.store.audit import AuditAction, AuditEntry
from console.store.canned import CannedImport, CannedNameTaken, UnknownCanned
from console.store.interface import MessageStore
from tests.support.store_backends import Backend


def names(store: MessageStore) -> list[str]:
    return [c.name for c in store.canned_replies()]


def test_a_reply_is_saved_listed_by_name_and_read_whatever_the_case(store: MessageStore) -> None:
    store.save_canned("Thanks", "Thank you, {number}!", "ann", now=10.0)
    store.save_canned("address", "We are at 1 Main St.", "bob", now=11.0)

    assert names(store) == ["address", "Thanks"]
    found = store.canned("THANKS")
    assert found is not None
    assert (found.name, found.text, found.updated_at, found.updated_by) == (
        "Thanks", "Thank you, {number}!", 10.0, "ann",
    )  # fmt: skip
    assert store.canned("nothing") is None


def test_saving_under_a_name_in_another_case_updates_that_reply(store: MessageStore) -> None:
    first = store.save_canned("Thanks", "old", "ann", now=10.0)

    saved = store.save_canned("  THANKS ", "new", "bob", now=20.0)

    assert saved.id == first.id
    assert [(c.name, c.text, c.updated_by) for c in store.canned_replies()] == [
        ("THANKS", "new", "bob")
    ]


def test_a_new_reply_may_not_take_a_name_in_use(store: MessageStore) -> None:
    store.save_canned("Thanks", "old", "ann")

    with pytest.raises(CannedNameTaken, match="'thanks' exists"):
        store.save_canned("thanks", "new", "bob", new=True)

    assert [(c.name, c.text) for c in store.canned_replies()] == [("Thanks", "old")]


def test_a_reply_is_renamed_but_not_onto_another(store: MessageStore) -> None:
    store.save_canned("Thanks", "thank you", "ann", now=1.0)
    store.save_canned("Hours", "9 to 5", "ann", now=1.0)

    renamed = store.rename_canned("thanks", "Thank you", "bob", now=2.0)

    assert (renamed.name, renamed.text, renamed.updated_by) == ("Thank you", "thank you", "bob")
    with pytest.raises(CannedNameTaken):
        store.rename_canned("Thank you", "HOURS", "bob")
    with pytest.raises(UnknownCanned):
        store.rename_canned("Thanks", "Other", "bob")
    # Only its case changed: still the same reply's name.
    store.rename_canned("hours", "hours", "bob")
    assert names(store) == ["hours", "Thank you"]


def test_a_reply_is_deleted_once(store: MessageStore) -> None:
    store.save_canned("Thanks", "thank you", "ann")

    assert store.delete_canned("THANKS") is True
    assert store.delete_canned("Thanks") is False
    assert names(store) == []


def test_an_import_adds_and_skips_or_replaces_the_names_in_use(store: MessageStore) -> None:
    store.save_canned("Thanks", "old thanks", "ann")
    store.save_canned("Hours", "9 to 5", "ann")
    entries = [("thanks", "new thanks"), ("Hours", "9 to 5"), ("Address", "1 Main St")]

    kept = store.import_canned(entries, "bob", replace=False)

    assert kept == CannedImport(added=("Address",), skipped=("Thanks",), unchanged=("Hours",))
    assert [(c.name, c.text) for c in store.canned_replies()] == [
        ("Address", "1 Main St"), ("Hours", "9 to 5"), ("Thanks", "old thanks"),
    ]  # fmt: skip

    replaced = store.import_canned(entries, "bob", replace=True)

    assert replaced == CannedImport(replaced=("thanks",), unchanged=("Hours", "Address"))
    found = store.canned("thanks")
    assert found is not None
    assert (found.name, found.text, found.updated_by) == ("thanks", "new thanks", "bob")


def test_an_import_is_audited_with_what_it_did(store: MessageStore) -> None:
    def entry(outcome: CannedImport) -> AuditEntry:
        detail = f"{len(outcome.added)} added"
        return AuditEntry(5.0, "bob", "desk", AuditAction.CANNED, detail=detail)

    store.import_canned([("A", "a"), ("B", "b")], "bob", replace=False, audit=entry)

    assert [(e.action, e.operator, e.detail) for e in store.audit()] == [
        ("canned", "bob", "2 added")
    ]


def test_an_import_that_fails_keeps_nothing(store: MessageStore) -> None:
    def failing(_outcome: CannedImport) -> AuditEntry:
        raise RuntimeError("the audit entry could not be made")

    with pytest.raises(RuntimeError):
        store.import_canned([("A", "a"), ("B", "b")], "bob", replace=False, audit=failing)

    assert names(store) == []
    assert store.audit() == []


def test_another_console_sees_the_teams_replies(backend: Backend) -> None:
    with backend.open() as ann, backend.open() as bob:
        ann.save_canned("Thanks", "thank you", "ann")
        assert names(bob) == ["Thanks"]
        bob.delete_canned("thanks")
        assert names(ann) == []
