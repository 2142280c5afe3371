"""xltools.files: two commands on one workbook, a kill mid-write, planted links, rotated backups.

The loops fork worker processes from this one (xltools already imported), so twenty rounds take seconds."""
import io
import multiprocessing
import os
import random
import signal
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from excel_helpers import survey_file
from openpyxl import load_workbook

from xltools import files
from xltools.cli import main
from xltools.importers.registry import load
from xltools.workbook import builder
from xltools.workbook.reader import read_workbook

SEED = "phu_luc_backan_2024_so_huyen.txt"
ROUNDS = 20
fork = multiprocessing.get_context("fork")

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fork and SIGKILL")


def leftovers(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if ".xltools-" in n)


def cli(argv) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        code = main([str(a) for a in argv])
    return code, err.getvalue()


# ---------------------------------------------------------------- backups and temporary files

def test_backups_are_rotated_and_the_first_version_is_kept(tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"original")
    for i in range(8):
        files.write_bytes(path, f"version {i}".encode())
    kept = [p.read_bytes() for p in files.backups(path)]
    assert kept == [b"original", b"version 3", b"version 4", b"version 5", b"version 6"]
    assert path.read_bytes() == b"version 7" and not leftovers(tmp_path)


def test_a_link_planted_at_the_temporary_name_is_not_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    path = tmp_path / "bang.xlsx"
    planted = path.with_name(".bang.xltools-aaaa.tmp.xlsx")
    planted.symlink_to(victim)
    names = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(files.secrets, "token_hex", lambda n: next(names))
    files.write_bytes(path, b"new workbook")
    assert victim.read_bytes() == b"keep me" and path.read_bytes() == b"new workbook"


def test_a_failed_write_leaves_the_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"original")

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")
    with pytest.raises(OSError) as failure:
        files.write_safely(path, broken)
    assert failure.value.filename == str(path)  # the disk-full message names the user's file
    assert path.read_bytes() == b"original" and not leftovers(tmp_path) and not files.backups(path)


def test_disk_full_message_names_the_file(tmp_path, monkeypatch):
    def full(path):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(files, "_fsync_file", full)  # the file system reports it when the data is flushed
    code, err = cli(["template", "--set", "backan-2024-so", "-o", tmp_path / "mau.xlsx"])
    assert code == 2 and "mau.xlsx" in err and "ổ đĩa đã đầy" in err, err
    assert not leftovers(tmp_path) and not (tmp_path / "mau.xlsx").exists()


# ---------------------------------------------------------------- a kill in the middle of a write

