"""Findings on a units table: what is wrong or worth a look, in Vietnamese, with what to do.

Each finding has a stable `code` (other tools rely on it), a severity, the unit and the field it
is about, and `where` (the row or cell in the source) when the reader knew it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, fields
from decimal import Decimal

from .criteria import LEVELS, CriteriaSet, Criterion
from .names import name_key, tidy, unit_key
from .numbers import NumberError, format_vn, format_vn_short, parse_score
from .scoring import (
    BOOL,
    DATE,
    INVALID,
    MISSING_APPRAISED,
    MISSING_SURVEY,
    NO_TOTAL,
    OUTSIDE,
    OVER_FORMULA,
    CellProblem,
    HeaderMax,
    Result,
    StrayRow,
    Unit,
    UnitsTable,
    blank_leaves,
    communes_of,
    criteria_field_scores,
    in_range,
    is_self_assessment,
    leaves_out_of_range,
    overflowed_fields,
    self_summary,
    sum_beyond,
    tolerance,
)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_LABEL = {ERROR: "LỖI", WARNING: "CẢNH BÁO", INFO: "GHI CHÚ"}
SEVERITY_ORDER = (ERROR, WARNING, INFO)  # how findings are listed to a person: errors first

# How findings name the class after the district rule (the official column header is wording.RULE_LABEL).
RULE_CLASS_LABEL = "Xếp loại sau quy tắc cấp xã"
KIND_LABEL = {"self": "Tự chấm", "appraised": "Thẩm định", "survey": "ĐT XHH", "total": "Tổng cộng"}
TOTAL_LABEL = {"self": "Tổng điểm tự chấm", "appraised": "Tổng điểm thẩm định",
               "survey": "Tổng điểm ĐT XHH", "total": "Tổng cộng"}

# The Vietnamese label of each code: the first words a user reads (the code stays for --json and tools).
LABELS = {
    "appraised-missing": "Thiếu Thẩm định",
    "survey-missing": "Thiếu ĐT XHH",
    "unit-not-appraised": "Chưa thẩm định",
    "score-not-number": "Ô điểm không phải số",
    "formula-overwritten": "Công thức bị gõ đè",
    "score-out-of-range": "Điểm ngoài khoảng",
    "unit-missing-name": "Thiếu tên đơn vị",
    "name-unmatched": "Tên không khớp",
    "ranked-incomplete": "Xếp hạng khi chưa đủ điểm",
    "total-mismatch": "Tổng sai",
    "rank-mismatch": "Xếp hạng sai",
    "class-mismatch": "Xếp loại sai",
    "class-unknown": "Xếp loại không có trong bộ tiêu chí",
    "stt-mismatch": "STT sai",
    "order-mismatch": "Chưa theo thứ tự xếp hạng",
    "duplicate-unit": "Trùng đơn vị",
    "name-wildcard": "Tên có ký tự đại diện",
    "unit-outside-table": "Đơn vị ngoài bảng",
    "set-other-table": "Bộ tiêu chí của tỉnh/năm khác",
    "name-similar": "Tên gần giống",
    "duplicate-survey-row": "ĐT XHH giống hệt đơn vị khác",
    "reason-missing": "Thiếu lý do",
    "appraised-above-self": "Thẩm định cao hơn Tự chấm",
    "header-max-mismatch": "Điểm tối đa ở tiêu đề khác bộ tiêu chí",
    "criterion-unknown": "Tiêu chí không có trong bộ",
    "survey-criterion-scored": "Tiêu chí ĐT XHH có điểm",
    "criteria-sum-mismatch": "Tổng tiêu chí sai",
    "empty-table": "Bảng trống",
    "district-rule-unavailable": "Chưa áp dụng quy tắc 2/3",
    "district-rule-pending": "Quy tắc 2/3 chờ đủ điểm cấp xã",
    "district-unknown": "Huyện không khớp",
    "self-assessment": "Biểu tự đánh giá, chưa thẩm định",
    "file-unreadable": "Không đọc được tệp",
    "column-ignored": "Cột không dùng để tính",
    "fields-by-name": "Cột lĩnh vực đọc theo tên",
    "fields-by-position": "Cột lĩnh vực đọc theo vị trí",
    "ranked-by-group": "Xếp hạng riêng từng khối",
    "groups-one-list": "Các khối xếp hạng chung",
    "number-as-text": "Số gõ dạng chữ",
    "class-not-checked": "Xếp loại chưa kiểm tra",
    "internal-error": "Lỗi của chương trình",
    "total-missing": "Thiếu tổng điểm",
    # what `publish` is unsure of before it prints (publish/draft.py)
    "year-unknown": "Chưa rõ năm",
    "set-printed": "Văn bản ghi theo bộ tiêu chí",
    # the council's merge of the members' parts (council/merge.py)
    "double-entry": "Hai người cùng nhập một ô",
    "outside-assignment": "Ngoài phần được giao",
    "master-changed": "Bảng tổng hợp đã sửa sau khi chia",
    "part-duplicate": "Phần nộp trùng",
    "part-foreign": "Phần của bảng tính khác",
    "part-missing": "Thiếu phần",
    "part-stray": "Tệp không được hợp nhất",
    "formula-typed": "Công thức gõ vào ô điểm",
    "unit-added": "Đơn vị thêm sau khi chia",
    "unit-removed": "Đơn vị bị xóa sau khi chia",
    "unit-renamed": "Đơn vị đổi tên sau khi chia",
    "unit-not-in-master": "Đơn vị không còn trong bảng tổng hợp",
}


def label(code: str) -> str:
    """The Vietnamese label of a finding's code (the code itself for a code not listed yet)."""
    return LABELS.get(code, code)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # by class: a subclass (council) adds fields


