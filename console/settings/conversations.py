"""How conversations behave for this console's operator: tray notifications of replies,
and how long a claim on a thread lasts without work in it."""

from __future__ import annotations

from dataclasses import dataclass

# A claim longer than a working day would outlive the operator who forgot it.
MAX_CLAIM_MINUTES = 480


@dataclass(frozen=True)
class ConversationSettings:
    """``notify_replies``: a tray notification for each new reply (False: silenced).
    ``claim_minutes``: a claim on a thread lasts this long after the operator last worked
    in it (opened it, typed, sent)."""

    notify_replies: bool = True
    claim_minutes: int = 15


def conversation_problems(settings: ConversationSettings) -> dict[str, str]:
    """What is wrong with the conversation settings, by field; empty when they can be used."""
    minutes = settings.claim_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        return {"claim_minutes": "a claim's length is a whole number of minutes"}
    if not 1 <= minutes <= MAX_CLAIM_MINUTES:
        return {"claim_minutes": f"a claim lasts from 1 to {MAX_CLAIM_MINUTES} minutes"}
    return {}
