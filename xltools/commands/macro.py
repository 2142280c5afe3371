"""`xltools macro NAME FILE`: run a workbook's button macro on a file, without Excel.

    xltools macro tinh-lai FILE                       sort into rank order, class, check (Kiểm tra sheet)
    xltools macro nhap-xhh FILE --from SURVEY.xlsx    survey scores from another workbook
    xltools macro xuat-phu-luc FILE -o OUTDIR         the official appendix file
    xltools macro chia-phan FILE --assign "A=2; B=6"  the council's parts (xltools split), next to FILE
    xltools macro hop-nhat FILE [PARTS…]              the parts merged into FILE itself (xltools merge)
    xltools macro so-sanh FILE --old OLD.xlsx         a "So sánh" sheet: what changed since OLD (xltools diff)

The same functions run inside Excel from the buttons (xltools.excel.macros); FILE is saved with the
previous version kept as a backup FILE.bak-TIME.xlsx(m). The file is locked from reading to saving,
so a second command on it waits (xltools.files).
"""
from __future__ import annotations

from functools import partial


def register(sub) -> None:
    p = sub.add_parser("macro", help="chạy macro của bảng tính (Tính lại xếp hạng, Nhập điểm XHH, Xuất phụ lục) "
                                     "trên tệp, không cần Excel")
    names = p.add_subparsers(dest="macro", metavar="MACRO")
    names.required = True
    recompute = names.add_parser("tinh-lai", help="Tính lại xếp hạng: sắp xếp, đánh STT, xếp loại, kiểm tra")
    survey = names.add_parser("nhap-xhh", help="Nhập điểm ĐT XHH từ một tệp Excel khác")
    survey.add_argument("--from", dest="source", required=True, metavar="TỆP_XHH.xlsx",
                        help="tệp kết quả điều tra xã hội học (tên đơn vị và điểm từng lĩnh vực)")
    appendix = names.add_parser("xuat-phu-luc", help="Xuất phụ lục chính thức")
    appendix.add_argument("-o", "--out", default=".", metavar="THƯ_MỤC", help="thư mục ghi tệp phụ lục")
    split = names.add_parser("chia-phan", help="Chia phần cho các thành viên hội đồng (như `xltools split`)")
    split.add_argument("--assign", metavar="\"TÊN=…; TÊN=…\"",
                       help="phân công, như `xltools split` (mặc định: đọc trang 'Phân công' của TỆP: cột A tên thành "
                            "viên, cột B lĩnh vực hoặc đơn vị được giao)")
    split.add_argument("--by", choices=("field", "unit"), default="field", help="theo lĩnh vực hay theo đơn vị")
    split.add_argument("-o", "--out", metavar="THƯ_MỤC", help="thư mục các phần (mặc định: TÊN_phan_cong cạnh TỆP)")
    merge = names.add_parser("hop-nhat", help="Hợp nhất các phần vào TỆP (như `xltools merge`, ghi vào chính TỆP)")
    merge.add_argument("parts", nargs="*", metavar="PHẦN",
                       help="các tệp phần hoặc thư mục (mặc định: thư mục TÊN_phan_cong cạnh TỆP)")
    compare = names.add_parser("so-sanh", help="So sánh với phiên bản cũ, ghi trang So sánh (như `xltools diff`)")
    compare.add_argument("--old", required=True, metavar="BẢN_CŨ.xlsx", help="phiên bản cũ của bảng tính")
    for parser in (recompute, survey, appendix, split, merge, compare):
        parser.add_argument("file", metavar="TỆP", help="bảng tính tạo bằng `xltools template` (.xlsx hoặc .xlsm)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..excel import macros
    from ..excel.book import OpenpyxlBook
    from ..files import locked

    if args.macro == "xuat-phu-luc":  # reads the workbook only
        from ..publish.draft import DRAFT_MARK

        message = macros.xuat_phu_luc(OpenpyxlBook(args.file), outdir=args.out)
        print(message)
        return 1 if message.startswith(DRAFT_MARK) else 0  # written as a draft (DỰ THẢO), as `xltools publish`
    with locked(args.file):  # from reading the workbook to replacing it: no other command in between
        if args.macro in ("tinh-lai", "nhap-xhh"):  # cells and a findings sheet: the package changed part by part
            from ..excel.package_book import Unsupported, open_book

            action = macros.tinh_lai_xep_hang if args.macro == "tinh-lai" else \
                partial(macros.nhap_diem_xhh, source=args.source)
            try:
                message = action(open_book(args.file))
            except Unsupported:  # a value it does not write (a date moved with its row): nothing was written yet
                message = action(OpenpyxlBook(args.file))
        else:
            message = _council_macro(args, macros, OpenpyxlBook(args.file))
    print(message)
    if args.macro == "hop-nhat":
        from ..council.merge import CONFLICTS

        return 1 if CONFLICTS in message else 0  # as `xltools merge`
    if args.macro == "nhap-xhh":  # rows of the survey file that went nowhere: done, but not all of it
        return 1 if macros.SURVEY_UNMATCHED in message else 0
    return 0


def _council_macro(args, macros, book) -> str:
    if args.macro == "chia-phan":
        return macros.chia_phan(book, assign=args.assign, by=args.by, outdir=args.out)
    if args.macro == "hop-nhat":
        return macros.hop_nhat(book, parts=args.parts or None)
    return macros.so_sanh(book, old=args.old)