def _slow_write(path: Path, data: bytes):
    def save(tmp):
        with open(tmp, "wb") as out:
            for i in range(0, len(data), len(data) // 40):
                out.write(data[i:i + len(data) // 40])
                out.flush()
                time.sleep(0.002)
    files.write_safely(path, save)


def _start_writer(folder: Path, path: Path, data: bytes):
    """A child writing `data` to `path`, once its temporary file exists; (child, time it appeared)."""
    child = fork.Process(target=_slow_write, args=(path, data))
    child.start()
    deadline = time.monotonic() + 10
    while not any(".tmp" in n for n in os.listdir(folder)) and child.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    return child, time.monotonic()


def test_a_kill_during_a_write_leaves_the_old_or_the_new_file_whole(tmp_path):
    old, new = b"old " * 50_000, b"new " * 60_000
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    child, started = _start_writer(calibration, calibration / "bang.xlsx", new)
    child.join()
    write_time = time.monotonic() - started  # this machine's time for a whole write, under its load now
    rng = random.Random(15)
    outcomes = set()
    for i in range(ROUNDS):
        folder = tmp_path / str(i)
        folder.mkdir()
        path = folder / "bang.xlsx"
        path.write_bytes(old)
        child, started = _start_writer(folder, path, new)
        time.sleep(max(0.0, started + rng.uniform(0, 1.6 * write_time) - time.monotonic()))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        content = path.read_bytes()
        assert content in (old, new), f"round {i}: the workbook is neither the old nor the new one"
        outcomes.add(content == new)
        with files.locked(path):  # the next command on the file removes what the killed one left
            pass
        assert not leftovers(folder), f"round {i}: {leftovers(folder)}"
        assert all(b.read_bytes() == old for b in files.backups(path))
    assert outcomes == {False, True}  # the kills hit both before and after the replace


def _tinh_lai(path):
    cli(["macro", "tinh-lai", path])


def test_a_killed_recompute_leaves_a_workbook_that_opens(workbook_copies):
    rng = random.Random(7)
    for path in workbook_copies[:6]:
        before = path.read_bytes()
        child = fork.Process(target=_tinh_lai, args=(path,))
        child.start()
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert path.read_bytes() == before or read_workbook(path)
        load_workbook(path)
        with files.locked(path):
            pass
        assert not leftovers(path.parent)


# ---------------------------------------------------------------- two commands at once

@pytest.fixture
def workbook_copies(tmp_path, data_dir):
    table, cset = load(data_dir / SEED)[0]
    units = table.units[:4]
    for u in units:
        for f in u.fields:
            f.survey = None
    data = builder.workbook_bytes(builder.build([builder.SectionInput(cset, units)], with_appraised=True))
    paths = []
    for i in range(ROUNDS):
        folder = tmp_path / f"r{i}"
        folder.mkdir()
        (folder / "bang.xlsx").write_bytes(data)
        paths.append(folder / "bang.xlsx")
    return paths


def _racer(command, paths, survey, barrier, results):
    for i, path in enumerate(paths):
        barrier.wait()
        if (i % 2 == 0) != (command == "tinh-lai"):
            time.sleep(0.05)  # the other command starts first; the orders alternate round by round
        argv = ["macro", "tinh-lai", path] if command == "tinh-lai" else ["macro", "nhap-xhh", "--from", survey, path]
        results.put((command, i, *cli(argv)))


def test_recompute_and_survey_import_at_once_keep_both_results(workbook_copies, tmp_path, data_dir):
    units = load(data_dir / SEED)[0][0].units[:4]
    survey = survey_file(tmp_path / "xhh.xlsx", units)
    barrier, results = fork.Barrier(2), fork.Queue()
    racers = [fork.Process(target=_racer, args=(c, workbook_copies, survey, barrier, results))
              for c in ("tinh-lai", "nhap-xhh")]
    for r in racers:
        r.start()
    outcome = {}
    for _ in range(2 * ROUNDS):
        command, i, code, err = results.get(timeout=600)
        outcome[command, i] = (code, err)
    for r in racers:
        r.join()
    expected = {u.name: [float(f.survey) for f in u.fields] for u in units}
    for i, path in enumerate(workbook_copies):
        codes = {c: outcome[c, i] for c in ("tinh-lai", "nhap-xhh")}
        refused = [c for c, (code, _) in codes.items() if code != 0]
        assert len(refused) <= 1 and all("đang được" in codes[c][1] and "bang.xlsx" in codes[c][1] for c in refused), codes
        wb = load_workbook(path)  # the workbook always opens
        if "tinh-lai" not in refused:
            assert "Kiểm tra" in wb.sheetnames, f"round {i}: the recompute's result is missing"
        if "nhap-xhh" not in refused:
            [table] = read_workbook(path)
            got = {u.name: [float(f.survey) for f in u.fields] for u in table.units}
            assert got == expected, f"round {i}: the survey scores are missing"
        assert not leftovers(path.parent)


def _hold(path, seconds, ready):
    with files.locked(path):
        ready.set()
        time.sleep(seconds)


def test_a_busy_workbook_is_refused_with_its_name(workbook_copies, monkeypatch):
    path = workbook_copies[0]
    before = path.read_bytes()
    ready = fork.Event()
    holder = fork.Process(target=_hold, args=(path, 5, ready))
    holder.start()
    try:
        assert ready.wait(30)
        monkeypatch.setattr(files, "LOCK_WAIT", 0.3)
        code, err = cli(["macro", "tinh-lai", path])
    finally:
        holder.terminate()
        holder.join()
    assert code == 2 and "bang.xlsx" in err and "đang được một lệnh xltools khác dùng" in err, err
    assert path.read_bytes() == before
    assert not leftovers(path.parent)  # the terminated holder released and removed its lock


def test_template_over_an_existing_workbook_says_where_the_old_one_is_kept(tmp_path, capsys):
    """`template -o bang.xlsx` over a workbook being filled: the old one is a backup, and the user is told its name."""
    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    assert "giữ lại" not in capsys.readouterr().out
    wb = load_workbook(path)
    wb.active["E7"] = 9.5
    wb.save(path)
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    out = capsys.readouterr().out
    (backup,) = files.backups(path)
    assert f"Tệp bang.xlsx cũ (đã có trước) được giữ lại thành {backup.name}." in out
    assert load_workbook(backup).active["E7"].value == 9.5
