"""The health book API through HTTP, in process, with tokens from the real provider flow."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from api_client.models import HealthBook, Visit, VisitPage

from ..conftest import bearer


async def test_citizen_reads_every_group_of_their_book(login, http, today):
    tokens = await login("001055001234")
    response = await http.get("/api/v1/me/book", headers=bearer(tokens))
    assert response.status_code == 200
    book = HealthBook.model_validate(response.json())
    assert book.person.full_name == "Nguyễn Văn Hùng"
    assert book.person.insurance.code == "HT3010123456789"
    assert book.person.representatives[0].role == "caregiver"
    assert [a.substance for a in book.history.allergies] == ["Penicillin (kháng sinh nhóm beta-lactam)"]
    assert book.history.allergies[0].severity == "severe"
    assert {c.icd10 for c in book.history.conditions} == {"I10", "E11"}
    assert book.history.risk_factors and book.history.family_history
    assert book.history.surgeries and book.history.disabilities
    starts = [visit.started_at for visit in book.visits]
    assert starts == sorted(starts, reverse=True), "newest visit first"
    inpatient = next(v for v in book.visits if v.visit_type == "03")
    assert inpatient.discharge_paper.diagnosis.startswith("Viêm phổi")
    assert inpatient.record_summary.key_results
    assert inpatient.diagnoses[0].main and inpatient.diagnoses[0].icd10 == "J18.9"
    wbc = next(lab for lab in inpatient.lab_results if lab.name.startswith("Số lượng bạch cầu"))
    assert (wbc.value, wbc.unit, wbc.reference_high) == ("15.6", "G/L", 10.0)
    assert any(v.referral and v.referral.to_facility_code == "01903" for v in book.visits)
    upcoming = [v.re_exam.appointment_at.date() for v in book.visits if v.re_exam]
    assert any(day > today for day in upcoming), "an upcoming re-exam appointment"
    prescription = book.visits[0].prescriptions[0]
    assert prescription.dosage and prescription.usage and prescription.quantity > 0
    assert len(book.vaccinations) >= 3


async def test_level1_account_is_refused_health_data_with_guidance(login, http):
    tokens = await login("001048002345")
    for path in ("/api/v1/me/book", "/api/v1/me/visits", "/api/v1/me/dependents"):
        response = await http.get(path, headers=bearer(tokens))
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "identity_level_insufficient"
        assert "mức độ 2" in error["message"] and "Công an" in error["message"]
    english = await http.get("/api/v1/me/book", headers={**bearer(tokens), "Accept-Language": "en-US,en;q=0.8"})
    assert "level 2" in english.json()["error"]["message"]


async def test_level1_account_may_ask_who_it_is(login, http):
    me = (await http.get("/api/v1/me", headers=bearer(await login("001048002345")))).json()
    assert me["identity_level"] == 1 and me["can_read_book"] is False
    assert me["full_name"] == "Phạm Văn Tư" and me["person_id"] is None


async def test_visits_are_paginated_newest_first_and_open_in_detail(login, http):
    tokens = await login("001055001234")
    first = VisitPage.model_validate((await http.get("/api/v1/me/visits?limit=2", headers=bearer(tokens))).json())
    second = VisitPage.model_validate(
        (await http.get("/api/v1/me/visits?limit=2&offset=2", headers=bearer(tokens))).json()
    )
    assert first.total == second.total == 8  # five visits and three quarterly chronic re-exams
    dates = [item.started_at for item in first.items + second.items]
    assert dates == sorted(dates, reverse=True)
    assert first.items[0].main_diagnosis.icd10 == "I10"
    detail = await http.get(f"/api/v1/me/visits/{first.items[0].id}", headers=bearer(tokens))
    assert Visit.model_validate(detail.json()).re_exam is not None


async def test_another_persons_book_and_visit_answer_404_never_the_data(login, http):
    hung = await login("001055001234")
    lan = await login("001192006789")
    hung_me = (await http.get("/api/v1/me", headers=bearer(hung))).json()
    hung_visit = (await http.get("/api/v1/me/visits?limit=1", headers=bearer(hung))).json()["items"][0]["id"]
    for path in (
        f"/api/v1/people/{hung_me['person_id']}/book",
        f"/api/v1/people/{hung_me['person_id']}/visits",
        f"/api/v1/people/{hung_me['person_id']}/visits/{hung_visit}",
        f"/api/v1/me/visits/{hung_visit}",
    ):
        response = await http.get(path, headers=bearer(lan))
        assert response.status_code == 404, path
        assert "Nguyễn" not in response.text


async def test_guardian_reads_the_childs_book(login, http):
    mai = await login("001190004567")
    me = (await http.get("/api/v1/me", headers=bearer(mai))).json()
    [child] = me["dependents"]
    assert child["full_name"] == "Lê Minh An" and child["relationship"] == "mother"
    response = await http.get(f"/api/v1/people/{child['person_id']}/book", headers=bearer(mai))
    book = HealthBook.model_validate(response.json())
    assert book.person.personal_id == "001222008901"
    assert book.person.representatives[0].personal_id == "001190004567"
    assert {v.vaccine_code for v in book.vaccinations} >= {"BCG", "DPT-VGB-Hib", "MV"}
    assert book.vaccinations == sorted(book.vaccinations, key=lambda v: v.given_on)
    visits = await http.get(f"/api/v1/people/{child['person_id']}/visits", headers=bearer(mai))
    assert visits.json()["total"] == 2


async def test_the_child_is_not_readable_by_another_adult(login, http):
    mai_me = (await http.get("/api/v1/me", headers=bearer(await login("001190004567")))).json()
    child_id = mai_me["dependents"][0]["person_id"]
    response = await http.get(f"/api/v1/people/{child_id}/book", headers=bearer(await login("001055001234")))
    assert response.status_code == 404


async def test_citizen_states_a_caregiver_and_sees_it_in_the_book(login, http):
    tokens = await login("001190004567")
    body = {"role": "caregiver", "full_name": "Lê Văn Đức", "relationship": "spouse",
            "personal_id": "001088001111", "phone": "0120007777"}
    assert (await http.put("/api/v1/me/representative", json=body, headers=bearer(tokens))).status_code == 200
    book = (await http.get("/api/v1/me/book", headers=bearer(tokens))).json()
    assert book["person"]["representatives"] == [body]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("personal_id", "12345", "12 chữ số"),
        ("personal_id", "099088001111", "mã tỉnh"),
        ("phone", "12345", "Số điện thoại"),
        ("relationship", "neighbour", "giá trị cho phép"),
    ],
)
async def test_bad_identifiers_are_refused_naming_the_field_and_nothing_is_stored(login, http, field, value, words):
    tokens = await login("001190004567")
    body = {"role": "caregiver", "full_name": "Lê Văn Đức", "relationship": "spouse",
            "personal_id": "001088001111", "phone": "0120007777", field: value}
    response = await http.put("/api/v1/me/representative", json=body, headers=bearer(tokens))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [d["field"] for d in error["details"]] == [field]
    assert words in error["details"][0]["message"]
    book = (await http.get("/api/v1/me/book", headers=bearer(tokens))).json()
    assert book["person"].get("representatives", []) == []


async def test_malformed_requests_get_clear_4xx_never_500(login, http):
    tokens = await login("001190004567")
    not_json = await http.put("/api/v1/me/representative", content=b"{oops", headers={
        **bearer(tokens), "Content-Type": "application/json"})
    assert not_json.status_code == 422
    bad_limit = await http.get("/api/v1/me/visits?limit=many", headers=bearer(tokens))
    assert bad_limit.status_code == 422 and bad_limit.json()["error"]["details"][0]["field"] == "limit"
    too_many = await http.get("/api/v1/me/visits?limit=5000", headers=bearer(tokens))
    assert too_many.status_code == 422
    wrong_method = await http.delete("/api/v1/me/book", headers=bearer(tokens))
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"


async def test_unknown_api_path_is_a_json_404_envelope(http):
    response = await http.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_openapi_document_is_served(http):
    spec = (await http.get("/api/openapi.json")).json()
    assert "/v1/me/book" in spec["paths"] and "/v1/people/{person_id}/book" in spec["paths"]


async def test_the_book_says_when_it_was_last_updated(login, http):
    book = (await http.get("/api/v1/me/book", headers=bearer(await login("001055001234")))).json()
    assert datetime.fromisoformat(book["updated_at"]).date() >= date.today().replace(day=1)
