from decimal import Decimal

import pytest

from xltools.core.numbers import NumberError, format_vn, parse_prose_number, parse_score, quantize, to_decimal


@pytest.mark.parametrize("text, expected", [
    ("19,5", "19.5"), ("9,000", "9"), ("<b>8,500</b>", "8.5"), ("0", "0"), ("0,908", "0.908"),
    ("8.5", "8.5"), ("  12,910 ", "12.91"), ("2,5 điểm", "2.5"), ("21.52", "21.52"), ("-0,04", "-0.04"),
    (9, "9"), (19.5, "19.5"), (0.1 + 0.2, "0.3"),
])
def test_scores_parse(text, expected):
    assert parse_score(text) == Decimal(expected)


@pytest.mark.parametrize("blank", [None, "", "   ", "<b></b>", "\u00a0"])
def test_blank_is_none_not_zero(blank):
    assert parse_score(blank) is None


@pytest.mark.parametrize("text, hint", [
    ("1.055", "1,055"),        # decimal point or thousands group? refused, with the fix to type
    ("9.000", "9,000"),
    ("1,234.5", "phân cách"),
    ("1.234,5", "phân cách"),
    ("19,5,1", "nhiều dấu"),
    ("mười", "không phải là số"),
    ("8,5a", "không phải là số"),
])
def test_ambiguous_or_bad_text_is_refused_with_a_message(text, hint):
    with pytest.raises(NumberError) as info:
        parse_score(text)
    assert hint in str(info.value)
    assert text in str(info.value)


def test_booleans_are_not_scores():
    with pytest.raises(NumberError):
        parse_score(True)


@pytest.mark.parametrize("text, expected", [
    ("1.055", "1055"), ("160.000", "160000"), ("2.029.996.767.557", "2029996767557"),
    ("18,77", "18.77"), ("98.79", "98.79"), ("10.439", "10439"),
])
def test_prose_numbers_group_thousands_with_dots(text, expected):
    assert parse_prose_number(text) == Decimal(expected)


def test_rounding_is_half_away_from_zero_like_excel():
    assert quantize(Decimal("2.675"), 2) == Decimal("2.68")
    assert quantize(Decimal("79.9995"), 3) == Decimal("80.000")
    assert quantize(Decimal("-0.0005"), 3) == Decimal("-0.001")


def test_float_sums_are_read_as_the_user_sees_them():
    floating = 34.3 + 29.9 + 15.8
    assert floating != 80  # the trap: 79.99999999999999
    assert to_decimal(floating) == Decimal("80")


def test_format_vn_uses_decimal_comma():
    assert format_vn(Decimal("96.479"), 3) == "96,479"
    assert format_vn(Decimal("9"), 3) == "9,000"
    assert format_vn(None, 3) == ""
