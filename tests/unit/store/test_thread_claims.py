"""Claims of conversations, on both backends: an operator handling a thread holds it
until the claim runs out or they let go; others see who, and cannot take it meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from console.store.interface import MessageStore
from console.store.threads import ThreadQuery
from tests.support.store_backends import Backend
from tests.unit.store.test_threads import ALICE, BOB, sent, the_thread

NOW = 1_000.0


def test_an_operator_claims_a_thread_and_others_see_it(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    thread = the_thread(store)

    assert store.claim_thread(thread.id, ALICE, until=NOW + 600, now=NOW) == ALICE

    assert store.claim_thread(thread.id, BOB, until=NOW + 700, now=NOW + 10) == ALICE
    # The claims are read against the clock: these run far in the future.
    far = 4e9
    assert store.claim_thread(thread.id, ALICE, until=far, now=NOW) == ALICE
    seen = the_thread(store, operator=BOB)
    assert (seen.claimed_by, seen.claimed_until) == (ALICE, far)
    assert store.claim_thread(thread.id + 1000, ALICE, until=far, now=NOW) is None


def test_a_claim_that_ran_out_is_taken_over_and_reads_as_none(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    thread = the_thread(store)
    # Ran out long ago by the clock that lists it.
    store.claim_thread(thread.id, ALICE, until=NOW + 60, now=NOW)

    listed = the_thread(store, operator=BOB)
    assert (listed.claimed_by, listed.claimed_until) == (None, None)
    assert store.claim_thread(thread.id, BOB, until=NOW + 200, now=NOW + 61) == BOB
    assert store.claim_thread(thread.id, ALICE, until=NOW + 300, now=NOW + 62) == BOB


def test_a_released_thread_is_free_for_another(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    thread = the_thread(store)
    far = 4e9
    store.claim_thread(thread.id, ALICE, until=far, now=NOW)

    store.release_thread(thread.id, BOB)  # not Bob's to let go
    assert the_thread(store).claimed_by == ALICE
    store.release_thread(thread.id, ALICE)

    assert (the_thread(store).claimed_by, the_thread(store).claimed_until) == (None, None)
    assert store.claim_thread(thread.id, BOB, until=far, now=NOW) == BOB


def test_of_two_operators_claiming_at_once_exactly_one_gets_it(backend: Backend) -> None:
    with backend.open() as setup:
        for n in range(20):
            sent(setup, f"m-{n}", 100.0 + n, number=f"1202555{n:04d}")
        ids = [t.id for t in setup.threads(ThreadQuery(), ALICE)]
    operators = [ALICE, BOB]
    stores = [backend.open(any_thread=True) for _ in operators]

    def claim(n: int, thread_id: int, start: threading.Barrier) -> str | None:
        start.wait()
        return stores[n].claim_thread(thread_id, operators[n], until=4e9, now=NOW)

    winners = []
    try:
        with ThreadPoolExecutor(len(operators)) as pool:
            for thread_id in ids:
                start = threading.Barrier(len(operators))
                holders = list(pool.map(claim, range(2), [thread_id] * 2, [start] * 2))
                assert holders[0] == holders[1]
                winners.append(holders[0])
    finally:
        for opened in stores:
            opened.close()
    with backend.open() as after:
        held = {t.id: t.claimed_by for t in after.threads(ThreadQuery(), ALICE)}
    assert [held[i] for i in ids] == winners
    assert set(winners) <= set(operators)
