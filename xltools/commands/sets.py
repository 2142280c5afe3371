"""`xltools sets`: the shipped criteria sets."""
from __future__ import annotations

from .. import catalog
from ..core.numbers import format_vn_short
from ._common import print_json


def register(sub) -> None:
    p = sub.add_parser("sets", help="liệt kê các bộ tiêu chí có sẵn")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    sets = catalog.shipped().values()
    if args.json:
        print_json([{"id": s.id, "province": s.province, "level": s.level, "years": list(s.years),
                     "fields": len(s.fields), "max": float(s.max_total), "survey_max": float(s.survey_max),
                     "decimals": s.decimals, "bands": [[b.label, float(b.min)] for b in s.bands],
                     "district_rule": s.district_rule, "criteria": len(s.leaves()), "decision": s.decision}
                    for s in sets])
        return 0
    for s in sets:
        bands = ", ".join(f"{b.label} ≥ {format_vn_short(b.min)}" for b in s.bands[:-1]) + f", {s.bands[-1].label}"
        tree = f", {len(s.leaves())} tiêu chí thành phần" if s.criteria else ""
        print(f"{s.id:20} {s.province}, {s.level_label}, năm {'–'.join(map(str, s.years))}: {len(s.fields)} lĩnh vực, "
              f"tối đa {format_vn_short(s.self_max)} + XHH {format_vn_short(s.survey_max)}{tree}; {bands}")
    return 0
