"""Turning what an operator types into the provider's digits-only international form."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult


class InvalidPhoneNumber(ValueError):
    """The text cannot be a phone number; ``reason`` says why in operator terms."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not a usable phone number: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class NormalisedNumber:
    """A number in the provider's form (``447700900123``) and a warning worth showing."""

    digits: str
    warning: str | None = None


_POSSIBILITY_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "the country code is not valid",
    ValidationResult.TOO_SHORT: "it has too few digits for its country",
    ValidationResult.TOO_LONG: "it has too many digits for its country",
    ValidationResult.INVALID_LENGTH: "its length does not fit any number of its country",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "it lacks the area code",
}

# The library's lengths are those of any number of a country (the UK's include nine digits
# for a few areas); a number it knows no range for must at least be as long as a mobile's.
_MOBILE_REASONS = {
    ValidationResult.TOO_SHORT: "it has too few digits for a mobile number of its country",
    ValidationResult.TOO_LONG: "it has too many digits for a mobile number of its country",
}
_NO_MOBILE_LENGTH = "its length does not fit any mobile number of its country"

# How people name a region whose code is not the one they use.
_REGION_NAMES = {"GB": "UK"}
# Region codes are said letter by letter: "an FR number", "a US number".
_SAID_WITH_AN = frozenset("AEFHILMNORSX")


def _article(name: str) -> str:
    return "an" if name[:1] in _SAID_WITH_AN else "a"


_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: (
        "no country code; start with + or 00, or set a default region"
    ),
    NumberParseException.NOT_A_NUMBER: "it does not look like a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too few digits after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "it has too few digits",
    NumberParseException.TOO_LONG: "it has too many digits",
}


MIN_DIGITS = 7
MAX_DIGITS = 15  # the E.164 maximum

_DIALLABLE = re.compile(r"[+\d\s().-]*\d[+\d\s().-]*")


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE and text.startswith("+"):
            reason = "the country code is not valid"
        elif exc.error_type == NumberParseException.NOT_A_NUMBER and _DIALLABLE.fullmatch(text):
            reason = "it has too few digits"
        else:
            reason = _PARSE_REASONS.get(exc.error_type, str(exc))
        raise InvalidPhoneNumber(text, reason) from exc


def known_region(code: str) -> bool:
    """Whether ``code`` is a region the number library knows (``US``, ``GB``…)."""
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def example_numbers(region: str | None) -> tuple[str, ...]:
    """A mobile number of ``region`` as its people write it, then with its country code;
    without a region, one international number."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if not region or example is None:
        return ("+44 7700 900123",)
    return tuple(
        phonenumbers.format_number(example, style)
        for style in (
            phonenumbers.PhoneNumberFormat.NATIONAL,
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        )
    )


@functools.cache
def regions() -> tuple[tuple[str, int], ...]:
    """Every region the number library knows, by code, with its calling code."""
    return tuple(
        (region, phonenumbers.country_code_for_region(region))
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    )


def main_region(calling_code: int) -> str | None:
    """The region a calling code stands for first (+1: US, +44: GB); None for none."""
    region = phonenumbers.region_code_for_country_code(calling_code)
    return None if region == phonenumbers.UNKNOWN_REGION else str(region)


def _impossible(number: phonenumbers.PhoneNumber) -> str | None:
    """Why ``number`` cannot be one of its country's, or None when it can be."""
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if possibility != ValidationResult.IS_POSSIBLE:
        return _POSSIBILITY_REASONS.get(possibility, "it is not a possible number")
    if phonenumbers.is_valid_number(number):
        return None
    mobile = phonenumbers.is_possible_number_for_type_with_reason(number, PhoneNumberType.MOBILE)
    if mobile == ValidationResult.IS_POSSIBLE:
        return None  # a mobile's length outside the ranges known: a warning says so
    return _MOBILE_REASONS.get(mobile, _NO_MOBILE_LENGTH)


