"""Unit names as people write them: 'UBND phường Huyền Tụng', 'TP Bắc Kạn', 'Sở  Tư pháp'.

Two keys, because since the 2025 merger a province often has 'Xã Tân Lập' and 'Phường Tân Lập', or
'Xã Yên Phù' and 'Xã Yên Phú', side by side:
- `unit_key` says which names are one unit: case, spacing, 'UBND' and the short forms of a unit's kind
  ('TP' for 'Thành phố') do not matter; diacritics and the kind (xã, phường) do.
- `name_key` also folds diacritics and drops the kind, so that a name written loosely ('Tân Lập', 'UBND
  phuong Tan Lap') still finds its unit. `NameIndex` tries the first, then the second, and tells when a
  loose name fits several units. Both are for matching, never for display.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from .numbers import single_spaced

# Longest first, so that 'ủy ban nhân dân' is removed before 'ủy ban'.
_PREFIXES = (
    "uy ban nhan dan", "ubnd", "thanh pho", "tp.", "tp", "thi xa", "tx.", "tx", "thi tran", "tt.",
    "huyen", "quan", "phuong", "xa", "so", "ban", "cac",
)
_PREFIX_WORDS = tuple(prefix.split() for prefix in _PREFIXES)  # split once: name_key runs for every unit


class _Unmarked(dict[int, int | None]):
    """str.translate table that drops combining marks (category Mn), each character judged once."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = kept
        return kept


_UNMARKED = _Unmarked()


def fold(text: str) -> str:
    """Lower case, without diacritics ('đ' -> 'd'), single spaces."""
    text = unicodedata.normalize("NFD", str(text)).replace("\u0111", "d").replace("\u0110", "D")
    return " ".join(text.translate(_UNMARKED).split()).lower()


def name_key(name: str) -> str:
    """Matching key: 'UBND phường Huyền Tụng' and 'phuong huyen tung' give 'huyen tung'."""
    words = fold(name).replace(".", ". ").split()
    changed = True
    while changed and words:
        changed = False
        for parts in _PREFIX_WORDS:
            if words[0] == parts[0] and words[: len(parts)] == parts and len(words) > len(parts):
                words = words[len(parts):]
                changed = True
                break
    text = " ".join(w.strip(".,") for w in words)
    return re.sub(r"[^0-9a-z ]", "", text).strip()


_GENERIC = (("uy", "ban", "nhan", "dan"), ("ubnd",))  # words that name no kind of unit
_KIND_SHORT = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn"}


@functools.lru_cache(maxsize=2**14)
def _folded_word(word: str) -> str:
    """fold(word).strip(".,"), remembered: a province's unit names share a few hundred syllables."""
    return fold(word).strip(".,")


def unit_key(name: str) -> str:
    """Identity key: 'UBND TP. Bắc Kạn' and 'thành phố  Bắc Kạn' give 'thành phố bắc kạn'; 'Xã Tân Lập' and
    'Phường Tân Lập', 'Yên Phù' and 'Yên Phú' stay apart."""
    words = tidy(name).casefold().replace(".", ". ").split()
    folded = [_folded_word(w) for w in words]
    for generic in _GENERIC:
        if tuple(folded[: len(generic)]) == generic and len(words) > len(generic):
            words, folded = words[len(generic):], folded[len(generic):]
    if folded and folded[0] in _KIND_SHORT and len(words) > 1:
        words = [_KIND_SHORT[folded[0]]] + words[1:]
    return " ".join(w.strip(".,") for w in words if w.strip(".,"))


_KINDS = ("thi tran", "thanh pho", "thi xa", "dac khu", "xa", "phuong", "huyen", "quan", "so")  # folded


def _kind_and_rest(name: str) -> tuple[str, str]:
    """('xa', 'tân thành') for 'UBND xã Tân Thành': the unit's kind (folded, '' when unsaid) and the rest as
    written (diacritics kept, case folded)."""
    key = unit_key(name)
    folded = fold(key)
    for kind in _KINDS:
        if folded.startswith(kind + " "):
            return kind, key[len(kind) + 1:].strip()
    return "", key


def contradicts(loose: str, name: str) -> bool:
    """A loosely written name that says something else than `name`: another kind ('Phường Yên Sơn' is not
    'Xã Yên Sơn'), or other diacritics where it writes them ('Tân Thanh' is not 'Tân Thành'; 'Tan Thanh',
    without any, may be either)."""
    kind, rest = _kind_and_rest(loose)
    other_kind, other_rest = _kind_and_rest(name)
    if kind and other_kind and kind != other_kind:
        return True
    return fold(rest) != rest.replace("đ", "d") and rest != other_rest


