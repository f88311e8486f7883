"""A session's answers to customers' keywords (see console.text_back): stored as replies
arrive, and sent by this console when they are its profile's."""

from __future__ import annotations

import logging
from collections.abc import Callable

from console.protocol.keywords import Keywords
from console.session_account import Account
from console.settings import Settings, keyword_rules
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.text_back import store_texts_back

log = logging.getLogger(__name__)


def answer_keywords(
    store: MessageStore,
    settings: Settings,
    account: Account | None,
    reply_ids: list[str],
    send: Callable[[Account, str], None],
    changed: Callable[[str], None],
) -> None:
    """Store the texts back to these replies; ``send`` those of ``account``'s profile
    (held from the start); another profile's wait for its own console or ``resume``."""
    if not any(_answers(p.keywords) for p in settings.profiles):
        return  # the usual case: no reply is read again
    claim = account.engine.claims.claim if account is not None else None
    try:
        stored = store_texts_back(store, keyword_rules(settings), reply_ids, claim)
        for message in stored:
            changed(message.message_id)
            if account is not None and message.profile == account.profile.name:
                send(account, message.message_id)
            elif claim is not None:
                store.release_claim(claim, message.message_id)
    except StoreError as exc:
        log.warning("the answers to customers' keywords could not be stored: %s", exc)


def _answers(keywords: Keywords) -> bool:
    return bool(keywords.help_reply or keywords.stop_confirmation or keywords.start_confirmation)
