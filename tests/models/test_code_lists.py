"""The code lists behind QĐ 130 fields: names where the book would otherwise show codes."""

from api_client.code_lists import ETHNICITY, ethnicity_name, nationality_name, occupation_name, route_name


def test_the_54_ethnic_groups_are_numbered_as_the_statistics_office_numbers_them():
    assert len(ETHNICITY) == 54 and len(set(ETHNICITY.values())) == 54
    assert (ETHNICITY["01"], ETHNICITY["04"], ETHNICITY["11"], ETHNICITY["54"]) == ("Kinh", "Hoa", "Ngái", "Rơ măm")
    assert ethnicity_name("1") == "Kinh"  # a number sent without its leading zero
    assert ethnicity_name("99") == "99"  # outside the list: kept as sent, never lost


def test_routes_are_named_and_an_unlisted_code_keeps_its_group():
    assert route_name("1.01") == "Uống" and route_name("2.01") == "Tiêm bắp"
    assert route_name("2.99") == "Đường tiêm (2.99)"
    assert route_name("Uống") == "Uống"  # software that writes the name itself
    assert route_name(None) is None


def test_occupation_by_its_major_group_and_none_for_no_occupation():
    assert occupation_name("22110") == "Nhà chuyên môn bậc cao"
    assert occupation_name("00000") is None


def test_nationality_in_the_readers_language_from_any_iso_shape():
    assert nationality_name("704") == nationality_name("VNM") == nationality_name("vn") == "Việt Nam"
    assert nationality_name("418", "en") == "Laos"
    assert nationality_name("ZZZ") == "ZZZ"
