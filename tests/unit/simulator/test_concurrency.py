"""Many MT requests at once: each message_id is accepted exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from .callback_receiver import CallbackReceiver
from .conftest import StartSimulator, fast_settings, post_mt


async def test_parallel_sends_accept_each_message_id_exactly_once(
    start_simulator: StartSimulator, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url))
    ids = [f"p-{n}" for n in range(40)]
    limits = httpx.Limits(max_connections=40)
    async with httpx.AsyncClient(trust_env=False, timeout=10.0, limits=limits) as client:
        # Every id twice, all at once: one of each pair must be a duplicate.
        answers = await asyncio.gather(
            *(post_mt(client, server, message_id=id_, receipt="TRUE") for id_ in ids * 2)
        )
    by_id: dict[str, Counter[str]] = {id_: Counter() for id_ in ids}
    for id_, answer in zip(ids * 2, answers, strict=True):
        by_id[id_][answer] += 1
    assert all(
        counts == Counter({"result_code=0": 1, "result_code=7": 1}) for counts in by_id.values()
    )
    assert server.journal()["accepted_by_account"]["demo"] == len(ids)

    await server.wait_callbacks_idle()
    delivered = Counter(
        post["message_id"] for post in receiver.accepted if post["message_state"] == "2"
    )
    assert delivered == Counter(dict.fromkeys(ids, 1))
    assert len(receiver.accepted) == 3 * len(ids)
