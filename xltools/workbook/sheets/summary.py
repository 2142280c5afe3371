"""The summary sheet (one per level): the official appendix table with live totals, ranks, classes,
the district rule and the Kiểm tra column."""
from __future__ import annotations

from ... import wording
from ...core.names import name_key
from ...core.numbers import format_vn_short
from ...core.scoring import Unit
from .. import formulas as F, layout as L
from ..styles import CF_ABOVE, CF_BLANK, CF_DIFF, CF_RANGE, CF_TEXT
from .common import LINE_HEIGHT, a1, cf, f, header, merge, name_width, num, print_setup, put, table_rows, validate_score
from .printview import hide_row, prompt, spare_rows


def write(ws, section: L.Section, units: list[Unit | None], year, decision, communes: L.Section | None,
          district_names: dict[str, str], with_appraised: bool, districts: L.Section | None = None) -> None:
    """One summary sheet. `district_names` maps name_key -> the district's name as its own sheet
    writes it, so a commune's district matches it exactly (COUNTIFS compares text). `districts`: on the
    commune sheet of a workbook where the district rule is live, the district sheet, so the Kiểm tra column
    flags a district typed differently from its own sheet (the rule would silently leave the commune out)."""
    cset, lay = section.cset, section.summary
    _title_block(ws, section, year, decision, lay.print_last_col, [u.district for u in units if u])
    _headers(ws, section)
    width = name_width(units)
    for i, unit in enumerate(units):
        if unit and len(unit.name) > width:  # wrapped: Excel and Calc keep the default height
            ws.row_dimensions[lay.rows[i]].height = LINE_HEIGHT * -(-len(unit.name) // int(width))
    table_rows(ws, lay.rows, _row_formulas(section, communes, districts),
               lambda i: _row_values(section, units[i] if i < len(units) else None, i + 1 if i < len(units) else None,
                                     district_names, with_appraised))
    if lay.survey_aligned:
        for row in lay.rows:
            for col, formula, style in _survey_rows(section, row):
                put(ws, row, col, f(formula), style)
    if section.survey:
        sl = section.survey
        put(ws, L.TITLE_ROWS[-1], lay.check, f(F.survey_unmatched_count(sl.column_range(sl.unmatched), sl.sheet)),
            "xl_flag")
    _formats(ws, section)
    text_inputs = [col for col in (lay.name, lay.district, lay.note) if col]
    spare_rows(ws, lay.first_row + len(units), lay.last_row, lay.last_col, lay.name,
               text_inputs + [col for col, _ in lay.number_input_cols()])
    widths = {lay.stt: 5, lay.name: width, lay.total: 10, lay.rank: 8, lay.class_: 11,
              lay.note: 30, lay.check: 30}
    if lay.district:
        widths[lay.district] = 18
    if lay.class_after_rule:
        widths[lay.class_after_rule] = 13
    for col in range(1, lay.last_col + 1):
        ws.column_dimensions[L.col_letter(col)].width = widths.get(col, 9.5)
    for col in lay.helper_cols + ([] if wording.shows_total(cset) else [lay.total]):
        ws.column_dimensions[L.col_letter(col)].hidden = True
    freeze = a1((lay.district or lay.name) + 1, lay.first_row)
    print_setup(ws, f"{L.HEADER_ROWS[0]}:{L.HEADER_ROWS[1]}", lay.print_last_col, lay.last_row, freeze)
    # filter buttons on the second header row (by class, by district…); allowed under protection
    ws.auto_filter.ref = f"A{L.HEADER_ROWS[1]}:{L.col_letter(lay.check)}{lay.last_row}"


def _row_values(section: L.Section, unit: Unit | None, number: int | None, district_names: dict[str, str],
                with_appraised: bool) -> list[tuple[int, object, str]]:
    """(column, value, style) of the cells of a row that a unit gives (its number, name, district, typed scores,
    note), by column."""
    cset, lay = section.cset, section.summary
    d = cset.decimals
    out: list[tuple[int, object, str]] = [(lay.stt, number, "xl_center"), (lay.name, unit.name if unit else None,
                                                                          "xl_in_text")]
    if lay.district:
        district = unit.district if unit else None
        if district and district_names:
            district = district_names.get(name_key(district), district)
        out.append((lay.district, district, "xl_in_text"))
    for k, fc in enumerate(lay.fields):
        if not lay.field_from_detail(k):
            scores = unit.fields[k] if unit and k < len(unit.fields) else None
            out += [(fc.self_col, num(scores and scores.self_score), f"xl_in_{d}"),
                    (fc.appraised, num(scores and scores.appraised) if with_appraised else None, f"xl_in_{d}")]
    if lay.bonus:
        out += [(lay.bonus, num(unit and unit.bonus), f"xl_in_{d}"), (lay.penalty, num(unit and unit.penalty), f"xl_in_{d}")]
    reasons = [fs.reason for k, fs in enumerate(unit.fields) if fs.reason and not lay.field_from_detail(k)] \
        if unit and with_appraised else []
    out.append((lay.note, "; ".join(dict.fromkeys(reasons)) or None, "xl_in_text"))
    return sorted(out, key=lambda item: item[0])


def _row_formulas(section: L.Section, communes: L.Section | None, districts: L.Section | None):
    """row -> (column, formula without "=", style) of the formula cells of that row (the same for every row but
    for its number)."""
    cset, lay = section.cset, section.summary
    d = cset.decimals
    names = {s: section.defined_name(s) for s in L.BAND_NAMES}
    ranked_range = lay.column_range(lay.ranked_total)

    def formulas(row) -> list[tuple[int, str, str]]:
        c = lambda col: a1(col, row)  # noqa: E731
        out = []
        for k, (fd, fc) in enumerate(zip(cset.fields, lay.fields)):
            if lay.field_from_detail(k):
                dl = section.detail
                pos = a1(lay.detail_row, row, absolute_col=True)
                index = dl.index[fd.code]
                out += [(fc.self_col, F.fetch_result(pos, dl.index_range(index.self_col)), f"xl_calc_{d}"),
                        (fc.appraised, F.fetch_result(pos, dl.index_range(index.appraised)), f"xl_calc_{d}")]
            if fc.survey:
                sl = section.survey
                pos = a1(lay.survey_row, row, absolute_col=True)
                out.append((fc.survey, F.fetch(pos, sl.column_range(sl.fields[k])), f"xl_calc_{d}"))
        out += [(lay.self_total, F.rounded_sum([c(fc.self_col) for fc in lay.fields], cset), f"xl_total_{d}"),
                (lay.appraised_total, F.rounded_sum([c(fc.appraised) for fc in lay.fields], cset), f"xl_total_{d}")]
        if lay.survey_total:
            out.append((lay.survey_total, F.rounded_sum([c(fc.survey) for fc in lay.fields if fc.survey], cset),
                        f"xl_total_{d}"))
        survey, bonus, penalty = (c(col) if col else None for col in (lay.survey_total, lay.bonus, lay.penalty))
        out.append((lay.total, F.grand_total(c(lay.appraised_total), survey, bonus, penalty, cset), f"xl_total_{d}"))
        basis = c(lay.total)
        if lay.percent:
            out.append((lay.percent, F.percent(c(lay.total), cset), f"xl_total_{d}"))
            if cset.bands_basis == "percent":
                basis = c(lay.percent)
        out += [(lay.key, F.name_key(c(lay.name)), "xl_center"), (lay.gaps, _gaps(section, row), "xl_flag"),
                (lay.ranked_total, F.ranked_total(c(lay.total), c(lay.gaps)), f"xl_total_{d}")]
        key = c(lay.ranked_total)
        unit_cells = [c(col) for col, _ in lay.number_input_cols()]
        out += [(lay.rank, F.rank(key, ranked_range, F.is_unit(c(lay.name), unit_cells)), "xl_center"),
                (lay.class_, F.ranked_class(key, basis, names["BandLabel"], names["BandMin"]), "xl_center"),
                (lay.order, F.class_order(c(lay.class_), names["BandLabel"], names["BandOrder"]), "xl_center")]
        if lay.class_after_rule:
            cl = communes.summary
            out.append((lay.class_after_rule, F.district_rule(a1(lay.name, row, absolute_col=True), c(lay.class_),
                                                              c(lay.order), cl.column_range(cl.district),
                                                              cl.column_range(cl.order), names["BandLabel"], cset),
                        "xl_center"))
        key_cell = a1(lay.key, row, absolute_col=True)
        if lay.detail_row:
            dl = section.detail
            out.append((lay.detail_row, F.match_row(key_cell, dl.index_range(dl.key)), "xl_center"))
        if lay.survey_row and not lay.survey_aligned:  # else written row by row (_survey_rows)
            sl = section.survey
            out.append((lay.survey_row, F.match_row(key_cell, sl.column_range(sl.key)), "xl_center"))
        out.append((lay.check, F.unit_check_text(c(lay.gaps), _others(section, row, districts)), "xl_flag"))
        return out
    return formulas


def _survey_rows(section: L.Section, row: int) -> list[tuple[int, str, str]]:
    """With a detail and a survey sheet: the survey row of the unit (`match_row` of its key in the survey's
    keys) and the `keys_aligned` flag of the survey's keys against the detail index's; while they are aligned
    the survey row follows from the detail block (formulas.match_row_aligned), one string MATCH per row instead
    of two. Their formulas name the row above and the row's place: written cell by cell, not by table_rows."""
    lay, sl, dl = section.summary, section.survey, section.detail
    key_cell = a1(lay.key, row, absolute_col=True)
    keys = sl.column_range(sl.key)
    k = row - lay.first_row + 1
    if k == 1:
        aligned = F.keys_aligned(None)
    elif k - 1 <= min(dl.n_units, sl.n_rows):  # the keys of the row above exist on both sheets
        aligned = F.keys_aligned(a1(lay.survey_aligned, row - 1), L.ref(sl.sheet, sl.key, sl.first_row + k - 2),
                                 L.ref(dl.sheet, dl.key, dl.index_row(k - 2)))
    else:
        aligned = "FALSE"
    if sl.first_row + k - 1 > sl.last_row:
        position = F.match_row(key_cell, keys)
    else:
        tail = L.column_range(sl.sheet, sl.key, sl.first_row + k - 1, sl.last_row)
        position = F.match_row_aligned(key_cell, keys, k, tail, a1(lay.survey_aligned, row),
                                       a1(lay.detail_row, row, absolute_col=True))
    return [(lay.survey_row, position, "xl_center"), (lay.survey_aligned, aligned, "xl_center")]


def _title_block(ws, section: L.Section, year: int | None, decision: str, last_col: int,
                 districts: list[str | None]) -> None:
    cset = section.cset
    kem_theo = decision or wording.decision_line(cset, year, districts=districts)
    for row, text, style in ((1, section.appendix, "xl_title"),
                             (2, wording.appendix_title(cset, year), "xl_title"),
                             (3, kem_theo, "xl_subtitle")):
        put(ws, row, 1, text, style)
        merge(ws, start_row=row, start_column=1, end_row=row, end_column=last_col)
    put(ws, L.LEGEND_ROW, 1, f"{LEGEND} Bộ tiêu chí: {cset.id}.", "xl_legend")
    hide_row(ws, L.LEGEND_ROW)  # on screen the input messages say it (_formats); on paper it has no place
    ws.row_dimensions[2].height = 20
    ws.row_dimensions[3].height = 18


LEGEND = ("Ô nền vàng: nhập điểm (Thẩm định, Tự chấm, tên đơn vị, ghi chú). Các ô khác tự tính bằng công thức. "
          "Cột Kiểm tra báo ô nhập chữ thay cho số, điểm ngoài khoảng, tên không khớp.")
NAME_PROMPT = ("Ô nền vàng là ô nhập (tên, Tự chấm, Thẩm định, ghi chú); ô khác tự tính bằng công thức; cột Kiểm "
               "tra báo ô sai. Thêm đơn vị: gõ tên vào dòng trống đầu tiên dưới bảng: dòng có tên thì có khung, "
               "được tính và được in.")


def label_columns(section: L.Section) -> list[tuple[wording.Label, int]]:
    """The official labels of the summary sheet (xltools.wording, as the appendix prints them) with their columns."""
    lay = section.summary
    labels = wording.table_labels(section.cset, district=bool(lay.district), class_after_rule=bool(lay.class_after_rule))
    cols = lay.key_columns()
    return [(label, cols[label.key]) for label in labels]


def _headers(ws, section: L.Section) -> None:
    lay = section.summary
    r = L.HEADER_ROWS[0]
    placed = label_columns(section)
    labels = [label for label, _ in placed]
    for group, first, last in wording.header_spans(labels):
        col = placed[first][1]
        assert [c for _, c in placed[first:last + 1]] == list(range(col, col + last - first + 1)), group
        if group:
            header(ws, r, col, group, last - first + 1, [lab.label for lab in labels[first:last + 1]])
        else:
            header(ws, r, col, labels[first].label)
    if not wording.shows_total(section.cset):  # the appraised total is the total: kept for formulas, hidden
        header(ws, r, lay.total, wording.TOTAL_LABEL)
    header(ws, r, lay.note, "Ghi chú thẩm định")
    header(ws, r, lay.check, "Kiểm tra")
    header(ws, r, lay.order, "Thứ bậc xếp loại")
    if lay.detail_row:
        header(ws, r, lay.detail_row, "Khối chi tiết")
    if lay.survey_row:
        header(ws, r, lay.survey_row, "Dòng ĐT XHH")
    header(ws, r, lay.key, "Tên để so khớp")
    header(ws, r, lay.gaps, "Chưa đủ điểm vì")
    header(ws, r, lay.ranked_total, "Tổng cộng được xếp hạng")
    if lay.survey_aligned:
        header(ws, r, lay.survey_aligned, "Tên ĐT XHH trùng thứ tự khối chi tiết")
    ws.row_dimensions[r].height = 60
    ws.row_dimensions[r + 1].height = 45


def _gaps(section: L.Section, row: int) -> str:
    """What keeps the unit of `row` from being ranked (scoring.gaps), "" when it is complete or the row is
    blank: one message per invalid score cell, the fields without Thẩm định or ĐT XHH, and a pointer to
    the ĐT XHH or detail sheet's Kiểm tra when a cell there is wrong. Labels are the core's (LABELS)."""
    cset, lay = section.cset, section.summary
    c = lambda col: a1(col, row)  # noqa: E731
    inputs = []
    for i, (fd, fc) in enumerate(zip(cset.fields, lay.fields)):
        if not lay.field_from_detail(i):
            inputs += [(c(fc.self_col), fd.max, f"{fd.label} – Tự chấm"), (c(fc.appraised), fd.max, f"{fd.label} – Thẩm định")]
    for col, top, label in ((lay.bonus, cset.bonus_max, "Điểm thưởng"), (lay.penalty, cset.penalty_max, "Điểm trừ")):
        if col and top is not None:
            inputs.append((c(col), top, label))
    parts = [F.score_flags(inputs)]
    appraised = []
    for i, (fd, fc) in enumerate(zip(cset.fields, lay.fields)):
        if fd.max == 0:  # scored by the survey alone: nothing to appraise (scoring.gaps)
            continue
        if lay.field_from_detail(i):
            dl = section.detail
            blank = F.appraised_blank(c(fc.appraised), c(lay.detail_row), dl.index_range(dl.index[fd.code].blank_leaves))
        else:
            blank = F.appraised_blank(c(fc.appraised))
        appraised.append((blank, fd.name))
    parts.append(F.appraised_missing(appraised))
    if lay.survey_row:
        sl = section.survey
        blanks = [(f'{c(fc.survey)}=""', fd.name) for fd, fc in zip(cset.fields, lay.fields) if fc.survey]
        parts.append(F.survey_gaps(c(lay.survey_row), blanks, sl.column_range(sl.check), sl.sheet))
    if lay.detail_row:
        dl = section.detail
        parts.append(F.detail_pointer(c(lay.detail_row), dl.column_range(dl.check), dl.block_size, dl.sheet))
    return F.unit_gaps(F.is_unit(c(lay.name), [c(col) for col, _ in lay.number_input_cols()]), parts)


def _others(section: L.Section, row: int, districts: L.Section | None = None) -> str:
    """The Kiểm tra messages that do not keep a unit from being ranked: a district or a detail block
    that matches nothing."""
    lay = section.summary
    parts = []
    if lay.district and districts:
        dl = districts.summary
        parts.append(F.district_unknown(a1(lay.district, row), dl.column_range(dl.name), dl.sheet))
    if lay.detail_row:
        parts.append(F.detail_missing(a1(lay.name, row), a1(lay.detail_row, row), section.detail.sheet))
    return F.messages(parts)


def _formats(ws, section: L.Section) -> None:
    """Validation per field maximum; highlights: text, out of range, appraised above/≠ self, blanks."""
    cset, lay = section.cset, section.summary
    r1, r2 = lay.first_row, lay.last_row
    col_rng = lambda col: f"{L.col_letter(col)}{r1}:{L.col_letter(col)}{r2}"  # noqa: E731
    for k, (fd, fc) in enumerate(zip(cset.fields, lay.fields)):
        if lay.field_from_detail(k):
            continue
        sqref = f"{col_rng(fc.self_col)} {col_rng(fc.appraised)}"
        validate_score(ws, sqref, fd.max, f"{fd.name} (tối đa {format_vn_short(fd.max)} điểm)")
        first = a1(fc.self_col, r1)
        cf(ws, sqref, F.cf_text(first), **CF_TEXT)
        cf(ws, sqref, F.cf_out_of_range(first, F.num(fd.max)), **CF_RANGE)
    for col, top, what in ((lay.bonus, cset.bonus_max, "Điểm thưởng"), (lay.penalty, cset.penalty_max, "Điểm trừ")):
        if col and top is not None:
            validate_score(ws, col_rng(col), top, what)
    appraised = " ".join(col_rng(fc.appraised) for fc in lay.fields)
    a, s = a1(lay.fields[0].appraised, r1), a1(lay.fields[0].self_col, r1)
    cf(ws, appraised, F.cf_above(a, s), **CF_ABOVE)
    cf(ws, appraised, F.cf_differs(a, s), **CF_DIFF)
    inputs = " ".join(col_rng(col) for col, _ in lay.number_input_cols())
    if inputs:
        first = L.col_letter(lay.number_input_cols()[0][0])
        cf(ws, inputs, F.cf_blank(f"${L.col_letter(lay.name)}{r1}", f"{first}{r1}"), **CF_BLANK)
    prompt(ws, " ".join(col_rng(col) for col in (lay.name, lay.district) if col), "Tên đơn vị", NAME_PROMPT)
    prompt(ws, col_rng(lay.note), "Ghi chú thẩm định", "Lý do Thẩm định khác Tự chấm (ô tô cam nhạt khi còn thiếu).")
    # the note is due where Thẩm định differs from Tự chấm (core check "reason-missing")
    typed = [(a1(fc.appraised, r1), a1(fc.self_col, r1)) for k, fc in enumerate(lay.fields) if not lay.field_from_detail(k)]
    if typed:
        cf(ws, col_rng(lay.note), F.cf_note_due(a1(lay.note, r1), typed), **CF_DIFF)
