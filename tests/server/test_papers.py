"""Papers with their proof: each paper downloads as a signed PDF that verifies, with the right facts, by
code, by the command line and by the public page; a tampered, forged or foreign one is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from cryptography.hazmat.primitives.asymmetric import ec
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from api_client.models import HealthBook
from server.demo import nguyen_van_hung
from server.papers import KeySet, Refusal, load_or_create, rotate, verify
from server.papers.issuing import Patient, signed_pdf, verify_url, visit_layout
from server.papers.keys import SigningKey, thumbprint
from server.papers.statement import Statement, b64url, b64url_decode, jws_from_text, qr_text, sign
from server.papers.wording import describe
from server.printing import check_in_card_pdf

from ..conftest import bearer
from ..support import BASE_URL

ROOT = Path(__file__).resolve().parents[2]
HUNG, MAI, CHILD_ID = "001055001234", "001190004567", "001222008901"


async def _book(http, tokens) -> HealthBook:
    return HealthBook.model_validate((await http.get("/api/v1/me/book", headers=bearer(tokens))).json())


async def _jwks(http) -> KeySet:
    response = await http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return KeySet.from_jwks(response.json())


def _metadata_jws(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).metadata["/Keywords"]


def _qr_in(pdf: bytes) -> str:
    """What a phone camera would read off the printed paper."""
    picture = PdfReader(io.BytesIO(pdf)).pages[-1].images[0]
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))
    assert len(found) == 1
    return found[0].text


# ---------------------------------------------------------------- through the API


async def test_every_paper_of_the_citizen_downloads_signed_and_verifies(login, http):
    tokens = await login(HUNG)
    book = await _book(http, tokens)
    keys = await _jwks(http)
    inpatient = next(v for v in book.visits if v.discharge_paper)
    referred = next(v for v in book.visits if v.referral)
    re_exam = next(v for v in book.visits if v.re_exam)
    downloads = {
        "discharge": f"/api/v1/me/visits/{inpatient.id}/papers/discharge.pdf",
        "referral": f"/api/v1/me/visits/{referred.id}/papers/referral.pdf",
        "re-exam": f"/api/v1/me/visits/{re_exam.id}/papers/re-exam.pdf",
        "vaccinations": "/api/v1/me/vaccinations.pdf",
    }
    for kind, path in downloads.items():
        response = await http.get(path, headers=bearer(tokens))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert "attachment" in response.headers["content-disposition"]
        pdf = response.content
        verdict = verify(pdf, keys, issuer=BASE_URL)
        assert verdict.valid and verdict.text_checked, (kind, verdict.refusal)
        statement = verdict.statement
        assert (statement.kind, statement.name, statement.birth_year) == (kind, "Nguyễn Văn Hùng", 1955)
        assert statement.issuer == BASE_URL and statement.key_id in keys.keys
        jws = _metadata_jws(pdf)
        assert jws_from_text(_qr_in(pdf)) == jws, "the printed QR holds the statement of the file"
        assert verify(_qr_in(pdf), keys).statement == statement
        assert HUNG not in json.dumps(statement.payload()) and "HT3010123456789" not in json.dumps(statement.payload())
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert "NGUYỄN VĂN HÙNG" in text and "Quét mã để kiểm tra giấy này tại" in text
    discharge = verify((await http.get(downloads["discharge"], headers=bearer(tokens))).content, keys).statement
    assert discharge.items["dx"] == inpatient.discharge_paper.diagnosis
    assert (discharge.facility_code, discharge.facility_name) == (inpatient.facility_code, inpatient.facility_name)
    assert discharge.date == inpatient.discharge_paper.issued_on
    referral = verify((await http.get(downloads["referral"], headers=bearer(tokens))).content, keys).statement
    assert (referral.items["no"], referral.items["to"]) == (referred.referral.number, "01903")
    appointment = verify((await http.get(downloads["re-exam"], headers=bearer(tokens))).content, keys).statement
    assert appointment.items["no"] == re_exam.re_exam.number
    assert appointment.items["at"].startswith(re_exam.re_exam.appointment_at.date().isoformat())
    record = verify((await http.get(downloads["vaccinations"], headers=bearer(tokens))).content, keys).statement
    assert [dose[0] for dose in record.items["v"]] == [v.vaccine_code for v in book.vaccinations]


async def test_a_paper_the_visit_does_not_have_is_a_clear_404(login, http):
    tokens = await login(HUNG)
    book = await _book(http, tokens)
    outpatient = next(v for v in book.visits if not v.discharge_paper)
    response = await http.get(f"/api/v1/me/visits/{outpatient.id}/papers/discharge.pdf", headers=bearer(tokens))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Lần khám này không có giấy ra viện."
    unknown = await http.get(f"/api/v1/me/visits/{outpatient.id}/papers/passport.pdf", headers=bearer(tokens))
    assert unknown.status_code == 404
    missing = await http.get("/api/v1/me/visits/nothing/papers/referral.pdf", headers=bearer(tokens))
    assert missing.json()["error"]["code"] == "visit_not_found"


async def test_level_1_gets_no_paper(login, http):
    response = await http.get("/api/v1/me/vaccinations.pdf", headers=bearer(await login("001048002345")))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "identity_level_insufficient"


async def test_a_guardian_gets_the_childs_papers_and_a_stranger_does_not(login, http):
    mai = await login(MAI)
    child = next(d for d in (await http.get("/api/v1/me/dependents", headers=bearer(mai))).json())
    keys = await _jwks(http)
    record = await http.get(f"/api/v1/people/{child['person_id']}/vaccinations.pdf", headers=bearer(mai))
    assert record.status_code == 200
    statement = verify(record.content, keys).statement
    assert (statement.kind, statement.name, statement.birth_year) == ("vaccinations", "Lê Minh An", 2022)
    visits = (await http.get(f"/api/v1/people/{child['person_id']}/visits", headers=bearer(mai))).json()["items"]
    no_paper = await http.get(f"/api/v1/people/{child['person_id']}/visits/{visits[0]['id']}/papers/re-exam.pdf",
                              headers=bearer(mai))
    assert no_paper.status_code == 404 and no_paper.json()["error"]["code"] == "paper_not_found"

    hung = await login(HUNG)
    for path in (f"/api/v1/people/{child['person_id']}/vaccinations.pdf",
                 f"/api/v1/people/{child['person_id']}/visits/{visits[0]['id']}/papers/discharge.pdf"):
        refused = await http.get(path, headers=bearer(hung))
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "book_not_found"
        assert refused.headers["content-type"].startswith("application/json")


async def test_the_key_set_is_public_at_both_addresses_and_holds_the_signing_key(login, http):
    well_known = await http.get("/.well-known/jwks.json")
    api = await http.get("/api/v1/papers/jwks.json")
    assert well_known.json() == api.json()
    assert "max-age" in well_known.headers["cache-control"]
    [key] = well_known.json()["keys"]
    assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256") and "d" not in key
    tokens = await login(HUNG)
    jws = _metadata_jws((await http.get("/api/v1/me/vaccinations.pdf", headers=bearer(tokens))).content)
    header = json.loads(b64url_decode(jws.split(".")[0]))
    assert header["kid"] == key["kid"]


async def test_the_verify_page_says_valid_or_invalid_in_large_type(login, http):
    page = await http.get("/verify")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy and "form-action 'self'" in policy
    assert "<script" not in page.text and "Kiểm tra giấy của Sổ sức khỏe điện tử" in page.text
    assert "Check a paper" in (await http.get("/verify?lang=en")).text

    tokens = await login(HUNG)
    book = await _book(http, tokens)
    inpatient = next(v for v in book.visits if v.discharge_paper)
    pdf = (await http.get(f"/api/v1/me/visits/{inpatient.id}/papers/discharge.pdf", headers=bearer(tokens))).content

    pasted = await http.post("/verify", files={"qr": (None, _qr_in(pdf))})
    assert pasted.status_code == 200
    assert "Giấy hợp lệ" in pasted.text and "Nguyễn Văn Hùng" in pasted.text and "Giấy ra viện" in pasted.text
    uploaded = await http.post("/verify?lang=en", files={"file": ("giay-ra-vien.pdf", pdf, "application/pdf")})
    assert "Valid paper" in uploaded.text and "The text of this PDF is the text that was signed" in uploaded.text

    tampered = _with_added_words(pdf, "Không dùng thuốc")
    refused = await http.post("/verify", files={"file": ("giay-ra-vien.pdf", tampered, "application/pdf")})
    assert "Không hợp lệ" in refused.text and "giấy đã bị sửa sau khi cấp" in refused.text


@pytest.mark.parametrize("body", [
    {"files": {"qr": (None, "SSKDT1:99")}},
    {"files": {"qr": (None, "x" * 20_000)}},
    {"files": {"file": ("a.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 50, "application/pdf")}},
    {"files": {"file": ("a.pdf", b"\xff\xfe\x00garbage", "application/pdf")}},
    {"files": {"qr": (None, "")}},
    {"content": b"not a form at all", "headers": {"content-type": "multipart/form-data; boundary=zz"}},
    {"content": b'{"qr": 1}', "headers": {"content-type": "application/json"}},
    {"content": b"qr=eyJhbGciOiJub25lIn0.e30.", "headers": {"content-type": "application/x-www-form-urlencoded"}},
])
async def test_the_verify_page_never_fails_on_garbage(http, body):
    response = await http.post("/verify", **body)
    assert response.status_code in (200, 400, 413), response.text
    assert "Không hợp lệ" in response.text or "Hãy dán" in response.text or "Không đọc được" in response.text


async def test_the_verify_page_refuses_a_huge_upload_before_reading_it(http):
    response = await http.post("/verify", files={"file": ("big.pdf", b"%PDF-" + b"0" * (6 * 1024 * 1024))})
    assert response.status_code == 413


async def test_the_verify_page_gives_each_address_a_budget_and_says_when_to_come_back(http, stack, clock):
    """A flood of checks from one address is answered 429 before its body is read; a minute later it may check
    again. (The budget is per address and shared by every process: counted in the database.)"""
    api = next(app for mounted, app, _ in stack.parts if mounted == "/api")
    limit = api.state.paper_check_throttle.limit
    for _ in range(limit):
        assert (await http.post("/verify", files={"qr": (None, "SSKDT1:99")})).status_code == 200
    refused = await http.post("/verify", files={"file": ("big.pdf", b"%PDF-" + b"0" * 1_000_000)})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Có quá nhiều giấy tờ được kiểm tra từ địa chỉ này" in refused.text
    assert "default-src 'none'" in refused.headers["Content-Security-Policy"]
    clock.advance(61)
    assert (await http.post("/verify", files={"qr": (None, "SSKDT1:99")})).status_code == 200


async def test_the_verify_page_says_busy_when_the_process_checks_too_many_at_once(http, stack, monkeypatch):
    api = next(app for mounted, app, _ in stack.parts if mounted == "/api")
    monkeypatch.setattr("server.routes.papers.WAIT_FOR_A_TURN", 0.01)
    turns = api.state.paper_checks_at_once
    taken = 0
    while turns.acquire(blocking=False):  # every turn taken, as by slow checks in other requests
        taken += 1
    try:
        busy = await http.post("/verify", files={"qr": (None, "SSKDT1:99")})
    finally:
        for _ in range(taken):
            turns.release()
    assert taken == 4 and busy.status_code == 503 and busy.headers["Retry-After"] == "10"
    assert "Hệ thống đang kiểm tra nhiều giấy tờ" in busy.text
    assert (await http.post("/verify", files={"qr": (None, "SSKDT1:99")})).status_code == 200


# ---------------------------------------------------------------- the statement, offline (no storage)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """A discharge paper of the demo citizen, signed with a fresh key, and its key set."""
    keys = load_or_create(tmp_path_factory.mktemp("papers"))
    book = nguyen_van_hung(date(2026, 11, 20))
    visit = next(v for v in book.visits if v.discharge_paper)
    patient = Patient(book.person.full_name, book.person.birth_date, book.person.sex)
    layout, statement = visit_layout(visit, patient, "discharge", verify_url(BASE_URL))
    pdf = signed_pdf(layout, statement, issuer=BASE_URL, key=keys.signing, issued_at=1_790_000_000)
    return {"keys": keys, "pdf": pdf, "visit": visit, "patient": patient}


def _with_added_words(pdf: bytes, words: str) -> bytes:
    """The paper with words written over it, as an editor would add them."""
    overlay = FPDF(unit="mm", format="A4")
    overlay.add_font("DejaVu", "", ROOT / "assets" / "fonts" / "DejaVuSans.ttf")
    overlay.add_page()
    overlay.set_font("DejaVu", "", 12)
    overlay.text(40, 140, words)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(bytes(overlay.output()))).pages[0])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_the_same_paper_renders_to_the_same_bytes(issued):
    layout, statement = visit_layout(issued["visit"], issued["patient"], "discharge", verify_url(BASE_URL))
    again = signed_pdf(layout, statement, issuer=BASE_URL, key=issued["keys"].signing, issued_at=1_790_000_000)
    assert again == issued["pdf"]


def test_a_paper_with_a_changed_word_is_refused(issued):
    keys, pdf, visit = issued["keys"], issued["pdf"], issued["visit"]
    assert verify(pdf, keys.public).valid
    # the diagnosis rewritten, the paper made again, the old statement put back in its metadata
    changed = visit.model_copy(update={"discharge_paper": visit.discharge_paper.model_copy(
        update={"diagnosis": "Viêm phế quản cấp (J20.9)"})})
    layout, statement = visit_layout(changed, issued["patient"], "discharge", verify_url(BASE_URL))
    other = signed_pdf(layout, statement, issuer=BASE_URL, key=keys.signing, issued_at=1_790_000_000)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(other)))
    writer.add_metadata({"/Keywords": _metadata_jws(pdf)})
    output = io.BytesIO()
    writer.write(output)
    verdict = verify(output.getvalue(), keys.public)
    assert verdict.refusal is Refusal.ALTERED and not verdict.valid
    added = verify(_with_added_words(pdf, "Khỏi bệnh hoàn toàn"), keys.public)
    assert added.refusal is Refusal.ALTERED


def test_a_pdf_without_metadata_is_verified_from_its_qr(issued):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued["pdf"])))
    writer.add_metadata({"/Keywords": ""})
    output = io.BytesIO()
    writer.write(output)
    assert verify(output.getvalue(), issued["keys"].public).valid


def _picture_pdf(picture: Image.Image) -> bytes:
    scan = FPDF(unit="mm", format="A4")
    scan.add_page()
    scan.image(picture, x=10, y=10, w=190)
    return bytes(scan.output())


def test_a_scanned_paper_without_text_is_checked_by_its_code_alone(issued):
    """A scan has no text to compare: its QR is verified and the verdict says only the code was checked
    (it was refused as altered before)."""
    jws = _metadata_jws(issued["pdf"])
    picture = qrcode.make(qr_text(jws), box_size=4).get_image().convert("RGB")
    verdict = verify(_picture_pdf(picture), issued["keys"].public)
    assert verdict.valid and not verdict.text_checked


def test_a_picture_declaring_a_huge_size_is_never_decoded(issued, monkeypatch):
    """A decompression bomb is refused from its declared size, before pypdf or Pillow decode it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_picture_pdf(Image.new("RGB", (64, 64), "white")))))
    for reference in writer.pages[0]["/Resources"]["/XObject"].values():
        picture = reference.get_object()
        picture[NameObject("/Width")] = NumberObject(100_000)
        picture[NameObject("/Height")] = NumberObject(100_000)
    output = io.BytesIO()
    writer.write(output)
    decoded = []
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: decoded.append(args) or pytest.fail("decoded"))
    assert verify(output.getvalue(), issued["keys"].public).refusal is Refusal.NOT_OURS
    assert decoded == []


