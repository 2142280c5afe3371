"""`xltools set new CRITERIA.docx|.xlsx|.txt -o my-set.yaml` (or `--totals-only`): a province's own
criteria set file; `xltools set check my-set.yaml`: is the file valid, and what it holds."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import catalog
from ..core.criteria import LEVELS
from ..core.numbers import format_vn_short, parse_score
from ..errors import UserError
from ..importers.criteria_table import read_criteria
from ..importers.new_set import Answers, parse_years, set_from_table, totals_only, write_new_set
from ._common import decimals_option


def register(sub) -> None:
    p = sub.add_parser("set", help="lập bộ tiêu chí của tỉnh mình (set new), kiểm tra tệp bộ tiêu chí (set check)")
    actions = p.add_subparsers(dest="action", metavar="VIỆC")
    actions.required = True
    new = actions.add_parser("new", help="lập tệp bộ tiêu chí (.yaml) từ bảng tiêu chí (.docx, .xlsx, .txt)")
    new.add_argument("file", metavar="BẢNG_TIÊU_CHÍ", nargs="?",
                     help="bảng tiêu chí: STT/mã, lĩnh vực/tiêu chí/tiêu chí thành phần, điểm tối đa, cột hoặc ghi "
                          "chú đánh dấu tiêu chí điều tra XHH")
    new.add_argument("-o", "--out", required=True, help="tệp bộ tiêu chí .yaml sẽ ghi")
    new.add_argument("--totals-only", action="store_true",
                     help="bộ tiêu chí cho bảng chỉ có tổng điểm (không có lĩnh vực), không cần bảng tiêu chí")
    new.add_argument("--total", help="điểm tối đa của bộ chỉ có tổng điểm (ví dụ 100)")
    new.add_argument("--id", dest="set_id", help="mã bộ tiêu chí (mặc định: tên tệp -o)")
    new.add_argument("--province", help="tên tỉnh, ví dụ \"Thái Nguyên\"")
    new.add_argument("--level", choices=list(LEVELS), help="cấp đơn vị được chấm")
    new.add_argument("--years", help="năm áp dụng: 2025, hoặc 2023-2025")
    new.add_argument("--decimals", type=decimals_option, help="số chữ số thập phân của tổng điểm (mặc định 3)")
    new.add_argument("--bands", help='các mức xếp loại, ví dụ "Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;Yếu:0"')
    new.add_argument("--decision", help="quyết định ban hành bộ tiêu chí")
    new.set_defaults(run=run_new)
    check = actions.add_parser("check", help="kiểm tra một tệp bộ tiêu chí .yaml")
    check.add_argument("file", metavar="TỆP.yaml")
    check.set_defaults(run=run_check)


def run_new(args) -> int:
    out = Path(args.out)
    answers = Answers(set_id=args.set_id or out.stem, province=args.province, level=args.level,
                      years=parse_years(args.years) if args.years else None, decimals=args.decimals,
                      bands=args.bands, decision=args.decision,
                      total=parse_score(args.total) if args.total else None)
    if args.totals_only:
        data, review = totals_only(answers)
        source = "--totals-only"
    elif args.file:
        table = read_criteria(args.file)
        data, review = set_from_table(table, answers)
        source = Path(args.file).name
    else:
        raise UserError("Hãy chỉ bảng tiêu chí (.docx, .xlsx, .txt), hoặc --totals-only cho bảng chỉ có tổng điểm.")
    problems = write_new_set(data, review, out, source)
    fields = data["fields"]
    leaves = sum(1 for _ in _leaves(data.get("criteria") or []))
    print(f"Đã ghi bộ tiêu chí {out}: {len(fields)} lĩnh vực" + (f", {leaves} tiêu chí thành phần" if leaves else "")
          + (f", tối đa {format_vn_short(data['total'])}" if "total" in data else "") + ".")
    for r in review:
        print(f"  cần xem lại: {r}", file=sys.stderr)
    if problems:
        for p in problems:
            print(f"  CHƯA DÙNG ĐƯỢC: {p}", file=sys.stderr)
        print(f"Hãy sửa tệp {out} (hoặc chạy lại với các tùy chọn trên), rồi kiểm tra: xltools set check {out}",
              file=sys.stderr)
        return 2
    template = "" if args.totals_only else f"xltools template --set {out} -o bang.xlsx; "
    print(f"Dùng: {template}xltools rank BẢNG --set {out}; xltools check BẢNG --set {out}")
    return 0


def _leaves(nodes):
    for n in nodes:
        if n.get("children"):
            yield from _leaves(n["children"])
        else:
            yield n


def run_check(args) -> int:
    s = catalog.load_file(args.file)
    fields = "; ".join(f"{f.code}. {f.name} {format_vn_short(f.max)}"
                       + (f" (+ XHH {format_vn_short(f.survey_max)})" if f.survey_max else "") for f in s.fields)
    contiguous = len(s.years) > 1 and list(s.years) == list(range(s.years[0], s.years[-1] + 1))
    years = f"{s.years[0]}–{s.years[-1]}" if contiguous else ", ".join(map(str, s.years)) or "?"
    print(f"Bộ tiêu chí {s.id} hợp lệ: tỉnh {s.province or '?'}, cấp {s.level_label}, năm {years}, "
          f"tối đa {format_vn_short(s.max_total)}, {s.decimals} chữ số thập phân.")
    print(f"  Lĩnh vực: {fields or 'không có (bảng chỉ có tổng điểm)'}")
    if s.criteria:
        print(f"  {len(s.leaves())} tiêu chí thành phần, {sum(1 for c in s.leaves() if c.survey)} chấm qua điều tra XHH.")
    print("  Xếp loại: " + (", ".join(f"{b.label} ≥ {format_vn_short(b.min)}" for b in s.bands) or "không có"))
    return 0
