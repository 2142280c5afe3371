"""One source for every official text: appendix numerals and titles, the decision line, level names,
the column labels of the ranking table and the rule of which columns a set has.

The workbook builder and the publishers (Word, Excel appendix, report) all read their words here, so
the workbook a council types into and the appendix a province signs print the same titles and
headers. Plain data in, strings out: no openpyxl, no python-docx.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .core.criteria import TWO_TIER_FROM, CriteriaSet
from .core.numbers import format_vn_short

DOTS = "……"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# How a title names the units of a level: "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC <SUBJECT> NĂM 2024".
LEVEL_SUBJECT = {
    "bo": "CÁC BỘ, CƠ QUAN NGANG BỘ",
    "tinh": "TỈNH {province}",
    "so": "CÁC SỞ, BAN, NGÀNH",
    "huyen": "CÁC HUYỆN, THÀNH PHỐ",
    "xa": "UBND CÁC XÃ, PHƯỜNG, THỊ TRẤN",
}

# How running text names them ("… Chỉ số cải cách hành chính các sở, ban, ngành năm 2024").
LEVEL_PHRASE = {
    "bo": "các bộ, cơ quan ngang bộ",
    "tinh": "tỉnh {province}",
    "so": "các sở, ban, ngành",
    "huyen": "UBND các huyện, thành phố",
    "xa": "UBND các xã, phường, thị trấn",
}

# Since 1 July 2025 a province has communes (xã, phường, đặc khu) directly under it: no thị trấn, no district.
TWO_TIER_SUBJECT = "UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU"
TWO_TIER_PHRASE = "UBND các xã, phường, đặc khu"

TITLE = "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC"
INCOMPLETE = "Chưa đủ điểm"  # the Xếp hạng sheet's mark for a unit that takes no rank yet


def numeral(index: int) -> str:
    """0 -> 'I', 1 -> 'II', …; past the table, the arabic number."""
    return ROMAN[index] if 0 <= index < len(ROMAN) else str(index + 1)


def appendix_heading(index: int) -> str:
    return f"PHỤ LỤC {numeral(index)}"


def two_tier(cset: CriteriaSet, year: int | None = None) -> bool:
    """The scoring year (the table's, else the set's) is after the 2025 reform: no districts, no thị trấn."""
    years = [year] if year else list(cset.years)
    return bool(years) and min(years) >= TWO_TIER_FROM


def subject(cset: CriteriaSet, year: int | None = None) -> str:
    if cset.level == "xa" and two_tier(cset, year):
        return TWO_TIER_SUBJECT
    return LEVEL_SUBJECT.get(cset.level, cset.level_label.upper()).format(province=cset.province.upper())


def level_phrase(cset: CriteriaSet, year: int | None = None) -> str:
    if cset.level == "xa" and two_tier(cset, year):
        return TWO_TIER_PHRASE
    return LEVEL_PHRASE.get(cset.level, cset.level_label).format(province=cset.province)


def appendix_title(cset: CriteriaSet, year: int | None) -> str:
    """'XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM 2024' (dots for an unknown year)."""
    return f"{TITLE} {subject(cset, year)} NĂM {year or DOTS}"


# ---------------------------------------------------------------- the decision line

LOCAL_PREFIXES = (("tp.", "thành phố"), ("tp", "thành phố"), ("thành phố", "thành phố"), ("huyện", "huyện"),
                  ("thị xã", "thị xã"), ("quận", "quận"))


def local_authority(district: str) -> str:
    """'Thành phố Bắc Kạn' / 'TP Bắc Kạn' -> 'UBND thành phố Bắc Kạn'; 'Huyện Na Rì' -> 'UBND huyện Na Rì'."""
    text = " ".join(district.split())
    for prefix, word in LOCAL_PREFIXES:
        if text.lower().startswith(prefix + " ") or (prefix.endswith(".") and text.lower().startswith(prefix)):
            return f"UBND {word} {text[len(prefix):].strip()}"
    return f"UBND {text}"


def issuing_authority(cset: CriteriaSet, districts: Iterable[str | None] = (), province: str | None = None,
                      year: int | None = None) -> str:
    """Who issues the decision: for the communes of one district, that district's UBND; otherwise the
    province's (communes of several districts, or since 2025 a two-tier province); dots when unknown."""
    named = {" ".join(d.split()) for d in districts if d and d.strip()}
    if cset.level == "xa" and len(named) == 1 and not two_tier(cset, year):
        return local_authority(named.pop())
    if cset.level == "xa" and not named and not two_tier(cset, year):
        return f"UBND {DOTS}"
    return province_authority(province or cset.province)


# The centrally-run cities (thành phố trực thuộc trung ương) since 1 July 2025: their UBND is "UBND thành phố".
CITIES = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")


def province_authority(province: str | None) -> str:
    """'UBND tỉnh Tuyên Quang', 'UBND thành phố Hải Phòng'; dots when the province is unknown."""
    if not province:
        return f"UBND {DOTS}"
    return f"UBND {'thành phố' if province in CITIES else 'tỉnh'} {province}"


