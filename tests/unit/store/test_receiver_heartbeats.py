"""Receivers' heartbeats, on both backends: what ``db status`` and the consoles read."""

from __future__ import annotations

from console.store.interface import MessageStore
from console.store.receivers import FORGET_AFTER, STALE_AFTER, ReceiverBeat
from tests.support.store_backends import Backend

T0 = 1_700_000_000.0


def beat(receiver_id: str, seen_at: float, last_callback_at: float | None = None) -> ReceiverBeat:
    return ReceiverBeat(receiver_id, f"host-{receiver_id}", 4242, T0, seen_at, last_callback_at)


def test_a_receiver_registers_then_moves_its_times_on(store: MessageStore) -> None:
    store.receiver_beat(beat("a", T0))
    assert store.receivers() == [beat("a", T0)]

    store.receiver_beat(beat("a", T0 + 5, last_callback_at=T0 + 4))
    store.receiver_beat(beat("a", T0 + 10))  # no callback since: the last one stays

    assert store.receivers() == [beat("a", T0 + 10, last_callback_at=T0 + 4)]


def test_each_receiver_has_its_own_row_and_one_stopping_removes_only_its_own(
    store: MessageStore,
) -> None:
    store.receiver_beat(beat("a", T0))
    store.receiver_beat(beat("b", T0 + 1, last_callback_at=T0))

    store.receiver_gone("a")

    assert [r.receiver_id for r in store.receivers()] == ["b"]


def test_a_receiver_not_seen_for_a_while_is_stale(store: MessageStore) -> None:
    store.receiver_beat(beat("a", T0))

    (row,) = store.receivers()

    assert row.healthy(T0 + STALE_AFTER)
    assert not row.healthy(T0 + STALE_AFTER + 1)


def test_receivers_gone_for_a_day_are_forgotten_and_live_ones_kept(
    store: MessageStore,
) -> None:
    now = T0 + FORGET_AFTER + 100
    store.receiver_beat(beat("dead", T0))
    store.receiver_beat(beat("live", now - 3))

    assert store.forget_old(now) >= 1

    assert [r.receiver_id for r in store.receivers()] == ["live"]


def test_heartbeats_written_by_one_connection_are_read_by_another(backend: Backend) -> None:
    with backend.open() as writer, backend.open() as reader:
        writer.receiver_beat(beat("a", T0, last_callback_at=T0 - 1))
        assert reader.receivers() == [beat("a", T0, last_callback_at=T0 - 1)]
