"""Receipts and replies posted to a real callback receiver, and the provider's retries."""

from __future__ import annotations

import asyncio
import base64
import socket
from typing import Any

import httpx
import pytest

from console.simulator import FinalOutcome, SimulatorServer
from console.simulator.journal import MASKED

from .callback_receiver import CallbackReceiver
from .conftest import StartSimulator, fast_settings, post_mt

RECEIPT_KEYS = {"type", "message_id", "message_state", "result_code"}
MO_KEYS = {"type", "message_id", "shortcode", "phone_number", "carrier", "message"}
FINAL_STATES = {"2", "3", "4", "5", "8"}


def states(posts: list[dict[str, str]]) -> list[str]:
    """States in arrival order. Each callback travels on its own, so two sent a few
    milliseconds apart may arrive swapped: order claims go through :func:`planned`."""
    return [post["message_state"] for post in posts]


def planned(server: SimulatorServer) -> list[dict[str, Any]]:
    """Callbacks in the order the simulator sends them (by planned time)."""
    callbacks: list[dict[str, Any]] = server.journal()["callbacks"]
    return callbacks


def planned_states(server: SimulatorServer) -> list[str]:
    return [entry["fields"]["message_state"] for entry in planned(server)]


def final_receipt(posts: list[dict[str, str]]) -> dict[str, str]:
    [final] = [post for post in posts if post["message_state"] in FINAL_STATES]
    return final


async def test_delivered_sequence_is_6_1_2_with_echoed_ids(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url))
    body = await post_mt(http, server, receipt="TRUE", app_id="crm-7", conversation_id="case 42/β")
    assert body == "result_code=0"
    await server.wait_callbacks_idle()

    assert planned_states(server) == ["6", "1", "2"]
    assert sorted(states(receiver.accepted)) == ["1", "2", "6"]
    for post in receiver.accepted:
        assert set(post) == RECEIPT_KEYS | {"app_id", "conversation_id"}
        assert post["type"] == "receipt"
        assert post["message_id"] == "m-1"
        assert post["result_code"] == "0"
        assert post["app_id"] == "crm-7"
        assert post["conversation_id"] == "case 42/β"
    assert all(
        post.content_type.startswith("application/x-www-form-urlencoded") for post in receiver.posts
    )


async def test_receipt_without_app_or_conversation_id_has_only_the_four_fields(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url))
    await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    assert receiver.accepted
    assert all(set(post) == RECEIPT_KEYS for post in receiver.accepted)


@pytest.mark.parametrize(
    ("outcome", "expected_states", "final_results"),
    [
        (FinalOutcome.EXPIRED, ["6", "1", "3"], {"99"}),
        (FinalOutcome.DELETED, ["6", "4"], {"99"}),
        (FinalOutcome.UNDELIVERABLE, ["6", "1", "5"], {"1"}),
        (FinalOutcome.REJECTED, ["6", "8"], {"1", "5", "6"}),
    ],
)
async def test_failed_deliveries_end_in_a_final_state_with_a_fitting_result(
    start_simulator: StartSimulator,
    http: httpx.AsyncClient,
    receiver: CallbackReceiver,
    outcome: FinalOutcome,
    expected_states: list[str],
    final_results: set[str],
) -> None:
    server = await start_simulator(
        fast_settings(callback_url=receiver.url, final_weights={outcome: 1.0})
    )
    await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    assert planned_states(server) == expected_states
    assert sorted(states(receiver.accepted)) == sorted(expected_states)
    final = final_receipt(receiver.accepted)
    assert final["result_code"] in final_results
    assert all(post["result_code"] == "0" for post in receiver.accepted if post is not final)


