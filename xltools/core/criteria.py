"""Criteria sets (Bộ tiêu chí) as plain data: fields, maxima, criteria trees, class bands.

A set arrives as a dict (read from a YAML file by xltools.catalog) and is validated here, so that
a province's new set is a new data file and a mistake in it is reported with the place it is in.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..errors import UserError
from .numbers import NumberError, parse_score

LEVELS = {
    "bo": "bộ, cơ quan ngang bộ",
    "tinh": "tỉnh",
    "so": "sở, ban, ngành",
    "huyen": "UBND huyện, thành phố",
    "xa": "UBND xã, phường, thị trấn",
}
# Since 1 July 2025 a province has communes (xã, phường, đặc khu) directly under it: no thị trấn, no district.
TWO_TIER_FROM = 2025
TWO_TIER_COMMUNES = "UBND xã, phường, đặc khu"

# The class labels in the order of merit; bands of a set are a subset of these or their own labels.
CLASS_ORDER = ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")


class CriteriaError(UserError, ValueError):
    """A criteria set that does not hold together; `problems` lists each place and what is wrong."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Bộ tiêu chí {source} không hợp lệ:\n{lines}")


@dataclass(frozen=True)
class Field:
    """A lĩnh vực: self-assessed (and appraised) maximum, and the survey maximum (0 when none)."""

    code: str
    name: str
    max: Decimal
    survey_max: Decimal = Decimal(0)
    short: str = ""

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max: Decimal
    survey: bool = False
    children: tuple[Criterion, ...] = ()

    def walk(self) -> Iterator[Criterion]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def depth(self) -> int:
        return self.code.count(".")


@dataclass(frozen=True)
class Band:
    label: str
    min: Decimal  # inclusive lower bound (points, or percent when the set says so)


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    province: str
    level: str
    years: tuple[int, ...]
    decision: str
    fields: tuple[Field, ...]
    bands: tuple[Band, ...]  # highest first
    decimals: int = 3
    bands_basis: str = "points"  # or "percent" of the set's maximum
    district_rule: bool = False
    bonus_max: Decimal | None = None
    penalty_max: Decimal | None = None
    criteria: tuple[Criterion, ...] = ()
    title: str = ""
    source: str = dc_field(default="", compare=False)
    total_max: Decimal | None = None  # the maximum of a set without fields (a table of totals only)

    @cached_property
    def self_max(self) -> Decimal:
        return sum((f.max for f in self.fields), Decimal(0))

    @cached_property
    def survey_max(self) -> Decimal:
        return sum((f.survey_max for f in self.fields), Decimal(0))

    @cached_property
    def max_total(self) -> Decimal:
        if not self.fields:
            return self.total_max or Decimal(0)
        return self.self_max + self.survey_max + (self.bonus_max or 0)

    @property
    def totals_only(self) -> bool:
        """A set for tables of totals only: no fields, the printed totals are the scores."""
        return not self.fields

    @cached_property
    def has_survey(self) -> bool:
        return self.survey_max > 0

    @property
    def has_bonus(self) -> bool:
        return self.bonus_max is not None or self.penalty_max is not None

    @property
    def level_label(self) -> str:
        if self.level == "xa" and self.years and min(self.years) >= TWO_TIER_FROM:
            return TWO_TIER_COMMUNES
        return LEVELS.get(self.level, self.level)

    def band_labels(self) -> list[str]:
        return [b.label for b in self.bands]

    def criteria_by_code(self) -> dict[str, Criterion]:
        return dict(self._by_code)

    def leaves(self) -> list[Criterion]:
        return list(self._leaves)

    # The set is frozen: what is derived from it is computed once (cached_property writes the instance's
    # __dict__, which a frozen dataclass allows; dataclasses.replace makes a new instance, a new cache).
    @cached_property
    def _by_code(self) -> dict[str, Criterion]:
        return {c.code: c for top in self.criteria for c in top.walk()}

    @cached_property
    def _leaves(self) -> tuple[Criterion, ...]:
        return tuple(c for top in self.criteria for c in top.walk() if not c.children)


def class_rank(label: str, cset: CriteriaSet | None = None) -> int:
    """Smaller is better. Known labels use CLASS_ORDER; others their place among the set's bands."""
    if label in CLASS_ORDER:
        return CLASS_ORDER.index(label)
    if cset is not None and label in cset.band_labels():
        return cset.band_labels().index(label)
    return len(CLASS_ORDER)


