"""Unit names as people write them: 'UBND phường Huyền Tụng', 'TP Bắc Kạn', 'Sở  Tư pháp'.

`name_key` folds case, diacritics, spacing and the administrative prefixes, so that two spellings
of one unit meet; it is for matching, never for display.
"""
from __future__ import annotations

import re
import unicodedata

# Longest first, so that 'ủy ban nhân dân' is removed before 'ủy ban'.
_PREFIXES = (
    "uy ban nhan dan", "ubnd", "thanh pho", "tp.", "tp", "thi xa", "tx.", "tx", "thi tran", "tt.",
    "huyen", "quan", "phuong", "xa", "so", "ban", "cac",
)


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
        for prefix in _PREFIXES:
            parts = prefix.split()
            if words[: len(parts)] == parts and len(words) > len(parts):
                words = words[len(parts):]
                changed = True
                break
    text = " ".join(w.strip(".,") for w in words)
    return re.sub(r"[^0-9a-z ]", "", text).strip()


def exact_key(name: str) -> str:
    """How Excel's MATCH and COUNTIFS compare names: the same text in any case."""
    return tidy(name).casefold()


def tidy(name: str) -> str:
    """Display form: NFC, single spaces (keeps the writer's own words and diacritics)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(name))).strip()
