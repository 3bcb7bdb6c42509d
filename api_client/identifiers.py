"""Vietnamese identifiers: personal ID number, BHYT card code, facility code, ICD-10 code.

Each check raises `PydanticCustomError` with an English message that doubles as the gettext
msgid, so the server and the app can show it in Vietnamese. `N_` only marks strings for
extraction; translation happens where the message is shown.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a msgid marker (pybabel -k N_)
    """Mark a message for the catalogs without translating it here."""
    return message


# Province codes of birth registration (Thông tư 07/2016/TT-BCA, Phụ lục 1): 63 provinces.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "TP. Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

_PERSONAL_ID = re.compile(r"^\d{12}$")
_BHYT_LEGACY = re.compile(r"^[A-Z]{2}[1-5]\d{2}\d{10}$")  # QĐ 1351/QĐ-BHXH: 15 characters
_BHXH_NUMBER = re.compile(r"^\d{10}$")  # QĐ 1666/QĐ-BHXH: the 10-digit number is the card code
_FACILITY = re.compile(r"^\d{5}$")
_ICD10 = re.compile(r"^([A-Z]\d{2})(?:\.?([0-9A-Z]{1,2}))?$")
_PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


def check_personal_id(value: str) -> str:
    value = value.strip()
    if not _PERSONAL_ID.match(value):
        raise PydanticCustomError(
            "personal_id_format", N_("The personal ID number must have exactly 12 digits.")
        )
    if value[:3] not in PROVINCE_CODES:
        raise PydanticCustomError(
            "personal_id_province",
            N_("The first three digits of the personal ID number are not a province code."),
        )
    return value


def personal_id_matches(personal_id: str, birth_year: int, sex: str) -> bool:
    """Digit 4 encodes the century (1900s: 0/1, 2000s: 2/3, ...) and the sex (even male, odd
    female); digits 5-6 are the last two digits of the birth year."""
    century_digit = int(personal_id[3])
    if century_digit // 2 != birth_year // 100 - 19 or personal_id[4:6] != f"{birth_year % 100:02d}":
        return False
    if sex == "male":
        return century_digit % 2 == 0
    if sex == "female":
        return century_digit % 2 == 1
    return True


def check_bhyt_code(value: str) -> str:
    value = value.strip().upper().replace(" ", "")
    if _BHYT_LEGACY.match(value) or _BHXH_NUMBER.match(value):
        return value
    raise PydanticCustomError(
        "bhyt_code_format",
        N_(
            "The health insurance code must be 15 characters (2 letters, a benefit level 1-5, "
            "2 province digits, the 10-digit social insurance number) or the 10-digit number alone."
        ),
    )


def check_facility_code(value: str) -> str:
    value = value.strip()
    if not _FACILITY.match(value):
        raise PydanticCustomError("facility_code_format", N_("The facility code must have exactly 5 digits."))
    return value


def check_icd10(value: str) -> str:
    """Accept `E11.9` and the dotless `E119` that some hospital software sends; store dotted."""
    match = _ICD10.match(value.strip().upper())
    if not match:
        raise PydanticCustomError(
            "icd10_format", N_("The ICD-10 code must look like a letter and two digits, e.g. I10 or E11.9.")
        )
    head, tail = match.groups()
    return f"{head}.{tail}" if tail else head


def check_phone(value: str) -> str:
    value = value.strip().replace(" ", "").replace(".", "")
    if not _PHONE.match(value):
        raise PydanticCustomError(
            "phone_format", N_("The phone number must start with 0 or +84 and have 10 or 11 digits.")
        )
    return value


def insurance_benefit_percent(bhyt_code: str) -> int | None:
    """Benefit level (mức hưởng) printed in a 15-character code; unknown for the 10-digit shape."""
    if len(bhyt_code) != 15:
        return None
    return {"1": 100, "2": 100, "3": 95, "4": 80, "5": 100}[bhyt_code[2]]


PersonalId = Annotated[str, AfterValidator(check_personal_id)]
BhytCode = Annotated[str, AfterValidator(check_bhyt_code)]
FacilityCode = Annotated[str, AfterValidator(check_facility_code)]
Icd10Code = Annotated[str, AfterValidator(check_icd10)]
PhoneNumber = Annotated[str, AfterValidator(check_phone)]
