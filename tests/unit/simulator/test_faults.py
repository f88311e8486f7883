"""Injected faults: dropped connections and slow answers, as a client experiences them."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest

from console.simulator import FaultSettings

from .callback_receiver import CallbackReceiver
from .conftest import VALID_MT, StartSimulator, fast_settings, post_mt


async def test_drop_closes_the_connection_without_any_answer(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator(fast_settings(faults=FaultSettings(p_drop=1.0)))
    with pytest.raises(httpx.RemoteProtocolError):
        await http.post(server.endpoint_url, data=VALID_MT)
    journal = server.journal()
    assert journal["accepted_by_account"]["demo"] == 1
    assert journal["totals"]["dropped"] == 1
    assert journal["mt_requests"][0]["answer"] == "dropped connection"
    # The provider's rule: resend with the same message_id, and 7 says it was accepted.
    assert await post_mt(http, server) == "result_code=7"


def _raw_exchange(host: str, port: int, request: bytes) -> bytes:
    with socket.create_connection((host, port), timeout=3) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(4096):
            received += chunk
        return received


async def test_drop_sends_not_a_single_byte(start_simulator: StartSimulator) -> None:
    """Not even a 500: the client must not be able to tell what happened."""
    server = await start_simulator(fast_settings(faults=FaultSettings(p_drop=1.0)))
    body = str(httpx.QueryParams(VALID_MT)).encode()
    request = (
        b"POST /httpapi/receiver HTTP/1.1\r\nHost: simulator\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    host, port = server.base_url.removeprefix("http://").split(":")
    received = await asyncio.to_thread(_raw_exchange, host, int(port), request)
    assert received == b""


async def test_dropped_message_still_gets_its_receipts(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(
        fast_settings(callback_url=receiver.url, faults=FaultSettings(p_drop=1.0))
    )
    with pytest.raises(httpx.TransportError):
        await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    assert sorted(post["message_state"] for post in receiver.accepted) == ["1", "2", "6"]


async def test_slow_answer_arrives_late(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator(
        fast_settings(faults=FaultSettings(p_slow=1.0, slow_seconds=0.3))
    )
    started = time.monotonic()
    assert await post_mt(http, server) == "result_code=0"
    assert time.monotonic() - started >= 0.3


async def test_client_giving_up_on_a_slow_answer_leaves_the_message_accepted(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator(
        fast_settings(faults=FaultSettings(p_slow=1.0, slow_seconds=0.5))
    )
    with pytest.raises(httpx.ReadTimeout):
        await http.post(server.endpoint_url, data=VALID_MT, timeout=0.1)
    assert server.journal()["accepted_by_account"]["demo"] == 1


async def test_same_seed_gives_the_same_faults(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    async def answers() -> list[str]:
        server = await start_simulator(
            fast_settings(faults=FaultSettings(p_internal_error=0.3, p_other_error=0.2))
        )
        return [await post_mt(http, server, message_id=f"s-{n}") for n in range(30)]

    first, second = await answers(), await answers()
    assert first == second
    assert {"result_code=0", "result_code=98", "result_code=99"} == set(first)
