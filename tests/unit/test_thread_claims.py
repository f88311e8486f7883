"""A claim on a conversation from the window's side: Claim, Release, and the claim kept
alive while the operator works in the thread, over a real store file."""

from __future__ import annotations

import time
from pathlib import Path

from console.store.models import IncomingReply
from console.store.sqlite import SqliteStore
from console.thread_claims import RENEW_EVERY, ClaimKeeper


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_claim_runs_on_while_its_operator_works_and_only_then(tmp_path: Path) -> None:
    clock = Clock()
    with SqliteStore(tmp_path / "messages.db") as store:
        store.add_reply(
            IncomingReply("MO-1", "12345", "12025550177", None, "Hi", clock.now, "127.0.0.1", "")
        )
        (thread,) = store.threads_for(["MO-1"], "ann")
        ann = ClaimKeeper(store, lambda: "ann", lambda: 15, clock)
        bob = ClaimKeeper(store, lambda: "bob", lambda: 15, clock)

        assert not ann.worked(thread)  # nobody holds it: work claims nothing
        assert ann.toggle(thread) == "ann"
        claimed = store.thread(thread.id, "bob")
        assert claimed is not None
        assert claimed.claimed_by == "ann"
        assert claimed.claimed_until == clock.now + 15 * 60
        assert bob.toggle(claimed) == "ann"  # Ann's claim stands

        clock.now += RENEW_EVERY / 2
        assert not ann.worked(claimed)  # typing again so soon writes nothing
        clock.now += RENEW_EVERY
        assert ann.worked(claimed)
        renewed = store.thread(thread.id, "ann")
        assert renewed is not None
        assert renewed.claimed_until == clock.now + 15 * 60
        assert not bob.worked(renewed)  # not his

        assert ann.toggle(renewed) is None
        released = store.thread(thread.id, "bob")
        assert released is not None
        assert released.claimed_by is None