class NameIndex:
    """Names to look up by how people write them: the same unit first (`unit_key`), then, when no unit has
    that identity, the loose key (`name_key`: 'Tân Lập' finds 'Xã Tân Lập' when it is the only Tân Lập,
    'xa lung cu' finds 'Xã Lũng Cú'), but never a name the loose one contradicts (`contradicts`): those are
    `near` names, for messages ('Tân Thanh' is not 'Tân Thành': a typo, or two communes)."""

    def __init__(self, names: list[str]):
        self.strict: dict[str, list[str]] = {}
        self.loose: dict[str, list[str]] = {}
        for name in names:
            self.strict.setdefault(unit_key(name), []).append(name)
            self.loose.setdefault(name_key(name), []).append(name)

    def find(self, name: str) -> list[str]:
        """The names `name` may stand for: one is a match, several are ambiguous, none is unknown."""
        return self.strict.get(unit_key(name)) or [n for n in self.loose.get(name_key(name), [])
                                                    if not contradicts(name, n)]

    def same(self, name: str) -> bool:
        """`name` is written as one of the names is (case, spacing, UBND and TP/TX/TT aside)."""
        return unit_key(name) in self.strict

    def near(self, name: str) -> list[str]:
        """Names that `name` resembles but contradicts (only its diacritics or its kind differ)."""
        return [n for n in self.loose.get(name_key(name), []) if contradicts(name, n)]

    def one(self, name: str) -> str | None:
        found = self.find(name)
        return found[0] if len(found) == 1 else None


def exact_key(name: str) -> str:
    """How the workbook's MATCH(UPPER(TRIM(name))) compares names: letter case and ASCII spaces at the ends or
    doubled do not matter (Excel's TRIM), anything else does: a non-breaking space (pasted from a PDF or the web)
    and a name typed in decomposed Unicode (Unikey's 'Unicode tổ hợp') are other names to Excel."""
    return " ".join(part for part in str(name).split(" ") if part).casefold()


def tidy(name: str) -> str:
    """Display form: NFC, single spaces (keeps the writer's own words and diacritics)."""
    return single_spaced(unicodedata.normalize("NFC", str(name)))  # " ".join(….split()): the spaces \s takes


# Words kept in capitals when a name typed all in capitals is written as names are ("SỞ Y TẾ" -> "Sở Y tế").
_ACRONYMS = {"UBND", "HĐND", "MTTQ", "CCHC", "KCN", "KKT", "TTHC", "CNTT", "BQL", "TP", "TP."}
_PLACE_KINDS = ("xã", "phường", "thị trấn", "đặc khu", "huyện", "thị xã", "thành phố", "quận", "tỉnh")
_AGENCY_KINDS = ("sở", "ban", "văn phòng", "thanh tra", "ủy ban nhân dân", "đài", "trường", "bộ chỉ huy", "công an")


def as_written(name: str) -> str:
    """A unit's name typed all in capitals, as names are written (Nghị định 30/2020: the kind of the unit, then its
    own name with the first syllable of each part capitalized; a place's name capitalized in full): 'SỞ GIÁO DỤC VÀ
    ĐÀO TẠO' -> 'Sở Giáo dục và Đào tạo', 'UBND XÃ LŨNG CÚ' -> 'UBND xã Lũng Cú', 'THANH TRA TỈNH' -> 'Thanh tra
    tỉnh'. A name with any small letter is the author's spelling and stays as it is."""
    if name != name.upper() or not any(c.isalpha() for c in name):
        return name
    words, out, i = name.split(), [], 0
    capitalize_next, place = True, False
    while i < len(words):
        word = words[i]
        if word.rstrip(",") in _ACRONYMS:
            out.append(word)
            capitalize_next, place = True, False
            i += 1
            continue
        lower = word.lower()
        kind = next((k for k in _PLACE_KINDS + _AGENCY_KINDS
                     if " ".join(w.lower() for w in words[i:i + len(k.split())]) == k), None)
        if kind is not None:
            n = len(kind.split())
            # the kind itself: capitalized at the start of the name, lower-case after another word ('UBND xã')
            first = [w.lower() for w in words[i:i + n]]
            if not out:
                first[0] = first[0].capitalize()
            out += first
            i += n
            place = kind in _PLACE_KINDS
            capitalize_next = True
            continue
        out.append(lower.capitalize() if (place or capitalize_next) and lower != "và" else lower)
        capitalize_next = lower == "và" or word.endswith(",")  # each part of 'Giáo dục và Đào tạo'
        i += 1
    return " ".join(out)
