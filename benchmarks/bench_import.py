"""Benchmark (not a test): generate N Biểu tự đánh giá (.xlsx, the 133-row Bắc Giang criteria tree,
one unit each), consolidate them with `xltools import`, print time and peak memory.

    python3 benchmarks/bench_import.py [--count 1000] [--keep DIR]

Target on the 2-core build machine: consolidation of 1 000 forms in at most 20 s and 1 GiB.
Forms are read in worker processes (one per CPU, at most 4). Peak memory is the maximum resident
set (ru_maxrss) of this process (interpreter, generation step, the units, the workbook being written)
and of the largest worker; the target counts this process plus two workers. `--trace` also measures
Python allocations with tracemalloc (slower: its time is not the figure to compare with the target).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from office_samples import seed_tables, write_xlsx  # noqa: E402  (the tests' writer of official shapes)

from xltools.cli import main  # noqa: E402

SEED = ROOT / "tests" / "data" / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"


def generate(folder: Path, count: int) -> None:
    """One form, then copies with the unit name changed in place (openpyxl would take ~30 ms a file)."""
    import zipfile

    [tree] = [t for t in seed_tables(SEED) if t.header]
    template = folder / "_mau.xlsx"
    write_xlsx(template, [tree], extra_title=["Đơn vị: Sở số UNIT"])
    with zipfile.ZipFile(template) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    template.unlink()
    marker = b"UNIT"  # ASCII: openpyxl writes other characters as XML character references
    for i in range(1, count + 1):
        with zipfile.ZipFile(folder / f"bieu_{i:04d}.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data.replace(marker, f"{i:04d}".encode()))


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) so far of this process and of its ended children (the reader processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main_(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", metavar="DIR", help="keep the generated forms and the workbook in DIR")
    parser.add_argument("--trace", action="store_true", help="measure Python allocations with tracemalloc")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON (benchmarks/run_all.py reads it)")
    args = parser.parse_args(argv)
    work = Path(args.keep or tempfile.mkdtemp(prefix="xltools-bench-"))
    forms = work / "bieu"
    forms.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        generate(forms, args.count)
        generated = time.perf_counter() - t0
        out = work / "tong_hop.xlsx"
        if args.trace:
            tracemalloc.start()
        t0, cpu0 = time.perf_counter(), _cpu()
        with redirect_stdout(io.StringIO()) as summary:
            code = main(["import", str(forms), "--set", "bacgiang-2023-tinh", "-o", str(out)])
        seconds = time.perf_counter() - t0
        cpu = [after - before for after, before in zip(_cpu(), cpu0)]
        traced = ""
        if args.trace:
            traced = f", {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB Python allocations (tracemalloc)"
            tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest reader process
        print(summary.getvalue().strip())
        print(f"forms: {args.count} generated in {generated:.1f} s")
        print(f"consolidation: {seconds:.1f} s ({1000 * seconds / args.count:.1f} ms per form), exit code {code}")
        print(f"CPU: {sum(cpu):.1f} s (user + system: this process {cpu[0]:.1f} s, reader processes {cpu[1]:.1f} s)")
        print(f"peak memory: {rss:.0f} MiB resident (ru_maxrss), largest worker process {child:.0f} MiB{traced}")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
        print(f"output: {out.stat().st_size / 2**20:.1f} MiB")
        ok = seconds <= 20 and rss + 2 * child <= 1024 and code == 0
        print("target (≤ 20 s, ≤ 1 GiB):", "met" if ok else "NOT met")
        if args.json:
            print(json.dumps({"forms": args.count, "seconds": seconds, "cpu_seconds": sum(cpu), "rss_mib": rss,
                              "worker_mib": child, "exit": code}))
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main_())