async def test_rejected_alphanumeric_sender_reports_result_4(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(
        fast_settings(callback_url=receiver.url, final_weights={FinalOutcome.REJECTED: 1.0})
    )
    await post_mt(http, server, receipt="TRUE", sender="ACME", phone_number="447700900000")
    await server.wait_callbacks_idle()
    assert final_receipt(receiver.accepted) == {
        "type": "receipt",
        "message_id": "m-1",
        "message_state": "8",
        "result_code": "4",
    }


@pytest.mark.parametrize("receipt", ["FALSE", None])
async def test_no_receipt_unless_asked_for(
    start_simulator: StartSimulator,
    http: httpx.AsyncClient,
    receiver: CallbackReceiver,
    receipt: str | None,
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url))
    assert await post_mt(http, server, receipt=receipt) == "result_code=0"
    await server.wait_callbacks_idle()
    await asyncio.sleep(0.05)
    assert receiver.posts == []
    assert server.journal()["callbacks"] == []


async def test_no_receipt_for_a_rejected_request(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url))
    assert await post_mt(http, server, receipt="TRUE", sender="99999") == "result_code=5"
    await server.wait_callbacks_idle()
    assert receiver.posts == []


async def test_customer_reply_has_the_mo_shape(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(
        fast_settings(callback_url=receiver.url, p_reply=1.0, p_mms_reply=0.0)
    )
    await post_mt(http, server, receipt="FALSE")
    await server.wait_callbacks_idle()
    [reply] = receiver.accepted
    assert set(reply) == MO_KEYS
    assert reply["type"] == "MO"
    assert reply["shortcode"] == "12345"
    assert reply["phone_number"] == "12025550100"
    assert reply["carrier"] == "1"
    assert reply["message"]
    assert reply["message_id"]
    assert reply["message_id"] != "m-1"


async def test_mms_reply_carries_a_base64_picture(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(
        fast_settings(callback_url=receiver.url, p_reply=1.0, p_mms_reply=1.0)
    )
    await post_mt(http, server, receipt="TRUE", carrier="3", phone_number="447700900123")
    await server.wait_callbacks_idle()
    [reply] = [post for post in receiver.accepted if post["type"] == "MO"]
    assert set(reply) == MO_KEYS | {"mms_attachment[0].content_type", "mms_attachment[0].content"}
    assert reply["carrier"] == "3"
    assert reply["mms_attachment[0].content_type"] == "image/png"
    picture = base64.b64decode(reply["mms_attachment[0].content"], validate=True)
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert [entry["kind"] for entry in planned(server)] == ["receipt"] * 3 + ["MO"]


async def test_replies_get_distinct_message_ids(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url, p_reply=1.0))
    for n in range(5):
        await post_mt(http, server, message_id=f"m-{n}")
    await server.wait_callbacks_idle()
    ids = [post["message_id"] for post in receiver.accepted]
    assert len(ids) == 5
    assert len(set(ids)) == 5


async def test_duplicate_receipt_is_delivered_twice(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url, p_duplicate_dr=1.0))
    await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    received = states(receiver.accepted)
    assert len(received) == 4
    assert sorted(set(received)) == ["1", "2", "6"]


