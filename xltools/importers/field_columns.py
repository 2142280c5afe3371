"""A table's field columns put in its set's order, by their header names.

A province may print 'Cải cách TTHC | Chỉ đạo, điều hành | Thể chế' where its set lists chỉ đạo first: read by
position, every score would land in another field (and be checked against another maximum) without a word.
So each header is matched to the set's fields by name (`core.field_names`): all named, in any order -> read by
name and said so; some named at another position than theirs, others unknown -> refused (no safe reading);
none contradicting its position -> read by position, the unknown headers named for the user to verify.
"""
from __future__ import annotations

from ..core.criteria import CriteriaSet
from ..core.field_names import FieldMatcher
from ..core.scoring import UnitsTable
from ..errors import ReadError

BY_NAME = "fields-by-name"
BY_POSITION = "fields-by-position"


def same_fields(t: UnitsTable, cset: CriteriaSet, source: str) -> None:
    """A table read with a set of another number of fields would be a partial read: refused."""
    if t.field_names and len(t.field_names) != len(cset.fields):
        what = f"có {len(cset.fields)} lĩnh vực" if cset.fields else "chỉ có tổng điểm (không có lĩnh vực)"
        raise ReadError(f"{source}, {t.sheet}: bảng có {len(t.field_names)} lĩnh vực "
                        f"({'; '.join(t.field_names)}) nhưng bộ tiêu chí {cset.id} {what}; hãy chọn bộ tiêu chí "
                        "đúng (--set) hoặc lập bộ của tỉnh mình (`xltools set new`).")


def in_set_order(t: UnitsTable, cset: CriteriaSet, source: str) -> None:
    """Reorders `t`'s fields (scores, printed maxima, cell problems, names) into `cset`'s order, in place."""
    same_fields(t, cset, source)
    if not t.field_names:
        return
    named = [FieldMatcher(cset.fields).index(name) for name in t.field_names]
    if named == list(range(len(named))):
        return
    if sorted(i for i in named if i is not None) == list(range(len(named))):
        moved = "; ".join(f"cột '{name}' là lĩnh vực {cset.fields[i].code}. {cset.fields[i].name}"
                          for k, (name, i) in enumerate(zip(t.field_names, named)) if i != k)
        _reorder(t, named)
        t.remarks.append((BY_NAME, f"các cột lĩnh vực xếp khác thứ tự bộ tiêu chí {cset.id}; đã đọc theo tên "
                                       f"cột: {moved}."))
        return
    elsewhere = [(k, i) for k, i in enumerate(named) if i is not None and i != k]
    if elsewhere:
        raise ReadError(f"{source}, {t.sheet}: không biết chắc cột nào là lĩnh vực nào: "
                        + "; ".join(_said(t.field_names[k], k, i, cset) for k, i in enumerate(named))
                        + f". Đọc theo vị trí sẽ đặt điểm vào lĩnh vực khác. Hãy đặt tên cột như bộ tiêu chí {cset.id} "
                        f"({_listed(cset)}) hoặc xếp các cột theo thứ tự của bộ, rồi chạy lại.")
    unknown = [k for k, i in enumerate(named) if i is None]
    t.remarks.append((BY_POSITION, "không nhận ra lĩnh vực qua tên cột "
                          + ", ".join(f"'{t.field_names[k]}'" for k in unknown)
                          + "; đã đọc theo vị trí: "
                          + "; ".join(f"cột '{t.field_names[k]}' là lĩnh vực {cset.fields[k].code}. "
                                      f"{cset.fields[k].name}" for k in unknown)
                          + ". Hãy kiểm tra đúng thứ tự, hoặc đặt tên cột như bộ tiêu chí."))


def _said(name: str, position: int, index: int | None, cset: CriteriaSet) -> str:
    if index is None:
        return f"cột thứ {position + 1} '{name}' không khớp tên lĩnh vực nào"
    return f"cột thứ {position + 1} '{name}' là lĩnh vực {cset.fields[index].code}"


def _listed(cset: CriteriaSet) -> str:
    return "; ".join(f"{f.code}. {f.name}" for f in cset.fields)


def _reorder(t: UnitsTable, named: list[int | None]) -> None:
    """Column k of the table is field named[k] of the set."""
    order = [named.index(i) for i in range(len(named))]  # set field i <- table column order[i]
    for u in t.units:
        if len(u.fields) == len(named):
            u.fields = [u.fields[k] for k in order]
        for p in u.problems:
            if p.field is not None and p.field < len(named):
                p.field = named[p.field]
    for m in t.header_maxima:
        if m.field_index is not None and m.field_index < len(named):
            m.field_index = named[m.field_index]
    t.field_names = [t.field_names[k] for k in order]
