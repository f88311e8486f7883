"""Counting connections: per client, an IPv6 client by its /64, and room made by idle ones."""

from __future__ import annotations

from console.listener.admission import Admission, client_key
from console.listener.config import parse_networks


class Connection:
    def __init__(self, idle: bool = False) -> None:
        self.is_idle = idle
        self.evicted = False

    def idle(self) -> bool:
        return self.is_idle

    def evict(self) -> None:
        self.evicted = True


def test_an_ipv6_client_is_counted_by_its_64_network() -> None:
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::5") != client_key("2001:db8:1:3::5")
    assert client_key("203.0.113.7") == "203.0.113.7"
    assert client_key("::ffff:203.0.113.7") == "::ffff:203.0.113.7"
    admission = Admission(total=100, per_address=2, uncapped=())
    assert admission.admit(Connection(), "2001:db8:1:2::1") is None
    assert admission.admit(Connection(), "2001:db8:1:2::2") is None
    refusal = admission.admit(Connection(), "2001:db8:1:2::3")
    assert refusal == "more than 2 connections from this address"
    assert admission.admit(Connection(), "2001:db8:9::1") is None


def test_the_oldest_idle_connection_makes_room_and_a_busy_one_never_does() -> None:
    admission = Admission(total=3, per_address=3, uncapped=())
    busy, old_idle, new_idle = Connection(), Connection(idle=True), Connection(idle=True)
    for number, connection in enumerate((busy, old_idle, new_idle)):
        assert admission.admit(connection, f"203.0.113.{number}") is None
    assert admission.admit(Connection(), "198.51.100.1") is None
    assert (busy.evicted, old_idle.evicted, new_idle.evicted) == (False, True, False)


def test_trusted_proxies_are_not_capped_per_address() -> None:
    admission = Admission(total=10, per_address=1, uncapped=parse_networks(["10.0.0.0/8"]))
    assert admission.admit(Connection(), "10.1.1.1") is None
    assert admission.admit(Connection(), "10.1.1.1") is None
    assert admission.admit(Connection(), "192.0.2.1") is None
    assert admission.admit(Connection(), "192.0.2.1") is not None


def test_a_refused_flood_at_the_cap_does_not_look_over_every_connection_each_time() -> None:
    admission = Admission(total=2, per_address=2, uncapped=())
    looks = 0

    class Counted(Connection):
        def idle(self) -> bool:
            nonlocal looks
            looks += 1
            return False

    admission.admit(Counted(), "203.0.113.1")
    admission.admit(Counted(), "203.0.113.2")
    for number in range(100):
        assert admission.admit(Connection(), f"198.51.100.{number}") is not None
    assert looks == 2  # one look over both, then refusals without looking
