"""Texts sent back to customers' keywords: a HELP answer, STOP and START confirmations.

The receiver only stores the reply (and changes the opt-out list); a console that learns of
the reply, or ``sms-console resume``, stores the text back as a message of the profile
whose keywords applied, and sends it like any other. Its message_id comes from the
reply's, so however many consoles try, one message is stored and sent. A STOP
confirmation is the one message a number on the opt-out list may still get.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from console.protocol.keywords import KeywordRules, text_back_id
from console.protocol.phone import number_key
from console.store.errors import DuplicateMessageId, OptedOut
from console.store.interface import MessageStore
from console.store.models import Claim, NewMessage, ReplyRecord, StoredMessage

log = logging.getLogger(__name__)

# ``sms-console resume`` makes the texts back to replies this recent that have none yet.
TEXT_BACK_WITHIN = 86_400.0


def text_back(reply: ReplyRecord, rules: KeywordRules) -> NewMessage | None:
    """The message answering ``reply``'s keyword, if its profile names a text for it."""
    profile = rules.for_shortcode(reply.shortcode)
    text = profile.keywords.text_back(profile.keywords.match(reply.body))
    sender = profile.sender
    if not text or sender is None:
        return None
    return NewMessage(
        message_id=text_back_id(reply.message_id),
        profile=sender.profile,
        phone_number=number_key(reply.phone_number),
        sender=reply.shortcode,
        body=text,
        endpoint=sender.endpoint,
        method=sender.method,
        priority=sender.priority,
        receipt=sender.receipt,
    )


def store_texts_back(
    store: MessageStore,
    rules: KeywordRules,
    reply_ids: Iterable[str],
    claim: Claim | None = None,
) -> list[StoredMessage]:
    """Store the texts back to these replies, held by ``claim`` if given; those stored
    now (not those another console stored first, nor a HELP answer to a number on the
    opt-out list).

    Raises:
        StoreError: the store could not be read or written.
    """
    stored: list[StoredMessage] = []
    for reply_id in reply_ids:
        reply = store.reply(reply_id)
        new = None if reply is None else text_back(reply, rules)
        if new is None:
            continue
        try:
            stored.append(store.create_message(new, claim=claim))
        except DuplicateMessageId:
            continue  # another console answered it already
        except OptedOut as exc:
            log.info("no answer to reply %s: %s", reply_id, exc)
    return stored


def recent_replies(store: MessageStore, now: float | None = None) -> list[str]:
    """The message_ids of the replies of the last :data:`TEXT_BACK_WITHIN` seconds."""
    since = (time.time() if now is None else now) - TEXT_BACK_WITHIN
    return [r.message_id for r in store.replies(limit=10_000) if r.received_at >= since]
