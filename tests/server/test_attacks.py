"""The API attacked as an outsider, a citizen, a receptionist or a facility key holder would."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from main import StackConfig, create_stack

from ..conftest import bearer
from ..support import BASE_URL, book_rows

CITIZEN, RECEPTIONIST, DOCTOR = "001055001234", "001192006789", "001085007890"
VISIT = {"personal_id": CITIZEN, "diagnoses": [{"icd10": "J06.9", "name": "Viêm họng"}]}


def count(data_dir: Path, sql: str) -> int:
    return book_rows(data_dir, sql)[0][0]


async def check_in(http, login, citizen: str, staff: str) -> None:
    code = (await http.post("/api/v1/me/check-in-codes", headers=bearer(await login(citizen)))).json()["code"]
    assert (await http.post("/api/v1/clinic/check-ins", json={"code": code},
                            headers=bearer(await login(staff)))).status_code == 201


# -------------------------------------------------------------- 5. who may write into a book


async def test_a_receptionist_cannot_write_into_any_book(http, login, data_dir):
    await check_in(http, login, CITIZEN, RECEPTIONIST)
    visits = count(data_dir, "SELECT count(*) FROM visits")
    answer = await http.post("/api/v1/clinic/visits", json=VISIT, headers=bearer(await login(RECEPTIONIST)))
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_medical_staff"
    assert "nhân viên y tế" in answer.json()["error"]["message"]
    assert count(data_dir, "SELECT count(*) FROM visits") == visits


async def test_a_doctor_cannot_tell_an_unknown_id_from_a_patient_not_checked_in(http, login, data_dir):
    doctor = bearer(await login(DOCTOR))
    visits = count(data_dir, "SELECT count(*) FROM visits")
    unknown = await http.post("/api/v1/clinic/visits", json={**VISIT, "personal_id": "001077009999"}, headers=doctor)
    absent = await http.post("/api/v1/clinic/visits", json=VISIT, headers=doctor)
    assert unknown.status_code == absent.status_code == 404
    assert unknown.json() == absent.json() and absent.json()["error"]["code"] == "patient_not_checked_in"
    assert count(data_dir, "SELECT count(*) FROM visits") == visits


async def test_a_check_in_at_another_facility_does_not_open_the_book_here(http, login):
    await check_in(http, login, CITIZEN, RECEPTIONIST)  # ward station 01901
    answer = await http.post("/api/v1/clinic/visits", json=VISIT, headers=bearer(await login(DOCTOR)))  # 01902
    assert answer.status_code == 404


async def test_a_check_in_counts_for_that_day_only(http, login, clock):
    await check_in(http, login, CITIZEN, DOCTOR)
    clock.advance(24 * 3600)
    answer = await http.post("/api/v1/clinic/visits", json=VISIT, headers=bearer(await login(DOCTOR)))
    assert answer.status_code == 404


async def test_a_doctor_records_the_visit_of_the_patient_checked_in_today(http, login):
    await check_in(http, login, CITIZEN, DOCTOR)
    answer = await http.post("/api/v1/clinic/visits", json=VISIT, headers=bearer(await login(DOCTOR)))
    assert answer.status_code == 201, answer.text


# -------------------------------------------------------------- 4. sign-out cancels the QR codes


async def test_signing_out_cancels_the_open_check_in_codes(http, login):
    citizen = bearer(await login("001190004567"))
    own = (await http.post("/api/v1/me/check-in-codes", headers=citizen)).json()
    child = (await http.get("/api/v1/me", headers=citizen)).json()["dependents"][0]["person_id"]
    childs = (await http.post("/api/v1/me/check-in-codes", json={"person_id": child}, headers=citizen)).json()
    assert (await http.delete("/api/v1/me/check-in-codes", headers=citizen)).status_code == 204
    staff = bearer(await login(RECEPTIONIST))
    for code in (own, childs):
        answer = await http.post("/api/v1/clinic/check-ins", json={"code": code["code"]}, headers=staff)
        assert answer.status_code == 404


# -------------------------------------------------------------- 6. browser and cache protections


async def test_every_api_and_provider_answer_carries_the_protections(http, login):
    citizen = bearer(await login(CITIZEN))
    for answer in [await http.get("/api/v1/me/book", headers=citizen), await http.get("/api/v1/health"),
                   await http.get("/api/v1/me/book"), await http.get("/idp/authorize"),
                   await http.get("/api/openapi.json")]:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    book = await http.get("/api/v1/me/book", headers=citizen)
    assert book.headers["cache-control"] == "no-store"
    assert "script-src" not in book.headers["content-security-policy"], "JSON runs nothing: default-src 'none'"


async def test_the_api_docs_and_their_cdn_script_are_off(http):
    assert (await http.get("/api/docs")).status_code == 404
    assert (await http.get("/api/openapi.json")).status_code == 200


# -------------------------------------------------------------- 7. unbounded input


async def test_a_body_is_refused_before_it_is_read_without_a_token(http):
    answer = await http.post("/api/v1/me/check-in-codes", content=b"{" + b" " * 2_000_000 + b"}",
                             headers={"content-type": "application/json"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_authenticated"
    forged = await http.post("/api/v1/clinic/check-ins", json={"code": "x"}, headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401


async def test_a_large_body_is_refused_with_413(http, login):
    citizen = bearer(await login(CITIZEN))
    keys = {f"k{i}": i for i in range(50_000)}
    answer = await http.post("/api/v1/me/check-in-codes", json=keys, headers=citizen)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body_too_large"
    assert len(answer.content) < 1000
    async def stream():
        yield b"{"
        for _ in range(100):
            yield b" " * 1024
        yield b"}"

    chunked = await http.post("/api/v1/me/check-in-codes", headers={**citizen, "content-type": "application/json"},
                              content=stream())
    assert chunked.status_code == 413


async def test_error_details_are_capped(http, login):
    answer = await http.post("/api/v1/clinic/check-ins", json={"code": "x", **{f"k{i}": 1 for i in range(60)}},
                             headers=bearer(await login(RECEPTIONIST)))
    details = answer.json()["error"]["details"]
    assert answer.status_code == 422 and len(details) == 21
    assert details[-1] == {"field": None, "message": "… và 40 lỗi khác."}


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 10_000), (5000, 5000)])
async def test_a_picture_declaring_too_many_pixels_is_refused_before_decoding(http, login, size):
    answer = await http.post("/api/v1/clinic/qr-decode", content=png_declaring(*size),
                             headers={**bearer(await login(RECEPTIONIST)), "content-type": "image/png"})
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "image_too_large"


async def test_a_picture_over_three_megabytes_is_refused(http, login):
    answer = await http.post("/api/v1/clinic/qr-decode", content=b"\0" * (3 * 1024 * 1024 + 1),
                             headers={**bearer(await login(RECEPTIONIST)), "content-type": "image/png"})
    assert answer.status_code == 413


# -------------------------------------------------------------- 8. errors in the envelope


@pytest.mark.parametrize("path", ["/api/%0Ax", "/api/v1/%0A", "/api/v1/people/%0A/book", "/api", "/api/"])
async def test_every_api_path_answers_in_the_envelope(http, path):
    answer = await http.get(path)
    assert answer.status_code in (401, 404)
    assert set(answer.json()["error"]) == {"code", "message", "details"}


async def test_a_wrong_method_keeps_allow(http):
    answer = await http.post("/api/v1/health")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET"
    assert answer.json()["error"]["code"] == "method_not_allowed"


# -------------------------------------------------------------- 9. data at rest


async def test_the_data_dir_is_private_whatever_the_umask(tmp_path, login, clock, backend):
    import os

    previous = os.umask(0o022)
    try:
        data_dir = tmp_path / "fresh"
        stack = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
        import httpx

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as http:
            assert (await http.get("/api/v1/health")).status_code == 200
    finally:
        os.umask(previous)
    names = []
    for path in [data_dir, *data_dir.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"
        names.append(path.name)
    on_disk = {"book.db", "book.db-wal", "idp.db"} if backend == "sqlite" else set()  # else in PostgreSQL
    assert on_disk | {"signing-key.json"} <= set(names)


async def test_a_refused_envelope_leaves_its_reason_not_its_bytes(http, data_dir):
    api_key = (data_dir / "demo" / "facilities" / "01902" / "api_key").read_text().strip()
    junk = b"<GIAMDINHHS>" + b"<x/>" * 100_000 + b"</GIAMDINHHS>"
    answer = await http.post("/api/v1/gateway/submissions", content=junk,
                             headers={"Authorization": f"Bearer {api_key}", "content-type": "application/xml"})
    assert 400 <= answer.status_code < 500
    assert count(data_dir, "SELECT count(*) FROM submissions WHERE body IS NOT NULL AND status = 'refused'") == 0
    assert count(data_dir, "SELECT count(*) FROM submissions WHERE status = 'refused'") == 1


async def test_an_unknown_key_stores_nothing_at_all(http, data_dir):
    before = count(data_dir, "SELECT count(*) FROM submissions")
    answer = await http.post("/api/v1/gateway/submissions", content=b"<GIAMDINHHS/>" * 1000,
                             headers={"Authorization": "Bearer nope", "content-type": "application/xml"})
    assert answer.status_code == 401
    assert count(data_dir, "SELECT count(*) FROM submissions") == before


async def test_a_nul_character_is_refused_by_name_on_either_engine(http, login, credentials):
    """PostgreSQL cannot store U+0000 (the fuzzer found a 500 there): every engine refuses it the same way."""
    listed = await http.put("/api/v1/gateway/practitioners", json={"practitioners": [
        {"code": "CCHN-1", "full_name": "Trần\u0000Bình"}]},
        headers={"Authorization": f"Bearer {credentials['01902'].api_key}"})
    assert listed.status_code == 422
    assert listed.json()["error"]["details"][0]["field"].endswith("full_name")
    assert "NUL" in listed.json()["error"]["details"][0]["message"]
    citizen = bearer(await login(CITIZEN))
    assert (await http.get("/api/v1/me/visits/a%00b", headers=citizen)).status_code in (404, 422)
    assert (await http.get("/api/v1/me/check-in-codes/a%00b", headers=citizen)).status_code in (404, 422)
    form = await http.post("/idp/authorize", data={"username": "0010550\u00001234", "password": "demo"})
    assert form.status_code < 500
