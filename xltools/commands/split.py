"""`xltools split WORKBOOK --by field|unit --assign "NAME=…; NAME=…" -o FOLDER`: one part per council member."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("split", help="chia bảng tính thẩm định cho các thành viên hội đồng (mỗi người một tệp, chỉ "
                                     "mở ô được giao)")
    p.add_argument("workbook", metavar="WORKBOOK", help="bảng tính thẩm định tạo bằng `xltools template`")
    p.add_argument("--by", choices=("field", "unit"), default="field",
                   help="chia theo lĩnh vực (field, mặc định) hay theo đơn vị (unit)")
    p.add_argument("--assign", required=True, metavar="\"TÊN=…; TÊN=…\"",
                   help="phân công: theo lĩnh vực \"Tư pháp=2; Tài chính=6; Nội vụ=1,3-5,7\" (số thứ tự hoặc tên lĩnh "
                        "vực); theo đơn vị \"Tổ 1=Sở Y tế, Sở Xây dựng; Tổ 2=…\"")
    p.add_argument("-o", "--out", required=True, metavar="FOLDER", help="thư mục ghi các phần và phan_cong.json")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..council.split import split
    from ._common import print_json

    result = split(args.workbook, args.by, args.assign, args.out)
    m = result.manifest
    if args.json:
        print_json({"by": m.by, "manifest": str(result.manifest_file), "unassigned": result.unassigned,
                    "parts": [{"member": mem.name, "file": str(path), "fields": mem.fields, "units": mem.units}
                              for mem, path in zip(m.members, result.parts)]})
        return 0
    for member, path in zip(m.members, result.parts):
        print(f"{member.name}: {member.assignment(m.by)} -> {path}")
    print(f"Phân công: {result.manifest_file}")
    if result.unassigned:
        what = "Lĩnh vực" if m.by == "field" else "Đơn vị"
        print(f"Lưu ý: {what} chưa giao cho ai (khóa trong mọi phần): " + "; ".join(result.unassigned) + ".")
    return 0
