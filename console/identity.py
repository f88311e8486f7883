"""Who is at the console and on which computer: recorded with every message sent and
every entry of the audit trail.

The operator's name is ``--operator`` on the command line, else ``SMS_CONSOLE_OPERATOR``,
else the settings' *Operator name*, else the name the operating system knows the user by.
"""

from __future__ import annotations

import getpass
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from console.store.audit import AuditAction, AuditEntry
from console.store.models import NewMessage

OPERATOR_ENV = "SMS_CONSOLE_OPERATOR"
# What a name falls back to when the operating system cannot tell one.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Actor:
    """An operator at a computer."""

    operator: str
    host: str

    def entry(
        self, action: AuditAction, message_id: str | None = None, detail: str = ""
    ) -> AuditEntry:
        """An audit entry saying this operator did ``action`` now."""
        return AuditEntry(time.time(), self.operator, self.host, action, message_id, detail)

    def stamp(self, new: NewMessage) -> NewMessage:
        """``new`` as sent by this operator from this computer."""
        return replace(new, operator=self.operator, host=self.host)


def os_user() -> str:
    """The user name the operating system knows, or "unknown" when it knows none (a
    container's user without a passwd entry)."""
    try:
        name = getpass.getuser().strip()
    except (KeyError, OSError):
        return UNKNOWN
    return name or UNKNOWN


def host_name() -> str:
    return socket.gethostname().strip() or UNKNOWN


@dataclass(frozen=True)
class RunOperator:
    """An operator's name given for one run, in place of the settings' name; ``source``
    says where it came from: ``--operator`` or ``SMS_CONSOLE_OPERATOR``."""

    name: str
    source: str


def run_operator(option: str | None, environ: Mapping[str, str]) -> RunOperator | None:
    """The name ``option`` (``--operator``), else ``SMS_CONSOLE_OPERATOR``, gives; None
    when neither names one."""
    for source, given in (("--operator", option), (OPERATOR_ENV, environ.get(OPERATOR_ENV))):
        if given and given.strip():
            return RunOperator(given.strip(), source)
    return None


def operator_name(option: str | None, environ: Mapping[str, str], setting: str) -> str:
    """The operator's name, from the first of these that names one: ``option``
    (``--operator``), ``SMS_CONSOLE_OPERATOR``, ``setting``, the operating system's user."""
    given = run_operator(option, environ)
    if given is not None:
        return given.name
    return setting.strip() or os_user()


def current_actor(option: str | None, environ: Mapping[str, str], setting: str) -> Actor:
    return Actor(operator_name(option, environ, setting), host_name())
