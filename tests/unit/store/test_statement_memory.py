"""Storing large receipts leaves no copies of them behind in the store's memory."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from console.store.models import IncomingReceipt
from console.store.sqlite import SqliteStore

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _resident_mib() -> float:
    gc.collect()
    return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE / 2**20


def _receipt(number: int, padding: int) -> IncomingReceipt:
    return IncomingReceipt(
        message_id=f"big-{number}",
        message_state=2,
        result_code=0,
        received_at=float(number),
        source_address="203.0.113.7",
        raw=f"type=receipt&message_id=big-{number}&message_state=2&x=" + "a" * padding,
    )


def test_batches_of_large_receipts_leave_no_copies_in_cached_statements(
    tmp_path: Path,
) -> None:
    # Batches of every size from 1 to 60, of 60 KB receipts: 107 MB if each size of
    # statement kept its last rows.
    with SqliteStore(tmp_path / "s.db", synchronous="OFF") as store:
        store.record_callbacks([_receipt(0, 10)])
        before = _resident_mib()
        number = 1
        for size in range(1, 61):
            store.record_callbacks([_receipt(number + i, 60_000) for i in range(size)])
            number += size
        grown = _resident_mib() - before
        last = store.receipts(f"big-{number - 1}")
    assert [len(r.raw) for r in last] == [len(_receipt(number - 1, 60_000).raw)]
    assert grown < 30, f"the store kept {grown:.0f} MiB after its commits"
