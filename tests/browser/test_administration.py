"""Issue 15 in Chromium: the first administrator of Hà Nội is created from the command line; she signs
in, lands on Quản trị, registers a facility, issues its API key, uploads its signing certificate from
a file, and the facility's software then sends a signed envelope with them, which the gateway accepts;
the audit on the screen says what she did."""

from __future__ import annotations

import datetime

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from playwright.sync_api import expect

from app.i18n import Translator
from bench.stack import running_stack
from server.admin.__main__ import main as admin_cli
from server.gateway.signing import sign_envelope

from ..server.test_gateway import envelope, hung_visit
from .conftest import by_id, expect_text, screenshot, semantic_text, sign_in, type_into
from .test_counter import large_text

pytestmark = pytest.mark.browser

VI = Translator("vi")
ADMIN = "001190004567"  # Trần Thị Mai: no other role, so she lands on Quản trị


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("administration")
    with running_stack(data_dir) as url:
        assert admin_cli(["create-admin", ADMIN, "--province", "01", "--data-dir", str(data_dir)]) == 0
        yield url


def signing_certificate(code: str, folder) -> tuple[bytes, bytes, str]:
    """The facility's key and certificate as its IT would make them, saved as the file to upload."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"MA_CSKCB {code}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=730)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    path = folder / f"{code}.pem"
    path.write_bytes(cert_pem)
    return key_pem, cert_pem, str(path)


@pytest.mark.parametrize("width,height,code", [(1366, 768, "01950"), (360, 800, "01951")])
def test_an_administrator_registers_a_facility_keys_it_certifies_it_and_its_envelope_lands(
        chromium, admin_url, tmp_path, width, height, code):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, admin_url, ADMIN)
        expect_text(by_id(page, "facility-search"), VI("Facilities"), timeout=30_000)
        expect(by_id(page, "facility-01901")).to_be_attached(timeout=15_000)  # the demo's, made by the same code
        screenshot(page, f"90-admin-facilities-{width}")

        page.get_by_role("button", name=VI("Register a facility")).click()
        form = by_id(page, "facility-form")
        expect(form).to_be_attached(timeout=10_000)
        type_into(form.get_by_role("textbox", name=VI("Facility code (MA_CSKCB, 5 digits)")), code)
        type_into(form.get_by_role("textbox", name=VI("Name")), f"Phòng khám đa khoa Quán Thánh {code}")
        type_into(form.get_by_role("textbox", name=VI("Commune or ward code (5 digits)")), "00013")
        screenshot(page, f"91-admin-register-{width}")
        page.wait_for_timeout(400)
        form.get_by_role("button", name=VI("Save the facility")).click()
        expect_text(by_id(page, "facility-chosen"), f"Phòng khám đa khoa Quán Thánh {code}", timeout=15_000)
        assert "Phường Quán Thánh" in semantic_text(by_id(page, "facility-chosen"))

        credentials = by_id(page, "facility-credentials")
        credentials.get_by_role("button", name=VI("Issue a new API key")).scroll_into_view_if_needed()
        credentials.get_by_role("button", name=VI("Issue a new API key")).click()
        issued = by_id(page, "issued-key")
        expect(issued).to_be_attached(timeout=15_000)
        api_key = next(word for word in semantic_text(issued).split() if word.startswith("sskdt_"))
        screenshot(page, f"92-admin-key-issued-{width}")

        key_pem, cert_pem, path = signing_certificate(code, tmp_path)
        upload = credentials.get_by_role("button", name=VI("Upload a signing certificate (PEM or DER)"))
        upload.scroll_into_view_if_needed()
        with page.expect_file_chooser(timeout=15_000) as chooser:
            upload.click()
        chooser.value.set_files(path)
        expect_text(by_id(page, "credentials-message"),
                    VI("The certificate is registered: envelopes signed with it are accepted."), timeout=15_000)
        expect_text(credentials, "RSA 2048", timeout=15_000)
        screenshot(page, f"93-admin-certificate-{width}")

        person, visit = hung_visit(code)
        body = sign_envelope(envelope([(person, visit, f"{code}-1")], code), key_pem, cert_pem)
        answer = httpx.post(f"{admin_url}/api/v1/gateway/submissions", content=body, timeout=30, headers={
            "Authorization": f"Bearer {api_key}", "Content-Type": "application/xml"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["accepted"] == 1

        audit = by_id(page, "admin-audit")
        for action in ("Certificate registered", "API key issued", "Facility registered"):
            expect_text(audit, VI(action), timeout=15_000)
        assert "Trần Thị Mai" in semantic_text(audit)
        screenshot(page, f"94-admin-audit-{width}")

        page.get_by_role("button", name=VI("Back to the list")).click()
        expect(by_id(page, "facility-01901")).to_be_attached(timeout=15_000)
        page.get_by_role("button", name=VI("Roles for an area")).click()
        expect_text(by_id(page, "area-roles"), "Đỗ Minh Quân", timeout=15_000)  # the demo's volunteer
        screenshot(page, f"95-admin-area-roles-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width,height", [(1366, 768), (360, 800)])
def test_the_console_in_large_text(chromium, admin_url, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, admin_url, ADMIN)
        expect(by_id(page, "facility-01901")).to_be_attached(timeout=30_000)
        large_text(page, admin_url, True, "/admin")
        row = by_id(page, "facility-01902")
        expect(row).to_be_attached(timeout=30_000)
        screenshot(page, f"96-admin-facilities-large-{width}")
        row.get_by_role("button", name=VI("Open")).click()
        expect_text(by_id(page, "facility-chosen"), "Bệnh viện Đa khoa Ba Đình", timeout=15_000)
        expect(by_id(page, "facility-staff")).to_be_attached(timeout=15_000)
        assert "Ngô Thanh Bình" in semantic_text(by_id(page, "facility-staff"))  # the demo's doctor
        screenshot(page, f"97-admin-facility-large-{width}")
        page.get_by_role("button", name=VI("Back to the list")).click()
        page.get_by_role("button", name=VI("Roles for an area")).click()
        expect_text(by_id(page, "area-roles"), "Đỗ Minh Quân", timeout=15_000)
        screenshot(page, f"98-admin-area-roles-large-{width}")
        large_text(page, admin_url, False, "/admin")
    finally:
        context.close()
