"""Reading only the newest receipts of a message redelivered many times."""

from __future__ import annotations

from console.store.interface import MessageStore
from console.store.models import IncomingReceipt
from tests.unit.store.test_store_contract import new_message


def test_the_newest_receipts_come_in_arrival_order(store: MessageStore) -> None:
    store.create_message(new_message("m-1"))
    for number in range(5):
        store.add_receipt(
            IncomingReceipt("m-1", 6, number, 1000.0 + number, "127.0.0.1", f"result_code={number}")
        )

    assert [r.result_code for r in store.receipts("m-1", newest=2)] == [3, 4]
    assert [r.result_code for r in store.receipts("m-1", newest=9)] == [0, 1, 2, 3, 4]
    assert [r.result_code for r in store.receipts("m-1")] == [0, 1, 2, 3, 4]
    assert store.receipts("unknown", newest=2) == []
