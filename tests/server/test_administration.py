"""Issue 15 through HTTP, in process: a province set up by its own administrator (created from the
command line), gateway credentials issued, rotated and revoked, staff assigned and ended, refusals by
scope, and an audit that holds every change."""

from __future__ import annotations

import base64
import csv
import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from server.admin.__main__ import main as admin_cli
from server.gateway.signing import sign_envelope

from ..conftest import bearer
from .test_gateway import envelope, hung_visit, send, signed_send

ADMIN = "001183002222"  # Nguyễn Thị Thu: made administrator of Hà Nội from the command line in these tests
OTHER_PROVINCE_ADMIN = "001075001111"  # Lê Văn Đức, made administrator of Ninh Bình
RECEPTIONIST = "001192006789"
NEW_FACILITY = {"code": "01950", "name": "Phòng khám đa khoa Quán Thánh", "kind": "polyclinic", "public": False,
                "bhyt_contract": False, "commune_code": "00013", "address": "12 Quán Thánh"}


def make_admin(data_dir, database_url, personal_id: str, province: str) -> None:
    database = ["--database", database_url] if database_url else []
    assert admin_cli(["create-admin", personal_id, "--province", province, "--data-dir", str(data_dir), *database]) == 0


@pytest.fixture
def admin_headers(data_dir, database_url, login):
    make_admin(data_dir, database_url, ADMIN, "01")

    async def headers(personal_id: str = ADMIN) -> dict[str, str]:
        return bearer(await login(personal_id))

    return headers


def upload(content: bytes) -> dict[str, str]:
    return {"content_base64": base64.b64encode(content).decode()}


