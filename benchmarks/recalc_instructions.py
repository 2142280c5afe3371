"""Benchmark (not a test): the instructions LibreOffice executes for one full recalculation (calculateAll) of
each workbook given, counted by valgrind's callgrind. Unlike seconds, the count does not move when the machine
is busy, so two formula variants can be compared on a shared machine (about two minutes per workbook: soffice
runs under valgrind).

    python3 benchmarks/recalc_instructions.py before.xlsx after.xlsx [--keep DIR]

Needs valgrind (callgrind_control). The profiles are written to DIR (default: a temporary folder);
`callgrind_annotate DIR/cg.PID.N` shows where the instructions went.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xltools.engine import libreoffice as lo  # noqa: E402


def soffice_bin(session) -> str:
    """The process id of soffice.bin (valgrind runs it under its own name) in the session's process group."""
    group = subprocess.run(["pgrep", "-g", str(session._proc.pid)], capture_output=True, text=True).stdout.split()
    for pid in reversed(group):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text()
        except OSError:
            continue
        if "soffice.bin" in command and "oosplash" not in command:
            return pid
    raise SystemExit("soffice.bin not found under valgrind")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workbooks", nargs="+", type=Path)
    parser.add_argument("--keep", type=Path, help="folder for the callgrind profiles")
    args = parser.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="xltools-callgrind-"))
    out.mkdir(parents=True, exist_ok=True)
    # the soffice script runs soffice.bin under valgrind when VALGRIND names the tool; counting starts off
    os.environ["VALGRIND"] = "callgrind"
    os.environ["VALGRIND_OPTS"] = f"--instr-atstart=no --callgrind-out-file={out}/cg.%p"
    with lo.CalcSession(connect_timeout=600) as session:
        pid = soffice_bin(session)
        for path in args.workbooks:
            with session.open(path) as doc:
                doc.recalc()  # the first recalculation after opening is not the one measured
                subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
                subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
                doc.component.calculateAll()
                subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
                subprocess.run(["callgrind_control", "-d", path.stem, pid], check=True, capture_output=True)
            dump = max(out.glob(f"cg.{pid}.*"), key=lambda p: p.stat().st_mtime)
            total = next(int(line.split()[1]) for line in dump.read_text().splitlines()
                         if line.startswith("totals:"))
            print(f"{path.name}: {total:,} instructions per calculateAll ({dump})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
