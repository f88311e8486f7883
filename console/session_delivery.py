"""A message's delivery in the background: the engine's attempts, then its outcome, with a
"Message not sent" alert when the provider did not accept it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from console.protocol.phone import display_number
from console.sending.claims import ClaimedElsewhere
from console.session_account import Account
from console.session_state import Alert
from console.store.interface import MessageStore
from console.store.models import MessageStatus, StoredMessage

log = logging.getLogger(__name__)


def spawn_delivery(
    account: Account,
    message_id: str,
    store: MessageStore,
    on_outcome: Callable[[StoredMessage], None],
    on_alert: Callable[[Alert], None],
) -> None:
    """Deliver ``message_id`` with ``account`` in a task the account holds until it ends."""
    task = asyncio.get_running_loop().create_task(
        _deliver(account, message_id, store, on_outcome, on_alert)
    )
    account.tasks.add(task)
    task.add_done_callback(account.tasks.discard)


async def _deliver(
    account: Account,
    message_id: str,
    store: MessageStore,
    on_outcome: Callable[[StoredMessage], None],
    on_alert: Callable[[Alert], None],
) -> None:
    try:
        message = await account.engine.deliver(message_id)
    except ClaimedElsewhere:
        # Another console on the shared store is sending it; its outcome shows there.
        log.info("message %s is being sent by another console", message_id)
        return
    except Exception:
        log.exception("sending message %s stopped", message_id)
        stored = store.get_message(message_id)
        if stored is None:
            return
        message = stored
    on_outcome(message)
    if message.status is not MessageStatus.ACCEPTED:
        on_alert(
            Alert(
                "Message not sent",
                f"To {display_number(message.phone_number)}: {message.status_detail}",
                (message_id,),
            )
        )
