"""Issue 15 attacked: certificate files that are not what they claim, CSV lists from odd spreadsheets,
formulas hidden in the audit export, a double click, and escalations an administrator or a head might
try. Every refusal is a clear 4xx, never a 500, and nothing half-done is stored."""

from __future__ import annotations

import asyncio
import base64
import csv
import datetime
import hashlib
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from api_client.models import AuditEntry
from server.admin.service import Actor, Scope, audit_csv
from server.errors import ApiError
from server.gateway.signing import sign_envelope

from ..conftest import bearer
from . import test_administration
from .test_administration import ADMIN, NEW_FACILITY, OTHER_PROVINCE_ADMIN, RECEPTIONIST, make_admin, upload
from .test_gateway import envelope, hung_visit, send

admin_headers = test_administration.admin_headers  # the fixture: Hà Nội's administrator, made from the command line

HEADER = "code,name,kind,public,bhyt_contract,commune_code,address"
HEAD = "001085007890"  # Ngô Thanh Bình, made head of 01901 in these tests
NURSE = {"personal_id": "001191006543", "full_name": "Đặng Thu Hương", "role": "nurse", "facility_code": "01901"}
HUNG = {"personal_id": "001055001234", "full_name": "Nguyễn Văn Hùng", "role": "receptionist", "facility_code": "01901"}
EN = {"Accept-Language": "en"}

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # one key: generating is slow
_CA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def part(stack, prefix: str):
    return next(app for mounted, app, _ in stack.parts if mounted == prefix)


def _usage(**chosen: bool) -> x509.KeyUsage:
    flags = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                           "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    return x509.KeyUsage(**{**flags, **chosen})


def made(common_name: str = "MA_CSKCB 01902", *, ca: bool = False, issuer: x509.Certificate | None = None,
         key: rsa.RSAPrivateKey = _KEY) -> x509.Certificate:
    key = _CA_KEY if ca else key
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer.subject if issuer else name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=2))
               .not_valid_after(now + datetime.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(_usage(digital_signature=True, key_cert_sign=ca, crl_sign=ca), critical=True))
    return builder.sign(_CA_KEY if issuer or ca else key, hashes.SHA256())


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def certificate_id(certificate: x509.Certificate) -> str:
    return hashlib.sha256(der(certificate)).hexdigest()


def _malformed() -> dict[str, bytes]:
    """DER a parser reads the outside of, then chokes on inside: an unknown key algorithm, the same
    extension twice, key bits that are not a key, a key usage that is not one."""
    plain = der(made())
    rsa_oid = bytes.fromhex("06092a864886f70d010101")
    modulus = _KEY.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    usage = _usage(digital_signature=True).public_bytes()
    at, usage_at = plain.index(modulus), plain.index(usage)
    return {
        "unknown key algorithm": plain.replace(rsa_oid, bytes.fromhex("06092a864886f70d010163")),
        "extension twice": plain.replace(bytes.fromhex("0603551d13"), bytes.fromhex("0603551d0f")),
        "key bits not a key": plain[:at] + b"\x04" + plain[at + 1:],
        "key usage not one": plain[:usage_at] + b"\x05" + plain[usage_at + 1:],
    }


async def registered(http, headers, code: str = "01902") -> list[dict]:
    return (await http.get(f"/api/v1/admin/facilities/{code}/credentials", headers=headers)).json()["certificates"]


# ---------------------------------------------------------------- certificate files


async def test_a_certificate_that_breaks_the_parser_is_refused_with_a_reason(http, admin_headers):
    headers = {**await admin_headers(), **EN}
    before = await registered(http, headers)
    for label, content in _malformed().items():
        answer = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(content), headers=headers)
        assert answer.status_code == 422, (label, answer.text)
        assert answer.json()["error"]["code"] == "certificate_refused", label
    assert await registered(http, headers) == before


async def test_a_file_holding_the_private_key_is_refused_and_says_so(http, admin_headers):
    headers = {**await admin_headers(), **EN}
    key_pem = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    before = await registered(http, headers)
    for content in (key_pem + pem(made()), pem(made()) + key_pem):
        answer = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(content), headers=headers)
        assert answer.status_code == 422 and "private key" in answer.json()["error"]["message"], answer.text
    assert await registered(http, headers) == before


