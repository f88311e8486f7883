"""The alerts a batch of changes raises, read from a real store: replies in the order they
came (a click opens the newest one's thread), and every refused callback counted."""

from __future__ import annotations

from pathlib import Path

from console.listener.intake import Change
from console.session_alerts import batch_alerts
from console.store.models import IncomingReply
from console.store.sqlite import SqliteStore


def test_replies_are_told_in_the_order_they_came(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "messages.sqlite3") as store:
        for message_id, at in (("mo-b", 30.0), ("mo-c", 10.0), ("mo-a", 20.0)):
            store.add_reply(
                IncomingReply(message_id, "12345", "12025550100", None, "hi", at, "::1", "")
            )
        batch: frozenset[Change] = frozenset(("reply", m) for m in ("mo-a", "mo-b", "mo-c"))

        (alert,) = batch_alerts(store, batch, set())

    assert alert.text == "3 new replies"
    assert alert.message_ids == ("mo-c", "mo-a", "mo-b")


def test_every_refused_callback_of_a_batch_is_counted(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "messages.sqlite3") as store:
        (one,) = batch_alerts(store, frozenset({("quarantine", "1")}), set())
        refused: frozenset[Change] = frozenset(("quarantine", str(n)) for n in range(3))
        (three,) = batch_alerts(store, refused, set())

    assert one.text.startswith("1 callback could not be understood and was kept")
    assert three.text.startswith("3 callbacks could not be understood and were kept")
