"""Settings of the provider simulator: accounts, carriers, faults and callback behaviour.

Every value has a default that makes a zero-configuration run useful: one account
``demo``/``demo`` with sender ``12345``, a handful of carriers, no faults, and delivery
receipts a couple of seconds apart so a demonstration feels live.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_MAX_LENGTH = 1600


class FinalOutcome(StrEnum):
    """How the simulated delivery of an accepted message ends."""

    DELIVERED = "delivered"
    EXPIRED = "expired"
    DELETED = "deleted"
    UNDELIVERABLE = "undeliverable"
    REJECTED = "rejected"


DEFAULT_FINAL_WEIGHTS: Mapping[FinalOutcome, float] = {
    FinalOutcome.DELIVERED: 85.0,
    FinalOutcome.EXPIRED: 4.0,
    FinalOutcome.DELETED: 1.0,
    FinalOutcome.UNDELIVERABLE: 5.0,
    FinalOutcome.REJECTED: 5.0,
}


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


def _check_non_negative(name: str, value: float) -> None:
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")


@dataclass(frozen=True)
class Account:
    """One provider account.

    ``burst`` is the token bucket's size: how many requests may arrive at once before
    the per-second rate applies. It defaults to one second's worth (at least one).
    """

    login: str
    password: str
    senders: tuple[str, ...]
    rate_per_second: float = 10.0
    max_length: int = DEFAULT_MAX_LENGTH
    burst: float | None = None

    def __post_init__(self) -> None:
        if not self.login:
            raise ValueError("an account needs a login")
        if not self.password:
            raise ValueError(f"account {self.login!r} needs a password")
        if not self.senders or not all(self.senders):
            raise ValueError(f"account {self.login!r} needs at least one non-empty sender")
        if not (self.rate_per_second > 0 and math.isfinite(self.rate_per_second)):
            raise ValueError(f"account {self.login!r}: rate must be a positive number")
        if self.max_length < 1:
            raise ValueError(f"account {self.login!r}: max length must be at least 1")
        if self.burst is not None and not (self.burst >= 1 and math.isfinite(self.burst)):
            raise ValueError(f"account {self.login!r}: burst must be at least 1")

    @property
    def bucket_size(self) -> float:
        return self.burst if self.burst is not None else max(1.0, self.rate_per_second)


@dataclass(frozen=True)
class Carrier:
    """A carrier the simulator knows, by the numeric ID clients may pass as ``carrier``.

    ``prefixes`` are the country/network prefixes of ``phone_number`` routed to this
    carrier when a request names none.
    """

    carrier_id: int
    name: str
    allows_alphanumeric_sender: bool
    prefixes: tuple[str, ...] = ()


# Made-up IDs: the provider's real carrier list is not public, and a stand-in must not
# pretend to know it.
DEFAULT_CARRIERS: tuple[Carrier, ...] = (
    Carrier(1, "Demo US Mobile", allows_alphanumeric_sender=False, prefixes=("1",)),
    Carrier(2, "Demo US Wireless", allows_alphanumeric_sender=False),
    Carrier(3, "Demo UK Mobile", allows_alphanumeric_sender=True, prefixes=("44",)),
    Carrier(4, "Demo EU Mobile", allows_alphanumeric_sender=True, prefixes=("33", "49")),
)
DEFAULT_CARRIER_ID = 4

DEMO_ACCOUNT = Account(login="demo", password="demo", senders=("12345",))  # noqa: S106


@dataclass(frozen=True)
class FaultSettings:
    """Injected faults, each drawn independently per MT request.

    ``p_internal_error`` and ``p_other_error`` answer 98 and 99 to an otherwise valid
    request; ``p_drop`` accepts the message and then closes the connection without an
    answer; ``p_slow`` delays the answer by ``slow_seconds``.
    """

    p_internal_error: float = 0.0
    p_other_error: float = 0.0
    p_drop: float = 0.0
    p_slow: float = 0.0
    slow_seconds: float = 5.0

    def __post_init__(self) -> None:
        _check_probability("p_internal_error", self.p_internal_error)
        _check_probability("p_other_error", self.p_other_error)
        _check_probability("p_drop", self.p_drop)
        _check_probability("p_slow", self.p_slow)
        _check_non_negative("slow_seconds", self.slow_seconds)
        if self.p_internal_error + self.p_other_error > 1.0:
            raise ValueError("p_internal_error + p_other_error must not exceed 1")


@dataclass(frozen=True)
class CallbackSettings:
    """What the simulator posts back, where, and how it retries.

    ``dr_delay`` is the mean pause between two steps of a receipt sequence (each pause is
    drawn between half and one and a half times it). ``retry_count`` counts retries after
    the first attempt, as the provider does ("up to 25 times").
    """

    url: str | None = None
    dr_delay: float = 2.0
    p_duplicate_dr: float = 0.05
    p_reorder: float = 0.05
    p_reply: float = 0.2
    p_mms_reply: float = 0.25
    final_weights: Mapping[FinalOutcome, float] = field(
        default_factory=lambda: dict(DEFAULT_FINAL_WEIGHTS)
    )
    retry_interval: float = 600.0
    retry_count: int = 25
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"callback URL must start with http:// or https://, got {self.url!r}")
        _check_non_negative("dr_delay", self.dr_delay)
        _check_probability("p_duplicate_dr", self.p_duplicate_dr)
        _check_probability("p_reorder", self.p_reorder)
        _check_probability("p_reply", self.p_reply)
        _check_probability("p_mms_reply", self.p_mms_reply)
        _check_non_negative("retry_interval", self.retry_interval)
        if self.retry_count < 0:
            raise ValueError("retry_count must be >= 0")
        if not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise ValueError("callback timeout must be a positive number")
        unknown = set(self.final_weights) - set(FinalOutcome)
        if unknown:
            raise ValueError(f"unknown final outcome(s): {', '.join(map(str, unknown))}")
        for outcome, weight in self.final_weights.items():
            _check_non_negative(f"weight of {outcome}", weight)
        if sum(self.final_weights.values()) <= 0:
            raise ValueError("at least one final outcome needs a positive weight")


@dataclass(frozen=True)
class SimulatorSettings:
    """Everything one simulator instance needs. ``port`` 0 picks a free port."""

    host: str = "127.0.0.1"
    port: int = 0
    accounts: tuple[Account, ...] = (DEMO_ACCOUNT,)
    carriers: tuple[Carrier, ...] = DEFAULT_CARRIERS
    default_carrier_id: int = DEFAULT_CARRIER_ID
    faults: FaultSettings = field(default_factory=FaultSettings)
    callbacks: CallbackSettings = field(default_factory=CallbackSettings)
    seed: int | None = None
    journal_limit: int = 10_000

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if not self.accounts:
            raise ValueError("the simulator needs at least one account")
        logins = [account.login for account in self.accounts]
        if len(set(logins)) != len(logins):
            raise ValueError("account logins must be unique")
        carrier_ids = [carrier.carrier_id for carrier in self.carriers]
        if len(set(carrier_ids)) != len(carrier_ids):
            raise ValueError("carrier IDs must be unique")
        if self.default_carrier_id not in carrier_ids:
            raise ValueError(f"default carrier {self.default_carrier_id} is not in the table")
        if self.journal_limit < 1:
            raise ValueError("journal_limit must be at least 1")
