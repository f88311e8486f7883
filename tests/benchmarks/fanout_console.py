"""One console for ``bench_fanout.py``: a real :class:`Session` on the shared store.

Run: ``python tests/benchmarks/fanout_console.py DATA_DIR STORE_URL``. Prints ``ready``
once the session follows the store, then one line ``<time.time()> <message_id>`` for each
message_id the session reports changed, as it reports it; stops when its standard input
closes.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.session import Session  # noqa: E402
from console.store import StoreLocation  # noqa: E402


def changed(ids: frozenset[str]) -> None:
    now = time.time()
    sys.stdout.write("".join(f"{now:.6f} {message_id}\n" for message_id in ids))
    sys.stdout.flush()


async def main(data_dir: Path, url: str) -> None:
    session = Session(data_dir, store=StoreLocation.postgresql(url))
    session.on_messages = changed
    following = asyncio.Event()
    session.on_store = lambda state: following.set() if state.reachable else None
    await session.start()
    try:
        await following.wait()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.read)
    finally:
        await session.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
