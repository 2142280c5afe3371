"""The shortcuts that make `rank` and `check` fast on a national table give the same answers as the long way:
the JSON text, the results without findings, the message numbers, the reader's score cells."""
from __future__ import annotations

import json
import random
import sys
from decimal import Decimal

import pytest
from workbook_harness import typed_workbook

from xltools.commands import _common
from xltools.commands._common import finding_rows, findings_json, json_text, print_pieces, rank_rows
from xltools.core.checks import Finding, n
from xltools.core.evaluate import evaluate
from xltools.core.numbers import format_vn_short, to_decimal
from xltools.workbook.reader import GridReader, read_workbook_with_sets

ODD_TEXT = ["}", "},\n    {", "{", "[", "\n", 'a"b', "\\", "\u2028", "ế Đ", "\x00", "", " }, {", "\t}"]
ODD_VALUES = ODD_TEXT + [0, 1, -7, -0.0, 0.1, 1e300, float("nan"), float("inf"), True, False, None, 10**30]
NOT_FLAT = [[], {}, [[]], [{}], [{"a": {"b": 1}}], [{"a": [1, 2]}], [1, 2], "x", 3, None, [{"a": 1}, {}], [{1: 2}],
            [{"a": (1,)}], [{"a": 1}, [1]], ({"a": 1},), [{"a": Decimal(1)}]]