def certificate(*, key_size: int = 2048, days: int = 365, usage_for_signing: bool = True,
                der: bool = False) -> tuple[bytes, bytes]:
    """A certificate made here with the cryptography library (key PEM, certificate PEM or DER)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MA_CSKCB 01950")])
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=2))
               .not_valid_after(now + datetime.timedelta(days=days)))
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=usage_for_signing, content_commitment=False, key_encipherment=not usage_for_signing,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False,
        decipher_only=False), critical=True)
    cert = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.DER if der else serialization.Encoding.PEM)


async def test_a_new_facility_is_registered_keyed_and_certified_and_its_envelope_lands(http, admin_headers):
    headers = await admin_headers()
    scope = (await http.get("/api/v1/admin/scope", headers=headers)).json()
    assert [p["code"] for p in scope["provinces"]] == ["01"]

    saved = await http.put("/api/v1/admin/facilities/01950", json=NEW_FACILITY, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["district_name"] == "Quận Ba Đình" and saved.json()["active_keys"] == 0
    issued = await http.post("/api/v1/admin/facilities/01950/keys", json={"overlap_hours": 0}, headers=headers)
    assert issued.status_code == 201
    api_key = issued.json()["api_key"]
    key_pem, cert_pem = certificate()
    registered = await http.post("/api/v1/admin/facilities/01950/certificates", json=upload(cert_pem), headers=headers)
    assert registered.status_code == 201, registered.text
    assert registered.json()["key"] == "RSA 2048"

    person, visit = hung_visit("01950")
    response = await send(http, sign_envelope(envelope([(person, visit, "01950-1")], "01950"), key_pem, cert_pem),
                          api_key)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 1

    listed = (await http.get("/api/v1/admin/facilities", params={"commune": "00013"}, headers=headers)).json()
    [row] = [f for f in listed if f["code"] == "01950"]
    assert row["last_submission_at"] and row["active_keys"] == 1 and row["active_certificates"] == 1
    credentials = (await http.get("/api/v1/admin/facilities/01950/credentials", headers=headers)).json()
    assert api_key not in str(credentials)  # shown once, stored hashed

    audit = (await http.get("/api/v1/admin/audit", params={"facility": "01950"}, headers=headers)).json()
    assert [e["action"] for e in audit] == ["certificate.register", "key.issue", "facility.create"]
    assert {e["actor_name"] for e in audit} == {"Nguyễn Thị Thu"}
    assert audit[-1]["after"]["name"] == NEW_FACILITY["name"] and audit[-1]["before"] is None
    exported = await http.get("/api/v1/admin/audit", params={"facility": "01950", "format": "csv"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["certificate.register", "key.issue", "facility.create"]


async def test_an_edit_keeps_what_was_before_and_a_deactivated_facility_is_refused(http, admin_headers, credentials,
                                                                                  data_dir):
    headers = await admin_headers()
    person, visit = hung_visit()
    assert (await signed_send(http, credentials, [(person, visit, "before-1")])).status_code == 200
    facility = next(f for f in (await http.get("/api/v1/admin/facilities", headers=headers)).json()
                    if f["code"] == "01902")
    changed = {k: facility[k] for k in ("code", "kind", "public", "bhyt_contract", "commune_code", "address")}
    changed["name"] = "Bệnh viện Đa khoa quận Ba Đình"
    assert (await http.put("/api/v1/admin/facilities/01902", json=changed, headers=headers)).status_code == 200
    assert (await http.post("/api/v1/admin/facilities/01902/deactivate", headers=headers)).status_code == 204

    refused = await signed_send(http, credentials, [(person, visit, "after-1")])
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "facility_inactive"
    assert "ngừng hoạt động" in refused.json()["error"]["message"]

    audit = (await http.get("/api/v1/admin/audit", params={"facility": "01902"}, headers=headers)).json()
    update = next(e for e in audit if e["action"] == "facility.update")
    assert update["before"]["name"] == "Bệnh viện Đa khoa Ba Đình"
    assert update["after"]["name"] == "Bệnh viện Đa khoa quận Ba Đình"
    assert audit[0]["action"] == "facility.deactivate"

    assert (await http.post("/api/v1/admin/facilities/01902/reactivate", headers=headers)).status_code == 204
    assert (await signed_send(http, credentials, [(person, visit, "after-2")])).status_code == 200


async def test_a_rotated_key_works_during_the_overlap_and_not_after(http, admin_headers, credentials, clock):
    headers = await admin_headers()
    issued = await http.post("/api/v1/admin/facilities/01902/keys", json={"overlap_hours": 24}, headers=headers)
    new_key = issued.json()["api_key"]
    person, visit = hung_visit()
    old = credentials["01902"]
    body = sign_envelope(envelope([(person, visit, "rot-1")]), old.key_pem, old.cert_pem)
    assert (await send(http, body, old.api_key)).status_code == 200  # during the overlap
    clock.advance(25 * 3600)
    late = await send(http, body, old.api_key)
    assert late.status_code == 401 and late.json()["error"]["code"] == "invalid_api_key"
    assert (await send(http, body, new_key)).status_code == 200

    keys = (await http.get("/api/v1/admin/facilities/01902/credentials", headers=await admin_headers())).json()["keys"]
    assert [k["active"] for k in keys] == [True, False]
    revoked = await http.post(f"/api/v1/admin/facilities/01902/keys/{keys[0]['key_id']}/revoke",
                              headers=await admin_headers())
    assert revoked.status_code == 204
    assert (await send(http, body, new_key)).status_code == 401


async def test_a_revoked_certificate_s_signatures_are_refused_and_a_rollover_overlaps(http, admin_headers, credentials):
    headers = await admin_headers()
    person, visit = hung_visit()
    key_pem, cert_der = certificate(der=True)  # the next certificate, uploaded as DER
    added = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(cert_der), headers=headers)
    assert added.status_code == 201, added.text
    cert_pem = x509.load_der_x509_certificate(cert_der).public_bytes(serialization.Encoding.PEM)
    old = credentials["01902"]
    # During the rollover both certificates' signatures hold.
    assert (await send(http, sign_envelope(envelope([(person, visit, "r-1")]), old.key_pem, old.cert_pem),
                       old.api_key)).status_code == 200
    assert (await send(http, sign_envelope(envelope([(person, visit, "r-2")]), key_pem, cert_pem),
                       old.api_key)).status_code == 200
    certificates = (await http.get("/api/v1/admin/facilities/01902/credentials", headers=headers)).json()["certificates"]
    previous = next(c for c in certificates if c["id"] != added.json()["id"])
    revoked = await http.post(f"/api/v1/admin/facilities/01902/certificates/{previous['id']}/revoke", headers=headers)
    assert revoked.status_code == 204
    refused = await send(http, sign_envelope(envelope([(person, visit, "r-3")]), old.key_pem, old.cert_pem),
                         old.api_key)
    assert refused.status_code in (400, 403, 422) and refused.json()["error"]["code"] != "internal"
    assert (await send(http, sign_envelope(envelope([(person, visit, "r-4")]), key_pem, cert_pem),
                       old.api_key)).status_code == 200


@pytest.mark.parametrize("made,reason", [({"key_size": 1024}, "RSA 1024"),
                                         ({"usage_for_signing": False}, "not for signing")])
async def test_a_certificate_that_cannot_sign_safely_is_refused_with_the_reason(http, admin_headers, made, reason):
    headers = await admin_headers()
    _key, cert_pem = certificate(**made)
    answer = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(cert_pem),
                             headers={**headers, "Accept-Language": "en"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "certificate_refused"
    assert reason in answer.json()["error"]["message"]


async def test_an_expired_certificate_is_refused(http, admin_headers, clock):
    headers = await admin_headers()
    _key, cert_pem = certificate(days=1)
    clock.advance(3 * 86400)
    headers = await admin_headers()  # a fresh sign-in at the new time
    answer = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(cert_pem),
                             headers={**headers, "Accept-Language": "en"})
    assert answer.status_code == 422 and "expired" in answer.json()["error"]["message"]
    garbage = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(b"not a certificate"),
                              headers=headers)
    assert garbage.status_code == 422 and garbage.json()["error"]["message"]


async def test_ending_an_assignment_ends_access(http, admin_headers, login):
    headers = await admin_headers()
    receptionist = bearer(await login(RECEPTIONIST))
    assert (await http.get("/api/v1/clinic/queue", headers=receptionist)).status_code == 200
    staff = (await http.get("/api/v1/admin/staff", params={"facility": "01901"}, headers=headers)).json()
    [lan] = [s for s in staff if s["personal_id"] == RECEPTIONIST]
    assert (await http.post(f"/api/v1/admin/staff/{lan['id']}/end", headers=headers)).status_code == 204
    assert (await http.get("/api/v1/clinic/queue", headers=receptionist)).status_code == 403
    audit = (await http.get("/api/v1/admin/audit", params={"person": RECEPTIONIST}, headers=headers)).json()
    assert audit[0]["action"] == "staff.end" and audit[0]["before"]["role"] == "receptionist"

    again = await http.post("/api/v1/admin/staff", headers=headers, json={
        "personal_id": RECEPTIONIST, "full_name": "Hoàng Thị Lan", "role": "receptionist", "facility_code": "01901"})
    assert again.status_code == 201
    assert (await http.get("/api/v1/clinic/queue", headers=receptionist)).status_code == 200
    wrong_name = await http.post("/api/v1/admin/staff", headers=headers, json={
        "personal_id": RECEPTIONIST, "full_name": "Người Khác", "role": "doctor", "facility_code": "01901"})
    assert wrong_name.status_code == 422 and wrong_name.json()["error"]["details"][0]["field"] == "full_name"


async def test_no_one_gives_themselves_a_role(http, admin_headers, login):
    """An administrator who could make themselves a doctor could read any patient's book: another must."""
    headers = await admin_headers()
    me = (await http.get("/api/v1/me", headers=headers)).json()
    before = (await http.get("/api/v1/admin/audit", headers=headers)).json()
    for body in [{"role": "doctor", "facility_code": "01902"}, {"role": "official", "area": "01"}]:
        refused = await http.post("/api/v1/admin/staff", headers=headers,
                                  json={"personal_id": ADMIN, "full_name": me["full_name"], **body})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "own_assignment", refused.text
        assert "quản trị viên khác" in refused.json()["error"]["message"]
    assert (await http.get("/api/v1/admin/audit", headers=headers)).json() == before
    assert (await http.get("/api/v1/clinic/queue", headers=headers)).status_code == 403