@dataclass
class Finding:
    severity: str
    code: str
    unit: str
    field: str
    message: str
    where: str = ""
    _: KW_ONLY  # what follows is named, so a subclass's own fields (council) may follow `where` positionally
    label: str = ""  # Vietnamese label of the code (LABELS): what a user reads first
    found: str = ""  # what a cell that holds no score holds (cell problems only)

    def __post_init__(self) -> None:
        self.label = self.label or label(self.code)

    def as_dict(self) -> dict[str, str]:
        """The fields by name, in their order: dataclasses.asdict without its deep copy (every field is a
        str), which made it the slowest step of `check --json` on a national table."""
        names = _FIELD_NAMES.get(type(self)) or _FIELD_NAMES.setdefault(type(self), tuple(f.name for f in fields(self)))
        return {name: getattr(self, name) for name in names}

    @property
    def text(self) -> str:
        """The line a user reads: the Vietnamese label, then the message."""
        return f"{self.label}: {self.message}"


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors, then warnings, then notes; the table's order within each group."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.index(f.severity))


_SHORT: dict[Decimal, str] = {}  # n() of the scores a table repeats in its messages, each formatted once


def n(value: Decimal | float | None) -> str:
    if type(value) is not Decimal or not value.is_finite() or not value:  # -0 and 0 are equal, shown apart
        return format_vn_short(value)
    text = _SHORT.get(value)
    if text is None:
        if len(_SHORT) > 10_000:
            _SHORT.clear()
        text = _SHORT[value] = format_vn_short(value)
    return text


def no_units_message(source: str, sheets: list[str]) -> str:
    """What to say when no table of a file holds a unit (a fresh template, the wrong sheet): nothing to rank."""
    where = ", ".join(f"'{s}'" for s in sheets)
    return (f"{source}: bảng {where} chưa có đơn vị nào, nên chưa có gì để xếp hạng hay kiểm tra. Hãy gõ tên các "
            "đơn vị vào cột 'Tên đơn vị' (hoặc tạo bảng tính có sẵn tên bằng `xltools template --units DANH_SÁCH`) "
            "rồi chạy lại.")


def check_table(cset: CriteriaSet, table: UnitsTable, results: list[Result],
                expect_appraised: bool | None = None) -> list[Finding]:
    """All findings for one table, in the order of the table's rows."""
    out: list[Finding] = []
    if not table.units:
        out.append(Finding(WARNING, "empty-table", "", "",
                           "Bảng không có đơn vị nào; hãy kiểm tra tệp hoặc vùng dữ liệu đã chọn.", table.sheet))
        return out
    by_unit = {id(r.unit): r for r in results}
    if is_self_assessment(table):
        unit = table.units[0]
        out.append(Finding(INFO, "self-assessment", unit.name, "", self_assessment_text(cset, by_unit[id(unit)]),
                           unit.where))
    _header_maxima(cset, table, out)
    for position, unit in enumerate(table.units, start=1):
        result = by_unit[id(unit)]
        # A row of totals only (a result table) expects no field scores; a row with some appraised
        # fields, or any row of a workbook (expect_appraised=True), expects them all.
        expects = expect_appraised if expect_appraised is not None else any(
            f.appraised is not None for f in unit.fields)
        _scores(cset, table, unit, result, expects, out)
        # a total cell holding a word is already an error of its own ('chưa chấm'), not a second one for the same cell
        if cset.totals_only and result.total is None and not any(p.unreadable for p in unit.problems):
            _add(out, ERROR, "total-missing", unit, "Tổng điểm",
                 "không có tổng điểm nên không xếp hạng được; hãy nhập tổng điểm của đơn vị.")
        _printed_totals(cset, unit, result, out)
        _printed_rank_class(cset, unit, result, position, out)
        if unit.criteria:
            _detail(cset, unit, out)
    if not cset.bands and any(u.printed.class_label for u in table.units):
        out.append(Finding(INFO, "class-not-checked", "", "Xếp loại",
                           "Chưa kiểm tra xếp loại: không có các mức xếp loại (bộ tiêu chí hoặc --bands), nên xếp loại "
                           "in trên bảng được giữ nguyên. Hãy thêm --bands \"Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;"
                           "Yếu:0\" (theo quy định của tỉnh) để kiểm tra.", table.sheet))
    _order(table, by_unit, out)
    _other_set(cset, table, out)
    _duplicates(table, out)
    _wildcards(table, out)
    _same_survey_rows(cset, table, out)
    _strays(table, out)
    return out


def _wildcards(table: UnitsTable, out: list[Finding]) -> None:
    """A workbook's unit named with * ? or ~: its formulas find the unit's survey row and detail block with MATCH,
    which reads them as wildcards ('Xã A*' takes the scores of 'Xã AB'), while xltools matches names exactly."""
    if not table.exact_names:
        return
    for unit in table.units:
        marks = sorted({c for c in unit.name if c in "*?~"})
        if marks:
            _add(out, ERROR, "name-wildcard", unit, "Tên đơn vị",
                 f"tên có ký tự {' '.join(marks)}, mà Excel hiểu là ký tự đại diện khi tìm tên đơn vị trên các trang khác: "
                 "tổng điểm trên bảng tính có thể lấy điểm của đơn vị khác. Hãy bỏ ký tự đó khỏi tên (ở mọi trang).",
                 unit.where)


def _add(out: list[Finding], severity: str, code: str, unit: Unit, field: str, message: str,
         cell: str | None = None) -> None:
    out.append(Finding(severity, code, unit.name, field, f"{unit.name} – {field + ': ' if field else ''}{message}",
                       cell or unit.where))


def self_assessment_text(cset: CriteriaSet, result: Result) -> str:
    """A one-unit self-assessment in words: what it has, what the survey still has to bring, how far the
    next class is; never a rank of one or a class computed without the survey."""
    s, d = self_summary(result, cset), cset.decimals
    text = (f"{result.unit.name}: biểu tự đánh giá, chưa thẩm định. Tự chấm {format_vn(s.self_total, d)}/{n(s.self_max)} "
            "điểm")
    if cset.has_survey and s.survey_total is None:
        text += f"; chưa có điểm ĐT XHH (tối đa {n(s.survey_max)} điểm), nên chưa xếp hạng, chưa xếp loại"
    elif s.survey_total is not None:
        text += f"; ĐT XHH {format_vn(s.survey_total, d)}/{n(s.survey_max)} điểm"
    text += f". Tạm tính {format_vn(s.so_far, d)}/{n(cset.max_total)}"
    if s.percent is not None and cset.max_total != 100:
        text += f" ({format_vn(s.percent, d)}%)"
    if s.next_class:
        text += f"; cần thêm {format_vn(s.points_to_next, d)} điểm để đạt mức {s.next_class}"
    return text + "."


