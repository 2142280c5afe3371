"""Helpers the commands share: loading FILE with its sets, and printing results as text or JSON."""
from __future__ import annotations

import codecs
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from operator import attrgetter
from pathlib import Path

from ..collector import cycle_collector_paused
from ..core.checks import (
    SEVERITY_ORDER,
    WARNING_REMARKS,
    Finding,
    by_severity,
    describe_gaps,
    duplicate_findings,
    no_units_message,
    other_set_warnings,
    out_of_range_findings,
    self_assessment_text,
)
from ..core.evaluate import Evaluation, evaluate
from ..core.numbers import format_vn
from ..core.scoring import OUTSIDE, OVER_FORMULA, UnitsTable, is_self_assessment, self_summary
from ..errors import ReadError
from ..importers.registry import Options, describe, load
from ..wording import RULE_HEAD


def add_file_and_set(parser, required_file: bool = True) -> None:
    parser.add_argument("file", metavar="TỆP", nargs=None if required_file else "?",
                        help="tệp dữ liệu (.txt trích từ văn bản, .xlsx, .docx)")
    parser.add_argument("--set", dest="set_id", metavar="MÃ",
                        help="mã bộ tiêu chí (xem `xltools sets`) hoặc đường dẫn tệp .yaml; mặc định tự nhận")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON cho công cụ khác")
    add_bands_and_decimals(parser)


def add_bands_and_decimals(parser) -> None:
    parser.add_argument("--bands", metavar="MỨC",
                        help='các mức xếp loại "Tên:điểm thấp nhất;…", ví dụ "Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;'
                             'Yếu:0" (thay các mức của bộ tiêu chí; bảng chỉ có tổng điểm thì dùng để xếp loại)')
    parser.add_argument("--decimals", type=decimals_option, metavar="N",
                        help="số chữ số thập phân khi làm tròn tổng điểm để xếp hạng (mặc định: của bộ tiêu chí, "
                             "hoặc như bảng in)")


MAX_DECIMALS = 6  # scores are published with 2-4 decimals; more is a typo, and Decimal's precision has an end


def decimals_option(text: str) -> int:
    """--decimals N: a whole number from 0 to MAX_DECIMALS (argparse words the refusal as its own)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_DECIMALS:
        raise argparse.ArgumentTypeError(f"'{text}' không hợp lệ: số chữ số thập phân phải là số nguyên từ 0 đến "
                                         f"{MAX_DECIMALS}")
    return value


def evaluate_file(path, set_id=None, bands=None, decimals=None, findings: bool = True) -> list[Evaluation]:
    """The file's tables scored and, unless `findings` is False (a ranking prints none), checked."""
    evaluations = evaluate(load(path, set_id, Options(set_id, bands, decimals)), findings=findings)
    for e in evaluations:
        if e.results and not e.table.exact_names and not any(_read_something(r) for r in e.results):
            raise ReadError(f"{e.table.source}, {e.table.sheet}: không đọc được tổng điểm của đơn vị nào "
                            f"({len(e.results)} đơn vị), nên không xếp hạng hay kiểm tra được gì. Hãy kiểm tra các cột "
                            "điểm của bảng (danh mục tiêu đề: docs/headers.md) và bộ tiêu chí đã chọn.")
    return evaluations


def _read_something(r) -> bool:
    return any(x is not None for x in (r.total, r.self_total, r.appraised_total, r.survey_total))


def num(value: Decimal | None):
    return None if value is None else float(value)


def rank_rows(e: Evaluation) -> list[dict]:
    """The `rank --json` contract: stt, name, self_total, appraised_total, survey_total, total, rank, class
    (+ district, class_after_rule where they apply; + set, table, percent, points_to_next; + missing: why an
    unranked unit has no rank, [] for a ranked one, and reason: the same in words, null when ranked)."""
    rows = []
    for r in e.results:
        row = {"stt": r.stt, "name": r.unit.name, "self_total": num(r.self_total),
               "appraised_total": num(r.appraised_total), "survey_total": num(r.survey_total),
               "total": num(r.total), "rank": r.rank, "class": r.class_label}
        if e.cset.level == "xa" or r.unit.district:
            row["district"] = r.unit.district
        if e.cset.district_rule:
            row["class_after_rule"] = r.class_after_rule
        row.update({"percent": num(r.percent), "points_to_next": num(r.points_to_next),
                    "next_class": r.next_class, "set": e.cset.id or None, "table": e.table.sheet,
                    "missing": [{"kind": g.kind, "field": g.field or None, "cell": g.cell or None} for g in r.missing],
                    "reason": describe_gaps(r, len(e.cset.fields)) if r.missing else None})
        if is_self_assessment(e.table):  # not a ranking: what the unit has so far and what is missing
            s = self_summary(r, e.cset)
            row["self_assessment"] = {"so_far": num(s.so_far), "percent": num(s.percent),
                                      "points_to_next": num(s.points_to_next), "next_class": s.next_class,
                                      "survey_missing": num(s.survey_max) if s.survey_total is None else 0.0}
        rows.append(row)
    return rows