def date_parts(date: str) -> tuple[int, int, int] | None:
    """(day, month, year) of '15/12/2024', '15.12.2024' or '2024-12-15'; None for other text."""
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", date)
    iso = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", date)
    if not (m or iso):
        return None
    day, month, year = (int(x) for x in (m.groups() if m else reversed(iso.groups())))
    return day, month, year


def date_text(date: str | None, year: int | None = None) -> str:
    """'15/12/2024' or '2024-12-15' -> '15 tháng 12 năm 2024' (Nghị định 30: 0 before days < 10 and
    months 1, 2); other text is kept as given; nothing -> dots, with the year when it is known."""
    if not date:
        return f"{DOTS} tháng {DOTS} năm {year or DOTS}"
    parts = date_parts(date)
    if parts is None:
        return date.strip()
    day, month, year_ = parts
    day_text = f"{day:02d}" if day < 10 else str(day)
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"{day_text} tháng {month_text} năm {year_}"


def decision_line(cset: CriteriaSet, year: int | None, number: str | None = None, date: str | None = None,
                  issuer: str | None = None, districts: Iterable[str | None] = (), province: str | None = None) -> str:
    """'(Kèm theo Quyết định số ……/QĐ-UBND ngày …… tháng …… năm 2024 của UBND tỉnh Bắc Kạn)'."""
    number = (number or "").strip() or DOTS
    if "/" not in number:
        number = f"{number}/QĐ-UBND"
    issuer = (issuer or "").strip() or issuing_authority(cset, districts, province, year)
    return f"(Kèm theo Quyết định số {number} ngày {date_text(date, year)} của {issuer})"


# ---------------------------------------------------------------- columns

@dataclass(frozen=True)
class Label:
    key: str  # stt, name, district, f1.self, f1.appraised, f1.survey, self_total, …, total, percent, rank, class
    label: str  # second header row ("Tự chấm (9)"); the only label when group is ""
    group: str = ""  # first header row, merged over the columns that share it


def shows_percent(cset: CriteriaSet) -> bool:
    """The index as a percentage of the maximum ('Tỷ lệ (%)') where the maximum is not 100."""
    return cset.max_total != 100


def shows_total(cset: CriteriaSet) -> bool:
    """A 'Tổng cộng' column of its own where it is not just the appraised total (survey or bonus)."""
    return cset.has_survey or cset.has_bonus


def field_labels(cset: CriteriaSet, index: int) -> list[Label]:
    """Per field: Tự chấm, Thẩm định (with the maximum) and ĐT XHH where the field has survey points;
    without survey the maximum goes to the field's own header, as the commune tables print it."""
    f = cset.fields[index]
    i = index + 1
    mx = format_vn_short(f.max)
    if not cset.has_survey:
        group = f"{f.name} (Tối đa {mx} điểm)"
        return [Label(f"f{i}.self", "Tự chấm", group), Label(f"f{i}.appraised", "Thẩm định", group)]
    out = [Label(f"f{i}.self", f"Tự chấm ({mx})", f.name), Label(f"f{i}.appraised", f"Thẩm định ({mx})", f.name)]
    if f.survey_max > 0:
        out.append(Label(f"f{i}.survey", f"ĐT XHH ({format_vn_short(f.survey_max)})", f.name))
    return out


TOTAL_LABEL = "Tổng cộng"
DISTRICT_LABEL = "Thuộc huyện, thành phố"
RULE_LABEL = "Xếp loại sau quy tắc 2/3 số xã"
TOTALS_ONLY_PART = {"self_total": "Tự chấm", "appraised_total": "Thẩm định", "survey_total": "ĐT XHH"}
RULE_HEAD = "Sau quy tắc 2/3"  # the same column where space is short: text tables, the council's movement list


def total_label(cset: CriteriaSet) -> str:
    return f"{TOTAL_LABEL} ({format_vn_short(cset.max_total)})"


