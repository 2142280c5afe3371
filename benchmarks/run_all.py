"""Benchmarks (not tests): each row of the speed targets' table (docs/DEVELOPING.md, Speed), xltools beside the plain-openpyxl
baseline doing the least the same job needs, measured in one run on this machine.

    python3 benchmarks/run_all.py [--repeat 5] [--forms 1000] [--skip-import] [--keep DIR]

Each side is a whole process (interpreter start-up included), run `--repeat` times, the two sides
alternating so that a busy machine slows both alike; the table shows the fastest run of each side
(the least disturbed), the ratio, the target and whether it is met. The forms import and the workbook
build have absolute targets: they run benchmarks/bench_import.py and bench_workbook.py.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

PY = sys.executable
XLTOOLS = [PY, "-m", "xltools"]
COMMUNES = 3321  # Vietnam's communes after the 2025 reform: a national table, one row per commune

# the baselines: plain openpyxl doing the least the same job needs
OPENPYXL_IMPORT = [PY, "-c", "import openpyxl"]
READ_ONLY_PASS = ("from openpyxl import load_workbook\n"
                  "wb = load_workbook({path!r}, read_only=True, data_only=True)\n"
                  "for ws in wb.worksheets:\n"
                  "    for row in ws.iter_rows(values_only=True):\n"
                  "        pass\n")
LOAD_AND_SAVE = ("from openpyxl import load_workbook\n"
                 "load_workbook({path!r}).save({path!r})\n")


CPU_ONLY = False  # --cpu: count the child's CPU seconds (user + system) instead of wall-clock seconds


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(cmd: list[str], prepare=None) -> float:
    """Seconds of one run of `cmd` (after `prepare()`, not timed); a failing command stops the benchmark.
    With --cpu, the CPU seconds the command used: on a machine shared with other jobs, wall time measures
    the neighbours too, CPU time much less so (both sides of a ratio are measured the same way)."""
    if prepare:
        prepare()
    began, cpu_began = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    seconds = (_children_cpu() - cpu_began) if CPU_ONLY else time.perf_counter() - began
    if done.returncode not in (0, 1):  # `check` exits 1 when the table has errors: that is its answer
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode(errors='replace')}")
    return seconds


def side_by_side(ours: list[str], baseline: list[str], repeat: int, prepare=None) -> tuple[float, float]:
    """Fastest of `repeat` alternating runs of each command."""
    a, b = [], []
    for _ in range(repeat):
        a.append(run(ours, prepare))
        b.append(run(baseline, prepare))
    return min(a), min(b)


def workbook(path: Path, set_id: str, units: int, seed: int, districts: int = 0) -> Path:
    """An appraisal workbook as `xltools template` makes it, with random typed scores."""
    from workbook_harness import typed_workbook

    return typed_workbook(path, set_id, units, seed, districts)


def survey_source(path: Path, units: int) -> Path:
    """A survey result as the survey team sends it: one row per unit, a score per field."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Tên đơn vị", "LV1", "LV2", "LV3", "LV4", "LV5", "LV6", "LV7"])
    for i in range(1, units + 1):
        ws.append([i, f"Xã {i:03d} – Phường Đức Xuân", 1.5, 1.25, 2, 0.75, 2.125, 1, 1.5])
    wb.save(path)
    return path


def fresh_copy(source: Path, target: Path):
    return lambda: shutil.copyfile(source, target)


