"""Writing a user's file so that nothing is ever lost, even with two commands at once or a kill mid-write.

One path for every file the toolkit writes (workbooks, appendices, reports, sets):

- a lock next to the file (`.NAME.xltools-lock`, an OS lock: fcntl on Linux/macOS, msvcrt on Windows)
  held from reading the file to replacing it, so two commands on one workbook run one after the other;
  a command that cannot get it within LOCK_WAIT seconds stops with `BusyError`;
- the new content goes to a temporary file with a unique name in the same folder, created exclusively
  (O_EXCL: never an existing file, never through a planted symbolic link), written and fsync'ed;
- the old version is first kept as a backup `NAME.bak-YYYYMMDD-HHMMSS.EXT` by a hard link (or a copy),
  then one `os.replace` puts the new file in place: at every moment the file is there, whole;
- backups are rotated: the oldest (the first version ever replaced) and the newest few are kept;
- temporary files are removed on any error; one left by a killed process is removed by the next
  command that locks the same file (temporary files only exist while their file is locked).
"""
from __future__ import annotations

import errno
import filecmp
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from .errors import UserError

LOCK_WAIT = 15.0  # seconds a command waits for another one working on the same file
KEEP_BACKUPS = 5  # the oldest backup and the 4 newest
_TEMP_TAG = ".xltools-"
_held: dict[str, int] = {}  # files this process has locked (a lock is re-entrant within one command)


class BusyError(UserError, ValueError):
    """Another command is working on the file."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"Tệp '{path}' đang được một lệnh xltools khác dùng (đang tính lại hoặc ghi); hãy đợi lệnh "
                         "đó xong rồi chạy lại. Nếu không còn lệnh nào chạy, hãy chạy lại ngay: khóa tự mở khi lệnh "
                         "kia kết thúc.")


# ---------------------------------------------------------------- the lock

def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.xltools-lock")


if sys.platform == "win32":  # pragma: no cover (Windows)
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(lock: Path) -> int | None:
    """The locked descriptor of `lock`, or None when another process holds it. The holder deletes the
    lock file when done, so a lock taken on a file that is no longer at that name is given back."""
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except PermissionError as exc:  # a folder we may not write in: name the user's file, not the lock
        raise PermissionError(exc.errno, exc.strerror, str(lock.with_name(lock.name[1:-len(".xltools-lock")]))) from exc
    if _try_lock(fd):
        try:
            current = os.stat(lock, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(current, os.fstat(fd)):
            return fd
        _unlock(fd)
    os.close(fd)
    return None


@contextmanager
def locked(path: str | os.PathLike, wait: float | None = None) -> Iterator[Path]:
    """Hold the file's lock (from reading it to replacing it); BusyError after `wait` seconds."""
    path = Path(os.path.abspath(path))
    key = str(path)
    if key in _held:
        _held[key] += 1
        try:
            yield path
        finally:
            _held[key] -= 1
        return
    if not path.parent.is_dir():  # nothing there to protect; the caller says the path is wrong
        yield path
        return
    lock = lock_path(path)
    deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
    while (fd := _acquire(lock)) is None:
        if time.monotonic() >= deadline:
            raise BusyError(path)
        time.sleep(0.05)
    _held[key] = 1
    restore = _exit_on_terminate()
    try:
        _remove_stale_temps(path)
        yield path
    finally:
        restore()
        del _held[key]
        try:
            os.unlink(lock)  # before unlocking: a waiting command then sees it is gone and takes a new one
        except OSError:
            pass  # Windows keeps an open file; the lock file stays, harmless
        _unlock(fd)
        os.close(fd)


