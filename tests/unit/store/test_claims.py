"""The outbox's claims, on both backends: a console holds the messages it sends, no other
console takes one it holds, and a hold that ran out is taken over."""

from __future__ import annotations

import threading
import time

from console.store.interface import MessageStore
from console.store.models import AttemptResult, Claim, Decision, MessageStatus
from tests.support.store_backends import Backend
from tests.unit.store.test_store_contract import new_message

ALICE = Claim("alice-host:100:aaaa", 60.0)
BOB = Claim("bob-host:200:bbbb", 60.0)
# A hold that has run out already.
LAPSED = Claim("gone-host:300:cccc", 0.0)


def queued(store: MessageStore, *ids: str) -> None:
    for message_id in ids:
        store.create_message(new_message(message_id))


def test_undecided_messages_are_claimed_oldest_first_and_held(store: MessageStore) -> None:
    queued(store, "m-1", "m-2", "m-3")
    before = time.time()

    claimed = store.claim_undecided(ALICE, limit=2)

    assert [m.message_id for m in claimed] == ["m-1", "m-2"]
    held = store.get_message("m-1")
    assert held is not None
    assert held.lease_owner == ALICE.owner
    # The database's clock and this one agree within a second or two.
    assert held.lease_until is not None
    assert before + 58 < held.lease_until < time.time() + 62
    unheld = store.get_message("m-3")
    assert unheld is not None
    assert unheld.lease_owner is None


def test_a_held_message_is_skipped_by_another_console(store: MessageStore) -> None:
    queued(store, "m-1", "m-2")
    store.claim_undecided(ALICE, limit=1)

    assert [m.message_id for m in store.claim_undecided(BOB)] == ["m-2"]
    assert store.claim_undecided(BOB) == []
    assert not store.claim_message("m-1", BOB)
    message = store.get_message("m-1")
    assert message is not None
    assert message.lease_owner == ALICE.owner


def test_a_console_never_claims_again_what_it_holds(store: MessageStore) -> None:
    queued(store, "m-1")
    assert len(store.claim_undecided(ALICE)) == 1

    # Its other workers must not send it a second time.
    assert store.claim_undecided(ALICE) == []
    assert store.claim_message("m-1", ALICE)  # the sender itself keeps holding it


def test_decided_messages_are_never_claimed(store: MessageStore) -> None:
    queued(store, "done", "open")
    number = store.begin_attempt("done", 1.0)
    store.finish_attempt(
        "done",
        number,
        AttemptResult(finished_at=2.0, result_code=0),
        Decision(MessageStatus.ACCEPTED, "ok"),
    )

    assert [m.message_id for m in store.claim_undecided(ALICE)] == ["open"]


def test_a_new_message_is_born_held_by_the_console_that_sends_it(store: MessageStore) -> None:
    created = store.create_message(new_message("m-1"), claim=ALICE)

    assert created.lease_owner == ALICE.owner
    assert store.claim_undecided(BOB) == []
    assert not store.claim_message("m-1", BOB)


def test_a_lapsed_hold_is_taken_over(store: MessageStore) -> None:
    store.create_message(new_message("m-1"), claim=LAPSED)
    store.create_message(new_message("m-2"), claim=LAPSED)

    assert [m.message_id for m in store.claim_undecided(BOB, limit=1)] == ["m-1"]
    assert store.claim_message("m-2", ALICE)

    # The console whose hold ran out learns it lost both.
    assert store.renew_claims(LAPSED, ["m-1", "m-2"]) == set()
    taken = store.get_message("m-1")
    assert taken is not None
    assert taken.lease_owner == BOB.owner


def test_renewing_extends_only_the_holds_still_held(store: MessageStore) -> None:
    short = Claim(ALICE.owner, 1.0)
    store.create_message(new_message("m-1"), claim=short)
    store.create_message(new_message("m-2"), claim=BOB)
    first = store.get_message("m-1")
    assert first is not None
    assert first.lease_until is not None

    assert store.renew_claims(ALICE, ["m-1", "m-2", "unknown"]) == {"m-1"}

    renewed = store.get_message("m-1")
    assert renewed is not None
    assert renewed.lease_until is not None
    assert renewed.lease_until > first.lease_until + 50
    other = store.get_message("m-2")
    assert other is not None
    assert other.lease_owner == BOB.owner


def test_a_released_message_may_be_taken_at_once(store: MessageStore) -> None:
    store.create_message(new_message("m-1"), claim=ALICE)

    store.release_claim(BOB, "m-1")  # not Bob's: nothing happens
    assert store.claim_undecided(BOB) == []

    store.release_claim(ALICE, "m-1")
    released = store.get_message("m-1")
    assert released is not None
    assert released.lease_owner is None
    assert [m.message_id for m in store.claim_undecided(BOB)] == ["m-1"]


def test_two_consoles_claiming_at_once_never_get_the_same_message(backend: Backend) -> None:
    with backend.open() as setup:
        queued(setup, *(f"m-{i:03d}" for i in range(150)))
    got: dict[str, list[str]] = {ALICE.owner: [], BOB.owner: []}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def console(claim: Claim) -> None:
        try:
            with backend.open() as store:
                start.wait()
                while claimed := store.claim_undecided(claim, limit=3):
                    got[claim.owner] += [m.message_id for m in claimed]
        except BaseException as exc:  # reported by the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=console, args=(c,)) for c in (ALICE, BOB)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    alice, bob = got[ALICE.owner], got[BOB.owner]
    assert set(alice).isdisjoint(bob)
    assert sorted(alice + bob) == [f"m-{i:03d}" for i in range(150)]
    with backend.open() as store:
        owners = {m.message_id: m.lease_owner for m in store.undecided()}
    assert all(owners[i] == ALICE.owner for i in alice)
    assert all(owners[i] == BOB.owner for i in bob)


def test_only_messages_created_since_a_time_are_claimed_when_asked(store: MessageStore) -> None:
    store.create_message(new_message("old"), now=1_000.0)
    store.create_message(new_message("new"), now=5_000.0)

    claimed = store.claim_undecided(ALICE, since=4_000.0)

    assert [m.message_id for m in claimed] == ["new"]
    old = store.get_message("old")
    assert old is not None
    assert old.lease_owner is None
    assert [m.message_id for m in store.claim_undecided(BOB)] == ["old"]
