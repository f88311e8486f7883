from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.protocol.phone import (
    InvalidPhoneNumber,
    NormalisedNumber,
    display_number,
    normalise_number,
)

REGIONS = [None, "US", "GB", "DE", "FR", "IT", "IN", "BR", "AU", "JP"]


def refusal(text: str, region: str | None = None) -> InvalidPhoneNumber:
    with pytest.raises(InvalidPhoneNumber) as caught:
        normalise_number(text, region)
    assert caught.value.text == text
    assert caught.value.reason.strip()
    assert caught.value.reason in str(caught.value)
    return caught.value


def test_international_uk_number_with_plus_and_spaces() -> None:
    result = normalise_number("+44 7700 900123")
    assert result.digits == "447700900123"
    assert result.warning is not None
    assert "447700900123" in result.warning


def test_us_national_format_with_default_region() -> None:
    assert normalise_number("(202) 555-0100", "US") == NormalisedNumber("12025550100", None)


def test_default_region_is_case_insensitive() -> None:
    assert normalise_number("(202) 555-0100", "us").digits == "12025550100"


def test_double_zero_international_prefix() -> None:
    result = normalise_number("0044 7700 900123")
    assert result.digits == "447700900123"
    assert result.warning is not None


@pytest.mark.parametrize("region", [None, "US"])
def test_us_number_with_country_code_and_dashes(region: str | None) -> None:
    assert normalise_number("1-202-555-0100", region) == NormalisedNumber("12025550100", None)


@pytest.mark.parametrize("region", [None, "US", "GB"])
def test_spec_us_example_is_accepted_as_is(region: str | None) -> None:
    assert normalise_number("12025550100", region) == NormalisedNumber("12025550100", None)


def test_spec_uk_example_is_accepted_with_a_warning_not_refused() -> None:
    result = normalise_number("447700900000")
    assert result.digits == "447700900000"
    assert result.warning is not None


def test_surrounding_whitespace_is_ignored() -> None:
    assert normalise_number("  +1 202 555 0100\t").digits == "12025550100"


def test_uk_national_format_with_gb_region() -> None:
    assert normalise_number("020 7946 0958", "GB") == NormalisedNumber("442079460958", None)


def test_national_format_without_region_is_refused_naming_country_code_and_region() -> None:
    reason = refusal("(202) 555-0100").reason
    assert "country code" in reason
    assert "region" in reason


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_is_refused(text: str) -> None:
    assert "empty" in refusal(text).reason


@pytest.mark.parametrize(("text", "region"), [("123", None), ("12", "US"), ("+1 202", None)])
def test_too_short_is_refused(text: str, region: str | None) -> None:
    assert "too few digits" in refusal(text, region).reason


@pytest.mark.parametrize("text", ["12345678901234567", "+1234567890123456789"])
def test_too_long_is_refused(text: str) -> None:
    assert "too many digits" in refusal(text).reason


@pytest.mark.parametrize("text", ["abc", "hello world", "phone"])
def test_letters_are_refused(text: str) -> None:
    assert "contains letters" in refusal(text).reason


@pytest.mark.parametrize("text", ["+", "#*", "--"])
def test_text_without_digits_is_refused(text: str) -> None:
    assert "does not look like a phone number" in refusal(text).reason


@pytest.mark.parametrize("text", ["+999 1234567", "+0 1234567", "00999 1234 5678"])
def test_invalid_country_code_is_refused(text: str) -> None:
    assert "country code is not valid" in refusal(text).reason


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("1202555O1OO", None),
        ("202-555-O1OO", "US"),
        ("+44 7700 9OO123", None),
    ],
)
def test_letter_o_typed_for_zero_is_refused_not_turned_into_another_number(
    text: str, region: str | None
) -> None:
    refusal(text, region)


@pytest.mark.parametrize(("text", "region"), [("555-0100", "US"), ("+1 555 0100", None)])
def test_local_only_number_without_area_code_is_refused(text: str, region: str | None) -> None:
    refusal(text, region)


