"""The engine never contacts the provider for a number on the opt-out list: a message
refused as it is stored, and one whose number opts out while it waits to retry."""

from __future__ import annotations

import pytest

from console.keychain import Credentials
from console.protocol.keywords import Keywords
from console.sending.engine import open_engine
from console.store.errors import OptedOut
from console.store.models import IncomingReply, MessageStatus
from console.store.sqlite import SqliteStore
from tests.support.provider import Captured, FakeProvider, Reaction
from tests.unit.sending.test_engine import FAST, message


def stop(store: SqliteStore, message_id: str = "mo-1") -> None:
    """The customer's STOP, stored as the listener stores it."""
    store.add_reply(
        IncomingReply(
            message_id=message_id,
            shortcode="12345",
            phone_number="12025550100",
            carrier=None,
            body="STOP",
            received_at=1000.0,
            source_address="203.0.113.7",
            raw="type=MO",
            keyword=Keywords().match("STOP"),
        )
    )


async def test_a_message_to_a_number_on_the_list_is_not_stored_or_sent(
    store: SqliteStore, credentials: Credentials, provider: FakeProvider
) -> None:
    stop(store)

    async with open_engine(store, credentials, FAST) as engine:
        with pytest.raises(OptedOut, match=r"This customer opted out on .* \(STOP\)"):
            await engine.send(message(provider.url))

    assert provider.requests == []
    assert store.get_message("id-1") is None


async def test_a_number_opting_out_between_attempts_stops_the_retries(
    store: SqliteStore, credentials: Credentials
) -> None:
    def customer_replies_stop(_captured: Captured) -> None:
        with SqliteStore(store.path) as other:
            stop(other)

    script = [Reaction("answer", result_code=98)] * 3  # a temporary failure each time
    with FakeProvider(script, on_request=customer_replies_stop) as provider:
        async with open_engine(store, credentials, FAST) as engine:
            sent = await engine.send(message(provider.url))

    assert len(provider.requests) == 1
    assert sent.status is MessageStatus.FAILED
    assert sent.status_detail is not None
    assert sent.status_detail.startswith("This customer opted out on ")
    assert [a.number for a in store.attempts("id-1")] == [1]
