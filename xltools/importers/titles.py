"""What a table's title says: level, year, province, district (wordings in xltools/data/places.yaml).

Titles only choose a criteria set and label a table; they never decide how its columns are read.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

import yaml

from ..core.names import fold

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def words(text: str) -> str:
    """' so ban nganh cap tinh ': folded, punctuation as spaces, padded for whole-word search."""
    return f" {_NOT_ALNUM.sub(' ', fold(text)).strip()} "


@cache
def places() -> dict:
    text = resources.files("xltools.data").joinpath("places.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def province_names() -> list[str]:
    """Every province and centrally-run city, current and former, once each."""
    data = places()
    return list(dict.fromkeys(data["current"] + data["former"]))


@cache
def _province_spellings() -> list[tuple[str, str]]:
    """(folded spelling, display name), longest spelling first."""
    data = places()
    pairs = [(words(name), name) for name in province_names()]
    pairs += [(words(alias), name) for name, aliases in data["aliases"].items() for alias in aliases]
    return sorted(set(pairs), key=lambda p: -len(p[0]))


@cache
def _level_marks() -> list[tuple[str, str]]:
    """(level, folded wording) in places.yaml order."""
    return [(level, words(mark)) for level, marks in places()["levels"].items() for mark in marks]


@cache
def _province_prefixes() -> list[str]:
    return [words(p) for p in places()["province_prefixes"]]


def detect_level(title: str) -> str | None:
    """The level whose wording ends last in the title (at the same end, the longer wording)."""
    t = words(title)
    best = None
    for level, m in _level_marks():
        at = t.rfind(m)
        if at >= 0:
            candidate = (at + len(m), len(m), level)
            best = max(best, candidate) if best else candidate
    return best[2] if best else None


_DATE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|"
                   r"tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|ngày\s+tháng\s+\d{0,2}\s*năm\s+\d{4}",
                   re.IGNORECASE)
_YEAR_MARKS = (re.compile(r"năm\s+(20\d\d)(?!\d)", re.IGNORECASE),
               re.compile(r"PAR\s*INDEX\s*(20\d\d)(?!\d)", re.IGNORECASE),
               re.compile(r"(?<![\d/.-])(20\d\d)(?![\d/-])"))


def detect_year(title: str) -> int | None:
    """'năm 2023', else 'PAR INDEX 2023', else a lone 2023; dates ('ngày 15 tháng 3 năm 2024') are
    the decision's date, not the year scored, and are skipped."""
    text = _DATE.sub(" ", title)
    for mark in _YEAR_MARKS:
        years = mark.findall(text)
        if years:
            return int(years[-1])
    return None


@lru_cache(maxsize=64)  # a form's reader asks it of the same document text more than once
def detect_province(text: str) -> str:
    """The first province named after 'tỉnh', 'thành phố', 'TP', 'UBND' (longest spelling at a place)."""
    t = words(text)
    # where a name may start: right after a prefix (a spelling begins with the space that ends it)
    starts = sorted({at + len(p) - 1 for p in _province_prefixes() for at in _find_all(t, p)})
    for at in starts:  # the first place; there the longest spelling
        for spelling, name in _province_spellings():
            if t.startswith(spelling, at):
                return name
    return ""


def _find_all(text: str, part: str):
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


_DISTRICT = re.compile(r"(?:Ủy ban nhân dân|UBND|Phòng Nội vụ)\s+(thành phố|huyện|thị xã|quận)\s+"
                       r"((?:[A-ZĐ][\wÀ-ỹ]*\s?){1,3})", re.IGNORECASE)


def detect_district(text: str) -> str | None:
    """'... của Ủy ban nhân dân Thành phố Bắc Kạn)' -> 'Thành phố Bắc Kạn'."""
    for m in _DISTRICT.finditer(text):
        found = [w.capitalize() if w.isupper() else w for w in m.group(2).split() if w[0].isupper()]
        if found:
            return f"{m.group(1).capitalize()} {' '.join(found)}"
    return None


_YEAR_RANGE = re.compile(r"(?<!\d)(20\d\d)\s*[-–—]\s*(20\d\d)(?!\d)")


def detect_years(text: str) -> list[int]:
    """The years a criteria set applies to: 'giai đoạn 2023-2025' -> [2023, 2024, 2025], else the year found."""
    m = _YEAR_RANGE.search(_DATE.sub(" ", text))
    if m and int(m.group(1)) <= int(m.group(2)) <= int(m.group(1)) + 10:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    year = detect_year(text)
    return [year] if year else []