def _exit_on_terminate() -> Callable[[], None]:
    """While a file is locked, a terminate signal (kill, Ctrl+Break) exits through the `finally` blocks, which
    remove the temporary file and release the lock; gives back the function that restores the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)
    return restore


# ---------------------------------------------------------------- temporary files

def _temp_prefix(path: Path) -> str:
    return f".{path.stem}{_TEMP_TAG}"


def _is_temp_of(name: str, path: Path) -> bool:
    return name.startswith(_temp_prefix(path)) and name.endswith(f".tmp{path.suffix}")


def _new_temp(path: Path) -> Path:
    """An empty file of our own next to `path`: a fresh unique name, created exclusively, no link followed."""
    umask = os.umask(0)
    os.umask(umask)
    while True:
        tmp = path.with_name(f"{_temp_prefix(path)}{secrets.token_hex(6)}.tmp{path.suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666 & ~umask)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of `path` left by a killed command (we hold the lock: none is being written)."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if _is_temp_of(name, path):
            try:
                os.unlink(path.parent / name)
            except OSError:
                pass


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover (folders cannot be opened on Windows; NTFS journals the rename)
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) do not sync folders
    finally:
        os.close(fd)


# ---------------------------------------------------------------- backups

_STAMP = "%Y%m%d-%H%M%S"


def _backup_pattern(path: Path) -> re.Pattern:
    return re.compile(rf"^{re.escape(path.stem)}\.bak-(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(path.suffix)}$")


def _backups_by_time(path: Path) -> list[tuple[tuple[str, int], Path]]:
    pattern = _backup_pattern(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(((m[1], int(m[2] or 0)), path.with_name(name)) for name in names if (m := pattern.match(name)))


def backups(path: str | os.PathLike) -> list[Path]:
    """The backups of `path`, oldest first."""
    return [p for _, p in _backups_by_time(Path(path))]


def _backup(path: Path) -> Path:
    """A second name (hard link) or a copy of the current `path`, made before it is replaced."""
    stamp = datetime.now().strftime(_STAMP)
    n = max([k for (s, k), _ in _backups_by_time(path) if s == stamp], default=-1) + 1  # later in the same second
    while True:
        target = path.with_name(f"{path.stem}.bak-{stamp}{f'-{n}' if n else ''}{path.suffix}")
        try:
            os.link(path, target, follow_symlinks=False)
            return target
        except FileExistsError:
            n += 1
        except OSError:  # no hard links here (FAT, some network shares): copy through a temporary file
            tmp = _new_temp(path)
            try:
                shutil.copy2(path, tmp)
                _fsync_file(tmp)
                if target.exists():
                    n += 1
                    continue
                os.replace(tmp, target)
                return target
            finally:
                if tmp.exists():
                    tmp.unlink()


def _rotate(path: Path) -> None:
    old = backups(path)
    keep = set(old[:1] + old[-(KEEP_BACKUPS - 1):])
    for p in old:
        if p not in keep:
            try:
                p.unlink()
            except OSError:
                pass


def set_aside(path: str | os.PathLike) -> Path:
    """Move `path` to a backup name (as a replaced file's backup is named) and return that name: a file that no
    longer matches what was just written next to it (an old PDF of a re-published docx), kept, not deleted."""
    path = Path(path)
    with locked(path):
        kept = _backup(path)
        path.unlink()
    _fsync_folder(path.parent)
    return kept


# ---------------------------------------------------------------- writing

def write_safely(path: str | os.PathLike, save: Callable[[Path], object]) -> Path:
    """`save(tmp)` writes the content to a temporary file; it then replaces `path`, whose old version is kept
    as a backup first (none is made when the old version has the very same bytes: nothing would be lost)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if path.exists() and not path.stat().st_mode & 0o222:  # marked read-only: os.replace would not ask
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path):
        tmp = _new_temp(path)
        try:
            try:
                save(tmp)
                _fsync_file(tmp)
            except OSError as exc:  # the disk is full, say, while writing the temporary file: name the file
                if exc.filename is None or exc.filename == str(tmp):
                    raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
                raise
            if path.exists():
                if filecmp.cmp(path, tmp, shallow=False):
                    return path
                os.chmod(tmp, path.stat().st_mode & 0o7777)  # the file keeps its permissions
                _backup(path)
            os.replace(tmp, path)
            _fsync_folder(path.parent)
            _rotate(path)
        finally:
            if tmp.exists():
                tmp.unlink()
    return path


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    return write_safely(path, lambda tmp: tmp.write_bytes(data))
