"""What Excel hands Python and what Python hands back, as xlwings passes them.

xlwings gives a one-cell range as a scalar, a row or column as a 1-D list and a block as a 2-D list
(always 2-D with `ndim=2`); numbers arrive as float, blanks as None. Results go back as 2-D lists:
None for a blank, float for a number, str for text. These helpers are the only place that knows it.
"""
from __future__ import annotations

from decimal import Decimal

from ..core.numbers import NumberError, parse_score
from ..errors import UserError


class CellError(UserError, ValueError):
    """A value the appraiser must fix; the message is Vietnamese and names the cell when known."""


def grid(value) -> list[list]:
    """Any xlwings argument as a 2-D list (a scalar is one cell; a 1-D list is one column)."""
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list):
        return [[value]]
    if not value:
        return []
    if not isinstance(value[0], (list, tuple)):
        return [[v] for v in value]
    return [list(row) for row in value]


def flat(value) -> list:
    """All cells of a range, row by row."""
    return [cell for row in grid(value) for cell in row]


def column(values: list) -> list[list]:
    """A list as a one-column 2-D result."""
    return [[v] for v in values]


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def score(value, where: str = "") -> Decimal | None:
    """A cell as a score: None when blank; Vietnamese error for text that is not a number."""
    try:
        return parse_score(value)
    except NumberError as exc:
        raise CellError(f"{where + ': ' if where else ''}{exc}") from exc


def out(value):
    """A result cell: Decimal -> float, None stays blank."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def text(value) -> str:
    """A name or code cell as text ('1.3' typed as the number 1.3 stays '1.3'; 2.0 becomes '2')."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value).strip()
