"""`xltools …`: parse arguments, call the layers below, print. Each command is a module in
xltools/commands/ with `register(subparsers)`; this file only finds and runs them."""
from __future__ import annotations

import errno
import importlib
import json
import os
import pkgutil
import sys

from . import commands
from .commands._parser import VietnameseArgumentParser
from .errors import UserError


def build_parser(only: str | None = None) -> VietnameseArgumentParser:
    """The whole command line; or, with `only` (a command's module name), that command alone: a command
    then does not import what every other command needs at module level."""
    parser = VietnameseArgumentParser(prog="xltools", description="Công cụ chấm điểm, xếp hạng Chỉ số CCHC trên Excel.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    sub.required = True
    for name in [only] if only else command_modules():
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def command_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def _asked_command(argv: list[str]) -> str | None:
    """The module of the command `argv` starts with (the top parser's only option is -h): `rank` is in
    rank.py, `import` in import_cmd.py; None for anything else (the whole parser then says what is wrong)."""
    modules = command_modules()
    word = argv[0] if argv else ""
    return next((m for m in (word, f"{word}_cmd") if m in modules), None)


_OS_REASONS = (
    (PermissionError, "không có quyền đọc hoặc ghi (tệp đang mở trong Excel, tệp chỉ cho đọc, hoặc thư mục không "
                      "cho ghi); hãy đóng tệp, hoặc chọn thư mục khác, rồi chạy lại"),
    (IsADirectoryError, "đây là một thư mục, không phải tệp; hãy ghi đường dẫn tới một tệp"),
    (NotADirectoryError, "một phần của đường dẫn là tệp chứ không phải thư mục; hãy chọn thư mục khác"),
    (FileExistsError, "đã có một tệp cùng tên ở chỗ cần tạo thư mục; hãy chọn thư mục khác"),
    (FileNotFoundError, "không tìm thấy tệp hoặc thư mục (hoặc không tạo được thư mục ở đó); hãy kiểm tra đường dẫn"),
)
_ERRNO_REASONS = {errno.ENOSPC: "ổ đĩa đã đầy; hãy giải phóng chỗ trống rồi chạy lại",
                  errno.EROFS: "ổ đĩa chỉ cho đọc; hãy chọn thư mục khác"}


def os_error_message(exc: OSError) -> str:
    """An error of the file system in Vietnamese: which path, what happened, what to do."""
    reason = _ERRNO_REASONS.get(exc.errno) or next((text for kind, text in _OS_REASONS if isinstance(exc, kind)), None)
    if reason is None:
        reason = f"lỗi đọc/ghi tệp ({exc.strerror or exc}); hãy kiểm tra đường dẫn và quyền ghi"
    path = exc.filename2 or exc.filename
    return f"'{path}': {reason}." if path else f"{reason[0].upper()}{reason[1:]}."


def user_error_message(exc: BaseException) -> str | None:
    """The Vietnamese message of an input problem the user can fix; None for a defect of ours."""
    if isinstance(exc, OSError):
        return os_error_message(exc)
    if isinstance(exc, UserError):
        return str(exc)
    return None


def report_failure(args, message: str, code: str) -> None:
    """A run that ends early: with --json, one JSON error object on stdout (tools always get JSON);
    otherwise the message on stderr."""
    if getattr(args, "json", False):
        from .core.checks import label

        print(json.dumps([{"severity": "error", "code": code, "label": label(code), "unit": "", "field": "",
                           "message": message, "where": str(getattr(args, "file", "") or ""), "found": ""}],
                         ensure_ascii=False, indent=2))
    else:
        print(f"Lỗi: {message}", file=sys.stderr)


class _ReaderMayLeave:
    """stdout for `xltools check … | head`: once the reader has left, what is still printed goes nowhere and the
    command runs to its end, so its exit code (1: the table has errors) is still its answer, never a 0 that
    the broken pipe made up."""

    def __init__(self, stream):
        self.wrapped = stream  # the process's stdout (commands that write bytes to its buffer look for it)

    def reader_left(self) -> None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), self.wrapped.fileno())  # the buffered rest flushes to nowhere

    def write(self, text: str) -> int:
        try:
            return self.wrapped.write(text)
        except BrokenPipeError:
            self.reader_left()
            return len(text)

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except BrokenPipeError:
            self.reader_left()

    def __getattr__(self, name):
        return getattr(self.wrapped, name)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # a file name that is not UTF-8 (an old disk, a zip from Windows) is
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # shown as \udcff, never a crash
    if sys.stdout is sys.__stdout__ and sys.stdout is not None:  # the process's own stdout (not a test's capture)
        sys.stdout = _ReaderMayLeave(sys.stdout)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_asked_command(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # left by a write that did not go through sys.stdout: the answer is lost, not a success
        sys.stdout = open(os.devnull, "w")
        return 128 + 13  # what a shell reports for a process its reader left (SIGPIPE)
    except Exception as exc:
        message = user_error_message(exc)
        if message is not None:
            report_failure(args, message, "file-unreadable")
            return 2
        if os.environ.get("XLTOOLS_DEBUG"):  # a defect of ours: say so plainly; the traceback only when asked
            raise
        report_failure(args, f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Dữ liệu của bạn không bị thay "
                       "đổi. Hãy chạy lại với biến môi trường XLTOOLS_DEBUG=1 và gửi nội dung lỗi cho bộ phận CNTT.",
                       "internal-error")
        return 3


if __name__ == "__main__":
    sys.exit(main())
