"""Báo thông tin sai: from the citizen to the facility that signed the item, and its answer back."""

from __future__ import annotations

from api_client.models import CorrectionRequest, DeskCorrectionRequest, HealthBook, vaccination_ref
from server.storage.corrections import CorrectionStore

from ..conftest import bearer
from .test_gateway import hung_visit, signed_send

HUNG, MOTHER, CHILD = "001055001234", "001190004567", "001222008901"
DOCTOR_01902, NURSE_01902, RECEPTIONIST_01901 = "001085007890", "001191006543", "001192006789"


async def headers(login, personal_id: str) -> dict[str, str]:
    return bearer(await login(personal_id))


async def own_book(http, auth) -> HealthBook:
    return HealthBook.model_validate((await http.get("/api/v1/me/book", headers=auth)).json())


def visit_with_labs(book: HealthBook, facility_code: str = "01902"):
    return next(v for v in book.visits if v.facility_code == facility_code and v.lab_results)


async def test_the_round_trip_citizen_desk_declined_with_the_reason(http, login):
    citizen, doctor = await headers(login, HUNG), await headers(login, DOCTOR_01902)
    visit = visit_with_labs(await own_book(http, citizen))
    sent = await http.post("/api/v1/me/corrections", headers=citizen, json={
        "visit_id": visit.id, "target_kind": "lab_result", "target_ref": "0",
        "note": "  Tôi không làm xét nghiệm này hôm đó.  "})
    assert sent.status_code == 201, sent.text
    request = CorrectionRequest.model_validate(sent.json())
    assert (request.status, request.facility_code) == ("open", "01902")
    assert request.target_label == visit.lab_results[0].name and request.note == "Tôi không làm xét nghiệm này hôm đó."

    listed = await http.get("/api/v1/clinic/corrections", params={"status": "open"}, headers=doctor)
    assert listed.status_code == 200
    [on_desk] = [DeskCorrectionRequest.model_validate(r) for r in listed.json() if r["id"] == request.id]
    assert (on_desk.patient_name, on_desk.birth_year) == ("Nguyễn Văn Hùng", 1955)
    assert on_desk.visit_started_at == visit.started_at
    assert "history" not in listed.json()[0] and "prescriptions" not in listed.json()[0]

    empty = await http.post(f"/api/v1/clinic/corrections/{request.person_id}/{request.id}/decline", headers=doctor,
                            json={"reason": "   "})
    assert empty.status_code == 422
    declined = await http.post(f"/api/v1/clinic/corrections/{request.person_id}/{request.id}/decline",
                               headers=doctor, json={"reason": "Kết quả đúng theo sổ xét nghiệm của khoa."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"

    mine = (await http.get("/api/v1/me/corrections", headers=citizen)).json()
    [followed] = [CorrectionRequest.model_validate(r) for r in mine if r["id"] == request.id]
    assert followed.status == "declined" and followed.answer_note == "Kết quả đúng theo sổ xét nghiệm của khoa."
    assert followed.answered_at is not None
    again = await http.post(f"/api/v1/clinic/corrections/{request.person_id}/{request.id}/corrected", headers=doctor)
    assert again.status_code == 404  # answered once
    desk_now = (await http.get("/api/v1/clinic/corrections", headers=doctor)).json()
    assert request.id not in [r["id"] for r in desk_now]


async def test_the_staff_read_is_in_the_citizens_access_log(http, login):
    citizen, nurse = await headers(login, HUNG), await headers(login, NURSE_01902)
    visit = visit_with_labs(await own_book(http, citizen))
    await http.post("/api/v1/me/corrections", headers=citizen,
                    json={"visit_id": visit.id, "target_kind": "visit", "note": "Tôi không khám ở đây ngày này."})
    assert (await http.get("/api/v1/clinic/corrections", headers=nurse)).status_code == 200
    log = (await http.get("/api/v1/me/access-log", headers=citizen)).json()
    assert log[0]["purpose"] == "correction" and log[0]["what"] == "corrections"
    assert log[0]["facility_code"] == "01902"


async def test_a_resend_of_the_visit_through_the_gateway_corrects_it_by_itself(http, login, credentials):
    citizen = await headers(login, HUNG)
    person, visit = hung_visit()
    receipt = (await signed_send(http, credentials, [(person, visit, "01902-CORR-1")])).json()
    visit_id = receipt["records"][0]["visit_id"]
    sent = await http.post("/api/v1/me/corrections", headers=citizen, json={
        "visit_id": visit_id, "target_kind": "prescription", "target_ref": "0", "note": "Tôi không được kê thuốc này."})
    assert sent.status_code == 201, sent.text
    fixed = visit.model_copy(update={"prescriptions": visit.prescriptions[1:] or visit.prescriptions})
    assert (await signed_send(http, credentials, [(person, fixed, "01902-CORR-1")])).json()["accepted"] == 1
    [followed] = [r for r in (await http.get("/api/v1/me/corrections", headers=citizen)).json()
                  if r["id"] == sent.json()["id"]]
    assert followed["status"] == "corrected" and followed["answered_at"]


async def test_a_guardian_reports_a_childs_vaccination_and_withdraws_it(http, login):
    mother = await headers(login, MOTHER)
    child_id = next(d["person_id"] for d in (await http.get("/api/v1/me/dependents", headers=mother)).json())
    book = HealthBook.model_validate((await http.get(f"/api/v1/people/{child_id}/book", headers=mother)).json())
    dose = next(v for v in book.vaccinations if v.facility_name == "Trạm Y tế phường Ba Đình")
    body = {"target_kind": "vaccination", "target_ref": vaccination_ref(dose), "note": "Cháu tiêm mũi này ở bệnh viện, không ở trạm."}
    sent = await http.post(f"/api/v1/people/{child_id}/corrections", headers=mother, json=body)
    assert sent.status_code == 201, sent.text
    assert sent.json()["facility_code"] == "01901" and sent.json()["person_id"] == child_id
    duplicate = await http.post(f"/api/v1/people/{child_id}/corrections", headers=mother, json=body)
    assert duplicate.status_code == 409 and "đã báo" in duplicate.json()["error"]["message"]
    listed = (await http.get(f"/api/v1/people/{child_id}/corrections", headers=mother)).json()
    assert [r["status"] for r in listed if r["id"] == sent.json()["id"]] == ["open"]
    gone = await http.delete(f"/api/v1/people/{child_id}/corrections/{sent.json()['id']}", headers=mother)
    assert gone.status_code == 204
    assert (await http.post(f"/api/v1/people/{child_id}/corrections", headers=mother, json=body)).status_code == 201


async def test_a_vaccination_from_an_unknown_place_goes_to_the_commune_station_or_is_explained(http, login,
                                                                                              monkeypatch):
    citizen = await headers(login, HUNG)
    dose = next(v for v in (await own_book(http, citizen)).vaccinations if "VNVC" in (v.facility_name or ""))
    body = {"target_kind": "vaccination", "target_ref": vaccination_ref(dose), "note": "Sai lô vắc xin."}
    sent = await http.post("/api/v1/me/corrections", headers=citizen, json=body)
    assert sent.status_code == 201 and sent.json()["facility_code"] == "01901"  # his ward's station
    assert sent.json()["target_label"] == f"{dose.vaccine_name} ({dose.dose_number})"
    await http.delete(f"/api/v1/me/corrections/{sent.json()['id']}", headers=citizen)
    monkeypatch.setattr(CorrectionStore, "commune_station_of", lambda self, personal_id: None)  # not in the register
    refused = await http.post("/api/v1/me/corrections", headers=citizen, json=body)
    assert refused.status_code == 422 and "trạm y tế xã" in refused.json()["error"]["message"].lower()


async def test_other_facilities_receptionists_and_strangers_cannot(http, login):
    citizen = await headers(login, HUNG)
    visit = visit_with_labs(await own_book(http, citizen))
    sent = (await http.post("/api/v1/me/corrections", headers=citizen, json={
        "visit_id": visit.id, "target_kind": "lab_result", "target_ref": "0", "note": "Sai đơn vị."})).json()
    receptionist = await headers(login, RECEPTIONIST_01901)
    refused = await http.get("/api/v1/clinic/corrections", headers=receptionist)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_medical_staff"
    decline = await http.post(f"/api/v1/clinic/corrections/{sent['person_id']}/{sent['id']}/decline",
                              headers=receptionist, json={"reason": "Không"})
    assert decline.status_code == 403
    citizen_as_staff = await http.get("/api/v1/clinic/corrections", headers=citizen)
    assert citizen_as_staff.status_code == 403
    # a stranger (the mother) neither writes into Hùng's book nor withdraws his request
    mother = await headers(login, MOTHER)
    stranger = await http.post(f"/api/v1/people/{sent['person_id']}/corrections", headers=mother, json={
        "visit_id": visit.id, "target_kind": "visit", "note": "Sai."})
    assert stranger.status_code == 404
    assert (await http.delete(f"/api/v1/people/{sent['person_id']}/corrections/{sent['id']}",
                              headers=mother)).status_code == 404
    assert (await http.delete(f"/api/v1/me/corrections/{sent['id']}", headers=mother)).status_code == 404


async def test_another_facilitys_doctor_neither_sees_nor_answers(http, login, stack):
    citizen = await headers(login, HUNG)
    book = await own_book(http, citizen)
    visit = next(v for v in book.visits if v.facility_code == "01903")
    sent = (await http.post("/api/v1/me/corrections", headers=citizen, json={
        "visit_id": visit.id, "target_kind": "visit", "note": "Ngày khám không đúng."})).json()
    assert sent["facility_code"] == "01903"
    doctor = await headers(login, DOCTOR_01902)
    assert sent["id"] not in [r["id"] for r in (await http.get("/api/v1/clinic/corrections", headers=doctor)).json()]
    answered = await http.post(f"/api/v1/clinic/corrections/{sent['person_id']}/{sent['id']}/corrected",
                               headers=doctor, json={"note": "Đã sửa"})
    assert answered.status_code == 404


async def test_notes_and_targets_are_checked_with_clear_messages(http, login):
    citizen = await headers(login, HUNG)
    visit = visit_with_labs(await own_book(http, citizen))
    base = {"visit_id": visit.id, "target_kind": "lab_result", "target_ref": "0"}
    empty = await http.post("/api/v1/me/corrections", headers=citizen, json={**base, "note": "   "})
    assert empty.status_code == 422
    assert empty.json()["error"]["details"] == [{"field": "note", "message": "Trường này không được để trống."}]
    long = await http.post("/api/v1/me/corrections", headers=citizen, json={**base, "note": "x" * 1001})
    assert long.status_code == 422 and "1000" in long.json()["error"]["details"][0]["message"]
    missing_row = await http.post("/api/v1/me/corrections", headers=citizen,
                                  json={**base, "target_ref": "99", "note": "Sai."})
    assert missing_row.status_code == 404 and missing_row.json()["error"]["code"] == "correction_target_not_found"
    no_visit = await http.post("/api/v1/me/corrections", headers=citizen,
                               json={**base, "visit_id": "nobody", "note": "Sai."})
    assert no_visit.status_code == 404
    extra = await http.post("/api/v1/me/corrections", headers=citizen, json={**base, "note": "Sai.", "who": "x"})
    assert extra.status_code == 422
    ok = await http.post("/api/v1/me/corrections", headers=citizen, json={**base, "note": "x" * 1000})
    assert ok.status_code == 201
    assert (await http.post("/api/v1/me/corrections", headers=citizen, json={**base, "note": "Lần nữa"})).status_code == 409


async def test_twenty_open_requests_are_the_limit(http, login):
    citizen = await headers(login, HUNG)
    book = await own_book(http, citizen)
    targets = [(v.id, "lab_result", str(i)) for v in book.visits for i in range(len(v.lab_results))]
    targets += [(v.id, "prescription", str(i)) for v in book.visits for i in range(len(v.prescriptions))]
    targets += [(v.id, "diagnosis", str(i)) for v in book.visits for i in range(len(v.diagnoses))]
    targets += [(v.id, "visit", "") for v in book.visits]
    assert len(targets) > 20
    statuses = [(await http.post("/api/v1/me/corrections", headers=citizen, json={
        "visit_id": visit_id, "target_kind": kind, "target_ref": ref, "note": "Sai."})).status_code
        for visit_id, kind, ref in targets[:21]]
    assert statuses == [201] * 20 + [409]