def finding_rows(e: Evaluation) -> list[dict]:
    """The `check --json` contract: severity, code, unit, field, message, where, set, table (+ label: the
    Vietnamese name of the code; found: what an unreadable cell holds). Errors first, as the text output."""
    return [dict(f.as_dict(), set=e.cset.id or None, table=e.table.sheet) for f in by_severity(e.findings)]


def findings_json(evaluations: list[Evaluation]) -> str:
    """json_text of the findings' rows (finding_rows), byte for byte (findings_json_pieces joined)."""
    return "".join(findings_json_pieces(evaluations))


FINDINGS_PER_PIECE = 500  # a piece of findings_json_pieces: ~250 KB, memory the next piece reuses


def findings_json_pieces(evaluations: list[Evaluation]) -> Iterable[str]:
    """findings_json in pieces, written column by column: each field of a few hundred findings read and encoded
    in one C loop, then joined with the keys between them (all the findings' objects start with ',\n  {' and the
    first piece drops its ','), without a dict per finding nor the whole text at once (a national table: 26 000
    findings, 12 MB). json_text of the rows, in one piece, when a field is not a string or the findings of a
    table are of several kinds."""
    tables = [_finding_columns(e) for e in evaluations]
    if any(columns is None for columns in tables):
        return [json_text([row for e in evaluations for row in finding_rows(e)])]
    return _findings_pieces(evaluations, tables)  # type: ignore[arg-type]  # (None ruled out above)


def _finding_columns(e: Evaluation) -> tuple[tuple[str, ...], list[list[str]]] | None:
    """(names, columns) of the table's findings in the order check prints them; None: not all strings of one kind."""
    findings = by_severity(e.findings)
    if not findings:
        return (), []
    names = tuple(findings[0].as_dict())
    if len(set(map(type, findings))) != 1 or {"set", "table"} & set(names) or not names:
        return None
    columns = [list(map(attrgetter(name), findings)) for name in names]
    if any(set(map(type, column)) != {str} for column in columns):
        return None
    return names, columns


def _findings_pieces(evaluations: list[Evaluation], tables: list[tuple[tuple[str, ...], list[list[str]]]]):
    opening = True
    for e, (names, columns) in zip(evaluations, tables):
        if not columns:
            continue
        heads = [f",\n  {{\n    {_encode(names[0])}: "] + [f",\n    {_encode(name)}: " for name in names[1:]]
        tail = (f',\n    "set": {json.dumps(e.cset.id or None, ensure_ascii=False)},\n    "table": '
                f'{_encode(e.table.sheet)}\n  }}')
        for start in range(0, len(columns[0]), FINDINGS_PER_PIECE):
            parts: list[Iterable[str]] = []
            for head, column in zip(heads, columns):
                parts += (itertools.repeat(head), map(_encode, column[start:start + FINDINGS_PER_PIECE]))
            piece = "".join(itertools.chain.from_iterable(zip(*parts, itertools.repeat(tail))))
            yield "[" + piece[1:] if opening else piece
            opening = False
    yield "[]" if opening else "\n]"


_encode = json.encoder.encode_basestring  # a str as json.dumps(…, ensure_ascii=False) writes it (C)


def set_label(cset) -> str:
    if cset.id:
        return f"bộ tiêu chí {cset.id} ({cset.level_label})"
    bands = "các mức --bands" if cset.bands else "chưa có mức xếp loại"
    return f"không có bộ tiêu chí: xếp hạng theo tổng điểm in trên bảng ({cset.decimals} chữ số thập phân, {bands})"


