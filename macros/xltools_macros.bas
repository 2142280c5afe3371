Attribute VB_Name = "xltools_macros"
' Nut bam cua bang tinh CCHC: moi nut goi mot macro Python cua xltools qua RunPython (xlwings).
' `xltools template --xlsm` ghi tep nay canh bang tinh .xlsm. Nhap mo-dun vao bang tinh:
'   Alt+F11 > File > Import File... > chon tep nay; roi gan macro cho nut (chuot phai > Assign Macro).
' RunPython nam trong mo-dun xlwings cua chinh bang tinh (ban standalone) hoac trong add-in xlwings.
Option Explicit

' Tinh lai xep hang: sap xep bang theo thu hang, danh lai STT, xep loai, ap dung quy tac cap xa, ghi trang Kiem tra.
Sub TinhLaiXepHang()
    RunPython "import xltools.excel.macros as m; m.tinh_lai_xep_hang()"
End Sub

' Nhap diem XHH: hoi tep ket qua dieu tra xa hoi hoc, ghi diem DT XHH cua tung don vi.
Sub NhapDiemXHH()
    Dim path As Variant
    path = Application.GetOpenFilename("Excel, CSV (*.xlsx;*.xlsm;*.csv),*.xlsx;*.xlsm;*.csv", , "Chon tep diem DT XHH")
    If path = False Then Exit Sub
    RunPython "import xltools.excel.macros as m; m.nhap_diem_xhh(source=r""" & path & """)"
End Sub

' Xuat phu luc: ghi tep Phu luc chinh thuc canh bang tinh nay.
Sub XuatPhuLuc()
    RunPython "import xltools.excel.macros as m; m.xuat_phu_luc()"
End Sub

' Chia phan: moi thanh vien hoi dong mot tep (chi mo o duoc giao), theo trang "Phan cong" (cot A ten, cot B linh vuc),
' ghi vao thu muc TEN_phan_cong canh bang tinh. Hay luu bang tinh truoc.
Sub ChiaPhan()
    RunPython "import xltools.excel.macros as m; m.chia_phan()"
End Sub

' Hop nhat: ghep cac phan trong thu muc TEN_phan_cong vao bang tinh nay; xung dot ghi o trang "Hop nhat".
Sub HopNhat()
    RunPython "import xltools.excel.macros as m; m.hop_nhat()"
End Sub

' So sanh: hoi phien ban cu cua bang tinh, ghi trang "So sanh" (diem thay doi, xep hang, xep loai thay doi).
Sub SoSanh()
    Dim path As Variant
    path = Application.GetOpenFilename("Excel (*.xlsx;*.xlsm),*.xlsx;*.xlsm", , "Chon phien ban cu de so sanh")
    If path = False Then Exit Sub
    RunPython "import xltools.excel.macros as m; m.so_sanh(old=r""" & path & """)"
End Sub

' Nap lai cac ham CCHC_ (sau khi cai hoac nang cap xltools). Can bat "Trust access to the VBA project object model".
Sub NapHamCCHC()
    ImportPythonUDFs
End Sub