@pytest.mark.parametrize(
    ("text", "digits"), [("+49 30 1234567890123", 17), ("+49 2182 4745 540816", 16)]
)
def test_numbers_outside_the_international_length_are_refused(text: str, digits: int) -> None:
    assert refusal(text).reason == (
        f"an international number has 7 to 15 digits, this one {digits}"
    )


@pytest.mark.parametrize(
    ("text", "region", "reason"),
    [
        ("07700 90012", "GB", "too few digits for a mobile number of its country"),
        ("020 7946 095", "GB", "too few digits for a mobile number of its country"),
        ("+44 7700 90012", None, "too few digits for a mobile number of its country"),
        ("+353 85 123 456", None, "too few digits for a mobile number of its country"),
        ("+49 0670", None, "too few digits for a mobile number of its country"),
    ],
)
def test_a_number_no_range_knows_and_shorter_than_a_mobile_is_refused(
    text: str, region: str | None, reason: str
) -> None:
    # Nine digits are a possible UK length (a few areas have them), not a mobile's.
    assert reason in refusal(text, region).reason


def test_a_refusal_names_the_uk_as_people_call_it() -> None:
    assert refusal("07700 90012", "GB").reason.endswith("(read as a UK number)")
    assert refusal("12", "US").reason.endswith("(read as a US number)")
    # Said letter by letter, as the article follows.
    assert refusal("12", "AU").reason.endswith("(read as an AU number)")
    assert refusal("12", "FR").reason.endswith("(read as an FR number)")


@pytest.mark.parametrize(("text", "region"), [("07700 900123", "GB"), ("+39 312 345 678", None)])
def test_a_mobile_length_outside_the_known_ranges_is_only_a_warning(
    text: str, region: str | None
) -> None:
    assert normalise_number(text, region).warning is not None


@pytest.mark.parametrize("text", ["+49 30 123456", "+49 1512 3456789"])
def test_short_and_long_german_numbers_within_the_length_are_accepted(text: str) -> None:
    assert 7 <= len(normalise_number(text).digits) <= 15


typed_numbers = st.one_of(
    st.text(alphabet="0123456789 +-()", max_size=20),
    st.text(alphabet="0123456789", min_size=6, max_size=16).map(lambda d: "+" + d),
    st.text(alphabet="0123456789", min_size=6, max_size=16).map(lambda d: "00" + d),
)


@settings(max_examples=200, deadline=None, database=None)
@given(typed_numbers, st.sampled_from(REGIONS))
@example("+49 42", None)
def test_accepted_numbers_are_ascii_digits_of_international_length(
    text: str, region: str | None
) -> None:
    try:
        result = normalise_number(text, region)
    except InvalidPhoneNumber:
        return
    assert result.digits.isascii()
    assert result.digits.isdigit()
    assert 7 <= len(result.digits) <= 15, result


@settings(max_examples=200, deadline=None, database=None)
@given(typed_numbers, st.sampled_from(REGIONS))
@example("+971 0000000", None)
def test_normalising_the_output_again_is_stable(text: str, region: str | None) -> None:
    try:
        result = normalise_number(text, region)
    except InvalidPhoneNumber:
        return
    assert normalise_number(result.digits).digits == result.digits
    assert normalise_number("+" + result.digits).digits == result.digits


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=30), st.sampled_from(REGIONS))
def test_any_text_is_normalised_or_refused_with_a_reason(text: str, region: str | None) -> None:
    try:
        result = normalise_number(text, region)
    except InvalidPhoneNumber as exc:
        reason = exc.reason
    else:
        assert result.digits.isascii()
        assert result.digits.isdigit()
        return
    assert reason.strip()


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("12025550143", "+1 202-555-0143"),
        ("447700900123", "+44 7700 900123"),
        ("12345", "+1 2345"),
        ("ACME", "ACME"),
    ],
)
def test_stored_numbers_are_shown_the_way_people_read_them(digits: str, shown: str) -> None:
    assert display_number(digits) == shown
