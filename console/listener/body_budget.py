"""Memory for large request bodies, shared by every connection of a server.

A receipt is a few hundred bytes; an MMS reply can be megabytes. Without a common budget,
a few dozen clients sending large bodies slowly could hold gigabytes between them. A
large body that does not fit now is refused with 503 (the provider delivers it again).
"""

from __future__ import annotations


class OverBudget(Exception):
    """No room for this body now."""


class BodyBudget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def hold(self) -> Reservation:
        """An empty reservation, to grow as a body arrives and release once it is stored."""
        return Reservation(self)


class Reservation:
    def __init__(self, budget: BodyBudget) -> None:
        self._budget = budget
        self.size = 0

    def grow_to(self, size: int) -> None:
        """Reserve ``size`` bytes in all.

        Raises:
            OverBudget: the rest of the budget is too small; nothing more is reserved.
        """
        extra = size - self.size
        if extra <= 0:
            return
        if self._budget.used + extra > self._budget.limit:
            raise OverBudget
        self._budget.used += extra
        self.size = size

    def release(self) -> None:
        self._budget.used -= self.size
        self.size = 0
