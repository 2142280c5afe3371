"""`xltools …`: parse arguments, call the layers below, print. Each command is a module in
xltools/commands/ with `register(subparsers)`; this file only finds and runs them."""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import pkgutil
import sys

from . import commands
from .errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xltools", description="Công cụ chấm điểm, xếp hạng Chỉ số CCHC trên Excel.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser


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


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `xltools rank … | head`: the reader left, nothing is wrong
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as exc:
        print(f"Lỗi: {os_error_message(exc)}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a defect of ours: say so plainly; the traceback only when asked for
        if os.environ.get("XLTOOLS_DEBUG"):
            raise
        print(f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Dữ liệu của bạn không bị thay đổi. "
              "Hãy chạy lại với biến môi trường XLTOOLS_DEBUG=1 và gửi nội dung lỗi cho bộ phận CNTT.",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
