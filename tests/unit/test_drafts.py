from __future__ import annotations

import re

import pytest

from console.attachments import MAX_ATTACHMENTS, MAX_TOTAL_BYTES, AttachmentError
from console.drafts import Draft, Problem, check_recipient, compose, new_message_id, problems
from console.protocol.mt_request import Attachment, HttpMethod, InvalidRequest, Priority
from console.protocol.phone import InvalidPhoneNumber
from console.settings import Profile, SettingsError

GB = Profile(name="support", senders=("12345",), default_region="GB", method=HttpMethod.GET)
PNG = Attachment("image/png", b"\x89PNG...", "photo.png")


def draft(**changes: object) -> Draft:
    fields: dict[str, object] = {"recipient": "07700 900123", "sender": "12345", "body": "Hello"}
    fields.update(changes)
    return Draft(**fields)  # type: ignore[arg-type]


def test_message_ids_are_fresh_hex() -> None:
    first, second = new_message_id(), new_message_id()
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_recipient_is_shown_as_people_write_it() -> None:
    recipient = check_recipient("07700 900123", "GB")
    assert (recipient.digits, recipient.display, recipient.region) == (
        "447700900123",
        "+44 7700 900123",
        "GB",
    )
    assert recipient.warning is not None


def test_valid_recipient_has_no_warning() -> None:
    recipient = check_recipient("(202) 555-0143", "US")
    assert (recipient.digits, recipient.region, recipient.warning) == ("12025550143", "US", None)


def test_global_number_has_no_region() -> None:
    assert check_recipient("+800 1234 5678", None).region is None


def test_unusable_recipient_raises_with_reason() -> None:
    with pytest.raises(InvalidPhoneNumber, match="too few digits"):
        check_recipient("123", "GB")


def test_complete_draft_has_no_problems() -> None:
    assert problems(draft(), GB) == []


def test_empty_draft_lists_every_required_field_in_form_order() -> None:
    assert problems(Draft(recipient="", sender=" ", body=""), GB) == [
        Problem("recipient", "Enter a recipient number"),
        Problem("sender", "Sender is required"),
        Problem("message", "Message is empty"),
    ]


def test_unusable_number_is_reported_once_with_its_reason() -> None:
    found = problems(draft(recipient="12"), GB)
    assert found == [
        Problem(
            "recipient",
            "Check the recipient number: it has too few digits for its country"
            " (read as a UK number)",
        )
    ]


def test_bad_carrier_is_a_problem() -> None:
    assert problems(draft(carrier="T-Mobile"), GB) == [
        Problem("carrier", "The carrier ID must be a whole number")
    ]


def test_attachment_limits_are_problems() -> None:
    many = tuple(PNG for _ in range(MAX_ATTACHMENTS + 1))
    assert problems(draft(attachments=many), GB) == [
        Problem("attachments", f"{MAX_ATTACHMENTS + 1} attachments; at most 10 fit in one message")
    ]
    big = Attachment("image/png", b"x" * (MAX_TOTAL_BYTES // 2 + 1), "big.png")
    (problem,) = problems(draft(attachments=(big, big)), GB)
    assert problem.text == "Attachments 5.0 MiB of 5.0 MiB: 2 bytes over, remove some"


def test_protocol_attachment_errors_name_the_file() -> None:
    odd = Attachment("not a type", b"x", "notes.txt")
    assert problems(draft(attachments=(odd,)), GB) == [
        Problem("attachments", "Attachment notes.txt: 'not a type' is not a MIME type")
    ]


def test_compose_fills_the_message_from_draft_and_profile() -> None:
    composed = compose(
        draft(
            sender=" 12345 ",
            priority=Priority.INTERACTIVE,
            carrier=" 31 ",
            receipt=False,
            app_id=" crm ",
            conversation_id="",
            attachments=(PNG,),
        ),
        GB,
    )
    new = composed.message
    assert re.fullmatch(r"[0-9a-f]{32}", new.message_id)
    assert (new.profile, new.phone_number, new.sender, new.body) == (
        "support",
        "447700900123",
        "12345",
        "Hello",
    )
    assert (new.endpoint, new.method) == (GB.endpoint, HttpMethod.GET)
    assert (new.priority, new.carrier, new.receipt) == (Priority.INTERACTIVE, 31, False)
    assert (new.app_id, new.conversation_id, new.attachments) == ("crm", None, (PNG,))
    assert composed.number_warning is not None


def test_compose_endpoint_override() -> None:
    new = compose(draft(recipient="+1 202 555 0143"), GB, endpoint="http://127.0.0.1:9/x").message
    assert new.endpoint == "http://127.0.0.1:9/x"
    assert new.phone_number == "12025550143"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"recipient": "abc"}, InvalidPhoneNumber),
        ({"carrier": "x"}, InvalidRequest),
        ({"attachments": (PNG,) * (MAX_ATTACHMENTS + 1)}, AttachmentError),
    ],
)
def test_compose_refuses_what_problems_reports(
    changes: dict[str, object], error: type[Exception]
) -> None:
    assert problems(draft(**changes), GB)
    with pytest.raises(error):
        compose(draft(**changes), GB)


def test_a_text_longer_than_the_profile_allows_is_a_problem_and_is_not_composed() -> None:
    short = Profile(name="short", senders=("12345",), default_region="GB", max_segments=2)
    long_text = draft(body="a" * 307)  # three parts of 153
    assert problems(long_text, short) == [
        Problem("message", "Too long: 3 segments, this profile allows 2")
    ]
    with pytest.raises(InvalidRequest, match="message: is too long: 3 segments"):
        compose(long_text, short)
    assert problems(draft(body="a" * 306), short) == []


def test_a_character_maximum_counts_mms_text_too() -> None:
    capped = Profile(name="capped", senders=("12345",), max_characters=100, max_segments=None)
    png = Attachment("image/png", b"\x89PNG\r\n\x1a\n", "a.png")
    found = problems(draft(recipient="+447700900123", body="a" * 101, attachments=(png,)), capped)
    assert Problem("message", "Too long: 101 characters, this profile allows 100") in found


@pytest.mark.parametrize("limit", [0, -1])
def test_a_maximum_below_one_is_refused(limit: int) -> None:
    with pytest.raises(SettingsError, match="max segments must be a whole number from 1"):
        Profile(max_segments=limit)
