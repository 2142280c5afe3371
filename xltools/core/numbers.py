"""Vietnamese number text <-> numbers.

Published tables use the decimal comma ("19,5", "9,000" is nine) and prose uses the dot to
group thousands ("1.055" is 1055). Text that could mean two different numbers is refused with a
message; it is never guessed.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ..errors import UserError

_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
_DIGITS_COMMA = re.compile(r"^[+-]?\d+(,\d+)?$")
_DIGITS_DOT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_VN_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")   # 1.234.567,5
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")   # 1,234,567.5
MAX_MAGNITUDE = Decimal(10) ** 15  # beyond Excel's 15 digits: no score, count or year is this large


class NumberError(UserError, ValueError):
    """Text that is not a number, or could be read as two different numbers."""

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(f"'{text}' {reason}")


def clean(text: str) -> str:
    """Strip markup (<b>, <p>) and non-breaking spaces."""
    return _clean_text(text) if type(text) is str else _clean(str(text))


@lru_cache(maxsize=4096)  # readers clean a cell's text two or three times, and forms share their labels
def _clean_text(text: str) -> str:
    return _clean(text)


def _clean(text: str) -> str:
    if "<" in text:
        if text.startswith("<b>") and text.endswith("</b>") and "<" not in text[3:-4]:  # a bold cell's text
            text = text[3:-4]
        else:
            text = _TAGS.sub("", text)
    return single_spaced(text)


def single_spaced(text: str) -> str:
    """' '.join(text.split()): every run of Unicode spaces (NBSP and U+202F too) as one space, none at the
    ends. Text already so (most cells) is returned as it is: isprintable() is False for every space but the
    ASCII one, so the test below gives the same answer as building the join."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def parse_score(value: Any) -> Decimal | None:
    """A score as typed in a table cell; None when the cell is blank.

    Accepts numbers, "19,5", "9,000" (nine: the comma is decimal in tables), "<b>8,500</b>",
    "8.5" (a header written with a dot). Refuses "1.055" and "9.000" (dot followed by exactly
    three digits: a decimal point or a thousands group?), "1,234.5" and words.
    """
    if type(value) is str:  # a table's cell text
        return _score_text(value)
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(str(value), "là giá trị đúng/sai, không phải là điểm số.")
    if isinstance(value, (int, float, Decimal)):
        return to_decimal(value)
    return _score_of(value)


@lru_cache(maxsize=4096)  # the same few scores ('1', '0,5', '<b>9,5</b>') cell after cell, form after form
def _score_text(value: str) -> Decimal | None:
    return _score_of(value)


def _score_of(value: Any) -> Decimal | None:
    text = clean(value)
    shown = " ".join(text.split())  # what a message quotes: the cell as the user typed it ('chưa chấm')
    if text.lower().endswith("điểm"):  # "2,5 điểm"
        text = text[: -len("điểm")]
    text = text.replace(" ", "")
    if text == "":
        return None
    if _DIGITS_COMMA.match(text):
        return _bounded(Decimal(text.replace(",", ".")), text)
    if _DIGITS_DOT.match(text):
        if re.search(r"\.\d{3}$", text):
            raise NumberError(
                text,
                "không rõ là số thập phân hay số có dấu chấm phân cách hàng nghìn; "
                f"hãy nhập với dấu phẩy thập phân, ví dụ {text.replace('.', ',')}.",
            )
        return _bounded(Decimal(text), text)
    if _VN_GROUPED.match(text) or _EN_GROUPED.match(text):
        raise NumberError(text, "có dấu phân cách hàng nghìn; điểm số không lớn như vậy, hãy kiểm tra lại.")
    if text.count(",") > 1 or text.count(".") > 1 or ("," in text and "." in text):
        raise NumberError(shown, "có nhiều dấu phân cách, không đọc được; hãy nhập một số như 19,5.")
    raise NumberError(shown, "không phải là số; hãy nhập một số như 19,5 (dấu phẩy thập phân).")


def parse_prose_number(text: str) -> Decimal:
    """A number in running text: the dot groups thousands, the comma is decimal ("1.055", "18,77")."""
    t = clean(text).replace(" ", "")
    if _VN_GROUPED.match(t):
        return _bounded(Decimal(t.replace(".", "").replace(",", ".")), t)
    if _DIGITS_COMMA.match(t):
        return _bounded(Decimal(t.replace(",", ".")), t)
    if _DIGITS_DOT.match(t):  # "98.79": no group of three, so a decimal point
        if re.search(r"\.\d{3}$", t):
            return _bounded(Decimal(t.replace(".", "")), t)
        return _bounded(Decimal(t), t)
    raise NumberError(text, "không phải là số.")


def to_decimal(value: Any) -> Decimal:
    """A number from Excel/Python as the decimal the user sees (0.1 + 0.2 is 0.3, not 0.30000000000000004)."""
    if isinstance(value, Decimal):
        return _bounded(value, value)
    if isinstance(value, int):
        return _bounded(Decimal(value), value)
    try:
        # 15 significant digits is what Excel shows and stores as the user's number.
        number = Decimal(format(float(value), ".15g"))
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise NumberError(str(value), "không phải là số.") from exc
    return _bounded(number, value)


def _bounded(number: Decimal, shown: Any) -> Decimal:
    """A finite number of a sensible size: NaN, infinity and 1e308 are refused, never computed with. `shown`
    is what the user typed, put in words (str) only for a refusal."""
    if number.is_finite() and -MAX_MAGNITUDE < number < MAX_MAGNITUDE:
        return number
    text = str(shown)
    if not number.is_finite():
        raise NumberError(text, "không phải là một số (NaN hoặc vô cực, thường do công thức lỗi hay tệp bị sửa); "
                                "hãy nhập lại điểm bằng số.")
    raise NumberError(text if len(text) <= 24 else f"{text[:12]}…({len(text)} ký tự)",
                      "là một số quá lớn, không thể là điểm số; hãy kiểm tra và nhập lại.")


def quantize(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero, as Excel's ROUND does."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def decimals_shown(value: Decimal) -> int:
    """How many decimals a number is written with: 89,95 -> 2, 85 -> 0."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_vn(value: Decimal | float | None, decimals: int) -> str:
    """'96,479' for 96.479 at 3 decimals; '' for None. No thousands grouping (scores are < 1000)."""
    if value is None:
        return ""
    q = quantize(to_decimal(value), decimals)
    return f"{q:.{decimals}f}".replace(".", ",")


def format_vn_short(value: Decimal | float | None) -> str:
    """'19,5' / '9': as a person writes a maximum in a header."""
    if value is None:
        return ""
    d = to_decimal(value).normalize()
    text = f"{d:f}"
    return text.replace(".", ",")