# ---------------------------------------------------------------- loading from plain data

def from_dict(data: dict[str, Any], source: str = "") -> CriteriaSet:
    """Build and validate a set; raises CriteriaError naming the file and every problem found."""
    problems: list[str] = []

    def num(value: Any, where: str) -> Decimal:
        return _points(value, where, problems)

    def required(key: str) -> Any:
        if key not in data or data[key] in (None, ""):
            problems.append(f"thiếu khóa '{key}'.")
            return None
        return data[key]

    set_id = str(required("id") or "?")
    level = str(required("level") or "")
    if level and level not in LEVELS:
        problems.append(f"level '{level}' không hợp lệ; dùng một trong: {', '.join(LEVELS)}.")
    years = data.get("years") or []
    if isinstance(years, int):
        years = [years]

    fields = []
    for i, f in enumerate(required("fields") or [], start=1):
        where = f"fields[{i}]"
        if not isinstance(f, dict) or not f.get("name"):
            problems.append(f"{where}: cần có 'name' và 'max'.")
            continue
        fields.append(Field(
            code=str(f.get("code", i)),
            name=str(f["name"]),
            max=num(f.get("max"), f"{where} ({f['name']}).max"),
            survey_max=num(f.get("survey_max", 0), f"{where} ({f['name']}).survey_max"),
            short=str(f.get("short", "")),
        ))
    codes = [f.code for f in fields]
    if len(set(codes)) != len(codes):
        problems.append(f"fields: mã lĩnh vực bị trùng: {codes}.")

    bands = _bands(required("bands") or [], num, problems)

    basis = str(data.get("bands_basis", "points"))
    if basis not in ("points", "percent"):
        problems.append("bands_basis phải là 'points' hoặc 'percent'.")

    criteria = tuple(_criterion(c, f"criteria[{i}]", num, problems)
                     for i, c in enumerate(data.get("criteria") or [], start=1))
    if criteria:
        _check_tree(criteria, fields, problems)

    total = data.get("total")
    declared = num(total, "total") if total is not None else None
    if declared is not None and fields:
        actual = sum((f.max + f.survey_max for f in fields), Decimal(0))
        if declared != actual:
            problems.append(f"total: khai báo {declared} nhưng tổng điểm tối đa các lĩnh vực là {actual}.")
    if not fields and basis == "percent" and not declared:
        problems.append("bộ tiêu chí chỉ có tổng điểm (fields rỗng) xếp loại theo phần trăm cần 'total' "
                        "(điểm tối đa).")

    decimals = data.get("decimals", 3)
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        problems.append("decimals phải là số nguyên từ 0 đến 6.")
        decimals = 3

    bp = data.get("bonus_penalty") or {}
    if problems:
        raise CriteriaError(source or set_id, problems)
    return CriteriaSet(
        id=set_id,
        province=str(data.get("province", "")),
        level=level,
        years=tuple(int(y) for y in years),
        decision=str(data.get("decision", "")),
        fields=tuple(fields),
        bands=tuple(bands),
        decimals=decimals,
        bands_basis=basis,
        district_rule=bool(data.get("district_rule", False)),
        bonus_max=parse_score(bp["bonus_max"]) if "bonus_max" in bp else None,
        penalty_max=parse_score(bp["penalty_max"]) if "penalty_max" in bp else None,
        criteria=criteria,
        title=str(data.get("title", "")),
        source=source,
        total_max=declared if not fields else None,
    )


def _points(value: Any, where: str, problems: list[str]) -> Decimal:
    """A maximum, total or band minimum: points from 0 up; a problem is listed, 0 stands in."""
    try:
        result = parse_score(value)
    except NumberError as exc:
        problems.append(f"{where}: {exc}")
        return Decimal(0)
    if result is None:
        problems.append(f"{where}: thiếu giá trị.")
        return Decimal(0)
    if result < 0:
        problems.append(f"{where}: {result} là số âm; hãy nhập số điểm từ 0 trở lên.")
    return result