def print_json(data) -> None:
    print(json_text(data))


def print_pieces(pieces: Callable[[], Iterable[str]]) -> None:
    """print("".join(pieces())), byte for byte, never holding the whole text (check --json of a national table:
    12 MB, 25 as a str): the pieces encoded one by one as stdout would encode them, then written to its bytes.
    Only where that is sure to give the same bytes: the process's own stdout in UTF-8 (no BOM, no state), on a
    system whose text streams write "\n" as it is; when a piece does not encode (an unpaired surrogate from a
    file's name), the long way says why, as before, and nothing is written in part."""
    stream = getattr(sys.stdout, "wrapped", sys.stdout)  # the cli's wrapper of the process's stdout: see cli.py
    if stream is not sys.__stdout__ or os.linesep != "\n" or not hasattr(stream, "buffer") \
            or codecs.lookup(stream.encoding).name != "utf-8":
        print("".join(pieces()))
        return
    try:
        data: list[bytes] | None = [piece.encode(stream.encoding, stream.errors) for piece in pieces()]
    except UnicodeError:
        data = None
    if data is None:  # the long way raises its own error (outside the handler: no chained traceback)
        print("".join(pieces()))
        return
    try:
        stream.flush()  # what the text layer holds goes first
        for chunk in data:
            stream.buffer.write(chunk)
        stream.buffer.write(b"\n")
    except BrokenPipeError:  # `check --json | head`: the rest goes nowhere, the command keeps its exit code
        if not hasattr(sys.stdout, "reader_left"):
            raise
        sys.stdout.reader_left()


_SCALARS = {str, int, float, bool, type(None)}
_MEMBERS = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "))  # an object of a list, one member a line


def json_text(data) -> str:
    """json.dumps(data, ensure_ascii=False, indent=2), byte for byte. With `indent`, json encodes in Python
    (`check --json` of a national table: 26 000 findings, 12 MB); a list of objects (what rank and check
    print) goes through json's C encoder instead, each item separator a newline and the indentation of an
    object's members. The objects, when all their values are scalars (check), in one go: a separator
    between two members comes before a key's '"', one between two objects before their "{" (a string
    holds no raw newline), where the list's own indentation is put back. Otherwise each object on its own,
    in C when its values are scalars or empty (rank's "missing": []), else indented in Python."""
    if type(data) is not list or not data or set(map(type, data)) != {dict}:
        return json.dumps(data, ensure_ascii=False, indent=2)
    if all(data) and set(map(type, itertools.chain.from_iterable(data))) == {str} \
            and set(map(type, itertools.chain.from_iterable(map(dict.values, data)))) <= _SCALARS:  # (C loops)
        text = _MEMBERS.encode(data)  # [{"a": 1,\n    "b": 2},\n    {…}]
        return "[\n  {\n    " + text[2:-2].replace("},\n    {", "\n  },\n  {\n    ") + "\n  }\n]"
    return "[\n  " + ",\n  ".join(map(_object_text, data)) + "\n]"


def _object_text(row: dict) -> str:
    """One object of a list, as json.dumps(…, indent=2) writes it there."""
    if row and all(type(key) is str for key in row) \
            and all(type(v) in _SCALARS or (type(v) is list or type(v) is dict) and not v for v in row.values()):
        return "{\n    " + _MEMBERS.encode(row)[1:-1] + "\n  }"
    return json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")  # one level deeper