def bench_json(script: str, *args: str) -> dict:
    done = subprocess.run([PY, str(ROOT / "benchmarks" / script), "--json", *args], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{script} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Table:
    def __init__(self):
        self.rows: list[tuple] = []

    def ratio(self, job: str, ours: float, baseline: float, baseline_label: str, target: float) -> None:
        ratio = ours / baseline
        self.rows.append((job, f"{ours:.2f} s", f"{baseline:.2f} s ({baseline_label})", f"{ratio:.2f}×",
                          f"≤ {target:g}×", ratio <= target))
        self.show_last()

    def absolute(self, job: str, shown: str, target: str, ok: bool, baseline: str = "—", ratio: str = "—") -> None:
        self.rows.append((job, shown, baseline, ratio, target, ok))
        self.show_last()

    def show_last(self) -> None:
        print("  " + " | ".join(str(c) for c in self.rows[-1][:5]) + " | " + ("met" if self.rows[-1][5] else "NOT met"),
              file=sys.stderr, flush=True)

    def markdown(self) -> str:
        head = "| job | xltools | plain openpyxl (baseline) | ratio | target | result |\n|---|---|---|---|---|---|\n"
        return head + "\n".join("| " + " | ".join(str(c) for c in r[:5]) + f" | {'met' if r[5] else 'NOT met'} |"
                                for r in self.rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side (the fastest counts)")
    parser.add_argument("--forms", type=int, default=1000, help="forms for the import benchmark")
    parser.add_argument("--skip-import", action="store_true", help="leave out the forms import (about a minute)")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated workbooks in DIR")
    parser.add_argument("--cpu", action="store_true",
                        help="compare CPU seconds instead of wall-clock seconds (for a busy machine; the import "
                             "and build rows stay wall-clock)")
    parser.add_argument("--only", metavar="ROWS", default="",
                        help="comma-separated rows to run: rank,check,start,macros,scaling,import,build "
                             "(default: all)")
    args = parser.parse_args(argv)
    global CPU_ONLY
    CPU_ONLY = args.cpu
    only = set(filter(None, args.only.split(",")))

    def wanted(row: str) -> bool:
        return not only or row in only
    work = Path(args.keep or tempfile.mkdtemp(prefix="xltools-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # As installed (pip compiles the package to bytecode) and as openpyxl is: an editable checkout under
    # PYTHONDONTWRITEBYTECODE would compile xltools' modules on every run (0.1 s) and charge it to xltools.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "xltools")], check=True)
    table = Table()
    try:
        print(f"Generating workbooks in {work} …", file=sys.stderr, flush=True)
        national = workbook(work / f"xa_{COMMUNES}.xlsx", "backan-2023-xa", COMMUNES, seed=1, districts=120)
        tenth = workbook(work / f"xa_{COMMUNES // 10}.xlsx", "backan-2023-xa", COMMUNES // 10, seed=1, districts=12)
        one = workbook(work / "xa_1.xlsx", "backan-2023-xa", 1, seed=1, districts=1)
        so = workbook(work / "so_200.xlsx", "backan-2024-so", 200, seed=2)
        survey = survey_source(work / "xhh_200.xlsx", 200)
        scratch = work / "scratch.xlsx"
        n = args.repeat

        for command in [c for c in ("rank", "check") if wanted(c)]:
            ours, base = side_by_side([*XLTOOLS, command, str(national), "--json"],
                                      [PY, "-c", READ_ONLY_PASS.format(path=str(national))], n)
            table.ratio(f"`{command}` of a {COMMUNES}-unit table", ours, base, "one read-only pass", 1.0)
        for argv in (["sets"], ["--help"]) if wanted("start") else ():
            ours, base = side_by_side([*XLTOOLS, *argv], OPENPYXL_IMPORT, n)
            table.ratio(f"`xltools {' '.join(argv)}`", ours, base, "`import openpyxl`", 1.0)
        for macro, extra in (("tinh-lai", []), ("nhap-xhh", ["--from", str(survey)])) if wanted("macros") else ():
            ours, base = side_by_side([*XLTOOLS, "macro", macro, *extra, str(scratch)],
                                      [PY, "-c", LOAD_AND_SAVE.format(path=str(scratch))], n,
                                      prepare=fresh_copy(so, scratch))
            table.ratio(f"`macro {macro}`, 200 units", ours, base, "load + save", 1.5)

        if wanted("scaling"):
            # start-up: the same command on a one-unit table (interpreter, the modules `rank` imports, the
            # workbook's fixed parts); `--help` imports less, and the 332-unit run came within noise of it
            start, small, large = (min(run([*XLTOOLS, "rank", str(path), "--json"]) for _ in range(n))
                                   for path in (one, tenth, national))
            growth = (large - start) / max(small - start, 1e-9)
            table.absolute(f"10× more units (`rank` {COMMUNES // 10} → {COMMUNES})",
                           f"{small:.2f} s → {large:.2f} s; start-up (1 unit) {start:.2f} s", "≤ 12× the work beyond start-up",
                           growth <= 12, ratio=f"{growth:.1f}× the work")

        if not args.skip_import and wanted("import"):
            forms = bench_json("bench_import.py", "--count", str(args.forms))
            memory = forms["rss_mib"] + 2 * forms["worker_mib"]
            table.absolute(f"import {args.forms} forms", f"{forms['seconds']:.1f} s, {memory:.0f} MiB",
                           "≤ 20 s, ≤ 1 GiB", forms["seconds"] <= 20 and memory <= 1024 and forms["exit"] == 0)
        if wanted("build"):
            build = bench_json("bench_workbook.py")
            table.absolute("build 200 units with criteria detail", f"{build['build_seconds']:.2f} s", "≤ 1 s",
                           build["build_seconds"] <= 1)
            if build.get("recalc_seconds") is not None:
                table.absolute("LibreOffice full recalculation of that workbook",
                               f"{build['recalc_seconds']:.2f} s", "≤ 0.2 s", build["recalc_seconds"] <= 0.2)
            else:
                table.absolute("LibreOffice full recalculation of that workbook", "not measured (no LibreOffice)",
                               "≤ 0.2 s", False)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table.markdown())
    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; fastest of {args.repeat} runs "
          f"per side; {'CPU' if CPU_ONLY else 'wall-clock'} seconds; {sys.version.split()[0]}")
    return 0 if all(r[5] for r in table.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
