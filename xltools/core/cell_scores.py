"""A spreadsheet cell's value as a score, or the problem that keeps it from being one.

Readers of Excel files (the appraisal workbook, official tables, the macros' sheets) hand each score
cell's value here: a number is a score; blank is None; anything else (a word, a number stored as
text, a date Excel made of '9.5', a value core/numbers refuses) is a CellProblem that the checks
report as one finding, and the score stays None, so the table is read to its end, never aborted.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from .numbers import NumberError, parse_score
from .scoring import CellProblem

RETYPE = "hãy gõ lại điểm bằng số (theo dấu thập phân của máy: ô có số đúng sẽ căn phải)"


def cell_score(value: object, where: str, what: str = "", field: int | None = None,
               kind: str = "") -> tuple[Decimal | None, CellProblem | None]:
    """(score, None) for a number or a blank cell; (None, problem) for anything else."""
    def problem(code: str, found: str, reason: str) -> tuple[None, CellProblem]:
        return None, CellProblem(where, found, reason, code, what, field, kind)

    if value is None:
        return None, None
    if isinstance(value, bool):
        return problem("score-not-number", "TRUE" if value else "FALSE",
                       f"giá trị đúng/sai, không phải điểm số; {RETYPE}.")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        shown = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value.strftime("%H:%M")
        return problem("score-date", shown,
                       "Excel đã hiểu điểm gõ vào thành ngày/giờ (thường do gõ '9.5' hay '9/5'); hãy định dạng ô "
                       "là Số (Number) rồi gõ lại điểm.")
    if isinstance(value, (int, float, Decimal)):
        try:
            return parse_score(value), None
        except NumberError as exc:  # NaN, infinity, an absurd magnitude: whatever core/numbers refuses
            return problem("score-not-number", exc.text, f"{exc.reason.rstrip('.')}; {RETYPE}.")
    text = " ".join(str(value).split())
    if not text:
        return None, None
    try:
        number = parse_score(text)
    except NumberError as exc:  # a word, or text that could be two different numbers ("1.055")
        reason = exc.reason if not exc.reason.startswith("không phải là số") else f"không phải là số; {RETYPE}."
        return problem("score-not-number", text, reason)
    if number is None:  # markup only
        return None, None
    return problem("score-as-text", text,
                   f"số {text} được lưu dạng chữ (ô định dạng Văn bản, hoặc gõ dấu thập phân khác dấu của máy) nên "
                   f"công thức không cộng nó; hãy định dạng ô là Số (Number) rồi gõ lại số này theo dấu thập phân của máy.")
