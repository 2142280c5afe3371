"""argparse in Vietnamese: usage, section titles, -h and the error messages a user sees.

argparse writes its English words through gettext; rather than patch the module for the whole process
(pytest uses argparse too), the parser and its formatter say them in Vietnamese here, and the
messages argparse builds are translated by pattern in `error`. Bad arguments exit 2, as argparse does.
"""
from __future__ import annotations

import argparse
import re
import sys

# argparse's messages (Python 3.10-3.13), most specific first; groups are kept as argparse filled them
_MESSAGES = [
    (r"the following arguments are required: (.*)", r"thiếu đối số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"đối số không hiểu được: \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"đối số \1: không có lựa chọn \2 (chọn một trong: \3)"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"không có lựa chọn \1 (chọn một trong: \2)"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"đối số \1: giá trị \3 không hợp lệ (cần kiểu \2)"),
    (r"argument (.*?): expected one argument", r"đối số \1: cần đúng một giá trị"),
    (r"argument (.*?): expected at most one argument", r"đối số \1: cần nhiều nhất một giá trị"),
    (r"argument (.*?): expected at least one argument", r"đối số \1: cần ít nhất một giá trị"),
    (r"argument (.*?): not allowed with argument (.*)", r"đối số \1: không dùng cùng đối số \2"),
    (r"argument (.*?): ignored explicit argument (.*)", r"đối số \1: không nhận giá trị \2"),
    (r"one of the arguments (.*) is required", r"cần một trong các đối số: \1"),
    (r"ambiguous option: (.*?) could match (.*)", r"tùy chọn \1 không rõ, có thể là: \2"),
    (r"unexpected option string: (.*)", r"tùy chọn không mong đợi: \1"),
    (r"argument (.*?): (.*)", r"đối số \1: \2"),
]


_TYPES = {"(cần kiểu int)": "(cần một số nguyên)", "(cần kiểu float)": "(cần một số)"}


def vietnamese(message: str) -> str:
    """argparse's English error message in Vietnamese (unchanged when it is not one of argparse's)."""
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            message = re.sub(pattern, replacement, message, flags=re.DOTALL)
            for english, words in _TYPES.items():
                message = message.replace(english, words)
            return message
    return message


class VietnameseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="cách dùng: " if prefix is None else prefix)


class VietnameseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese; its subparsers are of the same class."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "đối số"
        self._optionals.title = "tùy chọn"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="in hướng dẫn này rồi thoát")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {vietnamese(message)}\n"
                     f"Xem hướng dẫn: {self.prog} -h\n")
