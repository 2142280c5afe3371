"""Which field (lĩnh vực) of a criteria set a table's header names: 'Cải cách TTHC', 'XD&PT CQĐT, CQS',
'Thể chế', 'LV3', 'V. Công vụ' and '3' all name field 3 of a set whose field 3 is 'Cải cách thủ tục hành chính'.

Tables order and abbreviate their field columns as each province likes, so a column is matched to the set
by its words, never assumed from its position. A header matches a field when most of what it says is in
that field's name, and clearly more than in any other field's name. Words weigh by how rare they are
among the set's fields ('công' is in three fields, 'thể' in one); the words every field name is made of
('cải cách', 'xây dựng') weigh nothing; a word no field has weighs a little, so that a header made of
other words ('Tiêu chí A') matches nothing. Words keep their diacritics when the header writes them
('Tiêu chí' is not 'chỉ đạo'); a header written without any is compared without.

A Vietnamese word is often two syllables, and one syllable may belong to two words: 'chế' is in 'thể chế' and in
'chế độ'. So a header's syllable counts for a field only beside a neighbour it has in that field's name too
('chế độ', 'cách chế'); 'Thể chế' says nothing of 'Cải cách chế độ công vụ' (a lone syllable, 'Số', counts as is).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .criteria import CriteriaSet, Field
from .names import fold
from .numbers import clean

# Abbreviations of the words field names are made of (keyed folded, as people type them).
_ABBREVIATIONS = {
    "tthc": "thủ tục hành chính", "hc": "hành chính", "hcc": "hành chính công", "xd": "xây dựng",
    "pt": "phát triển", "cqđt": "chính quyền điện tử", "cqdt": "chính quyền điện tử", "cqs": "chính quyền số",
    "cq": "chính quyền", "đt": "điện tử", "bm": "bộ máy", "tcbm": "tổ chức bộ máy", "cdcv": "chế độ công vụ",
    "cđcv": "chế độ công vụ", "cv": "công vụ", "tcc": "tài chính công", "đh": "điều hành", "dh": "điều hành",
    "cđđh": "chỉ đạo điều hành", "cddh": "chỉ đạo điều hành", "ktxh": "kinh tế xã hội", "kt": "kinh tế",
    "xh": "xã hội", "nd": "người dân", "dn": "doanh nghiệp",
    "cbcc": "công vụ", "cbccvc": "công vụ",
}  # not 'CĐ' (chỉ đạo? chế độ?) nor 'CCHC' (the whole index: it names no field)
# Words that name no field: joiners, the words of every field name, the index itself, maxima.
_EMPTY = {"và", "của", "các", "lĩnh", "vực", "lv", "điểm", "tối", "đa", "max", "cải", "cách", "xây", "dựng",
          "phát", "triển", "cchc"}
# 'Cán bộ, công chức (, viên chức)' is what the civil-service field (chế độ công vụ) is about; its words alone
# ('bộ', 'chức') would name the field of the state apparatus (tổ chức bộ máy)
_CIVIL_SERVANTS = re.compile(r"\b(?:cán bộ|can bo)\W+(?:công chức|cong chuc)(?:\W+(?:viên chức|vien chuc))?\b")
_OTHER_WORD = 0.25  # a word no field has
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
          "x": "10", "xi": "11", "xii": "12"}
_NUMBERED = re.compile(r"^\s*(\d{1,2}|[IVXLCivxlc]{1,4})\s*[.)]\s+(?=\S)")  # 'V. Công vụ', '3) Thủ tục hành chính'
SURE = 0.6  # share of the header's weight a field must hold
MARGIN = 0.25  # ... and by how much more than the next field


def _marked(text: str) -> bool:
    """The text writes diacritics (then its words are compared with theirs)."""
    return fold(text) != " ".join(text.split()).casefold().replace("đ", "d")


def _spelt(text: str) -> list[str]:
    """'XD&PT CQĐT (tối đa 21)' -> ['xây', 'dựng', 'phát', 'triển', 'chính', 'quyền', 'điện', 'tử', 'tối', 'đa']:
    the header's syllables in order, abbreviations spelt out."""
    text = unicodedata.normalize("NFC", clean(text)).casefold().replace("&", " ")
    text = re.sub(r"kt\s*-\s*xh", "ktxh", text)
    text = _CIVIL_SERVANTS.sub(" công vụ ", text)
    return [w for word in re.findall(r"[^\W\d_]+", text)  # numbers are maxima, codes or dates: they name no field
            for w in _ABBREVIATIONS.get(word, _ABBREVIATIONS.get(fold(word), word)).split()]


