"""The shipped criteria sets (xltools/data/sets/*.yaml) and sets the user keeps in their own files."""
from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from .core.criteria import CriteriaError, CriteriaSet, from_dict
from .core.names import fold
from .errors import UserError

SETS_PACKAGE = "xltools.data.sets"
SAMPLES_PACKAGE = "xltools.data.samples"
SAMPLE = "phu_luc_backan_2024_so_huyen.txt"  # Phụ lục I and II, Bắc Kạn 2024: `xltools demo`, default units


class UnknownSetError(UserError, LookupError):
    """No shipped set has that id, and no file has that path."""


# libyaml's parser where PyYAML was built with it: the shipped sets load 20 times faster (the same
# constructor and resolver, so the same data); a user's own file keeps the pure-Python parser's messages
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_text(text: str, source: str, loader=yaml.SafeLoader) -> CriteriaSet:
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise CriteriaError(source, [f"không đọc được YAML{where}: {getattr(exc, 'problem', exc)}"]) from exc
    if not isinstance(data, dict):
        raise CriteriaError(source, ["tệp phải là một bảng khóa: giá trị (id, level, fields, bands, ...)."])
    return from_dict(data, source)


def load_file(path: str | Path) -> CriteriaSet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CriteriaError(str(path), [f"không phải tệp văn bản UTF-8 ({exc.reason}); hãy lưu lại tệp với mã UTF-8."]) from exc
    except OSError as exc:
        raise CriteriaError(str(path), [f"không đọc được tệp ({exc.strerror}); hãy kiểm tra đường dẫn."]) from exc
    return _load_text(text, str(path))


@cache
def shipped() -> dict[str, CriteriaSet]:
    sets = {}
    for entry in sorted(resources.files(SETS_PACKAGE).iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yaml", ".yml")):
            cset = _load_text(entry.read_text(encoding="utf-8"), entry.name, _FAST_LOADER)
            sets[cset.id] = cset
    return sets


def get(set_id_or_path: str) -> CriteriaSet:
    """A shipped set by id, or a set file the user wrote (a path ending in .yaml/.yml)."""
    if set_id_or_path.endswith((".yaml", ".yml")):
        if not Path(set_id_or_path).exists():
            raise UnknownSetError(f"Không tìm thấy tệp bộ tiêu chí '{set_id_or_path}'; hãy kiểm tra đường dẫn "
                                  "(hoặc dùng mã một bộ có sẵn, xem `xltools sets`).")
        return load_file(set_id_or_path)
    sets = shipped()
    if set_id_or_path not in sets:
        raise UnknownSetError(
            f"Không có bộ tiêu chí '{set_id_or_path}'. Các bộ có sẵn: {', '.join(sets)} "
            "(xem `xltools sets`), hoặc chỉ đường dẫn tới tệp .yaml của bộ tiêu chí."
        )
    return sets[set_id_or_path]


def find(province: str | None, level: str | None, year: int | None) -> CriteriaSet | None:
    """The shipped set for a province, level and year, when exactly one fits."""
    from .core.names import fold

    fits = [s for s in shipped().values()
            if (not level or s.level == level)
            and (year is None or year in s.years)
            and (not province or fold(province) == fold(s.province))]
    return fits[0] if len(fits) == 1 else None


def match_maxima(table) -> CriteriaSet | None:
    """The one shipped set whose maxima agree with every maximum the table's headers print, among
    the sets that fit what else the table says (level, province, year, number of fields)."""
    from .core.checks import header_max_expected
    from .core.names import fold

    if not table.header_maxima:
        return None
    fits = [s for s in shipped().values()
            if (not table.level or s.level == table.level)
            and (not table.province or fold(table.province) == fold(s.province))
            and (table.year is None or table.year in s.years)
            and (not table.field_names or len(table.field_names) == len(s.fields))
            and all(header_max_expected(s, h) == h.value for h in table.header_maxima)]
    return fits[0] if len(fits) == 1 else None


def for_table(table) -> CriteriaSet | None:
    """The shipped set a table read from a file is scored with: the one its title names by province,
    level and year, else the one whose maxima its headers print. A title without a province picks no
    set by level and year alone: another province's table is never scored with Bắc Kạn's set because
    its level and year happen to fit."""
    return (find(table.province, table.level, table.year) if table.province else None) or match_maxima(table)


def sample_path() -> Path:
    """The embedded sample (a published table in the seeds' text form)."""
    return Path(str(resources.files(SAMPLES_PACKAGE).joinpath(SAMPLE)))


def shipped_templates() -> list[tuple[str, list[CriteriaSet]]]:
    """One template per shipped set, plus district + commune sets of a province and year in one
    workbook (the 2/3 rule computed live)."""
    sets = list(shipped().values())
    out = [(s.id, [s]) for s in sets]
    for district in sets:
        if district.level != "huyen" or not district.district_rule:
            continue
        for commune in sets:
            if (commune.level == "xa" and fold(commune.province) == fold(district.province)
                    and set(commune.years) & set(district.years)):
                out.append((f"{district.id}+xa", [district, commune]))
    return out