def _scores(cset: CriteriaSet, table: UnitsTable, unit: Unit, result: Result, expect_appraised: bool,
            out: list[Finding]) -> None:
    """One finding per cell: a cell that holds no score, a score outside 0..max, a blank Thẩm định or
    ĐT XHH that keeps the unit from being ranked (Result.missing); never two for the same cell."""
    if not unit.name.strip():
        out.append(Finding(ERROR, "unit-missing-name", "", "", "Dòng có điểm nhưng thiếu tên đơn vị; hãy nhập tên "
                           "đơn vị vào cột TÊN ĐƠN VỊ.", unit.where))
    for problem in unit.problems:
        _cell_problem(cset, unit, problem, out)
    _ranges(cset, table, unit, out)
    for f, s in zip(cset.fields, unit.fields):
        if s.self_score is not None and s.appraised is not None and s.appraised != s.self_score:
            if table.has_reasons and not (s.reason or "").strip():
                # a field from the detail takes its reasons from the criteria's Ghi chú there, not the summary's
                leaves, cell = _leaves_where(cset, unit, f.name, lambda a, b: a != b, "note")
                _add(out, WARNING, "reason-missing", unit, f.name,
                     f"điểm Thẩm định ({n(s.appraised)}) khác điểm Tự chấm ({n(s.self_score)}) nhưng chưa ghi lý do; "
                     + (f"hãy ghi lý do vào cột Ghi chú thẩm định của trang chi tiết, ở {leaves}." if leaves else
                        "hãy ghi lý do vào cột Ghi chú thẩm định."), cell or s.cells.get("reason"))
            if s.appraised > s.self_score:
                leaves, cell = _leaves_where(cset, unit, f.name, lambda a, b: a > b, "appraised")
                _add(out, INFO, "appraised-above-self", unit, f.name,
                     f"điểm Thẩm định ({n(s.appraised)}) cao hơn điểm Tự chấm ({n(s.self_score)})"
                     + (f" ở {leaves}" if leaves else "")
                     + "; được phép khi đơn vị tự chấm thiếu, hãy chắc chắn đây không phải lỗi nhập.", cell)
    _missing(cset, table, unit, result, expect_appraised, out)


def _ranges(cset: CriteriaSet, table: UnitsTable, unit: Unit, out: list[Finding]) -> None:
    """A score of the unit's own cells outside 0..max: each field's, the bonus and penalty, a printed total; none
    for a cell that holds no score (its own finding says so)."""
    bad = {(p.field, p.what) for p in unit.problems}
    # a field summed from its detail, over its maximum because a criterion is: that criterion's cell is the one to fix
    # (_detail names it), the field's total is no second error
    overflowing = overflowed_fields(leaves_out_of_range(unit, cset)) if unit.criteria else set()
    for i, (f, s) in enumerate(zip(cset.fields, unit.fields)):
        for kind, value, top in (("self", s.self_score, f.max), ("appraised", s.appraised, f.max),
                                 ("survey", s.survey, f.survey_max)):
            if value is not None and not in_range(value, top) and (i, kind) not in bad \
                    and (f.code, kind) not in overflowing:
                _out_of_range(unit, f.name, KIND_LABEL[kind], value, top, out, s.cells.get(kind))
    for value, limit, label in ((unit.bonus, cset.bonus_max, "Điểm thưởng"), (unit.penalty, cset.penalty_max, "Điểm trừ")):
        if value is not None and limit is not None and not in_range(value, limit):
            _out_of_range(unit, label, label, value, limit, out)
    _printed_out_of_range(cset, table, unit, out)


def _printed_out_of_range(cset: CriteriaSet, table: UnitsTable, unit: Unit, out: list[Finding]) -> None:
    """A printed total with no field scores under it (a table of totals, or of Thẩm định + ĐT XHH + Tổng cộng):
    outside 0..its maximum, as a field score is (_scores), against the tighter of the set's maximum and the one its
    column header prints. A kind with field scores is checked field by field (and a printed total that disagrees
    with them is a total-mismatch); Tổng cộng over because a part of it is, is no second error."""
    p = unit.printed
    values = {"self": p.self_total, "appraised": p.appraised_total, "survey": p.survey_total, "total": p.total}
    if all(v is None for v in values.values()):  # a workbook's row, a field table's: nothing printed to check
        return
    scored = {kind for f in unit.fields for kind in ("self", "appraised", "survey") if f.score(kind) is not None}
    headers = {h.kind: h.value for h in table.header_maxima if h.field_index is None}
    part_out = False
    for kind, value in values.items():
        if value is None or kind in scored or kind == "total" and (scored or part_out):
            continue
        top, where = _printed_max(cset, kind, headers.get(kind))
        if value < 0 or not in_range(value, top):  # below 0 even where no maximum is known
            _out_of_range(unit, TOTAL_LABEL[kind], KIND_LABEL[kind], value, top, out, where=where)
            part_out = True


def _printed_max(cset: CriteriaSet, kind: str, header: Decimal | None) -> tuple[Decimal | None, str]:
    """The maximum of a printed total and where it comes from ("" the set, else its column header): the set's (a
    set without such a part, or a set of totals without `total`, has none) or the header's, whichever is lower."""
    expected = header_max_expected(cset, HeaderMax(None, kind, Decimal(0))) or None
    if header is not None and (expected is None or header < expected):
        return header, "ghi ở tiêu đề cột"
    return expected, ""


UNRANKED = "đơn vị chưa được xếp hạng, xếp loại cho đến khi đủ điểm"