def syllables(text: str, marked: bool = True) -> list[str]:
    """The header's syllables in order (folded when `marked` is False)."""
    return [w if marked else fold(w) for w in _spelt(text)]


def words(text: str, marked: bool = True) -> set[str]:
    """'XD&PT CQĐT, CQS (tối đa 21)' -> {'chính', 'quyền', 'điện', 'tử', 'số'}: the words that may name a field
    (folded when `marked` is False)."""
    return {w if marked else fold(w) for w in _spelt(text) if w not in _EMPTY}


def _pairs(text: str, marked: bool) -> set[tuple[str, str]]:
    said = syllables(text, marked)
    return set(zip(said, said[1:]))


def _in_context(said: list[str], pairs: set[tuple[str, str]]) -> set[str]:
    """The syllables of `said` that stand beside a neighbour they also have in a field's name (`pairs`)."""
    if len(said) == 1:
        return set(said)
    return {w for k, w in enumerate(said)
            if (k > 0 and (said[k - 1], w) in pairs) or (k + 1 < len(said) and (w, said[k + 1]) in pairs)}


def _code(label: str) -> str | None:
    """'3', 'LV3', 'Lĩnh vực 3', 'Lĩnh vực thứ 5', 'III', '3.' -> the code: a header that is only a field's number."""
    f = fold(clean(label)).strip(" .:")
    m = re.fullmatch(r"(?:linh vuc|lv|field)?\s*(?:thu)?\s*(\d{1,2}|[ivxlc]{1,4})", f)
    if m is None:
        return None
    return m.group(1) if m.group(1).isdigit() else _ROMAN.get(m.group(1))


class FieldMatcher:
    """The set's fields by their words; `index(label)` is the field a header names, or None."""

    def __init__(self, fields: Sequence[Field]):
        self.fields = list(fields)
        self.marked_set = any(_marked(f.name) for f in self.fields)
        self.vocab = {marked: [words(f.name, marked) | words(f.short, marked) for f in self.fields]
                      for marked in (True, False)}
        self.weight: dict[bool, dict[str, float]] = {}
        for marked, vocab in self.vocab.items():
            counts: dict[str, int] = {}
            for ws in vocab:
                for w in ws:
                    counts[w] = counts.get(w, 0) + 1
            self.weight[marked] = {w: 1 / n for w, n in counts.items()}
        self.pairs = {marked: [_pairs(f.name, marked) | _pairs(f.short, marked) for f in self.fields]
                      for marked in (True, False)}

    def index(self, label: str) -> int | None:
        code = _code(label)
        if code is not None:
            by_code = [i for i, f in enumerate(self.fields) if f.code == code]
            return by_code[0] if len(by_code) == 1 else None
        shares = self._shares(label)
        if not shares:
            return None
        best, index = shares[0]
        runner_up = shares[1][0] if len(shares) > 1 else 0.0
        return index if best >= SURE and best - runner_up >= MARGIN else None

    def near(self, label: str) -> list[int]:
        """The fields a header that names none partly names ('Hành chính': chỉ đạo, TTHC, tác động), in order."""
        if _code(label) is not None or self.index(label) is not None:
            return []
        return sorted(i for share, i in self._shares(label) if share > 0)

    def _shares(self, label: str) -> list[tuple[float, int]]:
        """(share of the header's weight that field i's words hold, i), largest first; [] for a header of no words."""
        text = _NUMBERED.sub("", clean(label), count=1)
        marked = self.marked_set and _marked(text)
        said, weight = words(text, marked), self.weight[marked]
        total = sum(weight.get(w, _OTHER_WORD) for w in said)
        if not total:
            return []
        sequence = syllables(text, marked)
        return sorted(((sum(weight[w] for w in said & ws & _in_context(sequence, pairs)) / total, i)
                       for i, (ws, pairs) in enumerate(zip(self.vocab[marked], self.pairs[marked]))), reverse=True)


def field_index(label: str, cset: CriteriaSet) -> int | None:
    """'1', 'LV1', 'Lĩnh vực 1', 'Cải cách thể chế', 'Thể chế', 'Cải cách TTHC' -> the field's index."""
    return FieldMatcher(cset.fields).index(label)
