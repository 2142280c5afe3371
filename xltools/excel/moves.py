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
from functools import lru_cache

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
    parts = _RUNS.split(formula)
    shape = _shape(formula, parts)
    if shape is not None:
        return _moved_by_shape(formula, parts, shape, home, target, rows)
    return _moved_by_operands(formula, home, target, rows)


def _moved_by_operands(formula: Formula, home: str, target: str, rows: dict[int, int]) -> str:
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


# A formula's shape: its text with every run of digits taken out (`parts[0::2]` of _RUNS.split). The formulas of
# one column differ only in their row numbers, and every part of _OPERAND treats any digit alike and takes a
# run whole: the references _OPERAND finds in one formula of a shape are where it finds them in every other,
# as runs of digits numbered in order. So each shape is matched once, and a formula of a known shape is
# moved by changing those runs. A shape that may hold an exponent (1E+5: the digits' values matter), an
# error value or a bracket (the Tokenizer's way), or a sheet name with digits, is not kept (None).
_RUNS = re.compile(r"(\d+)")  # \d as _OPERAND reads a row number (other scripts' digits too)
_SHAPES: dict[str, tuple[tuple[str | None, int, int | None], ...] | None] = {}
_MAY_BE_EXPONENT = re.compile(r"\x00+(?:\.\x00+)?[Ee][+-]")


def _shape(formula: str, parts: list[str]) -> tuple[tuple[str | None, int, int | None], ...] | None:
    """The references of formulas of this shape: (sheet named, or None; run of its row; run of the range's second
    row, or None), runs numbered from 0; None for a shape not kept."""
    key = "\x00".join(parts[0::2])
    if key in _SHAPES:
        return _SHAPES[key]
    shape = None
    outside = _QUOTED.sub("", key)  # digits are neither quotes nor quoted-name marks: the same spans as in formula
    if "\x00" not in formula and "#" not in outside and "[" not in outside and not _MAY_BE_EXPONENT.search(outside):
        run_at = {}  # where each run of digits starts in formula -> its number
        at = 0
        for i, part in enumerate(parts):
            if i % 2:
                run_at[at] = i // 2
            at += len(part)
        refs = [(m["sheet"], run_at[m.start("n1")], run_at[m.start("n2")] if m["n2"] is not None else None)
                for m in _OPERAND.finditer(formula) if m["ref"]]
        if not any(sheet and _RUNS.search(sheet) for sheet, _, _ in refs):
            shape = tuple((sheet_name(sheet) if sheet else None, n1, n2) for sheet, n1, n2 in refs)
    if len(_SHAPES) > 20_000:  # a long session inside Excel: keep memory bounded
        _SHAPES.clear()
    _SHAPES[key] = shape
    return shape


def _moved_by_shape(formula: Formula, parts: list[str], shape, home: str, target: str, rows: dict[int, int]) -> str:
    """What _OPERAND.sub with _moved gives, from the formula's runs of digits and its shape."""
    changed = False
    for sheet, n1, n2 in shape:
        if (sheet or home) != target:
            continue
        row = int(parts[2 * n1 + 1])
        new = rows.get(row)
        if new is None or (n2 is not None and int(parts[2 * n2 + 1]) != row):
            continue
        parts[2 * n1 + 1] = str(new)
        if n2 is not None:
            parts[2 * n2 + 1] = str(new)
        changed = True
    moved = "".join(parts) if changed else formula
    return Formula(moved) if moved != formula else formula


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
    if not text or target not in text:
        return text or ""

    def one(m):
        n = int(m["n"])
        return f"{m['sheet']}!{m['col']}{rows[n]}" if n in rows else m[0]
    return _place_of(target).sub(one, text)


@lru_cache(maxsize=64)
def _place_of(target: str) -> re.Pattern:
    return re.compile(rf"(?P<sheet>'{re.escape(target)}'|{re.escape(target)})!(?P<col>\$?[A-Z]{{1,3}})(?P<n>\d+)\b")
