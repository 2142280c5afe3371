"""Which field (lĩnh vực) of a criteria set a table's header names: 'Cải cách TTHC', 'XD&PT CQĐT, CQS',
'Thể chế', 'LV3' and '3' all name field 3 of a set whose field 3 is 'Cải cách thủ tục hành chính'.

Tables order and abbreviate their field columns as each province likes, so a column is matched to the
set by its words, never assumed from its position. A header matches a field when most of what it
says (words weighted by how rare they are among the set's fields: 'cải cách' says little) is in that
field's name, and clearly more than in any other field's name.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .criteria import CriteriaSet, Field
from .names import fold
from .numbers import clean

# Abbreviations of the words field names are made of (folded).
_ABBREVIATIONS = {
    "cchc": "cai cach hanh chinh", "tthc": "thu tuc hanh chinh", "hc": "hanh chinh", "hcc": "hanh chinh cong",
    "xd": "xay dung", "pt": "phat trien", "cqdt": "chinh quyen dien tu", "cqs": "chinh quyen so",
    "cq": "chinh quyen", "dt": "dien tu", "bm": "bo may", "tcbm": "to chuc bo may", "cdcv": "che do cong vu",
    "cv": "cong vu", "tcc": "tai chinh cong", "dh": "dieu hanh", "cd": "chi dao", "cddh": "chi dao dieu hanh",
    "ktxh": "kinh te xa hoi", "kt": "kinh te", "xh": "xa hoi", "nd": "nguoi dan", "dn": "doanh nghiep",
    "cbccvc": "can bo cong chuc vien chuc", "cbcc": "can bo cong chuc",
}
_NOISE = {"va", "cua", "linh", "vuc", "lv", "diem", "toi", "da", "td", "max"}  # words that name no field
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
          "x": "10", "xi": "11", "xii": "12"}
SURE = 0.6  # share of the header's weight a field must hold
MARGIN = 0.25  # ... and by how much more than the next field


def words(text: str) -> set[str]:
    """'XD&PT CQĐT, CQS (tối đa 21)' -> {'xay', 'dung', 'phat', 'trien', 'chinh', 'quyen', 'dien', 'tu', 'so'}."""
    text = fold(clean(text)).replace("&", " ").replace("kt-xh", "ktxh").replace("kt - xh", "ktxh")
    out: set[str] = set()
    for word in re.findall(r"[a-z]+", text):  # numbers are maxima, codes or dates: they name no field
        out.update(_ABBREVIATIONS.get(word, word).split())
    return out - _NOISE


def _code(label: str) -> str | None:
    """'3', 'LV3', 'Lĩnh vực 3', 'III', '3.' -> '3': a header that is only a field's code."""
    f = fold(clean(label)).strip(" .:")
    f = re.sub(r"^(linh vuc|lv|field)\s*", "", f).strip(" .:")
    if re.fullmatch(r"\d{1,2}", f):
        return f
    return _ROMAN.get(f)


class FieldMatcher:
    """The set's fields by their words; `index(label)` is the field a header names, or None."""

    def __init__(self, fields: Sequence[Field]):
        self.fields = list(fields)
        self.words = [words(f.name) | words(f.short) for f in self.fields]
        counts: dict[str, int] = {}
        for ws in self.words:
            for w in ws:
                counts[w] = counts.get(w, 0) + 1
        self.weight = {w: 1 / n for w, n in counts.items()}

    def index(self, label: str) -> int | None:
        code = _code(label)
        if code is not None:
            by_code = [i for i, f in enumerate(self.fields) if f.code == code]
            return by_code[0] if len(by_code) == 1 else None
        said = words(label)
        total = sum(self.weight.get(w, 1.0) for w in said)
        if not total:
            return None
        shares = sorted(((sum(self.weight[w] for w in said & ws) / total, i) for i, ws in enumerate(self.words)),
                        reverse=True)
        best, index = shares[0]
        runner_up = shares[1][0] if len(shares) > 1 else 0.0
        return index if best >= SURE and best - runner_up >= MARGIN else None


def field_index(label: str, cset: CriteriaSet) -> int | None:
    """'1', 'LV1', 'Lĩnh vực 1', 'Cải cách thể chế', 'Thể chế', 'Cải cách TTHC' -> the field's index."""
    return FieldMatcher(cset.fields).index(label)