async def test_refusals_by_role_and_scope(http, admin_headers, data_dir, database_url, login):
    headers = await admin_headers()
    receptionist = bearer(await login(RECEPTIONIST))
    answer = await http.get("/api/v1/admin/facilities", headers=receptionist)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_administrator"

    make_admin(data_dir, database_url, OTHER_PROVINCE_ADMIN, "37")
    other = bearer(await login(OTHER_PROVINCE_ADMIN))
    assert (await http.get("/api/v1/admin/facilities", headers=other)).json() == []
    for method, path, body in [
        ("PUT", "/api/v1/admin/facilities/01950", NEW_FACILITY),
        ("POST", "/api/v1/admin/facilities/01902/keys", {"overlap_hours": 0}),
        ("POST", "/api/v1/admin/facilities/01902/deactivate", None),
        ("POST", "/api/v1/admin/staff", {"personal_id": "001055001234", "full_name": "Nguyễn Văn Hùng",
                                         "role": "doctor", "facility_code": "01902"}),
    ]:
        refused = await http.request(method, path, json=body, headers=other)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"]["code"] == "outside_administered_area"
    [own_appointment] = (await http.get("/api/v1/admin/audit", headers=other)).json()  # nothing of Hà Nội
    assert own_appointment["personal_id"] == OTHER_PROVINCE_ADMIN and own_appointment["after"]["area"] == "37"

    # The head of the station manages its staff, and nothing else.
    head = await http.post("/api/v1/admin/staff", headers=headers, json={
        "personal_id": "001085007890", "full_name": "Ngô Thanh Bình", "role": "station_head", "facility_code": "01901"})
    assert head.status_code == 201
    head_headers = bearer(await login("001085007890"))
    own = await http.post("/api/v1/admin/staff", headers=head_headers, json={
        "personal_id": "001191006543", "full_name": "Đặng Thu Hương", "role": "nurse", "facility_code": "01901"})
    assert own.status_code == 201, own.text
    for method, path, body in [
        ("POST", "/api/v1/admin/staff", {"personal_id": "001191006543", "full_name": "Đặng Thu Hương",
                                         "role": "nurse", "facility_code": "01902"}),
        ("POST", "/api/v1/admin/staff", {"personal_id": "001191006543", "full_name": "Đặng Thu Hương",
                                         "role": "station_head", "facility_code": "01901"}),
        ("POST", "/api/v1/admin/facilities/01901/keys", {"overlap_hours": 0}),
        ("GET", "/api/v1/admin/staff?facility=01902", None),
    ]:
        refused = await http.request(method, path, json=body, headers=head_headers)
        assert refused.status_code == 403, (path, refused.text)
    audit = (await http.get("/api/v1/admin/audit", headers=head_headers)).json()
    assert audit and all(e["facility_code"] == "01901" for e in audit)


