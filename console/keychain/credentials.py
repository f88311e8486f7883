"""A login and its password, the password registered for redaction as soon as it is held."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.redaction import register_secret


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.password)
