"""`xltools macro NAME FILE`: run a workbook's button macro on a file, without Excel.

    xltools macro tinh-lai FILE                       sort into rank order, class, check (Kiểm tra sheet)
    xltools macro nhap-xhh FILE --from SURVEY.xlsx    survey scores from another workbook
    xltools macro xuat-phu-luc FILE -o OUTDIR         the official appendix file

The same functions run inside Excel from the buttons (xltools.excel.macros); FILE is saved with the
previous version kept as FILE.bak.xlsx(m).
"""
from __future__ import annotations


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
    for parser in (recompute, survey, appendix):
        parser.add_argument("file", metavar="TỆP", help="bảng tính tạo bằng `xltools template` (.xlsx hoặc .xlsm)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..excel import macros
    from ..excel.book import OpenpyxlBook

    book = OpenpyxlBook(args.file)
    if args.macro == "tinh-lai":
        message = macros.tinh_lai_xep_hang(book)
    elif args.macro == "nhap-xhh":
        message = macros.nhap_diem_xhh(book, source=args.source)
    else:
        from ..publish.draft import DRAFT_MARK

        message = macros.xuat_phu_luc(book, outdir=args.out)
        print(message)
        return 1 if message.startswith(DRAFT_MARK) else 0  # written as a draft: the table still has errors
    print(message)
    return 0