def _missing(cset: CriteriaSet, table: UnitsTable, unit: Unit, result: Result, expect_appraised: bool,
             out: list[Finding]) -> None:
    """The blank scores of an incomplete unit: a Thẩm định per field, the ĐT XHH per field (one finding
    when the unit has none at all). A document row with nothing appraised yet (a self-assessment)
    gets one note instead."""
    appraised = [g for g in result.missing if g.kind == MISSING_APPRAISED]
    survey = [g for g in result.missing if g.kind == MISSING_SURVEY]
    if not appraised and not survey:
        return
    if cset.totals_only:  # a table of totals: a blank Tổng điểm Thẩm định or ĐT XHH beside the other one
        for g in appraised + survey:
            what = "Thẩm định" if g.kind == MISSING_APPRAISED else "ĐT XHH"
            _add(out, ERROR, f"{g.kind}-missing", unit, f"Tổng điểm {what}",
                 f"bảng có cột điểm {what} nhưng ô của đơn vị này để trống, nên Tổng cộng chưa đủ các phần; hãy "
                 f"nhập điểm {what}; {UNRANKED}.")
        return
    anything_appraised = any(s.appraised is not None for s in unit.fields) or unit.problems
    if not expect_appraised and not anything_appraised and is_self_assessment(table):
        return  # the self-assessment note (check_table) says it, with its totals
    if not expect_appraised and not anything_appraised:
        what = "Thẩm định" + (" và ĐT XHH" if survey else "")
        _add(out, INFO, "unit-not-appraised", unit, "",
             f"chưa có điểm {what} nào (bảng tự chấm hoặc chưa thẩm định); {UNRANKED}.")
        return
    for g in appraised:
        _add(out, ERROR, "appraised-missing", unit, g.field,
             f"chưa có điểm Thẩm định{_blank_detail(cset, table, unit, g.field)}; hãy nhập điểm thẩm định (nhập 0 nếu đơn vị "
             f"không đạt điểm nào); {UNRANKED}.", g.cell or None)
    survey_fields = [f for f in cset.fields if f.survey_max > 0]
    if survey and len(survey) == len(survey_fields) and not any(s.survey is not None for s in unit.fields):
        sheet = " (không thấy tên đơn vị trên trang ĐT XHH, hoặc dòng của đơn vị còn trống)" if table.exact_names else ""
        _add(out, ERROR, "survey-missing", unit, "ĐT XHH",
             f"chưa có điểm ĐT XHH nào{sheet}; hãy nhập điểm điều tra xã hội học (Nhập điểm XHH); {UNRANKED}.")
        return
    for g in survey:
        _add(out, ERROR, "survey-missing", unit, g.field,
             f"chưa có điểm ĐT XHH; hãy nhập điểm điều tra xã hội học (Nhập điểm XHH); {UNRANKED}.", g.cell or None)


BLANK_SHOWN = 10  # a field with many criteria to name: the first ones with their cells, and a count


def _blank_detail(cset: CriteriaSet, table: UnitsTable, unit: Unit, field_name: str) -> str:
    """Where a field summed from the unit's detail still lacks Thẩm định: its blank criteria, each with its cell
    (the input cells the appraiser types into, not the field's total row); "" for a field not from the detail."""
    top = _top_criterion(cset, field_name)
    if top is not None and table.exact_names and not (unit.criteria or unit.criterion_cells):
        return (" (không thấy tên đơn vị ở ô đầu khối nào của trang chi tiết: hãy gõ tên đơn vị, giống hệt ô "
                f"{unit.where}, vào ô đầu một khối còn trống ở cột A của trang chi tiết, rồi nhập điểm từng tiêu chí)")
    if top is None or not (unit.criteria or unit.criterion_cells):
        return ""
    blank = blank_leaves(unit, top)
    if not blank:
        return ""
    if not unit.criterion_cells:  # a detail read without its cells (a document): say where to look
        return " (còn tiêu chí chưa có điểm Thẩm định ở trang chi tiết)"
    return f" ở {_leaves_text(unit, blank, 'appraised')} của trang chi tiết"


def _top_criterion(cset: CriteriaSet, field_name: str) -> Criterion | None:
    """The criterion a field is summed from in a detail (None: the set has no tree for that field)."""
    f = next((f for f in cset.fields if f.name == field_name), None)
    return next((c for c in cset.criteria if f is not None and c.code == f.code), None)


def _leaves_text(unit: Unit, leaves: list[Criterion], kind: str) -> str:
    """'tiêu chí 2.1 Công khai TTHC (ô Chi tiết Xã!F88)', or '3 tiêu chí: …; …' with each one's `kind` cell."""
    shown = [f"{leaf.code} {leaf.name} (ô {unit.criterion_cells.get(leaf.code, {}).get(kind, '?')})"
             for leaf in leaves[:BLANK_SHOWN]]
    more = f" và {len(leaves) - BLANK_SHOWN} tiêu chí khác" if len(leaves) > BLANK_SHOWN else ""
    return f"{'tiêu chí' if len(leaves) == 1 else f'{len(leaves)} tiêu chí:'} {'; '.join(shown)}{more}"


def _leaves_where(cset: CriteriaSet, unit: Unit, field_name: str, differs: Callable[[Decimal, Decimal], bool],
                  kind: str) -> tuple[str, str | None]:
    """For a field summed from the unit's detail (read with its cells): its criteria whose Thẩm định `differs`
    from their Tự chấm, as a text for a message, and the first one's `kind` cell; ("", None) otherwise."""
    if not unit.criterion_cells:  # first: a summary row (most units) has none, and finding `top` costs more
        return "", None
    top = _top_criterion(cset, field_name)
    if top is None:
        return "", None
    leaves = [leaf for leaf in top.walk() if not leaf.children and (c := unit.criteria.get(leaf.code)) is not None
              and c.self_score is not None and c.appraised is not None and differs(c.appraised, c.self_score)]
    if not leaves:
        return "", None
    return _leaves_text(unit, leaves, kind), unit.criterion_cells.get(leaves[0].code, {}).get(kind)


def _out_of_range(unit: Unit, field: str, kind_label: str, value: Decimal, top: Decimal | None,
                  out: list[Finding], cell: str | None = None, where: str = "") -> None:
    """`where`: where the maximum is written when it is not the set ("ghi ở tiêu đề cột")."""
    what = f"điểm {kind_label} {n(value)}"
    why = "là số âm" if value < 0 else f"vượt điểm tối đa {n(top)}{' ' + where if where else ''}"
    span = f", nằm ngoài khoảng 0 đến {n(top)}" if top is not None else ""
    _add(out, ERROR, "score-out-of-range", unit, field,
         f"{what} {why}{span}; hãy nhập lại điểm, hoặc kiểm tra bộ tiêu chí đã chọn.", cell)


