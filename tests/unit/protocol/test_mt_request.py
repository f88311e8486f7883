from __future__ import annotations

import base64
import dataclasses
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.protocol.mt_request import (
    FORM_CONTENT_TYPE,
    MAX_MESSAGE_ID_LENGTH,
    Attachment,
    FieldError,
    InvalidRequest,
    MtRequest,
    Priority,
    parse_carrier,
    parse_priority,
)

PASSWORD = "pw-Secr3t&+=%/zz"
REQUIRED_FIELDS = ["login", "password", "phone_number", "sender", "message", "message_id"]
SPEC_NAMES = {
    "login",
    "password",
    "phone_number",
    "sender",
    "carrier",
    "message",
    "message_id",
    "receipt",
    "app_id",
    "conversation_id",
    "priority",
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe"
AWKWARD_TEXT = "Grüße & 1+1=2, 100% sûr; a=b&c ?#/ €😀 中文\r\nline two"


def make(**changes: Any) -> MtRequest:
    request = MtRequest(
        login="acme",
        password=PASSWORD,
        phone_number="12025550100",
        sender="12345",
        message="Your parcel arrives today.",
        message_id="msg-0001",
    )
    return dataclasses.replace(request, **changes)


def full() -> MtRequest:
    return make(
        carrier=42,
        receipt=True,
        app_id="app-7",
        conversation_id="conv-9",
        priority=Priority.INTERACTIVE,
        attachments=(
            Attachment("image/png", PNG, "logo.png"),
            Attachment("text/plain; charset=utf-8", "héllo".encode()),
        ),
    )


def fields_in_error(request: MtRequest) -> list[str]:
    return [error.field for error in request.errors()]


def test_fully_filled_request_validates() -> None:
    request = full()
    assert request.errors() == []
    assert request.validated() is request


def test_minimal_request_validates() -> None:
    request = make()
    assert request.errors() == []
    assert request.validated() is request


@pytest.mark.parametrize("blank", ["", "   "])
@pytest.mark.parametrize("name", REQUIRED_FIELDS)
def test_each_missing_required_field_is_named_alone(name: str, blank: str) -> None:
    request = make(**{name: blank})
    assert fields_in_error(request) == [name]
    with pytest.raises(InvalidRequest) as caught:
        request.validated()
    assert [error.field for error in caught.value.errors] == [name]
    assert name in str(caught.value)


def test_every_problem_is_listed_at_once() -> None:
    request = make(login="", sender="", message_id="has space", carrier=-1)
    with pytest.raises(InvalidRequest) as caught:
        request.validated()
    assert [e.field for e in caught.value.errors] == ["login", "sender", "message_id", "carrier"]


@pytest.mark.parametrize(
    "number",
    ["+12025550100", "1202555010a", "1 202 555 0100", "1-202-555-0100", "١٢٠٢٥٥٥٠١٠٠", "phone"],
)
def test_phone_number_must_be_plain_ascii_digits(number: str) -> None:
    assert fields_in_error(make(phone_number=number)) == ["phone_number"]


@pytest.mark.parametrize("number", ["123456", "1234567890123456"])
def test_phone_number_must_have_7_to_15_digits(number: str) -> None:
    assert fields_in_error(make(phone_number=number)) == ["phone_number"]


@pytest.mark.parametrize("number", ["1234567", "123456789012345", "447700900000"])
def test_phone_number_lengths_within_bounds_are_accepted(number: str) -> None:
    assert make(phone_number=number).errors() == []


def test_message_id_at_the_length_limit_is_accepted() -> None:
    assert make(message_id="a" * MAX_MESSAGE_ID_LENGTH).errors() == []


def test_message_id_too_long_is_refused() -> None:
    errors = make(message_id="a" * (MAX_MESSAGE_ID_LENGTH + 1)).errors()
    assert [e.field for e in errors] == ["message_id"]
    assert str(MAX_MESSAGE_ID_LENGTH) in errors[0].message


@pytest.mark.parametrize(
    "message_id", ["msg 0001", " msg-0001", "msg\t0001", "msg-ü", "msg-0001\n", "msg\n0001"]
)
def test_message_id_with_spaces_or_control_or_non_ascii_is_refused(message_id: str) -> None:
    assert fields_in_error(make(message_id=message_id)) == ["message_id"]


def test_negative_carrier_is_refused() -> None:
    assert fields_in_error(make(carrier=-1)) == ["carrier"]


def test_carrier_zero_is_accepted() -> None:
    assert make(carrier=0).errors() == []


@pytest.mark.parametrize("content_type", ["", "png", "image/", "image png"])
def test_attachment_needs_a_mime_type(content_type: str) -> None:
    request = make(attachments=(Attachment("image/png", PNG), Attachment(content_type, PNG)))
    assert fields_in_error(request) == ["mms_attachment[1].content_type"]


def test_empty_attachment_is_refused() -> None:
    request = make(attachments=(Attachment("image/png", b""),))
    assert fields_in_error(request) == ["mms_attachment[0].content"]


def test_field_error_reads_field_then_message() -> None:
    assert str(FieldError("sender", "is required")) == "sender: is required"


def test_params_of_a_minimal_request_use_the_spec_names() -> None:
    assert dict(make().params()) == {
        "login": "acme",
        "password": PASSWORD,
        "phone_number": "12025550100",
        "sender": "12345",
        "message": "Your parcel arrives today.",
        "message_id": "msg-0001",
        "receipt": "TRUE",
    }


def test_params_of_a_full_request() -> None:
    pairs = full().params()
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names))
    assert dict(pairs) == {
        "login": "acme",
        "password": PASSWORD,
        "phone_number": "12025550100",
        "sender": "12345",
        "message": "Your parcel arrives today.",
        "message_id": "msg-0001",
        "receipt": "TRUE",
        "carrier": "42",
        "priority": "INTERACTIVE",
        "app_id": "app-7",
        "conversation_id": "conv-9",
        "mms_attachment[0].content_type": "image/png",
        "mms_attachment[0].content": base64.b64encode(PNG).decode("ascii"),
        "mms_attachment[1].content_type": "text/plain; charset=utf-8",
        "mms_attachment[1].content": base64.b64encode("héllo".encode()).decode("ascii"),
    }


