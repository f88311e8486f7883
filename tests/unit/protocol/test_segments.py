from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.protocol.segments import (
    Encoding,
    count_segments,
    describe_character,
    gsm_replaceable,
    to_gsm,
    ucs2_spans,
)

EXTENSION_CHARS = ["€", "{", "}", "[", "]", "~", "\\", "|", "^"]
GSM_SAMPLE = "abcXYZ0189 @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n\r"
NON_GSM = "ł"


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (153, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_gsm_text_segment_boundaries(length: int, segments: int) -> None:
    count = count_segments("a" * length)
    assert count.encoding is Encoding.GSM7
    assert count.characters == length
    assert count.units == length
    assert count.segments == segments
    assert count.ucs2_characters == ()


def test_gsm_sample_alphabet_stays_gsm() -> None:
    count = count_segments(GSM_SAMPLE)
    assert count.encoding is Encoding.GSM7
    assert count.units == len(GSM_SAMPLE)
    assert count.ucs2_characters == ()


@pytest.mark.parametrize("char", EXTENSION_CHARS)
def test_extension_characters_count_double(char: str) -> None:
    count = count_segments(char)
    assert count.encoding is Encoding.GSM7
    assert count.characters == 1
    assert count.units == 2
    assert count.segments == 1


@pytest.mark.parametrize(("length", "segments"), [(80, 1), (81, 2)])
def test_euro_signs_fill_a_segment_twice_as_fast(length: int, segments: int) -> None:
    count = count_segments("€" * length)
    assert count.encoding is Encoding.GSM7
    assert count.units == 2 * length
    assert count.segments == segments


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_one_non_gsm_character_switches_to_ucs2(length: int, segments: int) -> None:
    text = NON_GSM + "a" * (length - 1)
    count = count_segments(text)
    assert count.encoding is Encoding.UCS2
    assert count.units == length
    assert count.segments == segments
    assert count.ucs2_characters == (NON_GSM,)


def test_ucs2_characters_lists_each_offender_once_in_order() -> None:
    count = count_segments("zaż ółć ż")
    assert count.ucs2_characters == ("ż", "ó", "ł", "ć")


@pytest.mark.parametrize("char", ["ç", "\u00a0", "\u2019", "\u201c", "\u0391", "中"])
def test_common_lookalikes_outside_gsm_are_flagged(char: str) -> None:
    count = count_segments("Hello " + char)
    assert count.encoding is Encoding.UCS2
    assert count.ucs2_characters == (char,)


def test_emoji_counts_as_two_utf16_units() -> None:
    count = count_segments("😀")
    assert count.encoding is Encoding.UCS2
    assert count.characters == 1
    assert count.units == 2
    assert count.ucs2_characters == ("😀",)


@pytest.mark.parametrize(("length", "segments"), [(35, 1), (36, 2), (66, 2), (67, 3)])
def test_emoji_segment_boundaries(length: int, segments: int) -> None:
    count = count_segments("😀" * length)
    assert count.units == 2 * length
    assert count.segments == segments


def test_extension_character_is_never_split_across_parts() -> None:
    count = count_segments("a" * 152 + "€" + "a" * 152)
    assert count.units == 306
    assert count.segments == 3


def test_emoji_is_never_split_across_parts() -> None:
    count = count_segments("a" * 66 + "😀" + "a" * 66)
    assert count.units == 134
    assert count.segments == 3


def test_empty_text_takes_no_segment() -> None:
    count = count_segments("")
    assert count.characters == 0
    assert count.units == 0
    assert count.segments == 0
    assert count.encoding is Encoding.GSM7
    assert count.remaining_in_segment == 160


@pytest.mark.parametrize(
    ("text", "remaining"),
    [
        ("a", 159),
        ("a" * 160, 0),
        ("a" * 161, 145),
        ("a" * 306, 0),
        ("€" * 3, 154),
        (NON_GSM, 69),
        (NON_GSM + "a" * 69, 0),
        (NON_GSM + "a" * 70, 63),
        pytest.param("a" * 152 + "€" + "a" * 10, 141, id="euro-pushed-to-part-2"),
        pytest.param("a" * 152 + "€" + "a" * 152, 152, id="euro-pushed-then-part-3"),
        pytest.param("😀" * 36, 61, id="emoji-pushed-to-part-2"),
    ],
)
def test_remaining_in_segment(text: str, remaining: int) -> None:
    assert count_segments(text).remaining_in_segment == remaining


gsm_text = st.text(alphabet=GSM_SAMPLE + "".join(EXTENSION_CHARS), max_size=400)
any_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(GSM_SAMPLE + "".join(EXTENSION_CHARS)),
        st.sampled_from("łżé中😀🎉\u2019"),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=400,
)