def _cell_problem(cset: CriteriaSet, unit: Unit, p: CellProblem, out: list[Finding]) -> None:
    """One finding for a cell that holds no usable score: what it holds and how to retype it."""
    if p.criterion:
        node = cset.criteria_by_code().get(p.criterion)
        field = f"{p.criterion} {node.name}" if node else p.criterion
    elif p.field is not None and p.field < len(cset.fields):
        field = cset.fields[p.field].name
    else:
        field = p.what
    kind = KIND_LABEL.get(p.what, p.what)
    if p.kind == OUTSIDE:
        _add(out, ERROR, "unit-outside-table", unit, "Tên đơn vị",
             f"đơn vị được gõ ở {p.found}, dưới dòng cuối của bảng ({p.what}): công thức của bảng tính không tính "
             "dòng này, nên tổng, hạng và xếp loại trên bảng tính không có đơn vị này; hãy chuyển đơn vị vào một "
             "dòng trống trong bảng, hoặc tạo lại bảng tính với nhiều dòng dự phòng hơn (`xltools template "
             "--spare-rows N`); đơn vị chưa được xếp hạng, xếp loại cho đến khi sửa.", p.cell or None)
        return
    if p.kind == OVER_FORMULA:
        _add(out, ERROR, "formula-overwritten", unit, field,
             f"ô công thức {kind} đã bị gõ đè bằng '{p.found}' nên không còn tự tính; hãy chép lại công thức từ ô "
             "cùng cột ở dòng trên hoặc dưới (hoặc lấy lại từ bản .bak.xlsx); đơn vị chưa được xếp hạng, xếp loại "
             "cho đến khi sửa.", p.cell or None)
        out[-1].found = p.found
        return
    if p.kind == DATE:
        why = (f"Excel đã hiểu điểm gõ vào thành ngày/giờ ({p.found}), thường do gõ '9.5' hay '9/5'; hãy định dạng ô "
               "là Số (Number) rồi nhập lại điểm")
    elif p.kind == BOOL:
        why = f"ô ghi giá trị đúng/sai ({p.found}), không phải điểm số; hãy nhập lại điểm bằng số"
    elif p.reason:  # the reader's own reason ("1.055": a decimal point or a thousands group?)
        why = f"ô ghi '{p.found}': {p.reason.rstrip('.')}"
    else:
        try:
            value = parse_score(p.found)
        except NumberError:
            value = None
        if value is not None:
            why = (f"ô ghi chữ '{p.found}', không phải số (Excel coi là chữ khi dấu thập phân gõ vào khác cài đặt "
                   f"của máy); hãy xóa ô rồi gõ lại {n(value)} bằng dấu thập phân của máy (8,5 hoặc 8.5): số đúng "
                   "sẽ căn phải")
        else:
            why = f"ô ghi '{p.found}', không phải là số; hãy nhập điểm bằng số (nhập 0 nếu đơn vị không đạt điểm nào)"
    # 'điểm Tự chấm: …'; a column named 'Điểm đánh giá' is not 'điểm Điểm đánh giá', nor said twice after the field
    what = "" if kind.lower() == (field or "").lower() else kind if kind.lower().startswith("điểm") else f"điểm {kind}"
    _add(out, ERROR, "score-not-number", unit, field, f"{what}: {why}; {UNRANKED}." if what else f"{why}; {UNRANKED}.",
         p.cell or None)
    out[-1].found = p.found


def _printed_totals(cset: CriteriaSet, unit: Unit, result: Result, out: list[Finding]) -> None:
    d, p = cset.decimals, unit.printed
    groups = {"self": [f.self_score for f in unit.fields], "appraised": [f.appraised for f in unit.fields],
              "survey": [f.survey for f in unit.fields]}
    # a part the unit still lacks is named by its own finding (appraised-missing, survey-missing); comparing the
    # printed total with what is there would tell the user to "fix" a total that is right
    lacking = {g.kind for g in result.missing if g.kind in (MISSING_APPRAISED, MISSING_SURVEY)}
    for kind, parts in groups.items():
        printed = getattr(p, f"{kind}_total")
        present = [x for x in parts if x is not None]
        if printed is None or not present or kind in lacking:
            continue
        exact = sum_beyond(present, printed, d)
        if exact is not None:
            _add(out, ERROR, "total-mismatch", unit, TOTAL_LABEL[kind],
                 f"in là {format_vn(printed, d)} nhưng cộng các lĩnh vực được {format_vn(exact, d)} "
                 f"(chênh {n(abs(printed - exact))}, "
                 f"quá sai số làm tròn {n(tolerance(len(present), d))}); hãy kiểm tra lại điểm từng lĩnh vực hoặc tổng.")
    if p.total is not None:
        appraised = p.appraised_total if p.appraised_total is not None else result.appraised_total
        survey = p.survey_total if p.survey_total is not None else result.survey_total
        terms = [x for x in (appraised, survey, unit.bonus, -unit.penalty if unit.penalty else None) if x is not None]
        if appraised is not None and not lacking:
            exact = sum_beyond(terms, p.total, d)
            if exact is not None:
                _add(out, ERROR, "total-mismatch", unit, TOTAL_LABEL["total"],
                     f"in là {format_vn(p.total, d)} nhưng Thẩm định + ĐT XHH được {format_vn(exact, d)}; "
                     "hãy tính lại Tổng cộng.")


