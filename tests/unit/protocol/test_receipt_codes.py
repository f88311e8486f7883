"""A delivery receipt's result codes: the spec's own list, worded for the operator."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.protocol.codes import result_code
from console.protocol.receipt_codes import RECEIPT_CODES, receipt_code, receipt_reason

SPEC_RECEIPT_CODES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 98, 99]


def test_catalogue_holds_exactly_the_spec_receipt_codes() -> None:
    assert sorted(RECEIPT_CODES) == SPEC_RECEIPT_CODES


@pytest.mark.parametrize("code", SPEC_RECEIPT_CODES)
def test_every_spec_receipt_code_is_known_and_explained(code: int) -> None:
    described = receipt_code(code)
    assert described.code == code
    assert described.known
    assert described.meaning.strip()


def test_a_next_step_for_every_code_that_names_a_cause() -> None:
    # 0 is no failure and 99 names none: what the receipt's state says is the guide.
    without = [code for code in SPEC_RECEIPT_CODES if receipt_code(code).action is None]
    assert without == [0, 99]


def test_zero_means_nothing_went_wrong_not_queued() -> None:
    assert receipt_code(0).meaning != result_code(0).meaning
    assert "queued" not in receipt_code(0).meaning.lower()
    assert receipt_reason(0) is None
    assert receipt_reason(None) is None
    assert receipt_reason(99) == receipt_code(99)


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers())
def test_any_receipt_code_is_described_without_raising(code: int) -> None:
    described = receipt_code(code)
    assert described.code == code
    assert described.known == (code in SPEC_RECEIPT_CODES)
    if not described.known:
        assert described.action