@pytest.mark.parametrize(("receipt", "wire"), [(True, "TRUE"), (False, "FALSE")])
def test_receipt_is_sent_as_true_or_false(receipt: bool, wire: str) -> None:
    assert dict(make(receipt=receipt).params())["receipt"] == wire


def test_optional_fields_are_omitted_when_not_set() -> None:
    names = {name for name, _ in make(app_id="", conversation_id="").params()}
    assert names == {
        "login",
        "password",
        "phone_number",
        "sender",
        "message",
        "message_id",
        "receipt",
    }


def test_carrier_zero_is_sent() -> None:
    assert dict(make(carrier=0).params())["carrier"] == "0"


@pytest.mark.parametrize("priority", list(Priority))
def test_priority_is_sent_by_its_spec_value(priority: Priority) -> None:
    assert dict(make(priority=priority).params())["priority"] == priority.value


def test_all_names_are_spec_names() -> None:
    for name, _ in full().params():
        assert name in SPEC_NAMES or name.startswith("mms_attachment[")


def test_attachments_are_numbered_from_zero_consecutively_and_decode_back() -> None:
    contents = [PNG, b"\x00", bytes(range(256)), b"GIF89a" * 50]
    types = ["image/png", "application/octet-stream", "application/x-test", "image/gif"]
    request = make(
        attachments=tuple(Attachment(t, c) for t, c in zip(types, contents, strict=True))
    )
    pairs = request.params()
    attachment_names = [name for name, _ in pairs if name.startswith("mms_attachment")]
    assert attachment_names == [
        f"mms_attachment[{i}].{part}" for i in range(4) for part in ("content_type", "content")
    ]
    values = dict(pairs)
    for index, (content_type, content) in enumerate(zip(types, contents, strict=True)):
        assert values[f"mms_attachment[{index}].content_type"] == content_type
        encoded = values[f"mms_attachment[{index}].content"]
        assert base64.b64decode(encoded, validate=True) == content


def test_form_body_round_trips_to_the_same_pairs() -> None:
    request = full()
    body = request.form_body()
    assert isinstance(body, bytes)
    body.decode("ascii")
    decoded = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    assert decoded == request.params()


