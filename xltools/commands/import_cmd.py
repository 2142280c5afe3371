"""`xltools import PATH`: bring data in.

- PATH a folder: consolidate one Biểu tự đánh giá per unit into one appraisal workbook
  (`--set ID -o OUT.xlsx`, optional `--survey FILE` with the survey scores), with a progress bar,
  per-file errors listed without stopping, and a summary. Exit 1 when some files failed.
- PATH a file (.docx/.xlsx/.txt): say what tables it holds and which set fits; `--write-set FILE.yaml`
  drafts a set from the headers for the user to review.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .. import catalog
from ..core.criteria import LEVELS
from ..errors import UserError
from ..files import backups
from ..importers.batch import ProgressBar, consolidate, write_workbook
from ..importers.draft_set import write_draft
from ..importers.registry import read_tables
from ..importers.survey import apply_survey, read_survey
from ._common import print_json, warn_unreadable


def register(sub) -> None:
    p = sub.add_parser("import", help="nhập dữ liệu: gộp các Biểu tự đánh giá trong một thư mục thành một bảng tính "
                                      "thẩm định, hoặc xem một tệp .docx/.xlsx đọc được gì")
    p.add_argument("path", metavar="ĐƯỜNG_DẪN", help="thư mục các Biểu tự đánh giá (.xlsx, .docx), hoặc một tệp bảng điểm")
    p.add_argument("--set", dest="set_id", metavar="MÃ", help="mã bộ tiêu chí (xem `xltools sets`) hoặc tệp .yaml")
    p.add_argument("-o", "--output", metavar="TỆP.xlsx", help="bảng tính tổng hợp sẽ ghi (khi ĐƯỜNG_DẪN là thư mục)")
    p.add_argument("--survey", metavar="TỆP", help="tệp điểm điều tra XHH (.csv/.xlsx) để điền vào bảng tổng hợp")
    p.add_argument("--write-set", metavar="TỆP.yaml", help="lập bộ tiêu chí nháp từ tiêu đề bảng (khi ĐƯỜNG_DẪN là tệp)")
    p.add_argument("--json", action="store_true", help="in tóm tắt dạng JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    path = Path(args.path)
    if path.is_dir():
        return _folder(args, path)
    return _file(args, path)


def _folder(args, folder: Path) -> int:
    if not args.set_id:
        raise UserError("Khi gộp một thư mục biểu, hãy chọn bộ tiêu chí bằng --set (xem `xltools sets`).")
    cset = catalog.get(args.set_id)
    output = Path(args.output or f"tong-hop-{cset.id}.xlsx")
    result = consolidate(folder, cset, ProgressBar(), skip=(output, *backups(output)))
    survey = None
    if args.survey:
        survey = read_survey(args.survey, cset, [u.name for u in result.table.units])
        apply_survey(result.table, survey)
    read = len(result.table.units)
    written = write_workbook(cset, result.table, output) if read else None
    if args.json:
        print_json({"files": result.files, "read": read, "failed": len(result.failures),
                    "failures": [{"file": f.file, "message": f.message} for f in result.failures],
                    "warnings": result.warnings,
                    "output": str(written) if written else None, "seconds": round(result.seconds, 2),
                    "survey_unmatched": survey.unmatched if survey else [],
                    "survey_ambiguous": survey.ambiguous if survey else [],
                    "survey_missing": survey.missing if survey else [],
                    "survey_approximate": survey.approximate if survey else []})
    else:
        print(f"Đã đọc {read}/{result.files} tệp trong {result.seconds:.1f} giây; lỗi {len(result.failures)} tệp.")
        for f in result.failures:
            print(f"  [LỖI] {f.message}")
        for w in result.warnings:
            print(f"  [CẢNH BÁO] {w}")
        if survey:
            _print_survey(survey)
        if written:
            print(f"Đã ghi bảng tính thẩm định: {written} (bộ tiêu chí {cset.id}, {read} đơn vị; cột Thẩm định để "
                  "trống cho tổ thẩm định nhập).")
    if not read:
        print("Không đọc được tệp nào; chưa ghi bảng tổng hợp.", file=sys.stderr)
        return 2
    if survey is not None and not survey.scores:
        print(f"Cảnh báo: tệp {Path(args.survey).name} không có đơn vị nào khớp tên các đơn vị đã nhập: chưa điền điểm "
              "ĐT XHH nào; hãy sửa tên trong tệp rồi nhập lại (macro nhap-xhh).", file=sys.stderr)
        return 1
    return 1 if result.failures or result.warnings else 0


def _print_survey(survey) -> None:
    print(f"Điểm điều tra XHH: đã điền cho {len(survey.scores)} đơn vị.")
    for label, names in (("Không khớp tên đơn vị nào (chưa điền)", survey.unmatched),
                         ("Khớp nhiều đơn vị (chưa điền)", survey.ambiguous),
                         ("Đơn vị chưa có điểm XHH", survey.missing),
                         ("Ghép tên gần đúng (hãy soát lại)", survey.approximate)):
        if names:
            print(f"  {label}:")
            for n in names:
                print(f"    - {n}")


def _file(args, path: Path) -> int:
    tables = read_tables(path)
    warn_unreadable(tables, path)
    rows: list[dict[str, Any]] = []
    for t in tables:
        cset = catalog.get(args.set_id) if args.set_id else catalog.for_table(t)
        rows.append({"table": t.sheet, "level": t.level, "year": t.year, "province": t.province,
                     "units": len(t.units), "fields": len(t.field_names),
                     "set": cset.id if cset else None})
    if args.write_set:
        target = next((t for t, r in zip(tables, rows) if r["set"] is None), tables[0])
        problems = write_draft(target, args.write_set)
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            level = LEVELS.get(r["level"], r["level"] or "?")
            found = f"bộ tiêu chí {r['set']}" if r["set"] else "chưa có bộ tiêu chí phù hợp"
            print(f"{r['table']}: cấp {level}, năm {r['year'] or '?'}, {r['units']} đơn vị, {r['fields']} lĩnh vực; {found}.")
    if args.write_set:
        print(f"Đã ghi bộ tiêu chí nháp: {args.write_set}; hãy xem lại rồi dùng "
              f"`xltools rank {path.name} --set {args.write_set}`.", file=sys.stderr)
        for p in problems:
            print(f"  cần sửa: {p}", file=sys.stderr)
    return 0