def _country(number: phonenumbers.PhoneNumber) -> str:
    """Country code and region (``+20, EG``): what the digits were taken to be."""
    code = number.country_code or 0
    return f"+{code}, {phonenumbers.region_code_for_country_code(code)}"


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


@functools.lru_cache(maxsize=4096)
def display_number(digits: str) -> str:
    """A stored number (international digits, no ``+``) as people read it: ``+1 202-555-0143``."""
    if not digits.isdigit():
        return digits
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return "+" + digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_number(text: str, default_region: str | None = None) -> NormalisedNumber:
    """Normalise ``text`` (``+44 7700 900123``, ``0044…``, ``(202) 555-0100``…).

    Without a leading ``+`` or ``00`` the number is read in ``default_region``; a string of
    digits that does not fit there is read as already international (the provider's own
    form, e.g. ``12025550100``).

    Raises:
        InvalidPhoneNumber: the text cannot be a number anywhere, or is too short or too
            long for a mobile of the country it was read in and in no range known there.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidPhoneNumber(text, "it is empty")
    if any(char.isalpha() for char in stripped):
        # The library would read letters as keypad digits (or drop them): a letter O typed
        # for a zero would silently become another number.
        raise InvalidPhoneNumber(text, "it contains letters; type digits only")
    region = default_region.upper() if default_region else None
    if stripped.startswith("00"):
        # The international call prefix used by most of the world.
        stripped = "+" + stripped[2:]
    candidates: list[tuple[str, str | None]] = []
    if stripped.startswith("+"):
        candidates.append((stripped, None))
    else:
        if region:
            candidates.append((stripped, region))
        if "(" not in stripped:
            # Parentheses mark a national area code; only bare digit groups may already be
            # in the provider's international form.
            candidates.append(("+" + stripped, None))

    possible: list[phonenumbers.PhoneNumber] = []
    first_error: InvalidPhoneNumber | None = None
    for candidate, candidate_region in candidates:
        # Every refusal names the country it assumed: a national number read in the wrong
        # region looks like a typing mistake otherwise.
        name = _REGION_NAMES.get(candidate_region or "", candidate_region)
        assumed = f" (read as {_article(name)} {name} number)" if name else ""
        try:
            parsed = _parse(candidate, candidate_region)
        except InvalidPhoneNumber as exc:
            first_error = first_error or InvalidPhoneNumber(text, exc.reason + assumed)
            continue
        reason = _impossible(parsed)
        if reason is None:
            possible.append(parsed)
        else:
            assumed = assumed or f" (read with country code {_country(parsed)})"
            first_error = first_error or InvalidPhoneNumber(text, reason + assumed)
    if not possible:
        if first_error is None:
            raise InvalidPhoneNumber(
                text, _PARSE_REASONS[NumberParseException.INVALID_COUNTRY_CODE]
            )
        raise first_error
    valid = [n for n in possible if phonenumbers.is_valid_number(n)]
    number = (valid or possible)[0]

    digits = _e164(number)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise InvalidPhoneNumber(
            text,
            f"an international number has {MIN_DIGITS} to {MAX_DIGITS} digits, "
            f"this one {len(digits)}",
        )
    if _e164(_parse("+" + digits, None)) != digits:
        # Some all-zero national parts lose a digit in the library's formatting.
        raise InvalidPhoneNumber(text, "its digits do not form a consistent number")
    warning = None
    if not valid:
        warning = (
            f"+{digits} (read with country code {_country(number)}) has a possible length but "
            "is not known to be an assigned number; check it before sending"
        )
    return NormalisedNumber(digits=digits, warning=warning)


def number_key(text: str) -> str:
    """The digits a stored number is matched by: ``+44 7700 900123``, ``0044…`` and
    ``447700900123`` are one number (how a customer's reply and our messages name it)."""
    digits = "".join(char for char in text if char.isascii() and char.isdigit())
    if text.strip().startswith("00"):
        digits = digits[2:]
    return digits or text.strip()
