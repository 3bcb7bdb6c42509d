"""Identifier rules of the wire model: what a clinic's software or a form would get wrong."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from api_client.identifiers import insurance_benefit_percent
from api_client.models import VIETNAM_TZ, Administrative, Diagnosis, InsuranceCard, Visit


def person(**overrides) -> Administrative:
    fields = {"person_id": "p1", "full_name": "Nguyễn Văn Hùng", "birth_date": date(1955, 3, 12), "sex": "male",
              "personal_id": "001055001234"}
    fields.update(overrides)
    return Administrative(**fields)


def error_types(excinfo) -> list[tuple[str, str]]:
    return [(".".join(map(str, e["loc"])), e["type"]) for e in excinfo.value.errors()]


def test_a_consistent_person_is_valid():
    assert person().personal_id == "001055001234"


@pytest.mark.parametrize(
    ("personal_id", "error"),
    [
        ("00105500123", "personal_id_format"),
        ("00105500123X", "personal_id_format"),
        ("099055001234", "personal_id_province"),
        ("001056001234", "personal_id_mismatch"),  # birth year 56, not 55
        ("001155001234", "personal_id_mismatch"),  # 1 = female in the 1900s
        ("001255001234", "personal_id_mismatch"),  # 2 = male in the 2000s
    ],
)
def test_personal_id_rules(personal_id, error):
    with pytest.raises(ValidationError) as excinfo:
        person(personal_id=personal_id)
    assert error_types(excinfo) == [("personal_id", error)]


def test_children_born_after_2000_use_century_digits_2_and_3():
    assert person(personal_id="001222008901", birth_date=date(2022, 2, 14)).sex == "male"
    assert person(personal_id="001322008901", birth_date=date(2022, 2, 14), sex="female").sex == "female"


@pytest.mark.parametrize("code", ["HT3010123456789", "ht 3 01 0123456789", "0123456789"])
def test_both_bhyt_card_shapes_are_accepted(code):
    assert InsuranceCard(code=code).code in {"HT3010123456789", "0123456789"}


@pytest.mark.parametrize("code", ["HT6010123456789", "H3010123456789", "HT30101234567890", "012345678"])
def test_malformed_bhyt_codes_are_refused(code):
    with pytest.raises(ValidationError) as excinfo:
        InsuranceCard(code=code)
    assert error_types(excinfo) == [("code", "bhyt_code_format")]


def test_benefit_level_is_read_from_the_legacy_code():
    assert insurance_benefit_percent("HT3010123456789") == 95
    assert insurance_benefit_percent("0123456789") is None


@pytest.mark.parametrize("code", ["0190", "019011", "01A01"])
def test_facility_code_has_five_digits(code):
    with pytest.raises(ValidationError) as excinfo:
        InsuranceCard(code="0123456789", registered_facility_code=code)
    assert error_types(excinfo) == [("registered_facility_code", "facility_code_format")]


@pytest.mark.parametrize(("given", "stored"), [("I10", "I10"), ("E11.9", "E11.9"), ("e119", "E11.9"), ("Z88.0", "Z88.0")])
def test_icd10_codes_are_normalised(given, stored):
    assert Diagnosis(icd10=given, name="x").icd10 == stored


@pytest.mark.parametrize("code", ["I1", "110", "E11.999", "EE1"])
def test_malformed_icd10_codes_are_refused(code):
    with pytest.raises(ValidationError):
        Diagnosis(icd10=code, name="x")


def visit(**overrides) -> Visit:
    fields = {"id": "v1", "facility_code": "01901", "facility_name": "Trạm Y tế", "visit_type": "01",
              "started_at": datetime(2026, 1, 5, 8, tzinfo=VIETNAM_TZ)}
    fields.update(overrides)
    return Visit(**fields)


def test_the_main_diagnosis_comes_first():
    v = visit(diagnoses=[Diagnosis(icd10="E11.9", name="ĐTĐ"), Diagnosis(icd10="I10", name="THA", main=True)])
    assert [d.icd10 for d in v.diagnoses] == ["I10", "E11.9"]
    assert v.main_diagnosis.icd10 == "I10"


def test_a_visit_has_one_main_diagnosis_and_ends_after_it_starts():
    with pytest.raises(ValidationError):
        visit(diagnoses=[Diagnosis(icd10="I10", name="a", main=True), Diagnosis(icd10="E11", name="b", main=True)])
    with pytest.raises(ValidationError):
        visit(ended_at=datetime(2026, 1, 4, 8, tzinfo=VIETNAM_TZ))


def test_card_validity_must_be_in_order():
    with pytest.raises(ValidationError):
        InsuranceCard(code="0123456789", valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1))
