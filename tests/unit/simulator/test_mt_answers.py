"""Every answer code of the MT endpoint, through real HTTP requests."""

from __future__ import annotations

import base64

import httpx
import pytest

from console.simulator import Account, FaultSettings, SimulatorSettings

from .conftest import VALID_MT, StartSimulator, fast_settings, post_mt

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake picture").decode()


async def test_valid_post_is_queued(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    response = await http.post(server.endpoint_url, data=VALID_MT)
    assert response.status_code == 200
    assert response.text == "result_code=0"
    assert response.headers["content-type"].startswith("text/plain")


async def test_valid_get_is_queued(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    response = await http.get(server.endpoint_url, params=VALID_MT)
    assert response.text == "result_code=0"


async def test_all_optional_parameters_are_accepted(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    body = await post_mt(
        http,
        server,
        carrier="1",
        receipt="FALSE",
        priority="INTERACTIVE_LOW",
        app_id="app",
        conversation_id="conv",
        message="Grüße, 你好 👋",
    )
    assert body == "result_code=0"


@pytest.mark.parametrize("name", list(VALID_MT))
@pytest.mark.parametrize("value", [None, ""])
async def test_missing_or_empty_required_parameter_is_1(
    start_simulator: StartSimulator, http: httpx.AsyncClient, name: str, value: str | None
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, **{name: value}) == "result_code=1"


@pytest.mark.parametrize("number", ["+12025550100", "1 202 555 0100", "1202555010x", "١٢٣"])
async def test_phone_number_must_be_ascii_digits(
    start_simulator: StartSimulator, http: httpx.AsyncClient, number: str
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, phone_number=number) == "result_code=1"


async def test_parameter_given_twice_is_1(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    body = httpx.QueryParams(VALID_MT).add("message_id", "m-2")
    response = await http.post(
        server.endpoint_url,
        content=str(body),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.text == "result_code=1"


async def test_body_that_is_not_utf8_is_1(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    content = str(httpx.QueryParams({**VALID_MT, "message": "x"})).replace(
        "message=x", "message=%FF"
    )
    response = await http.post(
        server.endpoint_url,
        content=content,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.text == "result_code=1"


async def test_unknown_login_is_2(start_simulator: StartSimulator, http: httpx.AsyncClient) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, login="nobody") == "result_code=2"


async def test_wrong_password_is_2(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, password="demo ") == "result_code=2"
    # Another account's password does not open this one.
    assert await post_mt(http, server, password="secret") == "result_code=2"


@pytest.mark.parametrize("carrier", ["abc", "1.5", "-1", "77"])
async def test_carrier_not_an_integer_or_unknown_is_3(
    start_simulator: StartSimulator, http: httpx.AsyncClient, carrier: str
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, carrier=carrier) == "result_code=3"


async def test_alphanumeric_sender_on_carrier_that_forbids_it_is_4(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    # Named carrier 2 forbids alphanumerics; so does carrier 1, which +1 numbers route to.
    assert await post_mt(http, server, sender="ACME", carrier="2") == "result_code=4"
    assert await post_mt(http, server, sender="ACME", message_id="m-2") == "result_code=4"
    # The UK carrier allows them, named or routed to by prefix.
    assert (
        await post_mt(http, server, sender="ACME", carrier="3", message_id="m-3") == "result_code=0"
    )
    assert (
        await post_mt(http, server, sender="ACME", phone_number="447700900000", message_id="m-4")
        == "result_code=0"
    )


async def test_sender_not_registered_for_the_account_is_5(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    # 54321 belongs to the other account.
    assert await post_mt(http, server, sender="54321") == "result_code=5"


async def test_over_the_rate_is_6_until_tokens_refill(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    now = [100.0]
    settings = SimulatorSettings(
        accounts=(Account("demo", "demo", ("12345",), rate_per_second=2.0),), seed=1
    )
    server = await start_simulator(settings, clock=lambda: now[0])
    answers = [await post_mt(http, server, message_id=f"r-{n}") for n in range(3)]
    assert answers == ["result_code=0", "result_code=0", "result_code=6"]
    now[0] += 0.5  # one more token at 2 per second
    assert await post_mt(http, server, message_id="r-3") == "result_code=0"
    assert await post_mt(http, server, message_id="r-4") == "result_code=6"


async def test_accepted_message_id_again_is_7_per_account(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server) == "result_code=0"
    assert await post_mt(http, server) == "result_code=7"
    assert (
        await post_mt(http, server, login="other", password="secret", sender="54321")
        == "result_code=0"
    )


async def test_rejected_message_id_may_be_used_again(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, sender="99999") == "result_code=5"
    assert await post_mt(http, server) == "result_code=0"


async def test_message_longer_than_the_limit_in_characters_is_8(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    settings = SimulatorSettings(accounts=(Account("demo", "demo", ("12345",), max_length=10),))
    server = await start_simulator(settings)
    assert await post_mt(http, server, message="é" * 10, message_id="a") == "result_code=0"
    assert await post_mt(http, server, message="x" * 11, message_id="b") == "result_code=8"


async def test_internal_error_fault_is_98_and_accepts_nothing(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator(fast_settings(faults=FaultSettings(p_internal_error=1.0)))
    assert await post_mt(http, server) == "result_code=98"
    assert server.journal()["accepted_by_account"]["demo"] == 0


async def test_other_error_fault_is_99(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator(fast_settings(faults=FaultSettings(p_other_error=1.0)))
    assert await post_mt(http, server) == "result_code=99"


async def test_faults_never_hide_a_validation_error(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator(fast_settings(faults=FaultSettings(p_internal_error=1.0)))
    assert await post_mt(http, server, password="wrong") == "result_code=2"


@pytest.mark.parametrize(
    ("name", "value"),
    [("priority", "URGENT"), ("priority", "bulk"), ("receipt", "yes"), ("receipt", "true")],
)
async def test_invalid_priority_or_receipt_is_99(
    start_simulator: StartSimulator, http: httpx.AsyncClient, name: str, value: str
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, **{name: value}) == "result_code=99"


@pytest.mark.parametrize("priority", ["BULK_LOW", "BULK", "INTERACTIVE_LOW", "INTERACTIVE"])
async def test_every_documented_priority_is_accepted(
    start_simulator: StartSimulator, http: httpx.AsyncClient, priority: str
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, priority=priority) == "result_code=0"


async def test_mms_with_attachments_numbered_from_zero_is_queued(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    body = await post_mt(
        http,
        server,
        **{
            "mms_attachment[0].content_type": "image/png",
            "mms_attachment[0].content": PNG,
            "mms_attachment[1].content_type": "text/plain",
            "mms_attachment[1].content": base64.b64encode(b"caption").decode(),
        },
    )
    assert body == "result_code=0"


@pytest.mark.parametrize(
    "attachment",
    [
        {"mms_attachment[1].content_type": "image/png", "mms_attachment[1].content": PNG},
        {
            "mms_attachment[0].content_type": "image/png",
            "mms_attachment[0].content": PNG,
            "mms_attachment[2].content_type": "image/png",
            "mms_attachment[2].content": PNG,
        },
        {"mms_attachment[0].content": PNG},
        {"mms_attachment[0].content_type": "image/png"},
        {"mms_attachment[0].content_type": "image/png", "mms_attachment[0].content": "not base64!"},
        {"mms_attachment[00].content_type": "image/png", "mms_attachment[00].content": PNG},
        {"mms_attachment[0].type": "image/png", "mms_attachment[0].content": PNG},
    ],
    ids=[
        "starts-at-1",
        "gap",
        "no-content-type",
        "no-content",
        "bad-base64",
        "leading-zero",
        "unknown-part",
    ],
)
async def test_malformed_mms_attachments_are_1(
    start_simulator: StartSimulator, http: httpx.AsyncClient, attachment: dict[str, str]
) -> None:
    server = await start_simulator()
    assert await post_mt(http, server, **attachment) == "result_code=1"


async def test_base64_plus_sent_unencoded_in_a_form_is_1(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    """A client that forgets to percent-encode '+' sends a space: the provider sees bad base64."""
    server = await start_simulator()
    content = base64.b64encode(b"\xfb\xef\xbe").decode()
    assert "+" in content
    form = str(httpx.QueryParams(VALID_MT))
    response = await http.post(
        server.endpoint_url,
        content=f"{form}&mms_attachment[0].content_type=image/png&mms_attachment[0].content={content}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.text == "result_code=1"


async def test_other_methods_and_paths(
    start_simulator: StartSimulator, http: httpx.AsyncClient
) -> None:
    server = await start_simulator()
    assert (await http.put(server.endpoint_url, content=b"")).status_code == 405
    assert (await http.get(server.base_url + "/elsewhere")).status_code == 404
    assert (await http.post(server.journal_url)).status_code == 405