async def test_a_pem_saved_with_a_bom_or_after_a_printout_is_read(http, admin_headers):
    headers = await admin_headers()
    with_bom, printed = made("BOM"), made("printed")
    for content in (b"\xef\xbb\xbf" + pem(with_bom), b"Certificate:\n    Data:\n        Version: 3\n" + pem(printed)):
        answer = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(content), headers=headers)
        assert answer.status_code == 201, answer.text
    ids = {c["id"] for c in await registered(http, headers)}
    assert {certificate_id(with_bom), certificate_id(printed)} <= ids


async def test_a_certificate_authority_is_not_a_facility_s_signing_certificate(http, admin_headers):
    headers = {**await admin_headers(), **EN}
    answer = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(pem(made("CA", ca=True))),
                             headers=headers)
    assert answer.status_code == 422 and "certificate authority" in answer.json()["error"]["message"], answer.text


async def test_a_chain_registers_the_facility_s_own_certificate_and_two_facilities_are_refused(http, admin_headers):
    headers = {**await admin_headers(), **EN}
    authority = made("CA", ca=True)
    leaf = made("MA_CSKCB 01902", issuer=authority)
    chain = await http.post("/api/v1/admin/facilities/01902/certificates", json=upload(pem(authority) + pem(leaf)),
                            headers=headers)
    assert chain.status_code == 201, chain.text
    assert chain.json()["id"] == certificate_id(leaf)
    assert authority.subject.rfc4514_string() not in {c["subject"] for c in await registered(http, headers)}

    two = await http.post("/api/v1/admin/facilities/01902/certificates",
                          json=upload(pem(made("one")) + pem(made("other"))), headers=headers)
    assert two.status_code == 422 and "2" in two.json()["error"]["message"], two.text


# ---------------------------------------------------------------- facility lists


async def test_a_list_saved_with_old_mac_line_ends_is_imported(http, admin_headers):
    headers = await admin_headers()
    content = "\r".join([HEADER, "01960,Trạm Y tế phường Ngọc Hà,health_station,1,1,00022,",
                         "01961,Phòng khám Kim Mã,private_clinic,0,0,00028,", ""])
    answer = await http.post("/api/v1/admin/facilities/import", json=upload(content.encode()), headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"created": 2, "updated": 0}


async def test_a_list_from_excel_set_up_for_vietnam_is_imported(http, admin_headers):
    headers = await admin_headers()
    content = "\r\n".join([HEADER.replace(",", ";") + ";;", "01960;Trạm Y tế phường Ngọc Hà;health_station;có;có;00022;;",
                            '01961;"Phòng khám Kim Mã; cơ sở 2";private_clinic;không;không;00028;"12, Kim Mã";', ""])
    answer = await http.post("/api/v1/admin/facilities/import", json=upload(content.encode("utf-8-sig")),
                             headers=headers)
    assert answer.status_code == 200, answer.text
    listed = {f["code"]: f for f in (await http.get("/api/v1/admin/facilities", headers=headers)).json()}
    assert listed["01961"]["name"] == "Phòng khám Kim Mã; cơ sở 2" and listed["01961"]["address"] == "12, Kim Mã"
    assert listed["01960"]["public"] is True and listed["01961"]["bhyt_contract"] is False


def test_a_list_with_a_quote_never_closed_is_refused_with_a_reason(stack):
    administration = part(stack, "/api").state.administration  # larger than the API's 64 KB body today
    content = f'{HEADER}\n01960,"Trạm Y tế {"x" * 200_000}\n'
    with pytest.raises(ApiError) as refusal:
        administration.import_facilities(Actor(ADMIN, "Nguyễn Thị Thu"), Scope(provinces=("01",), head_of=()),
                                         content.encode())
    assert refusal.value.status == 422 and refusal.value.message


