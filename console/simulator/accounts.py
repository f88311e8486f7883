"""Accounts as the simulator tracks them: credentials, rate and accepted message IDs."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable

from console.simulator.config import Account
from console.simulator.ratelimit import TokenBucket


class AccountState:
    """One account and what the simulator remembers about it."""

    def __init__(self, account: Account, clock: Callable[[], float]) -> None:
        self.account = account
        self.bucket = TokenBucket(account.rate_per_second, account.bucket_size, clock)
        self.accepted_ids: set[str] = set()


class AccountBook:
    def __init__(
        self, accounts: Iterable[Account], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._states = {account.login: AccountState(account, clock) for account in accounts}

    def authenticate(self, login: str, password: str) -> AccountState | None:
        state = self._states.get(login)
        if state is None:
            return None
        if not hmac.compare_digest(state.account.password.encode(), password.encode()):
            return None
        return state

    def accepted_count(self) -> dict[str, int]:
        return {login: len(state.accepted_ids) for login, state in self._states.items()}