def test_a_forged_statement_never_gets_its_pdf_text_read(issued, monkeypatch):
    """Extraction is the costly part of a hostile PDF: it happens only under a signature that holds."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued["pdf"])))
    header, payload, signature = _metadata_jws(issued["pdf"]).split(".")
    writer.add_metadata({"/Keywords": f"{header}.{payload}.{signature[:-4]}AAAA"})
    output = io.BytesIO()
    writer.write(output)
    import server.papers.verification as verification

    monkeypatch.setattr(verification, "pdf_text", lambda document: pytest.fail("text read before the signature"))
    assert verify(output.getvalue(), issued["keys"].public).refusal is Refusal.BAD_SIGNATURE


def _parts(pdf: bytes) -> tuple[dict, dict, str]:
    header_part, payload_part, signature = _metadata_jws(pdf).split(".")
    payload = json.loads(zlib.decompress(b64url_decode(payload_part), -15))
    return json.loads(b64url_decode(header_part)), payload, signature


def _encode(header: dict, payload: dict) -> str:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{b64url(json.dumps(header).encode())}.{b64url(deflater.compress(body) + deflater.flush())}"


def test_forged_and_altered_statements_are_refused_with_the_reason(issued):
    keys = issued["keys"]
    header, payload, signature = _parts(issued["pdf"])
    jws = _metadata_jws(issued["pdf"])

    other = ec.generate_private_key(ec.SECP256R1())  # another key, claiming the real key's id
    forged = sign(Statement.from_payload(payload, ""), SigningKey(header["kid"], other))
    assert verify(qr_text(forged), keys.public).refusal is Refusal.BAD_SIGNATURE
    stranger = sign(Statement.from_payload(payload, ""), SigningKey(thumbprint(other), other))
    assert verify(stranger, keys.public).refusal is Refusal.UNKNOWN_KEY

    altered = _encode(header, {**payload, "name": "Nguyễn Văn Hưng"}) + "." + signature
    assert verify(altered, keys.public).refusal is Refusal.BAD_SIGNATURE

    unsigned = _encode({**header, "alg": "none"}, payload) + "."
    assert verify(unsigned, keys.public).refusal in (Refusal.BAD_SIGNATURE, Refusal.MALFORMED)
    assert verify(_encode({**header, "alg": "none"}, payload) + "." + signature, keys.public).refusal \
        is Refusal.BAD_SIGNATURE
    public_pem = json.dumps(keys.public.as_jwks()).encode()  # HS256 keyed with the public key
    hs_input = _encode({**header, "alg": "HS256"}, payload)
    mac = b64url(hmac.new(public_pem, hs_input.encode(), hashlib.sha256).digest())
    assert verify(f"{hs_input}.{mac}", keys.public).refusal is Refusal.BAD_SIGNATURE

    foreign = _encode({**header, "typ": "JWT"}, payload) + "." + signature
    assert verify(foreign, keys.public).refusal is Refusal.NOT_OURS
    assert verify(jws, keys.public, issuer="https://somewhere.else").refusal is Refusal.NOT_OURS
    for garbage in (jws[:40], jws[: len(jws) // 2], "SSKDT1:" + "9" * 500, "", "..", "a.b.c", "x" * 6_000_000,
                    b"%PDF-1.4 broken", bytes(range(256)), base64.b64encode(b"hello").decode()):
        verdict = verify(garbage, keys.public)
        assert not verdict.valid and verdict.refusal in (Refusal.MALFORMED, Refusal.NOT_OURS), garbage[:20]
    card = check_in_card_pdf(code="not-a-paper", first_name="Hùng", second_factor="birth_year")
    assert verify(card, keys.public).refusal is Refusal.NOT_OURS, "another PDF of ours is not a paper"


def test_a_paper_signed_before_a_key_rotation_still_verifies(tmp_path, issued):
    keys = load_or_create(tmp_path)
    layout, statement = visit_layout(issued["visit"], issued["patient"], "discharge", verify_url(BASE_URL))
    old = signed_pdf(layout, statement, issuer=BASE_URL, key=keys.signing, issued_at=1_790_000_000)
    rotated = rotate(tmp_path)
    assert rotated.signing.kid != keys.signing.kid
    assert set(rotated.public.keys) == {keys.signing.kid, rotated.signing.kid}
    assert load_or_create(tmp_path).signing.kid == rotated.signing.kid, "another process reads the same key"
    assert verify(old, KeySet.from_jwks(rotated.public.as_jwks())).valid
    assert (tmp_path / "papers" / "signing-key.json").stat().st_mode & 0o777 == 0o600


# ---------------------------------------------------------------- the command line


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.verify", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_CACHE_HOME": str(home)},
                          timeout=60)


def test_the_command_line_checks_a_paper_offline_from_a_saved_key_set(tmp_path, issued):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(issued["keys"].public.as_jwks()))
    paper = tmp_path / "giay-ra-vien.pdf"
    paper.write_bytes(issued["pdf"])

    valid = _cli(str(paper), "--keys", str(jwks), home=tmp_path)
    assert valid.returncode == 0, valid.stderr
    assert "Giấy hợp lệ" in valid.stdout and "Nguyễn Văn Hùng" in valid.stdout and "Viêm phổi" in valid.stdout
    english = _cli(_qr_in(issued["pdf"]), "--keys", str(jwks), "--lang", "en", home=tmp_path)
    assert english.returncode == 0 and "Valid paper" in english.stdout and "Only the code was checked" in english.stdout

    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(_with_added_words(issued["pdf"], "Khỏi bệnh"))
    refused = _cli(str(tampered), "--keys", str(jwks), home=tmp_path)
    assert refused.returncode == 1 and "Không hợp lệ" in refused.stdout and "đã bị sửa" in refused.stdout
    stranger = tmp_path / "other.json"
    stranger.write_text(json.dumps(KeySet({"x": ec.generate_private_key(ec.SECP256R1()).public_key()}).as_jwks()))
    assert _cli(str(paper), "--keys", str(stranger), home=tmp_path).returncode == 1

    no_keys = _cli(str(paper), home=tmp_path / "empty")
    assert no_keys.returncode == 2 and "--fetch" in no_keys.stderr
    assert _cli(home=tmp_path).returncode == 2


def test_statement_fits_a_qr_code_and_holds_nothing_more_than_it_must(issued):
    header, payload, _ = _parts(issued["pdf"])
    assert header == {"alg": "ES256", "kid": issued["keys"].signing.kid, "typ": "sskdt-paper+jws", "zip": "DEF"}
    assert set(payload) == {"iss", "doc", "name", "by", "fac", "date", "items", "hash", "iat"}
    assert len(qr_text(_metadata_jws(issued["pdf"]))) < 1600  # numeric mode: a version ~20 symbol at level M
    assert replace(Statement.from_payload(payload, "k"), key_id="") == Statement.from_payload(payload, "")


def test_fetched_key_sets_vouch_only_for_their_own_issuer(tmp_path, issued, monkeypatch, capsys):
    """A key set fetched from somewhere else is cached apart and cannot make a forged paper of ours valid
    (one shared cache let the last fetch decide); a key set over plain http from another machine is refused."""
    import httpx

    from server import verify as command

    other = ec.generate_private_key(ec.SECP256R1())
    served = {f"{BASE_URL}/.well-known/jwks.json": issued["keys"].public.as_jwks(),
              "https://evil.example/.well-known/jwks.json": KeySet({thumbprint(other): other.public_key()}).as_jwks()}
    monkeypatch.setattr(httpx, "get", lambda url, **_: httpx.Response(200, json=served[url],
                                                                      request=httpx.Request("GET", url)))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    paper = tmp_path / "giay-ra-vien.pdf"
    paper.write_bytes(issued["pdf"])

    assert command.main([str(paper), "--fetch", "http://so-suc-khoe.example"]) == 2
    assert "https" in capsys.readouterr().err
    assert command.main([str(paper), "--fetch", BASE_URL]) == 0
    assert command.main([str(paper), "--fetch", "https://evil.example/.well-known/jwks.json"]) == 0, \
        "the first issuer's keys stay cached beside the second's"
    assert len(list((tmp_path / "sskdt" / "issuers").glob("*.json"))) == 2

    _, payload, _ = _parts(issued["pdf"])  # the real issuer named, signed by the other issuer's key
    forged = sign(Statement.from_payload({**payload, "name": "Nguyễn Văn Hưng"}, ""),
                  SigningKey(thumbprint(other), other))
    capsys.readouterr()
    assert command.main([qr_text(forged)]) == 1
    assert "Nguyễn Văn Hưng" not in capsys.readouterr().out.split("\n")[0]
    assert command.main([str(paper), "--issuer", "https://evil.example"]) == 1


def test_a_discharge_papers_sick_leave_is_signed_and_said_by_the_verifier(issued):
    """The days of leave are what an employer acts on: they are in the signed statement, not only printed."""
    visit = issued["visit"]
    on_leave = visit.model_copy(update={"discharge_paper": visit.discharge_paper.model_copy(update={"leave_days": 7})})
    layout, statement = visit_layout(on_leave, issued["patient"], "discharge", verify_url(BASE_URL))
    pdf = signed_pdf(layout, statement, issuer=BASE_URL, key=issued["keys"].signing, issued_at=1_790_000_000)
    verdict = verify(pdf, issued["keys"].public)
    assert verdict.valid and verdict.statement.items["leave"] == 7
    assert ("Số ngày nghỉ", "7") in describe(verdict, "vi").facts
    assert "leave" not in verify(issued["pdf"], issued["keys"].public).statement.items, "no leave, nothing said"