def _printed_rank_class(cset: CriteriaSet, unit: Unit, result: Result, position: int, out: list[Finding]) -> None:
    p = unit.printed
    if (p.rank is not None or p.class_label) and not result.complete:
        shown = ", ".join(x for x in (f"hạng {p.rank}" if p.rank is not None else "", p.class_label or "") if x)
        _add(out, WARNING, "ranked-incomplete", unit, "Xếp hạng",
             f"bảng ghi {shown} nhưng đơn vị chưa đủ điểm ({describe_gaps(result)}), nên chưa thể xếp hạng, xếp "
             "loại; hãy nhập đủ điểm rồi tính lại.")
    if p.rank is not None and result.rank is not None and p.rank != result.rank:
        _add(out, ERROR, "rank-mismatch", unit, "Xếp hạng",
             f"in hạng {p.rank} nhưng với tổng {n(result.total)} đơn vị đứng hạng {result.rank}; hãy sửa Xếp hạng.")
    labels = cset.band_labels()
    for printed, computed, field in ((p.class_label, result.class_label, "Xếp loại"),
                                     (p.class_after_rule, result.class_after_rule, RULE_CLASS_LABEL)):
        if not printed or not labels:  # without bands nothing to check against (noted once for the table)
            continue
        keys = {class_key(label): label for label in labels}
        if class_key(printed) not in keys:
            _add(out, ERROR, "class-unknown", unit, field,
                 f"xếp loại '{printed}' không có trong {_bands_source(cset)} (các mức: {', '.join(labels)}); "
                 f"theo tổng {n(result.total)} đơn vị xếp loại {computed}.")
        elif computed is not None and keys[class_key(printed)] != computed:
            _add(out, ERROR, "class-mismatch", unit, field,
                 f"in xếp loại '{printed}' nhưng với tổng {n(result.total)} đơn vị xếp loại '{computed}'; "
                 "hãy sửa Xếp loại.")
    if p.stt is not None and p.stt != position:
        _add(out, WARNING, "stt-mismatch", unit, "STT",
             f"STT in là {p.stt} nhưng đơn vị ở dòng thứ {position} của bảng; hãy đánh lại STT.")


def class_key(label: str) -> str:
    """A printed class as the bands name it: 'TỐT', 'tốt' and 'Loại Tốt' are 'Tốt' (diacritics count:
    'Kha' is no class)."""
    words = tidy(label).casefold().split()
    for lead in (["xếp", "loại"], ["loại"]):
        if words[: len(lead)] == lead and len(words) > len(lead):
            words = words[len(lead):]
            break
    return " ".join(words)


def _bands_source(cset: CriteriaSet) -> str:
    return f"bộ tiêu chí {cset.id}" if cset.id else "các mức xếp loại đã cho (--bands)"


def _order(table: UnitsTable, by_unit: dict[int, Result], out: list[Finding]) -> None:
    best_so_far = None
    for unit in table.units:
        total = by_unit[id(unit)].total
        if total is None or by_unit[id(unit)].rank is None:  # an incomplete unit has no place in the order
            continue
        if best_so_far is not None and total > best_so_far[1]:
            _add(out, WARNING, "order-mismatch", unit, "Thứ tự",
                 f"tổng {n(total)} cao hơn đơn vị xếp trên ({best_so_far[0]}, {n(best_so_far[1])}); "
                 "bảng chưa theo thứ tự xếp hạng, hãy sắp xếp lại (Tính lại xếp hạng).")
        if best_so_far is None or total < best_so_far[1]:
            best_so_far = (unit.name, total)


NAMELESS_SHOWN = 4  # the score cells of a row or block that counts for no unit, listed up to this many, else a span


def _strays(table: UnitsTable, out: list[Finding]) -> None:
    for stray in table.strays:
        code, message = _stray_message(table, stray)
        out.append(Finding(ERROR, code, stray.name, "Tên đơn vị", message, stray.where))


def _stray_message(table: UnitsTable, stray: StrayRow) -> tuple[str, str]:
    """(code, message) for scores that count for no unit: a blank name, a name already used, a name that only looks
    like a unit's (invisible characters), a name no unit has."""
    cells = stray.cells
    shown = ", ".join(cells) if len(cells) <= NAMELESS_SHOWN else f"{len(cells)} ô, từ {cells[0]} đến {cells[-1]}"
    if not stray.name:
        return "unit-missing-name", (
            f"trang {stray.sheet} có điểm đã nhập ({shown}) nhưng ô tên đơn vị {stray.where} để trống, nên các điểm này "
            f"không được tính cho đơn vị nào; hãy gõ vào ô {stray.where} tên đơn vị giống hệt cột TÊN ĐƠN VỊ của trang "
            f"{table.sheet or 'tổng hợp'}, hoặc xóa các điểm nếu đã gõ nhầm chỗ.")
    if stray.first:
        return "duplicate-unit", (
            f"{stray.name} – tên này đã có ở ô {stray.first} của trang {stray.sheet}; bảng tính chỉ lấy điểm ở đó, nên "
            f"các điểm đã nhập ở đây ({shown}) không được tính. Hãy giữ mỗi đơn vị một chỗ: nếu điểm ở đây mới đúng, chép "
            f"sang chỗ có ô tên {stray.first}; rồi xóa tên và điểm ở chỗ trùng (ô {stray.where}), hoặc sửa tên nếu đây "
            "là một đơn vị khác.")
    if stray.twin:
        return "name-unmatched", (
            f"{stray.name} – tên trên trang {stray.sheet} trông giống hệt tên ở ô {stray.twin} nhưng khác về mã chữ (gõ "
            "bằng bảng mã Unicode tổ hợp, hoặc có khoảng trắng không ngắt khi dán từ PDF, web): Excel không coi là cùng "
            "một tên, nên điểm của dòng này không được tính và đơn vị chưa đủ điểm. Hãy gõ lại tên ở cả hai ô bằng bảng "
            "mã Unicode dựng sẵn (Unikey: Unicode), hoặc sao chép tên từ ô của trang tổng hợp.")
    return "name-unmatched", (
        f"{stray.name} – tên trên trang {stray.sheet} không khớp đơn vị nào của trang {table.sheet or 'tổng hợp'}, nên "
        "điểm của dòng này không được tính; hãy gõ tên giống cột TÊN ĐƠN VỊ của trang tổng hợp (chữ hoa, chữ thường và "
        "khoảng trắng thừa không quan trọng).")


def other_set_warnings(cset: CriteriaSet, table: UnitsTable) -> list[Finding]:
    """The warning that the set is for another province, year or level than the table's title (rank prints it on
    stderr; check lists it among its findings)."""
    out: list[Finding] = []
    _other_set(cset, table, out)
    return out


