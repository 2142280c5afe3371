"""Moving whole rows the way Excel's cut and paste does, in formula text.

When the summary rows are put into rank order, every formula that points at one cell (or a range
inside one row) of a moved row is made to point at that row's new place, wherever the formula is:
in the moved row itself (its own totals), or on another sheet. Ranges over several rows (a rank
over the whole column) and references elsewhere are left alone. A formula that is the same in every
row therefore comes out unchanged, and a formula tied to one unit (its detail, its survey row)
follows the unit.
"""
from __future__ import annotations

import re

from openpyxl.formula.tokenizer import Token, Tokenizer

from ..celltext import Formula

_REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:]+)!)?"
                  r"(?P<c1>\$?[A-Z]{1,3})(?P<r1>\$?)(?P<n1>\d+)"
                  r"(?::(?P<c2>\$?[A-Z]{1,3})(?P<r2>\$?)(?P<n2>\d+))?$")


def sheet_name(text: str) -> str:
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def moved_reference(ref: str, home: str, target: str, rows: dict[int, int]) -> str:
    """`ref` (as written in a formula on sheet `home`) after rows of sheet `target` moved."""
    m = _REF.match(ref)
    if not m:
        return ref  # a defined name, a whole column, an external or 3-D reference
    on = sheet_name(m["sheet"]) if m["sheet"] else home
    row = int(m["n1"])
    if on != target or row not in rows or (m["n2"] is not None and int(m["n2"]) != row):
        return ref
    new = str(rows[row])
    out = f"{m['sheet'] + '!' if m['sheet'] else ''}{m['c1']}{m['r1']}{new}"
    if m["n2"] is not None:
        out += f":{m['c2']}{m['r2']}{new}"
    return out


def moved_formula(formula: str, home: str, target: str, rows: dict[int, int]) -> str:
    """A formula after rows of `target` moved (old row -> new row); text and other values unchanged."""
    if not isinstance(formula, Formula) or not rows:
        return formula
    tokens = Tokenizer(formula).items
    changed = False
    for token in tokens:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            new = moved_reference(token.value, home, target, rows)
            changed |= new != token.value
            token.value = new
    return Formula("=" + "".join(t.value for t in tokens)) if changed else formula


def moved_where(text: str, target: str, rows: dict[int, int]) -> str:
    """A message's place ('Tổng hợp!F12', quoted or not) after rows of `target` moved."""
    pattern = re.compile(rf"(?P<sheet>'{re.escape(target)}'|{re.escape(target)})!(?P<col>\$?[A-Z]{{1,3}})(?P<n>\d+)\b")

    def one(m):
        n = int(m["n"])
        return f"{m['sheet']}!{m['col']}{rows[n]}" if n in rows else m[0]
    return pattern.sub(one, text or "")