@pytest.mark.parametrize(
    "changes",
    [
        {"message": AWKWARD_TEXT},
        {"sender": "Acme & Co"},
        {"app_id": "a+b=c&d%20"},
        {"conversation_id": "über;%"},
        {"login": "user@example.com"},
    ],
)
def test_form_body_and_query_string_keep_awkward_text(changes: dict[str, str]) -> None:
    request = make(**changes)
    for encoded in (request.form_body().decode("ascii"), request.query_string()):
        assert "&&" not in encoded
        pairs = parse_qsl(encoded, keep_blank_values=True, strict_parsing=True, encoding="utf-8")
        assert pairs == request.params()
        for name, value in changes.items():
            assert dict(pairs)[name] == value


def test_password_with_reserved_characters_is_encoded_not_leaked_raw() -> None:
    request = make()
    assert PASSWORD not in request.form_body().decode("ascii")
    assert ("password", PASSWORD) in parse_qsl(request.query_string())


def test_query_string_matches_form_body() -> None:
    request = full()
    assert request.query_string() == request.form_body().decode("ascii")


def test_form_content_type() -> None:
    assert FORM_CONTENT_TYPE == "application/x-www-form-urlencoded"


def test_password_never_appears_in_repr() -> None:
    request = full()
    assert PASSWORD not in repr(request)
    assert PASSWORD not in str(request)
    assert "password" not in repr(request)
    assert PASSWORD not in repr([request])


def test_password_never_appears_in_validation_errors() -> None:
    request = make(phone_number="", message_id="bad id", carrier=-4)
    with pytest.raises(InvalidRequest) as caught:
        request.validated()
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(caught.value.errors)


def test_attachment_bytes_stay_out_of_repr() -> None:
    assert "PNG" not in repr(Attachment("image/png", PNG))


@settings(max_examples=200, deadline=None, database=None)
@given(
    message=st.text(min_size=1, max_size=200),
    app_id=st.text(max_size=30),
    content=st.binary(min_size=1, max_size=64),
)
def test_any_text_round_trips_through_the_form_body(
    message: str, app_id: str, content: bytes
) -> None:
    request = make(message=message, app_id=app_id, attachments=(Attachment("image/png", content),))
    pairs = parse_qsl(request.form_body().decode("ascii"), keep_blank_values=True)
    assert pairs == request.params()
    values = dict(pairs)
    assert values["message"] == message
    assert base64.b64decode(values["mms_attachment[0].content"]) == content


@pytest.mark.parametrize(("text", "carrier"), [(" 42 ", 42), ("0", 0), ("7", 7), ("00012", 12)])
def test_parse_carrier_reads_whole_numbers(text: str, carrier: int) -> None:
    assert parse_carrier(text) == carrier


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_carrier_empty_means_none(text: str | None) -> None:
    assert parse_carrier(text) is None


@pytest.mark.parametrize("text", ["4x", "-1", "٣", "4.0", "+4", "²", "1 2", "0x10"])
def test_parse_carrier_refuses_anything_but_ascii_digits(text: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_carrier(text)
    assert [error.field for error in caught.value.errors] == ["carrier"]
    assert text in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("BULK", Priority.BULK),
        ("bulk", Priority.BULK),
        ("Bulk_Low", Priority.BULK_LOW),
        (" interactive_low ", Priority.INTERACTIVE_LOW),
        ("Interactive", Priority.INTERACTIVE),
        ("INTERACTIVE", Priority.INTERACTIVE),
    ],
)
def test_parse_priority_is_case_insensitive(text: str, priority: Priority) -> None:
    assert parse_priority(text) is priority


@pytest.mark.parametrize("text", [None, "", "  "])
def test_parse_priority_empty_means_account_default(text: str | None) -> None:
    assert parse_priority(text) is None


@pytest.mark.parametrize("text", ["URGENT", "BULK-LOW", "bulk low", "HIGH", "0"])
def test_parse_priority_refuses_other_values_listing_the_allowed_ones(text: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_priority(text)
    assert [error.field for error in caught.value.errors] == ["priority"]
    message = caught.value.errors[0].message
    for allowed in ("BULK_LOW", "BULK", "INTERACTIVE_LOW", "INTERACTIVE"):
        assert allowed in message
