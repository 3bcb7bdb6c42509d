"""The administrative areas the pilot needs, from the national list (Danh mục đơn vị hành chính Việt Nam):
three levels, a province (tỉnh, thành phố trực thuộc trung ương) by 2 digits, a district (quận, huyện,
thị xã, thành phố thuộc tỉnh) by 3, a commune (xã, phường, thị trấn) by 5. Names carry their prefix as
the list writes them ("Thành phố Hà Nội", "Quận Ba Đình", "Phường Quán Thánh").

This is the list as it stood before the 2025 reorganisation (in force from 1 July 2025: provinces merged,
the district level removed, communes merged under new codes). It is enough for the demo and the tests;
a real deployment imports the current list (`PopulationStore.save_areas`), which then has two levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from api_client.models import Area, AreaLevel

PILOT_PROVINCES = ("01", "37", "20", "91")  # Hà Nội, Ninh Bình, Lạng Sơn, Kiên Giang

_PROVINCES = {"01": "Thành phố Hà Nội", "37": "Tỉnh Ninh Bình", "20": "Tỉnh Lạng Sơn", "91": "Tỉnh Kiên Giang"}
_DISTRICTS = {"001": ("Quận Ba Đình", "01"), "002": ("Quận Hoàn Kiếm", "01")}
_WARDS = {
    "001": {
        "00001": "Phúc Xá", "00004": "Trúc Bạch", "00006": "Vĩnh Phúc", "00007": "Cống Vị", "00008": "Liễu Giai",
        "00010": "Nguyễn Trung Trực", "00013": "Quán Thánh", "00016": "Ngọc Hà", "00019": "Điện Biên",
        "00022": "Đội Cấn", "00025": "Ngọc Khánh", "00028": "Kim Mã", "00031": "Giảng Võ", "00034": "Thành Công",
    },
    "002": {
        "00037": "Phúc Tân", "00040": "Đồng Xuân", "00043": "Hàng Mã", "00046": "Hàng Buồm", "00049": "Hàng Đào",
        "00052": "Hàng Bồ", "00055": "Cửa Đông", "00058": "Lý Thái Tổ", "00061": "Hàng Bạc", "00064": "Hàng Gai",
        "00067": "Chương Dương", "00070": "Hàng Trống", "00073": "Cửa Nam", "00076": "Hàng Bông",
        "00079": "Tràng Tiền", "00082": "Trần Hưng Đạo", "00085": "Phan Chu Trinh", "00088": "Hàng Bài",
    },
}

AREAS: tuple[Area, ...] = (
    *(Area(code=code, name=name, level=AreaLevel.PROVINCE) for code, name in _PROVINCES.items()),
    *(Area(code=code, name=name, level=AreaLevel.DISTRICT, parent_code=province)
      for code, (name, province) in _DISTRICTS.items()),
    *(Area(code=code, name=f"Phường {name}", level=AreaLevel.COMMUNE, parent_code=district)
      for district, wards in _WARDS.items() for code, name in wards.items()),
)
AREAS_BY_CODE: Mapping[str, Area] = MappingProxyType({area.code: area for area in AREAS})


def area(code: str) -> Area | None:
    return AREAS_BY_CODE.get(code)


def province_of(code: str, areas: Mapping[str, Area] = AREAS_BY_CODE) -> Area | None:
    """The province an area lies in (a province is its own), up the parents; None for a code not listed.
    District and commune codes are national serial numbers: only the list knows their province."""
    found = areas.get(code)
    for _ in range(len(AreaLevel)):  # a list that loops never loops here
        if found is None or found.level == AreaLevel.PROVINCE:
            return found
        found = areas.get(found.parent_code or "")
    return None
