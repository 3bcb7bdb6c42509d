"""Code lists that QĐ 130/4750 fields point to, so the book shows names, not codes.

Ethnicity: the 54 groups of QĐ 121-TCTK/PPCĐ (1979), in its order. Routes of administration
(DUONG_DUNG): the Ministry's "group.number" codes; a code we do not list is still named by its
group ("Đường tiêm (2.16)"). Occupation (MA_NGHE_NGHIEP, QĐ 34/2020/QĐ-TTg): named by its major
group, the first digit. Nationality (MA_QUOCTICH): ISO 3166 numeric or letter codes, named by
Babel in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping

from babel import Locale, UnknownLocaleError

ETHNICITY: dict[str, str] = {f"{number:02d}": name for number, name in enumerate((
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "HMông", "Dao", "Gia-rai", "Ngái", "Ê-đê", "Ba na",
    "Xơ-Đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ",
    "Giáy", "Cơ-tu", "Gié Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu ru",
    "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Co Lao", "Cống", "Bố Y",
    "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ măm",
), start=1)}

ROUTE_GROUPS = {
    "1": "Đường uống", "2": "Đường tiêm", "3": "Dùng ngoài", "4": "Đường đặt", "5": "Đường hô hấp",
    "6": "Nhỏ vào cơ quan", "7": "Đường khác",
}
ROUTES = {
    "1.01": "Uống", "1.02": "Ngậm", "1.03": "Nhai", "1.04": "Đặt dưới lưỡi", "1.05": "Ngậm dưới lưỡi",
    "2.01": "Tiêm bắp", "2.02": "Tiêm dưới da", "2.03": "Tiêm trong da", "2.04": "Tiêm tĩnh mạch",
    "2.05": "Tiêm truyền tĩnh mạch", "2.10": "Tiêm", "2.14": "Truyền tĩnh mạch", "2.15": "Tiêm truyền",
    "3.01": "Bôi", "3.02": "Xoa ngoài", "3.03": "Dán trên da", "3.05": "Dùng ngoài",
    "4.01": "Đặt âm đạo", "4.02": "Đặt hậu môn",
    "5.02": "Dạng hít", "5.05": "Khí dung",
    "6.01": "Nhỏ mắt", "6.02": "Nhỏ mũi", "6.03": "Nhỏ tai",
}

OCCUPATION_GROUPS = {
    "0": "Lực lượng quân đội",
    "1": "Nhà lãnh đạo",
    "2": "Nhà chuyên môn bậc cao",
    "3": "Nhà chuyên môn bậc trung",
    "4": "Nhân viên trợ lý văn phòng",
    "5": "Nhân viên dịch vụ và bán hàng",
    "6": "Lao động có kỹ năng trong nông nghiệp, lâm nghiệp và thủy sản",
    "7": "Lao động thủ công và các nghề nghiệp có liên quan khác",
    "8": "Thợ lắp ráp và vận hành máy móc, thiết bị",
    "9": "Lao động giản đơn",
}
NO_OCCUPATION = "00000"

# ISO 3166 numeric and three-letter codes of the countries whose people Vietnamese clinics see most.
_COUNTRY_BY_CODE = {
    "704": "VN", "VNM": "VN", "418": "LA", "LAO": "LA", "116": "KH", "KHM": "KH", "156": "CN", "CHN": "CN",
    "410": "KR", "KOR": "KR", "392": "JP", "JPN": "JP", "764": "TH", "THA": "TH", "840": "US", "USA": "US",
    "250": "FR", "FRA": "FR", "158": "TW", "TWN": "TW", "702": "SG", "SGP": "SG", "458": "MY", "MYS": "MY",
    "036": "AU", "AUS": "AU", "124": "CA", "CAN": "CA", "276": "DE", "DEU": "DE", "826": "GB", "GBR": "GB",
    "643": "RU", "RUS": "RU", "608": "PH", "PHL": "PH", "360": "ID", "IDN": "ID", "104": "MM", "MMR": "MM",
    "356": "IN", "IND": "IN",
}


def ethnicity_name(code: str | None) -> str | None:
    """A code outside the list is kept as sent, so nothing the clinic wrote is lost."""
    if not code:
        return None
    return ETHNICITY.get(code.strip().zfill(2), code)


def route_name(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip()
    if code in ROUTES:
        return ROUTES[code]
    group = ROUTE_GROUPS.get(code.split(".")[0]) if "." in code else None
    return f"{group} ({code})" if group else code


def occupation_name(code: str | None) -> str | None:
    """QĐ 34/2020 codes are five digits; "00000" is no occupation (a child, a retired person)."""
    if not code or code.strip() == NO_OCCUPATION:
        return None
    code = code.strip()
    group = OCCUPATION_GROUPS.get(code[0]) if code.isdigit() and len(code) == 5 else None
    return group or code


def nationality_name(code: str | None, locale: str = "vi") -> str | None:
    if not code:
        return None
    code = code.strip().upper()
    country = _COUNTRY_BY_CODE.get(code.zfill(3) if code.isdigit() else code, code if len(code) == 2 else None)
    names: Mapping[str, str]
    try:
        names = Locale.parse(locale).territories
    except (UnknownLocaleError, ValueError):
        names = {}
    return names.get(country or "", code)
