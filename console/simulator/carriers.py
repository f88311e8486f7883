"""The simulator's carrier table: which IDs exist and who may send alphanumerics."""

from __future__ import annotations

import re
from collections.abc import Iterable

from console.simulator.config import Carrier

_DIGITS = re.compile(r"[0-9]+")


def is_digits(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts superscripts and other scripts)."""
    return _DIGITS.fullmatch(value) is not None


def is_alphanumeric_sender(sender: str) -> bool:
    """A sender that is not a numeric short or long code."""
    return not is_digits(sender)


class CarrierTable:
    def __init__(self, carriers: Iterable[Carrier], default_carrier_id: int) -> None:
        self._by_id = {carrier.carrier_id: carrier for carrier in carriers}
        self._default = self._by_id[default_carrier_id]
        # Longest prefix first, so "447" would win over "44".
        self._by_prefix = sorted(
            ((prefix, carrier) for carrier in self._by_id.values() for prefix in carrier.prefixes),
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def by_id(self, raw: str) -> Carrier | None:
        """The carrier a request names, or ``None`` if the ID is not an integer we know."""
        if not is_digits(raw):
            return None
        return self._by_id.get(int(raw))

    def for_number(self, phone_number: str) -> Carrier:
        """Route by the number's prefix, as the provider does when no carrier is given."""
        for prefix, carrier in self._by_prefix:
            if phone_number.startswith(prefix):
                return carrier
        return self._default
