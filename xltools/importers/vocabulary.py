"""Which role a column header names, from the header vocabulary (xltools/data/headers.yaml).

The vocabulary is data: every accepted wording of STT, unit name, each score kind, total, rank,
class and district, in Vietnamese as tables print them. A header is folded (no diacritics, case,
spaces, punctuation, bracketed maximum) and compared with the folded wordings, in file order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from ..core.names import fold
from ..core.numbers import clean

_BRACKETS = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def key(label: str) -> str:
    """'Tự chấm (9)' -> 'tucham'; 'Tên cơ quan, đơn vị' -> 'tencoquandonvi'."""
    return _NOT_ALNUM.sub("", fold(_BRACKETS.sub(" ", clean(label))))


@dataclass(frozen=True)
class Role:
    role: str
    meaning: str
    exact: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()  # each "A + B" is kept as one wording

    def wordings(self) -> list[str]:
        return list(self.exact + self.starts + self.contains)

    def matches(self, k: str) -> bool:
        if any(k == key(w) for w in self.exact):
            return True
        if any(k.startswith(key(w)) for w in self.starts):
            return True
        return any(all(key(part) in k for part in w.split(" + ")) for w in self.contains)


@cache
def vocabulary(section: str) -> tuple[Role, ...]:
    """The roles of one section of headers.yaml ('summary' or 'criteria'), in file order."""
    text = resources.files("xltools.data").joinpath("headers.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return tuple(Role(r["role"], r.get("meaning", ""), tuple(r.get("exact", ())), tuple(r.get("starts", ())),
                      tuple(r.get("contains", ()))) for r in data[section])


@lru_cache(maxsize=16384)  # asked of every cell that may start a table: the same texts form after form
def role_of(label: str, section: str = "summary") -> str | None:
    """The role a header names, or None (an empty header, or a wording the vocabulary lacks)."""
    k = key(label)
    if not k:
        return None
    return next((r.role for r in vocabulary(section) if r.matches(k)), None)


def accepted(roles: tuple[str, ...], section: str = "summary") -> str:
    """The accepted wordings of some roles, for a message: 'Tổng cộng', 'Điểm đánh giá', …"""
    words = [w for r in vocabulary(section) if r.role in roles for w in r.wordings()]
    return ", ".join(f"'{w}'" for w in words)


def markdown_table(section: str) -> str:
    """The vocabulary of a section as the table docs/headers.md shows (a test keeps them equal)."""
    def cell(wordings: tuple[str, ...]) -> str:
        return ", ".join(f"`{w}`" for w in wordings)

    rows = ["| vai trò (`role`) | ý nghĩa | đúng bằng | bắt đầu bằng | có chứa |", "|---|---|---|---|---|"]
    rows += [f"| `{r.role}` | {r.meaning} | {cell(r.exact)} | {cell(r.starts)} | {cell(r.contains)} |"
             for r in vocabulary(section)]
    return "\n".join(rows)