async def test_a_list_naming_a_facility_twice_or_with_another_province_s_code_is_refused_by_line(http, admin_headers):
    headers = await admin_headers()
    content = "\n".join([HEADER, "01960,Trạm Y tế phường Ngọc Hà,health_station,1,1,00022,",
                         "37961,Phòng khám Kim Mã,private_clinic,0,0,00028,",
                         "01960,Trạm Y tế Ngọc Hà (tên khác),health_station,1,1,00022,", ""])
    answer = await http.post("/api/v1/admin/facilities/import", json=upload(content.encode()), headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "import_refused"
    assert [d["field"] for d in answer.json()["error"]["details"]] == ["line 3: code", "line 4: code"]
    listed = {f["code"] for f in (await http.get("/api/v1/admin/facilities", headers=headers)).json()}
    assert "01960" not in listed and "37961" not in listed


# ---------------------------------------------------------------- the audit export


def test_the_audit_export_neutralises_what_a_spreadsheet_would_run():
    entries = [AuditEntry(id=n, at=datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC), actor_personal_id="001183002222",
                          actor_name=name, action="facility.update", facility_code="01902")
               for n, name in enumerate(['=HYPERLINK("http://x.example","y")', "+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"])]
    rows = list(csv.reader(io.StringIO(audit_csv(entries).decode("utf-8-sig"))))[1:]
    assert [r[3][0] for r in rows] == ["'"] * 5
    assert rows[0][3] == "'" + '=HYPERLINK("http://x.example","y")'


