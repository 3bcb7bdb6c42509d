"""A working subset of the Vietnamese ICD-10 list (QĐ 4469/QĐ-BYT): the codes a ward station and a
district hospital use most. Names diagnoses that arrive as bare codes, and feeds the ICD-10
search of the record-visit form. The full list (about 12 000 codes) would replace this table."""

from __future__ import annotations

import unicodedata

ICD10_NAMES: dict[str, str] = {
    "A09": "Tiêu chảy và viêm dạ dày ruột nhiễm trùng",
    "A90": "Sốt Dengue",
    "A91": "Sốt xuất huyết Dengue",
    "B01.9": "Thủy đậu không biến chứng",
    "B05.9": "Sởi không biến chứng",
    "B26.9": "Quai bị không biến chứng",
    "B34.9": "Nhiễm virus, không đặc hiệu",
    "D50.9": "Thiếu máu thiếu sắt, không đặc hiệu",
    "D64.9": "Thiếu máu, không đặc hiệu",
    "E03.9": "Suy giáp, không đặc hiệu",
    "E05.9": "Nhiễm độc giáp, không đặc hiệu",
    "E11": "Đái tháo đường type 2",
    "E11.9": "Đái tháo đường type 2 không biến chứng",
    "E14.9": "Đái tháo đường không biến chứng",
    "E66.9": "Béo phì, không đặc hiệu",
    "E78.5": "Rối loạn lipid máu",
    "E79.0": "Tăng acid uric máu",
    "F32.9": "Giai đoạn trầm cảm, không đặc hiệu",
    "F41.9": "Rối loạn lo âu, không đặc hiệu",
    "G43.9": "Đau nửa đầu, không đặc hiệu",
    "G47.0": "Mất ngủ",
    "H10.9": "Viêm kết mạc",
    "H25.9": "Đục thủy tinh thể tuổi già",
    "H52.1": "Cận thị",
    "H66.9": "Viêm tai giữa, không đặc hiệu",
    "I10": "Tăng huyết áp vô căn",
    "I11.9": "Bệnh tim do tăng huyết áp không suy tim",
    "I20.9": "Cơn đau thắt ngực, không đặc hiệu",
    "I25.9": "Bệnh tim thiếu máu cục bộ mạn",
    "I48": "Rung nhĩ và cuồng nhĩ",
    "I50.9": "Suy tim, không đặc hiệu",
    "I63.9": "Nhồi máu não, không đặc hiệu",
    "I64": "Đột quỵ, không xác định do xuất huyết hay nhồi máu",
    "I83.9": "Giãn tĩnh mạch chi dưới",
    "J00": "Viêm mũi họng cấp (cảm thường)",
    "J02.9": "Viêm họng cấp, không đặc hiệu",
    "J03.9": "Viêm amidan cấp, không đặc hiệu",
    "J06.9": "Viêm đường hô hấp trên cấp",
    "J11.1": "Cúm có biểu hiện hô hấp khác",
    "J18.9": "Viêm phổi, không đặc hiệu",
    "J20.9": "Viêm phế quản cấp",
    "J30.4": "Viêm mũi dị ứng",
    "J44.9": "Bệnh phổi tắc nghẽn mạn tính",
    "J45.9": "Hen phế quản",
    "K02.9": "Sâu răng",
    "K21.9": "Bệnh trào ngược dạ dày - thực quản",
    "K25.9": "Loét dạ dày",
    "K29.7": "Viêm dạ dày, không đặc hiệu",
    "K30": "Khó tiêu chức năng",
    "K35.8": "Viêm ruột thừa cấp",
    "K52.9": "Viêm dạ dày ruột và đại tràng không nhiễm trùng",
    "K58.9": "Hội chứng ruột kích thích",
    "K59.0": "Táo bón",
    "K76.0": "Gan nhiễm mỡ",
    "K80.2": "Sỏi túi mật",
    "L20.9": "Viêm da cơ địa",
    "L23.9": "Viêm da tiếp xúc dị ứng",
    "L50.9": "Mày đay",
    "M10.9": "Gút",
    "M15.9": "Thoái hóa đa khớp",
    "M17.9": "Thoái hóa khớp gối",
    "M47.8": "Thoái hóa cột sống",
    "M54.5": "Đau thắt lưng",
    "M79.1": "Đau cơ",
    "M81.9": "Loãng xương",
    "N18.9": "Bệnh thận mạn",
    "N20.0": "Sỏi thận",
    "N39.0": "Nhiễm khuẩn đường tiết niệu",
    "N40": "Phì đại tuyến tiền liệt",
    "O21.0": "Nôn nghén nhẹ",
    "O24.4": "Đái tháo đường thai kỳ",
    "O80": "Đẻ thường một thai",
    "R05": "Ho",
    "R10.4": "Đau bụng, không đặc hiệu",
    "R42": "Chóng mặt",
    "R50.9": "Sốt, không đặc hiệu",
    "R51": "Đau đầu",
    "S00.9": "Tổn thương nông ở đầu",
    "S52.5": "Gãy đầu dưới xương quay",
    "S93.4": "Bong gân cổ chân",
    "T78.4": "Dị ứng, không đặc hiệu",
    "Z00.0": "Khám sức khỏe tổng quát",
    "Z23": "Cần tiêm chủng phòng bệnh",
    "Z30.0": "Tư vấn tránh thai",
    "Z34.0": "Giám sát thai bình thường lần đầu",
    "Z34.8": "Giám sát thai bình thường khác",
    "Z39.2": "Chăm sóc sau đẻ thường quy",
    "Z88.0": "Tiền sử dị ứng penicillin",
}


def fold(text: str) -> str:
    """Lower case without diacritics, so "tang huyet ap" finds "Tăng huyết áp"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_FOLDED = [(code, name, fold(f"{code} {name}")) for code, name in ICD10_NAMES.items()]


def icd10_name(code: str) -> str | None:
    return ICD10_NAMES.get(code) or ICD10_NAMES.get(code.split(".")[0])


def search_icd10(query: str, limit: int = 8) -> list[tuple[str, str]]:
    """Codes whose code or name contains every word of the query; codes starting with it first."""
    words = fold(query).split()
    if not words:
        return []
    found = [(code, name) for code, name, folded in _FOLDED if all(word in folded for word in words)]
    found.sort(key=lambda item: (not item[0].lower().startswith(words[0]), item[0]))
    return found[:limit]