def print_ranking(e: Evaluation) -> None:
    if is_self_assessment(e.table):  # one unit's self-assessment: its totals, not a ranking of one
        print(f"\n{e.table.sheet} – bộ tiêu chí {e.cset.id} ({e.cset.level_label})")
        print(self_assessment_text(e.cset, e.results[0]))
        return
    d = e.cset.decimals
    print(f"\n{e.table.sheet} – {set_label(e.cset)}, {len(e.results)} đơn vị")
    rule = e.cset.district_rule
    head = ["STT", "Tên đơn vị", "Tự chấm", "Thẩm định", "ĐT XHH", "Tổng cộng", "Hạng", "Xếp loại"]
    if rule:
        head.append(RULE_HEAD)
    lines = [head]
    for r in e.results:
        line = [str(r.stt), r.unit.name, format_vn(r.self_total, d), format_vn(r.appraised_total, d),
                format_vn(r.survey_total, d), format_vn(r.total, d), str(r.rank or ""), r.class_label or ""]
        if rule:
            line.append(r.class_after_rule or "")
        lines.append(line)
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    for row in lines:
        print("  ".join(cell.ljust(w) if i in (1, 7, 8) else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    print_unranked(e)


def print_unranked(e: Evaluation) -> None:
    """Under the table, why a unit has no rank: a ranking of incomplete data says so on its face."""
    waiting = [r for r in e.results if r.missing]
    if not waiting:
        return
    ranked = len(e.results) - len(waiting)
    print(f"Chưa xếp hạng, xếp loại {len(waiting)}/{len(e.results)} đơn vị chưa đủ điểm"
          f"{' (thứ hạng trên chỉ so giữa ' + str(ranked) + ' đơn vị đủ điểm)' if ranked else ''}:")
    for r in waiting[:20]:
        print(f"  - {r.unit.name}: {describe_gaps(r, len(e.cset.fields))}")
    if len(waiting) > 20:
        print(f"  - … và {len(waiting) - 20} đơn vị khác (xem `xltools check`)")


def rank_errors(e: Evaluation) -> list[tuple[list[Finding], str]]:
    """The errors a ranking cannot be trusted with, and what to say of each kind (rank prints them on stderr and
    exits 1): the rows that share a unit's name (both are ranked as the table computes them, but the scores of the
    unit typed under another's name count nowhere); scores outside 0..max (a document's unit is ranked on them)."""
    out = [(duplicate_findings(e.table), "chưa đúng khi một tên đơn vị có ở hai dòng"),
           (out_of_range_findings(e.cset, e.table), "tính theo các điểm ngoài khoảng ở trên")]
    return [(found, why) for found, why in out if found]


def print_rank_errors(e: Evaluation, source) -> None:
    """Print `rank_errors` on stderr; they become the evaluation's findings (a ranking computes no others), which
    rank's exit code reads."""
    errors = rank_errors(e)
    e.findings = [f for found, _ in errors for f in found]
    for found, why in errors:
        for f in found:
            print(f"Lỗi: {f.text}{f' ({f.where})' if f.where else ''}", file=sys.stderr)
        print(f"Thứ hạng của {e.table.sheet} {why}: sửa như trên (xem `xltools check {Path(source).name}`) rồi xếp "
              "hạng lại.", file=sys.stderr)


GROUP_TITLE = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Ghi chú"}


PER_CODE = 30  # lines of one kind of finding `check` prints before counting the rest (--all: every one)


def print_findings(e: Evaluation, per_code: int | None = None, source: str = "TỆP") -> None:
    """Errors, then warnings, then notes, each group counted; each line starts with the Vietnamese label.
    `per_code`: at most that many lines of one code, the rest counted with how to see them (a fresh workbook
    of 3 000 communes has 21 000 'Thiếu Thẩm định' lines: a screen of them says as much, and hides the rest)."""
    groups = {s: [f for f in e.findings if f.severity == s] for s in SEVERITY_ORDER}
    print(f"\n{e.table.sheet} – {set_label(e.cset)}: {len(groups['error'])} lỗi, {len(groups['warning'])} cảnh báo, "
          f"{len(groups['info'])} ghi chú")
    for severity, findings in groups.items():
        if findings:
            print(f"  {GROUP_TITLE[severity]} ({len(findings)}):")
        shown: dict[str, int] = {}
        for f in findings:
            shown[f.code] = shown.get(f.code, 0) + 1
            if per_code is None or shown[f.code] <= per_code:
                where = f" ({f.where})" if f.where else ""
                print(f"    {f.label} [{f.code}]: {f.message}{where}")
        for code, count in shown.items():
            if per_code is not None and count > per_code:
                label = next(f.label for f in findings if f.code == code)
                print(f"    … và {format_count(count - per_code)} dòng '{label}' [{code}] khác (cùng loại, {format_count(count)} dòng "
                      f"cả thảy): xem hết bằng `xltools check {source} --all` hoặc --json.")


def format_count(n: int) -> str:
    """21000 -> '21 000', as Vietnamese documents group thousands."""
    return f"{n:,}".replace(",", " ")


# What rank and import say of each kind of cell problem (check lists each as a finding).
_PROBLEM_HEADS = ((lambda p: p.unreadable, "ô điểm không đọc được nên được coi là để trống"),
                  (lambda p: p.kind == OVER_FORMULA, "ô công thức bị gõ đè (đơn vị của ô chưa được xếp hạng cho đến "
                                                     "khi chép lại công thức)"),
                  (lambda p: p.kind == OUTSIDE, "đơn vị gõ dưới dòng cuối của bảng (chưa được xếp hạng)"))


def warn_unreadable(tables: list[UnitsTable], source) -> None:
    """Say on stderr which cells were read as blank because they hold no number, which formulas were typed over
    and which units lie below the table (rank, import); `check` lists them as findings."""
    problems = [p for t in tables for u in t.units for p in u.problems]
    for belongs, head in _PROBLEM_HEADS:
        cells = [p for p in problems if belongs(p)]
        if cells:
            shown = "".join(f"\n  - {p.cell}: '{p.found}'" for p in cells[:10]) + ("\n  - …" if len(cells) > 10 else "")
            print(f"Lưu ý: {len(cells)} {head}:{shown}\n"
                  f"Xem và sửa theo `xltools check {Path(source).name}`.", file=sys.stderr)


def register_file_command(sub, name: str, help_text: str, rows, show, exit_code=lambda evaluations: 0,
                          warn: bool = True, json_of=None):
    """A command over FILE [--set] [--json]: `rows(e)` gives the JSON objects, `show(e, args)` prints text;
    `warn`: say on stderr which cells could not be read (check lists them as findings itself); `json_of`:
    the JSON text of all the evaluations' rows in pieces, written faster than json_text of them."""
    parser = sub.add_parser(name, help=help_text)
    add_file_and_set(parser)

    @cycle_collector_paused  # a national table: 3 321 rows of scores and their findings, no cyclic garbage
    def run(args) -> int:
        evaluations = evaluate_file(args.file, args.set_id, args.bands, args.decimals, findings=name != "rank")
        empty = not any(e.results for e in evaluations)
        if empty and name == "rank":  # nothing to rank is not a ranking: say so, exit 2
            raise ReadError(no_units_message(Path(args.file).name, [e.table.sheet for e in evaluations]))
        if warn:
            warn_unreadable([e.table for e in evaluations], args.file)
        for e in evaluations:
            if not e.cset.id:  # no criteria set: say what was assumed and which flags change it
                bands = "xếp loại theo --bands" if e.cset.bands else "chưa xếp loại (thêm --bands \"Tốt:80;Khá:70;…\")"
                print(f"Ghi chú: {e.table.sheet}: không có bộ tiêu chí phù hợp (tiêu đề cho biết: {describe(e.table)}); "
                      f"xếp hạng theo tổng điểm in trên bảng, làm tròn {e.cset.decimals} chữ số thập phân (đổi bằng "
                      f"--decimals N), {bands}; chỉ bộ tiêu chí bằng --set.", file=sys.stderr)
        if name == "rank":  # check lists them among its findings
            for e in evaluations:
                for note in e.table.notes:
                    print(f"Ghi chú: {note}", file=sys.stderr)
                for code, text in e.table.remarks:
                    print(f"{'Cảnh báo' if code in WARNING_REMARKS else 'Ghi chú'}: {text}", file=sys.stderr)
                for warning in other_set_warnings(e.cset, e.table):
                    print(f"Cảnh báo: {e.table.sheet}: {warning.message}", file=sys.stderr)
            for e in evaluations:
                blank = [r.unit.name for r in e.results if r.total is None and e.cset.totals_only]
                if blank:
                    print(f"Cảnh báo: {e.table.sheet}: {len(blank)} đơn vị không có tổng điểm, chưa xếp hạng: "
                          f"{', '.join(blank)}.", file=sys.stderr)
                print_rank_errors(e, args.file)
        if args.json and json_of:
            print_pieces(lambda: json_of(evaluations))
        elif args.json:
            print(json_text([row for e in evaluations for row in rows(e)]))
        else:
            for e in evaluations:
                show(e, args)
        return 2 if empty else exit_code(evaluations)  # check: the empty-table finding is shown, exit 2

    parser.set_defaults(run=run)
    return parser  # a command adds its own options

