from __future__ import annotations

import pytest

from console.sending.pacing import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_starts_are_spaced_to_the_rate() -> None:
    clock = FakeClock()
    pacer = Pacer(4.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        await pacer.acquire()
    assert clock.now == pytest.approx(1001.0)
    assert clock.sleeps == pytest.approx([0.25, 0.25, 0.25, 0.25])


async def test_idle_time_does_not_buy_a_burst() -> None:
    clock = FakeClock()
    pacer = Pacer(2.0, clock=clock, sleep=clock.sleep)
    await pacer.acquire()
    clock.now += 10
    await pacer.acquire()
    await pacer.acquire()
    assert clock.sleeps == pytest.approx([0.5])


async def test_no_rate_means_no_waiting() -> None:
    clock = FakeClock()
    pacer = Pacer(None, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        await pacer.acquire()
    assert clock.sleeps == []


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0)
