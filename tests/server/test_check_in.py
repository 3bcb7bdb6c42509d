"""Check-in codes through HTTP: a short-lived, single-use, hash-only code for the counter."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image

from app.components.qr_code import qr_png

from ..conftest import bearer

RECEPTIONIST, DOCTOR, VOLUNTEER, OFFICIAL = "001192006789", "001085007890", "001098003456", "001180005678"


@pytest.fixture
def as_(login):
    """`headers = await as_("001055001234")`."""

    async def _headers(personal_id: str) -> dict[str, str]:
        return bearer(await login(personal_id))

    return _headers


async def new_code(http, headers, **body) -> dict:
    response = await http.post("/api/v1/me/check-in-codes", json=body or None, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def redeem(http, headers, code: str):
    return await http.post("/api/v1/clinic/check-ins", json={"code": code}, headers=headers)


async def test_code_is_opaque_random_and_short_lived(http, as_, clock):
    code = await new_code(http, await as_("001055001234"))
    assert re.fullmatch(r"SSKDT:[A-Z2-7]{32}", code["code"]), "160 random bits, nothing personal"
    assert "001055001234" not in code["code"] and "Hùng" not in code["code"]
    from datetime import datetime
    lifetime = datetime.fromisoformat(code["expires_at"]).timestamp() - clock()
    assert 240 < lifetime <= 300


async def test_receptionist_redeems_and_sees_the_summary_allergies_first(http, as_):
    code = await new_code(http, await as_("001055001234"))
    response = await redeem(http, await as_(RECEPTIONIST), code["code"])
    assert response.status_code == 201
    check_in = response.json()
    summary = check_in["summary"]
    assert list(summary)[:6] == ["person_id", "full_name", "birth_date", "birth_date_precision", "sex", "personal_id"]
    assert summary["full_name"] == "Nguyễn Văn Hùng" and summary["personal_id"] == "001055001234"
    assert summary["allergies"][0]["substance"].startswith("Penicillin")
    assert summary["insurance"]["code"] == "HT3010123456789"
    assert {m["name"] for m in summary["current_medicines"]} == {"Amlodipin", "Losartan", "Metformin", "Atorvastatin"}
    assert [c["icd10"] for c in summary["conditions"]] == ["I10", "E11"]
    assert len(summary["last_visits"]) == 3 and summary["vaccinations"]
    assert check_in["facility_code"] == "01901" and check_in["status"] == "scanned"


async def test_a_code_works_once(http, as_):
    code = await new_code(http, await as_("001055001234"))
    staff = await as_(RECEPTIONIST)
    assert (await redeem(http, staff, code["code"])).status_code == 201
    again = await redeem(http, staff, code["code"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "code_already_used"
    assert "mã mới" in again.json()["error"]["message"]


async def test_an_expired_code_is_refused(http, as_, clock):
    code = await new_code(http, await as_("001055001234"))
    clock.advance(301)
    staff = await as_(RECEPTIONIST)  # access tokens live 5 minutes too
    response = await redeem(http, staff, code["code"])
    assert response.status_code == 410 and response.json()["error"]["code"] == "code_expired"


async def test_a_cancelled_or_unknown_code_is_not_found(http, as_):
    citizen = await as_("001055001234")
    code = await new_code(http, citizen)
    assert (await http.delete(f"/api/v1/me/check-in-codes/{code['id']}", headers=citizen)).status_code == 204
    staff = await as_(RECEPTIONIST)
    for text in (code["code"], "SSKDT:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "hello"):
        response = await redeem(http, staff, text)
        assert response.status_code == 404 and response.json()["error"]["code"] == "code_not_found"


async def test_scanners_line_ends_and_a_missing_prefix_still_match(http, as_):
    code = await new_code(http, await as_("001055001234"))
    typed = code["code"].removeprefix("SSKDT:").lower()
    assert (await redeem(http, await as_(RECEPTIONIST), f"  {typed}\r\n")).status_code == 201


@pytest.mark.parametrize("who", ["001055001234", VOLUNTEER, OFFICIAL])
async def test_only_clinic_staff_may_redeem(http, as_, who):
    code = await new_code(http, await as_("001190004567"))
    response = await redeem(http, await as_(who), code["code"])
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_clinic_staff"
    assert (await redeem(http, await as_(RECEPTIONIST), code["code"])).status_code == 201, "the code is still good"


async def test_staff_of_any_facility_can_redeem(http, as_):
    code = await new_code(http, await as_("001055001234"))
    response = await redeem(http, await as_(DOCTOR), code["code"])
    assert response.status_code == 201 and response.json()["facility_code"] == "01902"


async def test_level1_cannot_make_a_code(http, as_):
    response = await http.post("/api/v1/me/check-in-codes", headers=await as_("001048002345"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "identity_level_insufficient"


async def test_guardian_makes_a_code_for_the_child_and_nobody_else_can(http, as_):
    mai = await as_("001190004567")
    child_id = (await http.get("/api/v1/me", headers=mai)).json()["dependents"][0]["person_id"]
    code = await new_code(http, mai, person_id=child_id)
    summary = (await redeem(http, await as_(RECEPTIONIST), code["code"])).json()["summary"]
    assert summary["full_name"] == "Lê Minh An"
    assert summary["guardians"][0]["personal_id"] == "001190004567"
    stranger = await http.post("/api/v1/me/check-in-codes", json={"person_id": child_id},
                               headers=await as_("001055001234"))
    assert stranger.status_code == 404


async def test_repeated_failures_are_throttled_per_staff_account(http, as_, clock):
    staff = await as_(RECEPTIONIST)
    for _ in range(20):
        assert (await redeem(http, staff, "SSKDT:WRONG")).status_code == 404
    good = await new_code(http, await as_("001055001234"))
    blocked = await redeem(http, staff, good["code"])
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(blocked.headers["retry-after"]) <= 60
    clock.advance(61)
    assert (await redeem(http, staff, good["code"])).status_code == 201


async def test_throttling_also_counts_per_client_address(http, as_):
    receptionist, doctor = await as_(RECEPTIONIST), await as_(DOCTOR)
    for index in range(20):
        await redeem(http, receptionist if index % 2 else doctor, "SSKDT:WRONG")  # 10 each, one address
    good = await new_code(http, await as_("001055001234"))
    assert (await redeem(http, doctor, good["code"])).status_code == 429


async def test_the_database_never_holds_the_code_itself(http, as_, data_dir):
    code = await new_code(http, await as_("001055001234"))
    await redeem(http, await as_(RECEPTIONIST), code["code"])
    secret = code["code"].removeprefix("SSKDT:").encode()
    for path in data_dir.glob("book.db*"):
        assert secret not in path.read_bytes(), path.name


async def test_the_citizen_sees_who_looked_and_the_code_screen_sees_it_used(http, as_):
    citizen = await as_("001055001234")
    code = await new_code(http, citizen)
    staff = await as_(RECEPTIONIST)
    check_in = (await redeem(http, staff, code["code"])).json()
    [entry] = (await http.get("/api/v1/me/access-log", headers=citizen)).json()
    assert (entry["actor_name"], entry["actor_role"], entry["facility_code"]) == ("Hoàng Thị Lan", "receptionist", "01901")
    assert entry["facility_name"] == "Trạm Y tế phường Ba Đình" and entry["via_code"] is True
    state = (await http.get(f"/api/v1/me/check-in-codes/{code['id']}", headers=citizen)).json()
    assert state["status"] == "used" and state["facility_name"] == "Trạm Y tế phường Ba Đình"
    await http.get(f"/api/v1/clinic/check-ins/{check_in['id']}", headers=staff)  # reading it again is logged too
    assert len((await http.get("/api/v1/me/access-log", headers=citizen)).json()) == 2


async def test_the_guardian_sees_who_looked_at_the_childs_book(http, as_):
    mai = await as_("001190004567")
    child_id = (await http.get("/api/v1/me", headers=mai)).json()["dependents"][0]["person_id"]
    await redeem(http, await as_(RECEPTIONIST), (await new_code(http, mai, person_id=child_id))["code"])
    log = (await http.get(f"/api/v1/people/{child_id}/access-log", headers=mai)).json()
    assert log[0]["actor_name"] == "Hoàng Thị Lan"
    assert (await http.get("/api/v1/me/access-log", headers=mai)).json() == [], "the mother's own book was not read"


async def test_admitted_patients_form_todays_queue_at_that_facility(http, as_):
    staff = await as_(RECEPTIONIST)
    numbers = []
    for citizen in ("001055001234", "001190004567"):
        check_in = (await redeem(http, staff, (await new_code(http, await as_(citizen)))["code"])).json()
        admitted = (await http.post(f"/api/v1/clinic/check-ins/{check_in['id']}/admit", headers=staff)).json()
        numbers.append(admitted["queue_number"])
    again = (await http.post(f"/api/v1/clinic/check-ins/{check_in['id']}/admit", headers=staff)).json()
    assert numbers == [1, 2] and again["queue_number"] == 2
    queue = (await http.get("/api/v1/clinic/queue", headers=staff)).json()
    assert [(e["queue_number"], e["full_name"]) for e in queue] == [(1, "Nguyễn Văn Hùng"), (2, "Trần Thị Mai")]
    other_facility = await http.get("/api/v1/clinic/queue", headers=await as_(DOCTOR))
    assert other_facility.json() == []
    foreign = await http.post(f"/api/v1/clinic/check-ins/{check_in['id']}/admit", headers=await as_(DOCTOR))
    assert foreign.status_code == 404


async def test_qr_round_trip_from_the_citizens_png_to_a_check_in(http, as_):
    code = await new_code(http, await as_("001055001234"))
    png = qr_png(code["code"])
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == code["code"]
    assert (await redeem(http, await as_(RECEPTIONIST), decoded.text)).status_code == 201


async def test_camera_pictures_are_decoded_on_the_server(http, as_):
    code = await new_code(http, await as_("001055001234"))
    picture = Image.open(io.BytesIO(qr_png(code["code"], box_size=6))).convert("RGB")
    framed = Image.new("RGB", (640, 480), "gray")
    framed.paste(picture, (160, 80))
    jpeg = io.BytesIO()
    framed.save(jpeg, format="JPEG", quality=70)
    staff = await as_(RECEPTIONIST)
    decoded = await http.post("/api/v1/clinic/qr-decode", content=jpeg.getvalue(),
                              headers={**staff, "Content-Type": "image/jpeg"})
    assert decoded.json() == {"code": code["code"]}
    nothing = await http.post("/api/v1/clinic/qr-decode", content=b"not a picture", headers=staff)
    assert nothing.status_code == 422 and nothing.json()["error"]["code"] == "no_qr_code_found"
    citizen = await http.post("/api/v1/clinic/qr-decode", content=jpeg.getvalue(), headers=await as_("001055001234"))
    assert citizen.status_code == 403