def _other_set(cset: CriteriaSet, table: UnitsTable, out: list[Finding]) -> None:
    """A set chosen for a table whose title names another province, year or level (--set of last year's or a
    neighbour's criteria): the maxima and bands may not be this table's; said once, as a warning."""
    if not cset.id:
        return
    other = []
    if table.province and cset.province and name_key(table.province) != name_key(cset.province):
        other.append(f"tỉnh {table.province} (bộ tiêu chí của tỉnh {cset.province})")
    if table.year and cset.years and table.year not in cset.years:
        other.append(f"năm {table.year} (bộ tiêu chí cho năm {', '.join(map(str, cset.years))})")
    if table.level and cset.level and table.level != cset.level and not table.exact_names:
        other.append(f"cấp {LEVELS.get(table.level, table.level)} (bộ tiêu chí cấp {cset.level_label})")
    if other:
        out.append(Finding(WARNING, "set-other-table", "", "",
                           f"tiêu đề bảng ghi {' và '.join(other)}: điểm tối đa và mức xếp loại có thể khác; hãy "
                           f"kiểm tra bộ tiêu chí {cset.id} có đúng cho bảng này (xem `xltools sets`, hoặc --set).",
                           table.sheet))


def _duplicates(table: UnitsTable, out: list[Finding]) -> None:
    """One unit twice is an error; two names that differ only in diacritics or in the unit's kind ('Xã Tân
    Lập', 'Phường Tân Lập') are two units (common since the 2025 merger), noted in case one is a typo."""
    seen: dict[str, Unit] = {}
    alike: dict[str, str] = {}
    for unit in table.units:
        key = unit_key(unit.name)
        if not key:
            continue
        if key in seen:
            first = seen[key]
            at = f" ({first.where})" if first.where else ""
            _add(out, ERROR, "duplicate-unit", unit, "Tên đơn vị",
                 f"trùng với đơn vị '{first.name}' đã có trong bảng{at}; hãy xóa dòng trùng hoặc sửa tên (nếu đây là "
                 "một đơn vị khác, sửa tên ở mọi trang).")
            continue
        seen[key] = unit
        loose = name_key(unit.name)
        if loose in alike:
            _add(out, INFO, "name-similar", unit, "Tên đơn vị",
                 f"gần giống tên đơn vị '{alike[loose]}' (chỉ khác dấu hoặc loại đơn vị xã/phường): được tính là "
                 "hai đơn vị; nếu là một, hãy xóa dòng trùng, nếu gõ sai dấu, hãy sửa tên.")
        alike.setdefault(loose, unit.name)


def out_of_range_findings(cset: CriteriaSet, table: UnitsTable) -> list[Finding]:
    """check's score-out-of-range errors of the units' own cells (a field's score, the bonus or penalty, a printed
    total outside 0..its maximum). `rank` prints them too: a document's unit is ranked on what it prints, so a
    total of 120 out of 105 would head the ranking without a word."""
    out: list[Finding] = []
    for unit in table.units:
        _ranges(cset, table, unit, out)
    return out


def duplicate_findings(table: UnitsTable) -> list[Finding]:
    """check's duplicate-unit errors of a table: a unit listed twice, and the rows or blocks of its other sheets (ĐT
    XHH, detail) under a name an earlier one has, whose scores count nowhere. `rank` prints them too: its ranking
    is not the table's while one name stands for two rows."""
    out: list[Finding] = []
    _duplicates(table, out)
    _strays(table, out)
    return [f for f in out if f.code == "duplicate-unit"]


def _same_survey_rows(cset: CriteriaSet, table: UnitsTable, out: list[Finding]) -> None:
    if not cset.has_survey:
        return
    surveyed = [i for i, f in enumerate(cset.fields) if f.survey_max > 0]  # a field without survey points has none
    seen: dict[tuple[Decimal | None, ...], str] = {}
    for unit in table.units:
        row = tuple(unit.fields[i].survey if i < len(unit.fields) else None for i in surveyed)
        if len(row) < 2 or any(x is None for x in row):
            continue
        if row in seen:
            _add(out, WARNING, "duplicate-survey-row", unit, "ĐT XHH",
                 f"điểm ĐT XHH của mọi lĩnh vực giống hệt đơn vị '{seen[row]}': có thể đã sao chép nhầm dòng; "
                 "hãy đối chiếu với kết quả điều tra xã hội học.")
        else:
            seen[row] = unit.name


def header_max_expected(cset: CriteriaSet, h: HeaderMax) -> Decimal | None:
    """The maximum the set gives for what a header cell states (None: the set has no such field)."""
    if h.field_index is None:
        return {"self": cset.self_max, "appraised": cset.self_max, "survey": cset.survey_max,
                "total": cset.max_total}[h.kind]
    if h.field_index >= len(cset.fields):
        return None
    f = cset.fields[h.field_index]
    return f.survey_max if h.kind == "survey" else f.max


def _header_maxima(cset: CriteriaSet, table: UnitsTable, out: list[Finding]) -> None:
    if cset.totals_only and not cset.max_total:  # no maximum known to compare with
        return
    for h in table.header_maxima:
        if cset.totals_only and (h.kind != "total" or h.field_index is not None):
            continue  # a set of totals only knows the maximum of Tổng cộng, nothing else
        expected = header_max_expected(cset, h)
        field = TOTAL_LABEL[h.kind] if h.field_index is None else cset.fields[h.field_index].name
        if h.value != expected:
            out.append(Finding(WARNING, "header-max-mismatch", "", field,
                               f"Tiêu đề cột {KIND_LABEL.get(h.kind, h.kind)} của '{field}' ghi tối đa {n(h.value)} "
                               f"nhưng bộ tiêu chí {cset.id} quy định {n(expected)}; hãy sửa tiêu đề hoặc chọn đúng "
                               "bộ tiêu chí.", h.where))