def table_labels(cset: CriteriaSet, district: bool = False, class_after_rule: bool = False,
                 printed_parts: tuple[str, ...] = ()) -> list[Label]:
    """The official ranking table of a set, left to right: STT, TÊN ĐƠN VỊ, the fields, the totals block,
    then Tổng cộng, Tỷ lệ (%), Xếp hạng, Xếp loại (and the class after the district rule). A table of
    printed totals (a totals-only set) shows the totals it prints (`printed_parts`: self_total,
    appraised_total, survey_total) and Tổng điểm."""
    cols = [Label("stt", "STT"), Label("name", "TÊN ĐƠN VỊ")]
    if district:
        cols.append(Label("district", DISTRICT_LABEL))
    if cset.totals_only:
        ranking = "Kết quả xếp hạng và phân loại"
        parts = [Label(k, TOTALS_ONLY_PART[k], "Tổng điểm") for k in printed_parts]
        cols += parts + [Label("total", TOTAL_LABEL if parts else "Tổng điểm", "Tổng điểm" if parts else "")]
        return cols + [Label("rank", "Xếp hạng", ranking), Label("class", "Xếp loại", ranking)]
    for i in range(len(cset.fields)):
        cols += field_labels(cset, i)
    smax, vmax = format_vn_short(cset.self_max), format_vn_short(cset.survey_max)
    if cset.has_survey:
        totals, ranking = "Tổng điểm", "Xếp hạng, phân loại"
        cols += [Label("self_total", f"Tự chấm ({smax})", totals), Label("appraised_total", f"Thẩm định ({smax})", totals),
                 Label("survey_total", f"ĐT XHH ({vmax})", totals)]
    else:
        totals = f"Tổng điểm (Tối đa {format_vn_short(cset.max_total)} điểm)"
        ranking = "Kết quả xếp hạng và phân loại"
        cols += [Label("self_total", "Tự chấm", totals), Label("appraised_total", "Thẩm định", totals)]
    if cset.has_bonus:
        cols += [Label("bonus", f"Điểm thưởng ({format_vn_short(cset.bonus_max or 0)})", totals),
                 Label("penalty", f"Điểm trừ ({format_vn_short(cset.penalty_max or 0)})", totals)]
    if shows_total(cset):
        cols.append(Label("total", total_label(cset), ranking))
    if shows_percent(cset):
        cols.append(Label("percent", "Tỷ lệ (%)", ranking))
    cols += [Label("rank", "Xếp hạng", ranking), Label("class", "Xếp loại", ranking)]
    if class_after_rule:
        cols.append(Label("class_after_rule", RULE_LABEL, ranking))
    return cols


def header_spans(labels: list) -> list[tuple[str, int, int]]:
    """(group label, first, last) for runs of columns sharing a group; ('', i, i) for single columns,
    whose label spans both header rows. Works on anything with a .group."""
    spans: list[tuple[str, int, int]] = []
    for i, c in enumerate(labels):
        if c.group and spans and spans[-1][0] == c.group and spans[-1][2] == i - 1:
            spans[-1] = (c.group, spans[-1][1], i)
        else:
            spans.append((c.group, i, i))
    return spans


# ---------------------------------------------------------------- the report

def report_title(phrases: list[str], years: list[int]) -> str:
    return (f"Kết quả xếp hạng và phân loại Chỉ số cải cách hành chính {'; '.join(dict.fromkeys(phrases))} "
            f"năm {', '.join(map(str, years)) or DOTS}")


def level_heading(numeral_text: str, cset: CriteriaSet, year: int | None) -> str:
    return f"{numeral_text}. KẾT QUẢ CHỈ SỐ CCHC {subject(cset, year)} NĂM {year or DOTS}"


# ---------------------------------------------------------------- the report's thể thức (Nghị định 30/2020)

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
REPORT = "BÁO CÁO"
SIGNER_DOTS = "…………………"


def default_agency(levels: list[str], two_tier_years: bool = False) -> str:
    """Who appraises and reports: the province's Sở Nội vụ; for communes alone before 2025, the district's Phòng
    Nội vụ (a two-tier province has no district: its Sở Nội vụ appraises the communes)."""
    return "PHÒNG NỘI VỤ" if levels and set(levels) == {"xa"} and not two_tier_years else "SỞ NỘI VỤ"


def agency_code(agency: str) -> str:
    """'SỞ NỘI VỤ' -> 'SNV' (the part of the số và ký hiệu after 'BC-')."""
    letters = [unicodedata.normalize("NFD", w[0])[0] for w in agency.replace(",", " ").split() if w[0].isalpha()]
    return "".join(letters).upper() or DOTS


def default_position(agency: str) -> str:
    return "TRƯỞNG PHÒNG" if agency.upper().startswith("PHÒNG") else "GIÁM ĐỐC"


def report_number(number: str | None, agency: str) -> str:
    """'Số: ……/BC-SNV'; a given number without '/' gets the ký hiệu of the agency."""
    number = (number or "").strip() or DOTS
    if "/" not in number:
        number = f"{number}/BC-{agency_code(agency)}"
    return f"Số: {number}"


def place_date(place: str | None, date: str | None) -> str:
    """'Bắc Kạn, ngày …… tháng …… năm ……' (the địa danh and ngày tháng năm)."""
    return f"{(place or '').strip() or DOTS}, ngày {date_text(date)}"


DEFAULT_RECIPIENTS = ("UBND tỉnh (b/c)", "Các đơn vị được đánh giá", "Lưu: VT")


def default_recipients(province: str | None) -> list[str]:
    """Nơi nhận: the province's UBND ('UBND thành phố (b/c)' for a centrally-run city), the units, the archive."""
    first = "UBND thành phố (b/c)" if province in CITIES else DEFAULT_RECIPIENTS[0]
    return [first, *DEFAULT_RECIPIENTS[1:]]
