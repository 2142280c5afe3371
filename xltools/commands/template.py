"""`xltools template --set ID [--set ID2] [--units FILE] [-o OUT.xlsx] [--password P]`: the live
appraisal workbook; `xltools template --all -o templates/` regenerates every shipped template."""
from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from ..catalog import shipped_templates  # the shipped templates are a catalog decision; kept importable here
from ..core.criteria import LEVELS, CriteriaError, CriteriaSet
from ..core.evaluate import evaluate
from ..core.scoring import UnitsTable
from ..errors import ReadError, UserError
from ..files import backups, locked
from ..importers.registry import read_tables
from ..workbook import layout as L

if TYPE_CHECKING:
    from ..workbook.builder import SectionInput

# the builder (openpyxl) and the .xlsm maker (xlwings) are imported where a workbook is made: `--help`
# and the other commands start without them


def register(sub) -> None:
    p = sub.add_parser("template", help="tạo bảng tính thẩm định (công thức tự tính tổng, xếp hạng, xếp loại)")
    p.add_argument("--set", dest="set_ids", metavar="MÃ", action="append",
                   help="mã bộ tiêu chí (xem `xltools sets`) hoặc tệp .yaml; lặp lại để có nhiều cấp trong một tệp "
                        "(ví dụ cấp huyện và cấp xã: quy tắc 2/3 tính trực tiếp)")
    p.add_argument("--units", metavar="TỆP",
                   help="bảng đơn vị (.txt, .xlsx, .docx): lấy tên, huyện, điểm tự chấm, ĐT XHH; hoặc danh sách "
                        "tên (.txt, .csv, .xlsx: mỗi dòng một tên); mặc định dùng dữ liệu mẫu nếu có, không thì "
                        "để trống các dòng")
    p.add_argument("-o", "--out", metavar="TỆP", help="tệp .xlsx kết quả (với --all: thư mục)")
    p.add_argument("--password", metavar="MẬT_KHẨU", help="mật khẩu bảo vệ trang tính (mặc định: bảo vệ không mật khẩu)")
    p.add_argument("--year", type=int, metavar="NĂM", help="năm đánh giá in trên tiêu đề")
    p.add_argument("--decision", default="", metavar="DÒNG", help="dòng \"(Kèm theo Quyết định số …)\" dưới tiêu đề")
    p.add_argument("--spare-rows", type=int, default=L.DEFAULT_SPARE_ROWS, metavar="N",
                   help=f"số dòng trống có sẵn công thức sau các đơn vị (mặc định {L.DEFAULT_SPARE_ROWS}); cần thêm "
                        "đơn vị thì tạo lại bảng với --units BẢNG_CŨ.xlsx --with-appraised --spare-rows N")
    p.add_argument("--with-appraised", action="store_true",
                   help="chép cả điểm Thẩm định từ FILE (để xem thử; mặc định để trống cho tổ thẩm định nhập)")
    p.add_argument("--xlsm", action="store_true",  # xltools.excel.xlsm
                   help="tạo tệp có macro (.xlsm) cho Excel trên Windows: hàm CCHC_ và nút macro (xem docs/excel.md)")
    p.add_argument("--all", action="store_true", help="tạo lại mẫu cho mọi bộ tiêu chí có sẵn vào thư mục -o")
    p.add_argument("--allow-mismatch", "--chap-nhan-khac", dest="allow_mismatch", action="store_true",
                   help="vẫn dùng --units khi tệp khác cấp, khác năm với bộ tiêu chí hoặc có điểm vượt tối đa, ô không "
                        "phải là số (mặc định: dừng và báo những gì không khớp)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..council.carry import carry, not_carried, old_workbook, typed_decision
    from ..excel.xlsm import build_xlsm, make_xlsm
    from ..workbook.builder import build, build_file, save

    if args.all:
        outdir = Path(args.out or "templates")
        for name, sets in shipped_templates():
            path = build_file(sections_for(sets, None), outdir / f"{name}.xlsx", password=args.password)
            print(f"Đã tạo {path}")
        return 0
    if not args.set_ids:
        raise UserError("Hãy chọn bộ tiêu chí: --set ID (xem `xltools sets`), hoặc --all.")
    sets = [catalog.get(s) for s in args.set_ids]
    for chosen in sets:
        if chosen.totals_only:
            raise CriteriaError(chosen.source or chosen.id, ["bộ tiêu chí chỉ có tổng điểm (không có lĩnh vực) không lập được bảng "
                                                   "tính thẩm định; dùng nó với `xltools rank`/`check`, hoặc lập bộ tiêu "
                                                   "chí đủ lĩnh vực bằng `xltools set new BẢNG_TIÊU_CHÍ`."])
    out = Path(args.out or f"bang_tham_dinh_{'_'.join(s.id for s in sets)}.xlsx")
    make = build_xlsm if args.xlsm else build_file  # --xlsm: the same workbook, macro-enabled (.xlsm)
    if args.spare_rows < 0:
        raise UserError("--spare-rows phải là số không âm (số dòng trống thêm sau các đơn vị).")
    options = dict(password=args.password, decision=args.decision, with_appraised=args.with_appraised,
                   spare_rows=args.spare_rows)
    carried, lost = None, []
    kept = {target: set(backups(target)) for target in (out, out.with_suffix(".xlsm"))}
    with locked(out):  # --units OUT -o OUT reads the workbook it replaces: no other command in between
        sections = sections_for(sets, args.units, args.year, allow_mismatch=args.allow_mismatch)
        old = old_workbook(args.units)  # an appraisal workbook made again (to add units): carry what it holds
        if old is None:
            path = make(sections, out, **options)
        else:
            if not args.xlsm and out.suffix.lower() != ".xlsx":
                build_file([], out)  # refuses the name, with its message, before anything is built
            options["decision"] = args.decision or typed_decision(old)
            wb = build(sections, **options)
            carried = carry(old, wb, args.with_appraised)
            carried.decision = "" if args.decision else options["decision"]
            path = make_xlsm(wb, out.with_suffix(".xlsm")) if args.xlsm else save(wb, out)
            lost = not_carried(old, path, args.with_appraised, args.decision)
    communes = L.workbook_layout([(s.cset, 1) for s in sections]).section("xa")
    for s in sections:
        count = f"{len(s.units)} đơn vị" if s.units else "các dòng trống"
        print(f"{s.cset.id}: {count}")
        districts = [u for u in s.units or [] if u.district]
        if districts and s.cset.level == "xa" and communes is not None and not communes.summary.district:
            print(f"Lưu ý: bộ {s.cset.id} dùng từ năm 2025 (không còn cấp huyện), nên bảng tính không có cột huyện: "
                  f"tên huyện của {len(districts)} xã trong {Path(args.units).name} không được ghi.", file=sys.stderr)
    print(f"Đã tạo {path}")
    for backup in sorted(set(backups(path)) - kept.get(path, set())):  # the file replaced: say where it is kept
        print(f"Tệp {path.name} cũ (đã có trước) được giữ lại thành {backup.name}.")
    if carried is not None and carried.message(Path(args.units).name):
        print(carried.message(Path(args.units).name))
    if lost:
        print(f"CẢNH BÁO: {path.name} chưa có mọi thứ của {Path(args.units).name}:"
              + "".join(f"\n  - {line}" for line in lost), file=sys.stderr)
    return 0


def sections_for(sets: list[CriteriaSet], units_file: str | None, year: int | None = None,
                 allow_mismatch: bool = False) -> list[SectionInput]:
    """Each set with its units: the table of its level in FILE, else the embedded sample's, else none.
    A units table that does not fit its set stops here, unless `allow_mismatch` (then it is only said)."""
    from ..workbook.builder import SectionInput

    if units_file:
        tables = _units_tables(units_file, sets)
        sections = []
        for cset in sets:
            table = _table_for(cset, tables, strict=len(sets) > 1 or len(tables) > 1)
            if table is None:
                raise UserError(f"{Path(units_file).name}: không có bảng cấp {cset.level_label} cho bộ {cset.id}.")
            misfits = mismatches(cset, table)
            if misfits:
                text = (f"{Path(units_file).name} ('{table.sheet}') không khớp bộ tiêu chí {cset.id} "
                        f"({cset.level_label}, năm {', '.join(map(str, cset.years)) or '?'}):"
                        + "".join(f"\n  - {m}" for m in misfits[:8])
                        + (f"\n  - … và {len(misfits) - 8} chỗ khác" if len(misfits) > 8 else ""))
                if not allow_mismatch:
                    raise UserError(f"{text}\nHãy chọn đúng tệp đơn vị hoặc đúng bộ tiêu chí (--set); nếu vẫn muốn "
                                     "dùng tệp này, thêm --allow-mismatch (--chap-nhan-khac).")
                print(f"Lưu ý (--allow-mismatch): {text}", file=sys.stderr)
            sections.append(SectionInput(cset, table.units, year or _year(cset, table)))
        return sections
    sample = read_tables(catalog.sample_path())
    sections = []
    for cset in sets:
        table = next((t for t in sample if catalog.find(t.province, t.level, t.year) == cset), None)
        sections.append(SectionInput(cset, table.units if table else None, year or _year(cset, table)))
    return sections


def _units_tables(units_file: str, sets: list[CriteriaSet]) -> list[UnitsTable]:
    """The tables of FILE; a file that holds no scored table may be a plain list of names (one level)."""
    from ..importers.name_list import read_name_list

    try:
        return read_tables(units_file)
    except ReadError:
        names = read_name_list(units_file)
        if names is None:
            raise
    if len(sets) > 1:
        raise UserError(f"{Path(units_file).name} là một danh sách tên đơn vị, chỉ dùng được cho một bộ tiêu chí; "
                        "hãy lập mỗi cấp một danh sách và tạo từng bảng tính, hoặc dùng một bảng có cột huyện.")
    return [names]


FIT_CODES = ("score-out-of-range", "score-not-number", "score-as-text", "score-date")


def mismatches(cset: CriteriaSet, table: UnitsTable) -> list[str]:
    """What in a units file does not fit the set: another level or year, scores the set does not allow
    (above a maximum, negative, not numbers: the same findings as `xltools check`)."""
    out = []
    if table.level and table.level != cset.level:
        out.append(f"bảng là cấp {LEVELS.get(table.level, table.level)}, bộ tiêu chí là cấp {cset.level_label}")
    if table.year and cset.years and table.year not in cset.years:
        out.append(f"bảng là năm {table.year}, bộ tiêu chí dùng cho năm {', '.join(map(str, cset.years))}")
    if len(table.field_names) > len(cset.fields):
        out.append(f"bảng có {len(table.field_names)} lĩnh vực, bộ tiêu chí có {len(cset.fields)}")
        return out  # the scores cannot be laid on the set's fields
    [e] = evaluate([(copy.deepcopy(table), cset)])
    out += [f"{f.message}" + (f" ({f.where})" if f.where else "") for f in e.findings if f.code in FIT_CODES]
    return out


def _table_for(cset: CriteriaSet, tables: list[UnitsTable], strict: bool) -> UnitsTable | None:
    same = [t for t in tables if t.level == cset.level]
    if same:
        return same[0]
    return None if strict else (tables[0] if tables else None)


def _year(cset: CriteriaSet, table: UnitsTable | None) -> int | None:
    if table is not None and table.year in cset.years:
        return table.year
    return cset.years[-1] if cset.years else None


def demo_step(sample: Path, outdir: Path) -> None:
    """`xltools demo`: the live workbook of the sample (sở and huyện sheets, appraised scores filled)."""
    from ..workbook.builder import build_file

    sets = [catalog.get("backan-2024-so"), catalog.get("backan-2024-huyen")]
    path = build_file(sections_for(sets, str(sample)), outdir / "bang_tham_dinh_mau.xlsx", with_appraised=True)
    print(f"\nBảng tính thẩm định (công thức sống): {path}")

