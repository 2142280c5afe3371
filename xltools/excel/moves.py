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
    return _moved(m, home, target, rows) if m else ref  # else a defined name, a whole column, a 3-D reference


def _moved(m: re.Match, home: str, target: str, rows: dict[int, int]) -> str:
    """The reference matched as _REF reads it (sheet, c1, r1, n1, c2, r2, n2), after the move."""
    row = int(m["n1"])
    new = rows.get(row)
    if new is None or (m["n2"] is not None and int(m["n2"]) != row) \
            or (sheet_name(m["sheet"]) if m["sheet"] else home) != target:
        return m[0]
    out = f"{m['sheet'] + '!' if m['sheet'] else ''}{m['c1']}{m['r1']}{new}"
    if m["n2"] is not None:
        out += f":{m['c2']}{m['r2']}{new}"
    return out


def moved_formula(formula: str, home: str, target: str, rows: dict[int, int]) -> str:
    """A formula after rows of `target` moved (old row -> new row); text and other values unchanged."""
    if not isinstance(formula, Formula) or not rows:
        return formula
    if home != target and not _names_a_moved_row(formula, target, rows):
        return formula  # it names no single row of the moved sheet that moves
    outside = _QUOTED.sub("", formula)
    if "#" in outside or "[" in outside or _EXPONENT.search(outside):
        return _moved_by_tokens(formula, home, target, rows)  # an error value, a bracket, 1E+5: the Tokenizer's way

    def one(m: re.Match) -> str:
        return _moved(m, home, target, rows) if m["ref"] else m[0]
    moved = _OPERAND.sub(one, formula)
    return Formula(moved) if moved != formula else formula


# The operands of a formula as openpyxl's Tokenizer cuts them (it took most of the time of a recompute):
# a run of characters up to one of _END, '…' sheet names inside; "…" texts and '…' names are skipped. Only
# a run that is a whole cell reference is rewritten: nothing of the run before or after it, and no "("
# after it (a function's name).
_END = r' \n"#\[+\-*/^&=<>%{}(),;'  # what ends an operand (the Tokenizer's TOKEN_ENDERS and dispatched characters)
_END_NO_CALL = _END.replace("(", "")
_OPERAND = re.compile(rf"""
    "(?:[^"]|"")*"                                              # a text: skipped
  | (?P<ref>(?<![^{_END}])                                      # a run that starts here: as _REF reads it,
      (?:(?P<sheet>'(?:[^']|'')+'|[^{_END}'!:]+)!)?             # its sheet,
      (?P<c1>\$?[A-Z]{{1,3}})(?P<r1>\$?)(?P<n1>\d+)               # a cell
      (?::(?P<c2>\$?[A-Z]{{1,3}})(?P<r2>\$?)(?P<n2>\d+))?         # or a range,
      (?![^{_END_NO_CALL}]))                                    # and ends here
  | '(?:[^']|'')*'                                              # a quoted name: skipped
""", re.X)
_QUOTED = re.compile(r""""(?:[^"]|"")*"|'(?:[^']|'')*'""")
_EXPONENT = re.compile(rf"(?<![^{_END}])[1-9](?:\.[0-9]+)?[Ee][+-]")  # the Tokenizer reads 1E+5 as one operand


def _names_a_moved_row(formula: str, target: str, rows: dict[int, int]) -> bool:
    """Whether a formula on another sheet may name a cell, or a range in one row, of `target` that has a
    new row: a search that finds every such reference the rewrite could change (and some it would not,
    in texts or in longer sheet names), so that the rewrite runs only for those formulas."""
    if target not in formula and target.replace("'", "''") not in formula:
        return False
    if target not in _SHEET_REFS:
        quoted, plain_name = re.escape("'" + target.replace("'", "''") + "'"), re.escape(target)
        _SHEET_REFS[target] = re.compile(rf"(?=(?:{quoted}|{plain_name})!\$?[A-Z]{{1,3}}\$?(\d+)"
                                         rf"(?::\$?[A-Z]{{1,3}}\$?(\d+))?)")
    return any(int(n1) in rows and (not n2 or int(n2) == int(n1)) for n1, n2 in _SHEET_REFS[target].findall(formula))


_SHEET_REFS: dict[str, re.Pattern] = {}  # sheet -> a search for its cells and ranges, sheet named, overlaps found


def _moved_by_tokens(formula: Formula, home: str, target: str, rows: dict[int, int]) -> str:
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