async def test_a_facility_list_is_imported_whole_or_not_at_all(http, admin_headers):
    headers = await admin_headers()
    header = "code,name,kind,public,bhyt_contract,commune_code,address\r\n"
    bad = header + ("01960,Trạm Y tế phường Ngọc Hà,health_station,1,1,00022,\r\n"
                    "01961,Phòng khám Kim Mã,clinic,0,0,00028,\r\n"
                    "01962,Phòng khám Đội Cấn,private_clinic,0,0,99999,\r\n")
    answer = await http.post("/api/v1/admin/facilities/import", json=upload(bad.encode()), headers=headers)
    assert answer.status_code == 422
    fields = [d["field"] for d in answer.json()["error"]["details"]]
    assert fields == ["line 3: kind", "line 4: commune_code"]
    assert not [f for f in (await http.get("/api/v1/admin/facilities", headers=headers)).json() if f["code"] == "01960"]

    good = header + ("01960,Trạm Y tế phường Ngọc Hà,health_station,1,1,00022,\r\n"
                     "01961,Phòng khám Kim Mã,private_clinic,0,0,00028,\r\n")
    answer = await http.post("/api/v1/admin/facilities/import", json=upload(b"\xef\xbb\xbf" + good.encode()),
                             headers=headers)
    assert answer.status_code == 200 and answer.json() == {"created": 2, "updated": 0}
    listed = {f["code"]: f for f in (await http.get("/api/v1/admin/facilities", params={"district": "001"},
                                                    headers=headers)).json()}
    assert listed["01961"]["public"] is False and listed["01960"]["commune_code"] == "00022"


