"""The small parts: token bucket, carrier table, request parsing, journal formatting."""

from __future__ import annotations

import pytest

from console.simulator.carriers import CarrierTable, is_alphanumeric_sender
from console.simulator.config import DEFAULT_CARRIERS, Carrier
from console.simulator.journal import Journal, one_line, readable_parameters
from console.simulator.mt_request import InvalidRequest, parse_mt_request, unique_parameters
from console.simulator.ratelimit import TokenBucket


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=4.0, capacity=2.0, clock=lambda: now[0])
    assert [bucket.try_take() for _ in range(3)] == [True, True, False]
    now[0] += 0.25
    assert [bucket.try_take() for _ in range(2)] == [True, False]
    now[0] += 100.0  # never more than the capacity saved up
    assert [bucket.try_take() for _ in range(3)] == [True, True, False]


def test_carrier_lookup_by_id_and_by_longest_prefix() -> None:
    table = CarrierTable(
        (*DEFAULT_CARRIERS, Carrier(9, "Demo UK Special", False, prefixes=("4477",))), 4
    )
    assert table.by_id("3") is not None
    assert table.by_id("003") == table.by_id("3")
    assert table.by_id("x") is None
    assert table.by_id("") is None
    assert table.by_id("77") is None
    assert table.for_number("447700900000").carrier_id == 9
    assert table.for_number("447800900000").carrier_id == 3
    assert table.for_number("12025550100").carrier_id == 1
    assert table.for_number("8613800000000").carrier_id == 4


@pytest.mark.parametrize(
    ("sender", "alphanumeric"), [("12345", False), ("ACME", True), ("4477ab", True), ("²", True)]
)
def test_alphanumeric_sender(sender: str, alphanumeric: bool) -> None:
    assert is_alphanumeric_sender(sender) is alphanumeric


def test_parse_keeps_optional_parameters_and_decodes_attachments() -> None:
    request = parse_mt_request(
        {
            "login": "l",
            "password": "p",
            "phone_number": "1",
            "sender": "s",
            "message": "m",
            "message_id": "i",
            "app_id": "",
            "conversation_id": "c",
            "mms_attachment[0].content_type": "text/plain",
            "mms_attachment[0].content": "aGk=",
        }
    )
    assert request.app_id is None
    assert request.conversation_id == "c"
    assert request.attachments[0].content == b"hi"


def test_repeated_parameter_is_invalid() -> None:
    with pytest.raises(InvalidRequest, match="more than once"):
        unique_parameters([("a", "1"), ("a", "1")])


def test_readable_parameters_mask_the_password_and_shorten_attachments() -> None:
    readable = readable_parameters(
        [
            ("password", "hunter2"),
            ("mms_attachment[0].content", "A" * 400),
            ("x", "1"),
            ("x", "2"),
        ]
    )
    assert readable == {
        "password": "***",
        "mms_attachment[0].content": "<400 base64 characters>",
        "x": ["1", "2"],
    }
    line = one_line({**readable, "message": "a long text " * 10})
    assert "hunter2" not in line
    assert "password=***" in line
    assert "…" in line


def test_journal_keeps_only_the_newest_entries() -> None:
    journal = Journal(limit=3)
    for n in range(5):
        journal.record_mt(
            method="POST",
            client="c",
            params={"n": str(n)},
            result_code=0,
            reason="queued",
            dropped=False,
            delay=0.0,
        )
    view = journal.snapshot()
    assert [entry["params"]["n"] for entry in view["mt_requests"]] == ["2", "3", "4"]
    assert view["totals"]["mt_requests"] == 5