async def test_non_2xx_answer_is_retried_with_the_same_fields(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    receiver.answers.extend([500, 404])
    # Receipts far enough apart that the retries of the first come before the second.
    server = await start_simulator(
        fast_settings(
            callback_url=receiver.url, final_weights={FinalOutcome.DELETED: 1.0}, dr_delay=0.3
        )
    )
    await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    first, second, third, other = receiver.posts
    assert [first.answer, second.answer, third.answer, other.answer] == [500, 404, 200, 200]
    assert first.fields == second.fields == third.fields
    assert first.fields["message_state"] == "6"
    attempts = server.journal()["callbacks"][0]["attempts"]
    assert [attempt["status"] for attempt in attempts] == [500, 404, 200]
    assert server.journal()["callbacks"][0]["state"] == "delivered"


async def test_gives_up_after_the_configured_retries(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    receiver.answers.extend([503] * 10)
    server = await start_simulator(
        fast_settings(
            callback_url=receiver.url,
            retry_count=2,
            final_weights={FinalOutcome.DELETED: 1.0},
        )
    )
    await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    assert sorted(post.fields["message_state"] for post in receiver.posts) == ["4"] * 3 + ["6"] * 3
    for entry in server.journal()["callbacks"]:
        assert entry["state"] == "failed"
        assert [attempt["status"] for attempt in entry["attempts"]] == [503] * 3
    assert server.journal()["totals"]["callbacks_failed"] == 2


async def test_dropped_connection_is_retried(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    receiver.answers.append("drop")
    server = await start_simulator(
        fast_settings(
            callback_url=receiver.url, final_weights={FinalOutcome.DELETED: 1.0}, dr_delay=0.3
        )
    )
    await post_mt(http, server, receipt="TRUE")
    await server.wait_callbacks_idle()
    assert [post.answer for post in receiver.posts][:2] == ["drop", 200]
    assert receiver.posts[0].fields == receiver.posts[1].fields
    first_attempt = server.journal()["callbacks"][0]["attempts"][0]
    assert "status" not in first_attempt
    assert "RemoteProtocolError" in first_attempt["error"]


async def test_refused_connection_is_retried_until_the_receiver_is_up(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    # Bound but not listening: connections are refused until the receiver starts on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    receiver = CallbackReceiver()
    server = await start_simulator(
        fast_settings(
            callback_url=f"http://127.0.0.1:{port}/callbacks/token",
            retry_interval=0.1,
            retry_count=20,
            final_weights={FinalOutcome.DELETED: 1.0},
            dr_delay=0.0,
        )
    )
    try:
        await post_mt(http, server, receipt="TRUE")
        for _ in range(200):
            attempts = [entry["attempts"] for entry in server.journal()["callbacks"]]
            if attempts and all(attempts):
                break
            await asyncio.sleep(0.01)
        await receiver.start(sock)
        await server.wait_callbacks_idle()
    finally:
        await receiver.stop()
        sock.close()
    assert sorted(states(receiver.accepted)) == ["4", "6"]
    for entry in server.journal()["callbacks"]:
        assert entry["state"] == "delivered"
        assert "ConnectError" in entry["attempts"][0]["error"]


async def test_several_callbacks_are_in_flight_at_once(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    slow_receiver = CallbackReceiver(hold_seconds=0.2)
    await slow_receiver.start()
    try:
        server = await start_simulator(fast_settings(callback_url=slow_receiver.url, dr_delay=0.0))
        started = asyncio.get_running_loop().time()
        for n in range(10):
            await post_mt(http, server, receipt="TRUE", message_id=f"m-{n}")
        await server.wait_callbacks_idle()
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        await slow_receiver.stop()
    assert len(slow_receiver.accepted) == 30
    assert slow_receiver.max_in_flight >= 5
    # One at a time would take 30 x 0.2 s.
    assert elapsed < 3.0


async def test_journal_shows_callbacks_and_masks_passwords(
    start_simulator: StartSimulator, http: httpx.AsyncClient, receiver: CallbackReceiver
) -> None:
    server = await start_simulator(fast_settings(callback_url=receiver.url))
    await post_mt(http, server, receipt="TRUE", login="other", password="secret", sender="54321")
    await server.wait_callbacks_idle()
    response = await http.get(server.journal_url)
    assert response.headers["content-type"] == "application/json"
    journal = response.json()
    assert journal == server.journal()
    assert journal["mt_requests"][0]["params"]["password"] == MASKED
    assert "secret" not in response.text
    assert journal["accepted_by_account"] == {"demo": 0, "other": 1}
    assert journal["totals"]["accepted"] == 1
    assert journal["totals"]["callbacks_delivered"] == 3
    assert [entry["fields"]["message_state"] for entry in journal["callbacks"]] == ["6", "1", "2"]
    assert all(entry["url"] == receiver.url for entry in journal["callbacks"])