@settings(max_examples=200, deadline=None, database=None)
@given(any_text, st.text(max_size=20))
def test_segments_never_decrease_when_text_grows(text: str, extra: str) -> None:
    before = count_segments(text)
    for end in range(1, len(extra) + 1):
        after = count_segments(text + extra[:end])
        assert after.segments >= before.segments
        before = after


@settings(max_examples=200, deadline=None, database=None)
@given(gsm_text)
def test_gsm_units_are_at_least_the_characters(text: str) -> None:
    count = count_segments(text)
    assert count.encoding is Encoding.GSM7
    assert count.characters == len(text)
    assert count.characters <= count.units <= 2 * count.characters


wide_near_boundary = st.builds(
    lambda prefix, wide, tail: "a" * prefix + wide + tail,
    st.integers(min_value=60, max_value=160),
    st.sampled_from([*EXTENSION_CHARS, "😀", "🎉"]),
    st.text(alphabet="ab€😀", max_size=80),
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.one_of(any_text.filter(bool), wide_near_boundary))
@example("a" * 152 + "€" + "a" * 10)
@example("a" * 66 + "😀" + "a" * 10)
def test_remaining_in_segment_is_exactly_what_still_fits(text: str) -> None:
    count = count_segments(text)
    remaining = count.remaining_in_segment
    assert remaining >= 0
    assert count_segments(text + "a" * remaining).segments == count.segments
    assert count_segments(text + "a" * (remaining + 1)).segments == count.segments + 1


def test_ucs2_spans_empty_for_gsm_text() -> None:
    assert ucs2_spans(GSM_SAMPLE + "".join(EXTENSION_CHARS)) == ()


def test_ucs2_spans_count_utf16_units() -> None:
    # The emoji takes two UTF-16 units, so what follows it sits one further along.
    assert ucs2_spans("Hi 😀 \u2019ok ł") == ((3, 2), (6, 1), (10, 1))


@settings(max_examples=200, deadline=None, database=None)
@given(any_text)
def test_ucs2_spans_cover_exactly_the_ucs2_characters(text: str) -> None:
    utf16 = text.encode("utf-16-le")
    found = {
        utf16[2 * start : 2 * (start + length)].decode("utf-16-le")
        for start, length in ucs2_spans(text)
    }
    assert found == set(count_segments(text).ucs2_characters)


@pytest.mark.parametrize(
    ("char", "described"),
    [
        ("😀", "😀 grinning face (U+1F600)"),
        ("\u2019", "\u2019 right single quotation mark (U+2019)"),
        ("\u00a0", "no-break space (U+00A0)"),
        ("\u200d", "zero width joiner (U+200D)"),
        ("\ue000", "unnamed character (U+E000)"),
    ],
)
def test_describe_character(char: str, described: str) -> None:
    assert describe_character(char) == described


def test_typographic_characters_have_plain_replacements_that_keep_gsm7() -> None:
    text = "It\u2019s 5\u20136 pm\u2026 \u201cok\u201d"
    assert gsm_replaceable(text) == ("\u2019", "\u2013", "\u2026", "\u201c", "\u201d")
    plain = to_gsm(text)
    assert plain == 'It\'s 5-6 pm... "ok"'
    assert count_segments(plain).encoding is Encoding.GSM7
    assert gsm_replaceable("emoji 😀 stays") == ()
