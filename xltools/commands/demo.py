"""`xltools demo [-o OUTDIR]`: the main job on the embedded sample (Phụ lục I and II, Bắc Kạn 2024):
the recomputed ranking, the findings, and the files made from it (workbook, appendix) in OUTDIR."""
from __future__ import annotations

from pathlib import Path

from ..catalog import sample_path
from ._common import evaluate_file, print_findings, print_ranking


def register(sub) -> None:
    p = sub.add_parser("demo", help="chạy thử trên dữ liệu mẫu (Phụ lục I, II năm 2024 của tỉnh Bắc Kạn)")
    p.add_argument("-o", "--out", default="out", metavar="THƯ_MỤC", help="thư mục ghi các tệp kết quả (mặc định: out)")
    p.set_defaults(run=run)


def run(args) -> int:
    path = sample_path()
    print(f"Dữ liệu mẫu: {path.name}")
    evaluations = evaluate_file(path)
    for e in evaluations:
        print_ranking(e)
    for e in evaluations:
        print_findings(e)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from . import publish, template

    template.demo_step(path, out)   # the live appraisal workbook
    publish.demo_step(path, out)    # the official appendix (.docx, .xlsx) and the report
    return 0