def _detail(cset: CriteriaSet, unit: Unit, out: list[Finding]) -> None:
    nodes = cset.criteria_by_code()
    for code, score in unit.criteria.items():
        node = nodes.get(code)
        if node is None:
            _add(out, WARNING, "criterion-unknown", unit, code,
                 f"tiêu chí {code} không có trong bộ tiêu chí {cset.id}; hãy kiểm tra mã tiêu chí.")
            continue
        for kind, value in (("self", score.self_score), ("appraised", score.appraised)):
            if value is None:
                continue
            if not (0 <= value <= node.max):
                _out_of_range(unit, f"{code} {node.name}", KIND_LABEL[kind], value, node.max, out,
                              unit.criterion_cells.get(code, {}).get(kind))
            if node.survey and not node.children and value != 0:
                _add(out, WARNING, "survey-criterion-scored", unit, f"{code} {node.name}",
                     f"tiêu chí đánh giá qua điều tra xã hội học nhưng có điểm {KIND_LABEL[kind]} {n(value)}; "
                     "điểm tự đánh giá của tiêu chí này phải là 0.")
            if node.children:
                kids = [unit.criteria[c.code].score(kind) if c.code in unit.criteria else None for c in node.children]
                present = [k for k in kids if k is not None]
                if len(present) == len(kids) and sum(present, Decimal(0)) != value:
                    _add(out, ERROR, "criteria-sum-mismatch", unit, f"{code} {node.name}",
                         f"điểm {KIND_LABEL[kind]} {n(value)} khác tổng các tiêu chí con {n(sum(present, Decimal(0)))}; "
                         "hãy kiểm tra lại.")
    for kind in ("self", "appraised"):
        rolled = criteria_field_scores(unit, cset, kind)
        for f, s, r in zip(cset.fields, unit.fields, rolled):
            value = s.score(kind)
            if value is not None and r is not None and value != r:
                _add(out, ERROR, "criteria-sum-mismatch", unit, f.name,
                     f"điểm {KIND_LABEL[kind]} của lĩnh vực là {n(value)} nhưng tổng các tiêu chí là {n(r)}; "
                     "hãy kiểm tra lại.")


def district_rule_notes(cset: CriteriaSet, districts: list[Result], communes: list[Result] | None = None,
                        key: Callable[[str], str] = name_key) -> list[Finding]:
    """Districts whose class could not be checked against their communes: one warning per district
    whose rule waits for incomplete communes (naming them), one note listing the districts without
    communes. An incomplete district has its own findings and no class to check."""
    if not cset.district_rule:
        return []
    out: list[Finding] = []
    none = []
    for d in districts:
        if d.class_after_rule is not None or d.class_label is None:
            continue
        mine = communes_of(d, communes or [], key)
        waiting = [c.unit.name for c in mine if c.class_label is None]
        if waiting:
            _add(out, WARNING, "district-rule-pending", d.unit, RULE_CLASS_LABEL,
                 f"chưa áp dụng được quy tắc 2/3 vì {len(waiting)}/{len(mine)} xã trực thuộc chưa đủ điểm "
                 f"({', '.join(waiting)}); hãy nhập đủ điểm cho các xã này.")
        elif not mine:
            none.append(d.unit.name)
    if none:
        out.append(Finding(INFO, "district-rule-unavailable", "", RULE_CLASS_LABEL,
                           "Chưa có kết quả xếp loại của UBND cấp xã cho: " + ", ".join(none)
                           + "; chưa áp dụng được quy tắc 2/3 số xã cùng mức trở lên. Hãy đưa bảng cấp xã vào cùng tệp."))
    return out


GAP_WORDS = {MISSING_APPRAISED: "thiếu Thẩm định", MISSING_SURVEY: "thiếu ĐT XHH", INVALID: "ô điểm sai",
             NO_TOTAL: "thiếu tổng điểm"}


def describe_gaps(result: Result, field_count: int | None = None) -> str:
    """What an incomplete unit lacks, as the Kiểm tra column says it:
    'thiếu Thẩm định: Cải cách thể chế, Cải cách tài chính công; thiếu ĐT XHH: …'; with `field_count`, a
    kind missing in every field is said in short ('thiếu Thẩm định: cả 7 lĩnh vực')."""
    groups: dict[str, list[str]] = {}
    for g in result.missing:
        names = groups.setdefault(g.kind, [])
        if g.field and g.field not in names:
            names.append(g.field)

    def fields(names: list[str]) -> str:
        if not names:
            return ""
        return f": cả {field_count} lĩnh vực" if len(names) == field_count else ": " + ", ".join(names)

    return "; ".join(GAP_WORDS[kind] + fields(names) for kind, names in groups.items())


def unknown_districts(communes: list[Result], district_names: list[str], key: Callable[[str], str]) -> list[Finding]:
    """Communes whose district is none of the districts scored with them: left out of the 2/3 rule."""
    known = {key(name) for name in district_names}
    out: list[Finding] = []
    for c in communes:
        if c.unit.district and key(c.unit.district) not in known:
            _add(out, WARNING, "district-unknown", c.unit, "Huyện",
                 f"huyện '{c.unit.district}' không khớp đơn vị nào của bảng cấp huyện "
                 f"({', '.join(district_names)}), nên xã này chưa được tính vào quy tắc 2/3; "
                 "hãy gõ tên huyện đúng như trên bảng cấp huyện.")
    return out


def reader_notes(table: UnitsTable) -> list[Finding]:
    """What the reader left out of the table (a column whose header it does not know), one note each; how its
    field columns met the set (by name in another order, or by position); the score cells held as text."""
    out = [Finding(INFO, "column-ignored", "", "", note, table.sheet) for note in table.notes]
    out += [Finding(WARNING if code in WARNING_REMARKS else INFO, code, "", "", note, table.sheet)
            for code, note in table.remarks]
    if table.numbers_as_text:
        cells = table.numbers_as_text
        shown = ", ".join(cells[:NUMBERS_AS_TEXT_SHOWN]) + (f" và {len(cells) - NUMBERS_AS_TEXT_SHOWN} ô khác"
                                                           if len(cells) > NUMBERS_AS_TEXT_SHOWN else "")
        out.append(Finding(WARNING, "number-as-text", "", "",
                           f"{len(cells)} ô điểm được lưu dạng chữ chứ không phải số: {shown}. Đã đọc chúng như số, "
                           "nhưng Excel không cộng các ô này (hàm SUM bỏ qua ô chữ), nên tổng tính bằng công thức "
                           "trong tệp gốc có thể thiếu; hãy chuyển chúng thành số trong tệp gốc (Data > Text to "
                           "Columns, hoặc gõ lại).", table.sheet))
    return out


WARNING_REMARKS = ("fields-by-position",)  # a reader's guess the user must verify; the other remarks inform
NUMBERS_AS_TEXT_SHOWN = 10  # a whole table pasted as text: the first cells and a count, not 500 cells


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
