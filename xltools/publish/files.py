"""Writing output files safely: to a temporary file first, then os.replace; an existing file is kept
as a backup (name.bak.ext) so nothing a user edited is lost."""
from __future__ import annotations

import errno
import filecmp
import os
from collections.abc import Callable
from pathlib import Path


def backup_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def write_safely(path: str | Path, save: Callable[[Path], object]) -> Path:
    """`save(tmp)` writes the content; the result replaces `path`, whose old version becomes the backup
    (none is made when the old version has the very same bytes: nothing would be lost)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if path.exists() and not path.stat().st_mode & 0o222:  # marked read-only: os.replace would not ask
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        save(tmp)
        if path.exists() and not filecmp.cmp(path, tmp, shallow=False):
            os.replace(path, backup_path(path))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