def _expected(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def test_json_text_is_json_dumps_with_indent():
    rng = random.Random(11)
    for _ in range(2000):
        data = [{rng.choice(ODD_TEXT + ["message"]) + str(j): rng.choice(ODD_VALUES) for j in range(rng.randint(1, 5))}
                for _ in range(rng.randint(1, 5))]
        assert json_text(data) == _expected(data), data
        for row in data:  # objects holding lists and objects, empty or not (rank's "missing")
            row[rng.choice(ODD_TEXT)] = rng.choice([[], {}, [{"kind": "x", "cell": None}], [1, [2, {}]], {"a": [{}]}])
        assert json_text(data) == _expected(data), data
    for data in NOT_FLAT:
        try:
            expected = _expected(data)
        except TypeError:  # what json refuses, json_text refuses too
            with pytest.raises(TypeError):
                json_text(data)
            continue
        assert json_text(data) == expected, data


def test_n_formats_every_score_as_format_vn_short():
    for value in [Decimal("5"), Decimal("5.00"), Decimal("5"), Decimal("-0"), Decimal("0"), Decimal("0.000"),
                  Decimal("-0"), Decimal("1E+1"), Decimal("10"), Decimal("19.50"), Decimal("NaN"), 0.5, -0.0, None]:
        try:
            expected = format_vn_short(value)
        except ValueError:
            with pytest.raises(ValueError):
                n(value)
            continue
        assert n(value) == expected, value
    assert n(Decimal("-0")) == "-0" and n(Decimal("0")) == "0"


def test_reader_scores_are_to_decimal_of_the_cell():
    values = [5, 5.0, 7.25, -0.0, 0, 0.0, 1e300, float("nan"), 2**60, True, "8,5", -3, 9.999999999999999]
    reader = GridReader("x.xlsx", {"S": [values, values]})
    sheet = reader.sheet("S")
    for row in (1, 2):  # the second row is read from what the first one remembered
        for col, value in enumerate(values, start=1):
            score, bad = reader.read_score(sheet, row, col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                try:
                    expected = to_decimal(value)
                except ValueError:
                    assert score is None and bad is not None
                    continue
                assert bad is None and str(score) == str(expected), value
            else:
                assert score is None and bad is not None


@pytest.mark.parametrize("seed", [1, 2])
def test_rank_results_without_findings_are_the_same(tmp_path, seed):
    path = typed_workbook(tmp_path / "xa.xlsx", "backan-2023-xa", 40, seed=seed, districts=4)
    full = evaluate(read_workbook_with_sets(path))
    bare = evaluate(read_workbook_with_sets(path), findings=False)
    assert [rank_rows(e) for e in bare] == [rank_rows(e) for e in full]
    assert all(e.findings == [] for e in bare) and any(e.findings for e in full)


def test_merged_at_skips_only_rows_below_every_merge():
    rng = random.Random(5)
    for _ in range(300):
        refs = tuple(f"{rng.choice('ABCDEF')}{rng.randint(1, 6)}:{rng.choice('ABCDEF')}{rng.randint(1, 6)}"
                     for _ in range(rng.randint(0, 4)))  # reversed and overlapping ones too
        fast = GridReader("x.xlsx", {"S": []}, merged={"S": refs})
        slow = GridReader("x.xlsx", {"S": []}, merged={"S": refs})
        slow._last_merged_row = {"S": 10**9}  # the shortcut off: every cell looked up
        answers = [(slow.merged_at("S", row, col), fast.merged_at("S", row, col))
                   for row in range(1, 9) for col in range(1, 8)]
        assert all(a == b for a, b in answers), refs
        covered = {ref for ref in refs if any(a == ref for a, _ in answers)}
        assert covered == {ref for ref in refs if ref[1] <= ref[4] and ref[0] <= ref[3]} or len(refs) > 1, refs


@pytest.mark.parametrize("per_piece", [1, 2, 3, 500])
def test_findings_json_is_json_text_of_the_finding_rows(monkeypatch, per_piece):
    """check --json, written column by column in pieces, is the text of its rows: odd strings ('%' too), a set
    or none, empty tables, other kinds of finding and fields not strings; pieces of one finding or several."""
    monkeypatch.setattr(_common, "FINDINGS_PER_PIECE", per_piece)
    from types import SimpleNamespace

    from xltools.council.merge import CouncilFinding

    rng = random.Random(7)
    text = ODD_TEXT + ["%s", "%%", "100%", "%(x)s", "error", "warning", "info"]

    def finding(kind=Finding):
        fields = [rng.choice(["error", "warning", "info"])] + [rng.choice(text) for _ in range(5)]
        extra = {"member": rng.choice(text), "file": rng.choice(text)} if kind is CouncilFinding else {}
        return kind(*fields, label=rng.choice(text), found=rng.choice(text), **extra)

    def evaluation(findings):
        return SimpleNamespace(findings=findings, cset=SimpleNamespace(id=rng.choice([None, "", "xa-2023", "a%s"])),
                               table=SimpleNamespace(sheet=rng.choice(text)))

    for _ in range(500):
        evaluations = [evaluation([finding() for _ in range(rng.randint(0, 6))]) for _ in range(rng.randint(0, 3))]
        if evaluations and rng.random() < 0.2:
            evaluations[0].findings.append(finding(rng.choice([Finding, CouncilFinding])))
        if evaluations and evaluations[0].findings and rng.random() < 0.1:
            evaluations[0].findings[0].where = rng.choice([None, 3])
        expected = json_text([row for e in evaluations for row in finding_rows(e)])
        assert findings_json(evaluations) == expected


def _stdout_bytes(monkeypatch, before: str, pieces: list[str], short: bool) -> tuple[bytes, str]:
    """What `before` then the pieces (print_pieces, or print of their text) put on a stdout like the process's
    own (UTF-8, "\n" as it is), and the error raised, if any."""
    import io

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(sys, "__stdout__", stream)
    print(before, end="")  # written earlier through the text layer
    try:
        print_pieces(lambda: iter(pieces)) if short else print("".join(pieces))
        error = ""
    except UnicodeError as exc:
        error = str(exc)
    stream.flush()
    return raw.getvalue(), error


def test_print_pieces_writes_what_print_writes(monkeypatch):
    rng = random.Random(3)
    for _ in range(300):
        pieces = [rng.choice(ODD_TEXT + ["ấ", "x" * rng.randint(0, 3)]) for _ in range(rng.randint(0, 6))]
        before = rng.choice(["", "Ghi chú\n", "ế"])
        if rng.random() < 0.1:  # a piece that does not encode: print's error, and nothing of the pieces written
            pieces.insert(rng.randint(0, len(pieces)), "\udcff")
        long_way = _stdout_bytes(monkeypatch, before, pieces, short=False)
        assert _stdout_bytes(monkeypatch, before, pieces, short=True) == long_way, pieces
        assert bool(long_way[1]) == ("\udcff" in pieces)


def test_check_json_of_a_table_is_the_long_way(tmp_path):
    """The command itself (its stdout written in pieces, several pieces of findings): the bytes of the long way."""
    import os
    import subprocess

    path = typed_workbook(tmp_path / "xa.xlsx", "backan-2023-xa", 160, seed=3, districts=5)
    evaluations = evaluate(read_workbook_with_sets(path))
    rows = [row for e in evaluations for row in finding_rows(e)]
    assert len(rows) > 2 * _common.FINDINGS_PER_PIECE
    done = subprocess.run([sys.executable, "-m", "xltools", "check", str(path), "--json"], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "latin-1"})  # the command sets UTF-8 itself
    assert done.returncode == 1 and done.stdout == (json_text(rows) + "\n").encode("utf-8"), done.stderr[-2000:]


def test_sheet_row_reads_what_the_reader_reads():
    """A unit's row read through its shortcut (a number read before, in a row no merge reaches) gives the reader's
    own answers: the same score (the same Decimal), the same problems, the same cell."""
    import datetime

    from xltools.workbook.reader import _SheetRow

    rng = random.Random(9)
    values = [5, 5.0, 7.25, -0.0, 0, 0.0, 1e300, float("nan"), 2**60, True, False, "8,5", -3, None, "", " ", 1, 1.0,
              datetime.datetime(2024, 1, 2), 9.999999999999999, 0.1 + 0.2, -7.5]
    for _ in range(300):
        rows = [[rng.choice(values) for _ in range(rng.randint(0, 7))] for _ in range(rng.randint(1, 7))]
        refs = tuple(f"{rng.choice('ABCDEF')}{rng.randint(1, 7)}:{rng.choice('ABCDEF')}{rng.randint(1, 7)}"
                     for _ in range(rng.choice([0, 0, 1, 2])))
        fast, slow = (GridReader("x.xlsx", {"S": rows}, merged={"S": refs}) for _ in range(2))
        for row in range(1, len(rows) + 2):
            a, b = _SheetRow(fast, fast.sheet("S"), row), _SheetRow(slow, slow.sheet("S"), row)
            b.plain = None  # the long way
            for col in rng.sample(range(1, 9), 8) * 2:  # twice: the second time from what the first remembered
                kind, field = rng.choice([("self", 0), ("appraised", 3), ("bonus", None)])
                x, y = a.score(col, kind, field), b.score(col, kind, field)
                assert (type(x), str(x), a.cell(col)) == (type(y), str(y), slow.where("S", col, row)), (rows, refs, row, col)
            assert a.problems == b.problems


def test_check_formulas_reads_each_computed_cell_as_the_sheet_does(tmp_path):
    """check_formulas reads a row's computed cells from the row itself, skipping the formula marks at once: the same
    problems as asking the typed sheet for each cell and judging every value (numbers, texts, '=…', blanks, dates,
    other objects, rows shorter or missing)."""
    import datetime

    from xltools.workbook import layout as L
    from xltools.workbook.reader import grid_reader

    path = typed_workbook(tmp_path / "xa.xlsx", "backan-2023-xa", 6, seed=4, districts=2)
    reader = grid_reader(path)
    lay = L.workbook_layout([(cset, rows) for _, cset, rows, _ in reader.config()]).sections[0].summary
    typed = reader.typed[lay.sheet]
    rng = random.Random(4)
    odd = [None, "=", "=SUM(A1)", "x", " ", "", 5, 0, -0.0, 7.5, True, datetime.date(2024, 1, 2), datetime.time(9, 5),
           Decimal("1.5"), object(), "'=1"]
    reader.check_formulas(lay, lay.first_row)  # the columns listed once
    columns = [col for col, _, _ in reader._computed[lay.sheet] if col]
    for _ in range(200):
        row = rng.randint(lay.first_row, lay.first_row + 7)
        while len(typed.rows) < row:
            typed.rows.append([])
        line = typed.rows[row - 1]
        for col in rng.sample(columns, rng.randint(0, len(columns))):
            if col <= len(line):
                line[col - 1] = rng.choice(odd)
        if rng.random() < 0.2:
            del line[rng.randint(0, len(line)):]
        expected = []
        for col, label, field in reader._computed[lay.sheet]:
            value = typed.value(row, col) if col else None
            if isinstance(value, (int, float, Decimal, str, datetime.date, datetime.time)) and not (
                    isinstance(value, str) and (value.startswith("=") or not value.strip())):
                expected.append((label, field, L.where(lay.sheet, col, row)))
        assert [(p.what, p.field, p.cell) for p in reader.check_formulas(lay, row)] == expected
