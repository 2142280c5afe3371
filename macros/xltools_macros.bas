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

' Nap lai cac ham CCHC_ (sau khi cai hoac nang cap xltools). Can bat "Trust access to the VBA project object model".
Sub NapHamCCHC()
    ImportPythonUDFs
End Sub