async def test_the_audit_export_holds_every_change_not_the_newest_thousand(http, admin_headers):
    headers = await admin_headers()
    lines = [f"01{n:03d},Phòng khám số {n},private_clinic,0,0,00013," for n in range(1000) if not 901 <= n <= 904]
    for start in range(0, len(lines), 300):  # the API takes 64 KB at a time
        imported = await http.post("/api/v1/admin/facilities/import", headers=headers,
                                   json=upload("\n".join([HEADER, *lines[start:start + 300]]).encode()))
        assert imported.status_code == 200, imported.text
    exported = await http.get("/api/v1/admin/audit", params={"format": "csv"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sum(r["action"] == "facility.create" and r["actor_personal_id"] != "demo" for r in rows) == len(lines)
    oldest = rows[-1]  # the demo's first facility, before anyone signed in
    assert (oldest["actor_personal_id"], oldest["action"], oldest["facility_code"]) == ("demo", "facility.create",
                                                                                       "01901")


# ---------------------------------------------------------------- a double click, a second tab


async def test_a_double_click_on_assign_makes_one_assignment_and_ending_it_ends_access(http, admin_headers, login):
    headers = await admin_headers()
    answers = await asyncio.gather(*(http.post("/api/v1/admin/staff", json=HUNG, headers=headers) for _ in range(6)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    staff = (await http.get("/api/v1/admin/staff", params={"facility": "01901"}, headers=headers)).json()
    assert [s["role"] for s in staff if s["personal_id"] == HUNG["personal_id"]] == ["receptionist"]

    hung = bearer(await login(HUNG["personal_id"]))
    assert (await http.get("/api/v1/clinic/queue", headers=hung)).status_code == 200
    assert (await http.post(f"/api/v1/admin/staff/{answers[0].json()['id']}/end", headers=headers)).status_code == 204
    assert (await http.get("/api/v1/clinic/queue", headers=hung)).status_code == 403


async def test_ending_twice_at_once_ends_once_and_audits_once(http, admin_headers):
    headers = await admin_headers()
    staff = (await http.get("/api/v1/admin/staff", params={"facility": "01901"}, headers=headers)).json()
    [lan] = [s for s in staff if s["personal_id"] == RECEPTIONIST]
    answers = await asyncio.gather(*(http.post(f"/api/v1/admin/staff/{lan['id']}/end", headers=headers)
                                     for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [204, 404, 404, 404]
    audit = (await http.get("/api/v1/admin/audit", params={"person": RECEPTIONIST}, headers=headers)).json()
    assert [e["action"] for e in audit].count("staff.end") == 1


async def test_two_keys_issued_at_once_leave_one_working_key(http, admin_headers, credentials):
    headers = await admin_headers()
    answers = await asyncio.gather(*(http.post("/api/v1/admin/facilities/01902/keys", json={"overlap_hours": 0},
                                               headers=headers) for _ in range(4)))
    assert {a.status_code for a in answers} == {201}
    keys = (await http.get("/api/v1/admin/facilities/01902/credentials", headers=headers)).json()["keys"]
    assert sum(k["active"] for k in keys) == 1
    person, visit = hung_visit()
    own = credentials["01902"]
    body = sign_envelope(envelope([(person, visit, "twice-1")]), own.key_pem, own.cert_pem)
    working = [a.json()["api_key"] for a in answers if (await send(http, body, a.json()["api_key"])).status_code == 200]
    assert len(working) == 1


# ---------------------------------------------------------------- escalation


async def test_roles_end_at_once_for_administrators_and_heads_and_nobody_climbs(http, admin_headers, login, data_dir,
                                                                                database_url):
    headers = await admin_headers()
    make_admin(data_dir, database_url, OTHER_PROVINCE_ADMIN, "37")
    other = bearer(await login(OTHER_PROVINCE_ADMIN))
    for body in ({"personal_id": OTHER_PROVINCE_ADMIN, "full_name": "Lê Văn Đức", "role": "admin", "area": "01"},
                 {"personal_id": OTHER_PROVINCE_ADMIN, "full_name": "Lê Văn Đức", "role": "station_head",
                  "facility_code": "01901"}):
        refused = await http.post("/api/v1/admin/staff", json=body, headers=other)
        assert refused.status_code == 403, refused.text
    hanoi_staff = (await http.get("/api/v1/admin/staff", headers=headers)).json()
    [thu] = [s for s in hanoi_staff if s["personal_id"] == ADMIN and s["role"] == "admin"]
    assert (await http.post(f"/api/v1/admin/staff/{thu['id']}/end", headers=other)).status_code == 403

    head = await http.post("/api/v1/admin/staff", headers=headers, json={
        "personal_id": HEAD, "full_name": "Ngô Thanh Bình", "role": "station_head", "facility_code": "01901"})
    head_headers = bearer(await login(HEAD))
    for body in ({"personal_id": HEAD, "full_name": "Ngô Thanh Bình", "role": "admin", "area": "01"},
                 {"personal_id": HEAD, "full_name": "Ngô Thanh Bình", "role": "official", "area": "00013"},
                 {"personal_id": HEAD, "full_name": "Ngô Thanh Bình", "role": "volunteer", "area": "00013"}):
        refused = await http.post("/api/v1/admin/staff", json=body, headers=head_headers)
        assert refused.status_code == 403, refused.text
    other_facility = next(s for s in hanoi_staff if s["facility_code"] == "01902")
    for assignment in (other_facility["id"], head.json()["id"], thu["id"]):
        refused = await http.post(f"/api/v1/admin/staff/{assignment}/end", headers=head_headers)
        assert refused.status_code == 403, refused.text

    # The head's role ended by the administrator: the next request already finds no head.
    assert (await http.get("/api/v1/admin/scope", headers=head_headers)).status_code == 200
    assert (await http.post(f"/api/v1/admin/staff/{head.json()['id']}/end", headers=headers)).status_code == 204
    assert (await http.get("/api/v1/admin/scope", headers=head_headers)).status_code == 403

    # A second administrator of Hà Nội ends the first's role: the first is out at once.
    second = await http.post("/api/v1/admin/staff", headers=headers, json={
        "personal_id": "001180005678", "full_name": "Vũ Thị Hạnh", "role": "admin", "area": "01"})
    assert second.status_code == 201, second.text
    own = await http.post(f"/api/v1/admin/staff/{thu['id']}/end", headers=headers)
    assert own.status_code == 409
    second_headers = bearer(await login("001180005678"))
    assert (await http.post(f"/api/v1/admin/staff/{thu['id']}/end", headers=second_headers)).status_code == 204
    assert (await http.get("/api/v1/admin/scope", headers=headers)).status_code == 403


async def test_a_rotation_never_revives_a_revoked_key_and_zero_overlap_ends_the_old_at_once(http, admin_headers,
                                                                                          credentials, clock):
    headers = await admin_headers()
    first = (await http.post("/api/v1/admin/facilities/01902/keys", json={"overlap_hours": 48}, headers=headers)).json()
    assert (await http.post(f"/api/v1/admin/facilities/01902/keys/{first['key_id']}/revoke",
                            headers=headers)).status_code == 204
    second = (await http.post("/api/v1/admin/facilities/01902/keys", json={"overlap_hours": 0}, headers=headers)).json()
    person, visit = hung_visit()
    own = credentials["01902"]
    body = sign_envelope(envelope([(person, visit, "rot-1")]), own.key_pem, own.cert_pem)
    assert (await send(http, body, first["api_key"])).status_code == 401
    assert (await send(http, body, own.api_key)).status_code == 401  # the demo key: ended by the zero overlap
    assert (await send(http, body, second["api_key"])).status_code == 200
    again = await http.post(f"/api/v1/admin/facilities/01902/keys/{first['key_id']}/revoke", headers=headers)
    assert again.status_code == 404
    audit = (await http.get("/api/v1/admin/audit", params={"facility": "01902", "format": "csv"},
                            headers=headers)).content.decode("utf-8-sig")
    assert first["api_key"] not in audit and second["api_key"] not in audit


async def test_a_deactivated_facility_may_get_keys_but_its_envelopes_are_refused(http, admin_headers, credentials):
    headers = await admin_headers()
    assert (await http.post("/api/v1/admin/facilities/01902/deactivate", headers=headers)).status_code == 204
    issued = await http.post("/api/v1/admin/facilities/01902/keys", json={"overlap_hours": 0}, headers=headers)
    assert issued.status_code == 201
    person, visit = hung_visit()
    own = credentials["01902"]
    refused = await send(http, sign_envelope(envelope([(person, visit, "off-1")]), own.key_pem, own.cert_pem),
                         issued.json()["api_key"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "facility_inactive"


async def test_odd_values_are_refused_as_validation_not_crashes(http, admin_headers):
    headers = await admin_headers()
    for method, path, body in [
        ("PUT", "/api/v1/admin/facilities/01950", {**NEW_FACILITY, "name": "x\x00y"}),
        ("PUT", "/api/v1/admin/facilities/01950", {**NEW_FACILITY, "address": "' OR 1=1 --\x00"}),
        ("PUT", "/api/v1/admin/facilities/01950", {**NEW_FACILITY, "name": "N" * 10_000}),
        ("PUT", "/api/v1/admin/facilities/01950", {**NEW_FACILITY, "commune_code": "00000"}),
        ("POST", "/api/v1/admin/staff", {**NURSE, "role": "superuser"}),
        ("POST", "/api/v1/admin/staff", {**NURSE, "full_name": "Đặng\x00Hương"}),
        ("POST", "/api/v1/admin/staff", {**NURSE, "role": "admin", "facility_code": None, "area": "00013"}),
        ("POST", "/api/v1/admin/staff", {**NURSE, "area": "01"}),
        ("POST", "/api/v1/admin/facilities/01902/keys/%25%25%25%25%25%25%25%25%25%25%25%25/revoke", None),
        ("POST", "/api/v1/admin/facilities/01902/certificates", {"content_base64": "!!!!"}),
        ("POST", "/api/v1/admin/facilities/01902/certificates", {"content_base64": "QUJD"}),
        ("POST", "/api/v1/admin/facilities/01902/certificates",
         {"content_base64": base64.b64encode(b"\x30" * 100_000).decode()}),
        ("POST", "/api/v1/admin/facilities/import", upload("code,name\n".encode("utf-16"))),
        ("POST", "/api/v1/admin/facilities/import", upload(f"{HEADER}\n01960,Trạm\x00,health_station,1,1,00022,x\x00"
                                                           .encode())),
        ("POST", "/api/v1/admin/staff/4611686018427387904/end", None),
    ]:
        answer = await http.request(method, path, json=body, headers=headers)
        assert 400 <= answer.status_code < 500, (path, body, answer.text)
        assert answer.json()["error"]["message"], (path, answer.text)
    assert "01950" not in {f["code"] for f in (await http.get("/api/v1/admin/facilities", headers=headers)).json()}