def _bands(items: list[Any], num: Callable[[Any, str], Decimal], problems: list[str]) -> tuple[Band, ...]:
    """Class bands, highest first, each above the next, the lowest from 0, labels distinct."""
    bands: list[Band] = []
    for i, b in enumerate(items, start=1):
        if not isinstance(b, dict) or "label" not in b or "min" not in b:
            problems.append(f"bands[{i}]: cần có 'label' và 'min'.")
            continue
        bands.append(Band(str(b["label"]), num(b["min"], f"bands[{i}] ({b['label']}).min")))
    for upper, lower in zip(bands, bands[1:]):
        if not upper.min > lower.min:
            problems.append(
                f"bands: mức '{upper.label}' (từ {upper.min}) phải cao hơn mức '{lower.label}' (từ {lower.min}); "
                "hãy xếp các mức từ cao xuống thấp."
            )
    if bands and bands[-1].min != 0:
        problems.append(f"bands: mức thấp nhất '{bands[-1].label}' phải bắt đầu từ 0.")
    labels = [b.label for b in bands]
    if len(set(labels)) != len(labels):
        problems.append(f"bands: tên mức xếp loại bị trùng: {labels}.")
    return tuple(bands)


def parse_bands(text: str) -> tuple[Band, ...]:
    """'Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;Yếu:0' (label:lower bound, highest first) as bands."""
    problems: list[str] = []
    items: list[Any] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        label, sep, low = part.rpartition(":")
        if not sep or not label.strip():
            problems.append(f"'{part}': cần dạng 'Tên mức:điểm thấp nhất', ví dụ 'Tốt:80'.")
            continue
        items.append({"label": label.strip(), "min": low.strip()})

    bands = _bands(items, lambda value, where: _points(value, where, problems), problems)
    if not bands and not problems:
        problems.append("không có mức nào; ví dụ --bands \"Tốt:80;Khá:70;Trung bình:50;Yếu:0\".")
    if problems:
        raise CriteriaError("--bands", problems)
    return bands


def totals_only_set(decimals: int, bands: tuple[Band, ...] = (), province: str = "", level: str = "",
                    years: tuple[int, ...] = ()) -> CriteriaSet:
    """A set for a table of totals only that no criteria set fits: no fields, the printed totals are
    ranked; without bands the printed classes are kept (and reported as not checked)."""
    return CriteriaSet(id="", province=province, level=level, years=years, decision="", fields=(), bands=bands,
                       decimals=decimals)


def _criterion(data: Any, where: str, num: Callable[[Any, str], Decimal], problems: list[str]) -> Criterion:
    if not isinstance(data, dict) or "code" not in data or "name" not in data:
        problems.append(f"{where}: cần có 'code', 'name' và 'max'.")
        return Criterion("?", "?", Decimal(0))
    code = str(data["code"])
    children = tuple(_criterion(c, f"{where} > {c.get('code', '?') if isinstance(c, dict) else '?'}", num, problems)
                     for c in data.get("children") or [])
    return Criterion(code=code, name=str(data["name"]), max=num(data.get("max"), f"tiêu chí {code}.max"),
                     survey=bool(data.get("survey", False)), children=children)


def _check_tree(criteria: Iterable[Criterion], fields: list[Field], problems: list[str]) -> None:
    seen = set()
    for top in criteria:
        for node in top.walk():
            if node.code in seen:
                problems.append(f"tiêu chí {node.code}: mã bị trùng.")
            seen.add(node.code)
            if node.children:
                total = sum((c.max for c in node.children), Decimal(0))
                if total != node.max:
                    problems.append(
                        f"tiêu chí {node.code}: điểm tối đa {node.max} nhưng tổng các tiêu chí con là {total}."
                    )
                for child in node.children:
                    if child.code.rsplit(".", 1)[0] != node.code:
                        problems.append(f"tiêu chí {child.code}: không phải mã con của {node.code}.")
    by_code = {f.code: f for f in fields}
    for top in criteria:
        f = by_code.get(top.code)
        if f is None:
            problems.append(f"tiêu chí {top.code}: không có lĩnh vực mã {top.code} trong 'fields'.")
            continue
        leaves = [c for c in top.walk() if not c.children]
        self_max = sum((c.max for c in leaves if not c.survey), Decimal(0))
        survey_max = sum((c.max for c in leaves if c.survey), Decimal(0))
        if self_max != f.max or survey_max != f.survey_max:
            problems.append(
                f"lĩnh vực {f.code}: khai báo tối đa {f.max} (XHH {f.survey_max}) nhưng cây tiêu chí cho "
                f"{self_max} (XHH {survey_max})."
            )