def test_the_demo_facilities_and_staff_were_made_through_the_console(data_dir, database_url):
    from server.storage import open_database
    from server.storage.administration import AdminStore

    database = open_database(data_dir / "book.db", database_url)
    try:
        entries = AdminStore(database).audit(provinces=["01"], facility_codes=[])
    finally:
        database.close()
    actions = {(e.action, e.facility_code) for e in entries if e.actor_personal_id == "demo"}
    assert {("facility.create", "01901"), ("key.issue", "01902"), ("certificate.register", "01902"),
            ("staff.assign", "01901")} <= actions


def test_the_command_line_refuses_an_unknown_province_and_a_missing_name(tmp_path, capsys):
    assert admin_cli(["create-admin", "001055001234", "--province", "99", "--name", "Nguyễn Văn Hùng",
                      "--data-dir", str(tmp_path)]) == 1
    assert "area" in capsys.readouterr().err
    assert admin_cli(["create-admin", "001055001234", "--province", "01", "--data-dir", str(tmp_path)]) == 1
    assert "full_name" in capsys.readouterr().err
    assert admin_cli(["create-admin", "001055001234", "--province", "01", "--name", "Nguyễn Văn Hùng",
                      "--data-dir", str(tmp_path)]) == 0
    assert "Nguyễn Văn Hùng" in capsys.readouterr().out


async def test_an_expired_certificate_no_longer_vouches_for_envelopes(http, admin_headers, clock):
    headers = await admin_headers()
    key_pem, cert_pem = certificate(days=30)
    code_body = {**NEW_FACILITY, "code": "01952"}
    assert (await http.put("/api/v1/admin/facilities/01952", json=code_body, headers=headers)).status_code == 200
    api_key = (await http.post("/api/v1/admin/facilities/01952/keys", json={"overlap_hours": 0},
                               headers=headers)).json()["api_key"]
    assert (await http.post("/api/v1/admin/facilities/01952/certificates", json=upload(cert_pem),
                            headers=headers)).status_code == 201
    person, visit = hung_visit("01952")
    body = sign_envelope(envelope([(person, visit, "exp-1")], "01952"), key_pem, cert_pem)
    assert (await send(http, body, api_key)).status_code == 200
    clock.advance(31 * 86400)
    late = await send(http, body, api_key)
    assert late.status_code == 403 and late.json()["error"]["code"] == "certificate_expired"
    [shown] = (await http.get("/api/v1/admin/facilities/01952/credentials",
                              headers=await admin_headers())).json()["certificates"]
    assert shown["active"] is False


async def test_a_restart_of_the_demo_keeps_what_the_administrator_changed(http, admin_headers, data_dir, clock):
    from main import StackConfig, close_stack, create_stack

    from ..support import BASE_URL

    headers = await admin_headers()
    keys = (await http.get("/api/v1/admin/facilities/01902/credentials", headers=headers)).json()["keys"]
    assert (await http.post(f"/api/v1/admin/facilities/01902/keys/{keys[0]['key_id']}/revoke",
                            headers=headers)).status_code == 204
    staff = (await http.get("/api/v1/admin/staff", params={"facility": "01901"}, headers=headers)).json()
    [lan] = [s for s in staff if s["personal_id"] == RECEPTIONIST]
    assert (await http.post(f"/api/v1/admin/staff/{lan['id']}/end", headers=headers)).status_code == 204

    again = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)  # seeds again
    try:
        administration = next(app for prefix, app, _ in again.parts if prefix == "/api").state.administration
        assert not [s for s in administration.store.staff(facility_codes=["01901"]) if s.personal_id == RECEPTIONIST]
        assert not [k for k in administration.store.keys("01902", administration.now().isoformat()) if k.active]
    finally:
        close_stack(again)


async def test_the_areas_to_list_facilities_by_are_those_of_the_province(http, admin_headers):
    headers = await admin_headers()
    areas = {a["code"]: a for a in (await http.get("/api/v1/admin/areas", headers=headers)).json()}
    assert areas["001"]["level"] == "district" and areas["00013"]["parent_code"] == "001"
    assert "01" not in areas and all(a["level"] in ("district", "commune") for a in areas.values())
    by_district = (await http.get("/api/v1/admin/facilities", params={"district": "002"}, headers=headers)).json()
    assert all(f["district_code"] == "002" for f in by_district)
    assert "01901" not in {f["code"] for f in by_district}  # it is in Ba Đình
