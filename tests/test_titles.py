"""What a title says: level, year and province, from the data lists (xltools/data/places.yaml)."""
from __future__ import annotations

import pytest

from xltools.importers.titles import detect_level, detect_province, detect_year, places, province_names


@pytest.mark.parametrize("title, level", [
    ("XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH CẤP TỈNH NĂM 2023", "so"),
    ("KẾT QUẢ CHỈ SỐ CCHC CỦA CÁC CƠ QUAN CHUYÊN MÔN THUỘC UBND TỈNH NĂM 2023", "so"),
    ("XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2024", "so"),
    ("CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 (PAR INDEX 2023) CỦA CÁC BỘ, CƠ QUAN NGANG BỘ", "bo"),
    ("Chỉ số CCHC năm 2023 của các tỉnh, thành phố trực thuộc Trung ương", "tinh"),
    ("Chỉ số cải cách hành chính tỉnh Bắc Giang năm 2023", "tinh"),
    ("XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC HUYỆN, THÀNH PHỐ NĂM 2024", "huyen"),
    ("Chỉ số CCHC của UBND các quận, huyện năm 2022", "huyen"),
    ("Chỉ số CCHC UBND các huyện, thị xã, thành phố năm 2023", "huyen"),
    ("XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CỦA UBND CÁC XÃ, PHƯỜNG NĂM 2023", "xa"),
    ("Chỉ số CCHC của UBND các xã, phường, thị trấn năm 2024", "xa"),
    ("Chỉ số CCHC của UBND các xã, phường, đặc khu năm 2025", "xa"),
    ("Báo cáo kết quả năm 2023", None),
])
def test_level(title, level):
    assert detect_level(title) == level


@pytest.mark.parametrize("text, province", [
    ("CHỈ SỐ CCHC CỦA CÁC CƠ QUAN CHUYÊN MÔN thuộc UBND TỈNH NĂM 2023", ""),
    ("ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU", "Bà Rịa - Vũng Tàu"),
    ("UBND tỉnh Bà Rịa-Vũng Tàu công bố", "Bà Rịa - Vũng Tàu"),
    ("Chỉ số CCHC các sở, ban, ngành tỉnh Thừa Thiên Huế năm 2023", "Thừa Thiên Huế"),
    ("Chỉ số CCHC các sở, ngành thành phố Hải Phòng năm 2024", "Hải Phòng"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", "Hải Phòng"),
    ("UBND TP. Hồ Chí Minh", "Hồ Chí Minh"),
    ("Kèm theo Quyết định của UBND tỉnh Đăk Lăk", "Đắk Lắk"),
    ("UBND tỉnh Khánh Hoà", "Khánh Hòa"),
    ("(Kèm theo Quyết định số: /QĐ-UBND ngày tháng 12 năm 2024 của UBND tỉnh Bắc Kạn)", "Bắc Kạn"),
    ("Chỉ số CCHC thành phố Huế năm 2025", "Huế"),
    ("Sở Nội vụ tỉnh Quảng Ngãi; Sở Nội vụ tỉnh Quảng Nam", "Quảng Ngãi"),
])
def test_province(text, province):
    assert detect_province(text) == province


@pytest.mark.parametrize("title, year", [
    ("XẾP HẠNG CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2024", 2024),
    ("CHỈ SỐ CCHC CỦA CÁC CƠ QUAN CHUYÊN MÔN thuộc UBND TỈNH NĂM 2023", 2023),
    ("CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX 2023) CỦA CÁC BỘ", 2023),
    ("Bảng xếp hạng 2022", 2022),
    ("KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 (Kèm theo Quyết định số 512/QĐ-UBND ngày 15 tháng 3 năm 2024)", 2023),
    ("(Kèm theo Quyết định số 512/QĐ-UBND ngày 15/3/2024) Chỉ số CCHC 2023", 2023),
    ("Bộ tiêu chí giai đoạn 2023-2025", None),
    ("Không có năm", None),
])
def test_year(title, year):
    assert detect_year(title) == year


def test_the_provinces_list_has_all_34_and_63():
    data = places()
    assert len(data["current"]) == len(set(data["current"])) == 34
    assert len(data["former"]) == len(set(data["former"])) == 63
    for name in ("Thái Nguyên", "Tuyên Quang", "Lào Cai", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Quảng Trị",
                 "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long",
                 "Đồng Tháp", "Cà Mau", "An Giang", "Huế", "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"):
        assert name in data["current"]
    assert len(province_names()) == 63 + 1  # "Huế" is the one current name that was not a province before
    for name in province_names():
        assert detect_province(f"ỦY BAN NHÂN DÂN TỈNH {name.upper()}") == name
        assert detect_province(f"Kèm theo Quyết định của UBND thành phố {name} năm 2023") == name
