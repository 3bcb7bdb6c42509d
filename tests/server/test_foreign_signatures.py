"""Signatures we did not make: the xmlsec1 command-line tool signing a .NET-shaped, unprefixed template,
and the JDK's own XML-DSig (JSR 105) with its defaults. Both must be accepted; one changed byte in
either must be refused and store nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from server.gateway.signing import sign_envelope
from server.gateway.xml130 import DSIG_NS

from .test_gateway import envelope, hung_book, hung_visit, one_changed, send, stranger, visits_in

SIGNERS = Path(__file__).parent / "signers"

# What .NET's SignedXml writes (the usual HIS and USB-token tool): no prefix, inclusive C14N 1.0, the
# enveloped transform only, X509Data; the signer fills the values.
DOTNET_TEMPLATE = (
    f'<Signature xmlns="{DSIG_NS}"><SignedInfo>'
    '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
    '<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '</Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>'
    "</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>"
)


def as_windows_software_saves_it(signed: bytes) -> bytes:
    """A UTF-8 BOM, CR LF line ends, base64 wrapped at 76 characters with CR LF (none of it signed)."""
    def rewrap(match: re.Match) -> bytes:
        value = re.sub(rb"\s+", b"", match.group(2))
        lines = [value[i:i + 76] for i in range(0, len(value), 76)]
        return match.group(1) + b"\r\n".join(lines) + match.group(3)

    signed = re.sub(rb"(<(?:\w+:)?(?:SignatureValue|X509Certificate)>)(.*?)(</)", rewrap, signed, flags=re.S)
    return b"\xef\xbb\xbf" + signed.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def sign_with_xmlsec1(unsigned: bytes, own, folder: Path) -> bytes:
    template = unsigned.replace(b"<CHUKYDONVI/>", b"<CHUKYDONVI>" + DOTNET_TEMPLATE.encode() + b"</CHUKYDONVI>")
    (folder / "in.xml").write_bytes(template)
    (folder / "key.pem").write_bytes(own.key_pem)
    (folder / "cert.pem").write_bytes(own.cert_pem)
    subprocess.run(["xmlsec1", "--sign", "--privkey-pem", f"{folder / 'key.pem'},{folder / 'cert.pem'}",
                    "--output", str(folder / "out.xml"), str(folder / "in.xml")], check=True, capture_output=True)
    return (folder / "out.xml").read_bytes()


def sign_with_the_jdk(unsigned: bytes, own, folder: Path) -> bytes:
    (folder / "in.xml").write_bytes(unsigned)
    (folder / "key.pem").write_bytes(own.key_pem)
    (folder / "cert.pem").write_bytes(own.cert_pem)
    subprocess.run(["java", str(SIGNERS / "JdkSign.java"), str(folder / "in.xml"), str(folder / "key.pem"),
                    str(folder / "cert.pem"), str(folder / "out.xml")], check=True, capture_output=True, timeout=120)
    return (folder / "out.xml").read_bytes()


SIGNERS_BY_NAME = {"xmlsec1": sign_with_xmlsec1, "jdk": sign_with_the_jdk}


@pytest.fixture(params=SIGNERS_BY_NAME)
def foreign_signer(request):
    tool = {"xmlsec1": "xmlsec1", "jdk": "java"}[request.param]
    assert shutil.which(tool), f"{tool} is required: `make test` installs it"
    return SIGNERS_BY_NAME[request.param]


async def test_a_foreign_signature_is_accepted_and_the_visit_is_in_the_book(http, credentials, data_dir,
                                                                          foreign_signer, tmp_path):
    own = credentials["01902"]
    person, visit = stranger(11)
    signed = foreign_signer(envelope([(person, visit, "01902-F-1")]), own, tmp_path)
    if foreign_signer is sign_with_xmlsec1:
        assert b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">' in signed, "unprefixed, as .NET writes it"
        signed = as_windows_software_saves_it(signed)
    else:
        assert b"<X509SubjectName>" in signed
    before = visits_in(data_dir)
    answer = await send(http, signed, own.api_key)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1
    assert visits_in(data_dir) == before + 1


async def test_one_changed_byte_in_a_foreign_signature_is_refused(http, credentials, data_dir, foreign_signer,
                                                                  tmp_path):
    own = credentials["01902"]
    person, visit = hung_visit()
    signed = foreign_signer(envelope([(person, visit, "01902-F-2")]), own, tmp_path)
    before = visits_in(data_dir)
    answer = await send(http, one_changed(signed), own.api_key)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "signature_invalid"
    assert visits_in(data_dir) == before


async def test_a_foreign_signature_by_another_facilitys_key_is_refused(http, credentials, foreign_signer, tmp_path):
    person, visit = hung_visit()
    signed = foreign_signer(envelope([(person, visit, "01902-F-3")]), credentials["01901"], tmp_path)
    answer = await send(http, signed, credentials["01902"].api_key)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "signature_invalid"


async def test_our_signer_fills_the_empty_chukydonvi_an_exporter_leaves(http, credentials):
    own = credentials["01902"]
    person, visit = stranger(12)
    exported = b"\xef\xbb\xbf" + envelope([(person, visit, "01902-F-4")])
    assert b"<CHUKYDONVI/>" in exported
    signed = sign_envelope(exported, own.key_pem, own.cert_pem)
    root = etree.fromstring(signed)
    [signature] = root.iter(f"{{{DSIG_NS}}}Signature")
    assert signature.getparent() is root.find("CHUKYDONVI")
    answer = await send(http, signed, own.api_key)
    assert answer.status_code == 200 and answer.json()["accepted"] == 1


async def test_who_signed_and_when_come_from_the_signature_only(http, login, credentials, tmp_path):
    from app.i18n import Translator
    from app.viewmodels.visits import signature_line

    own = credentials["01902"]
    person, visit = hung_visit()
    ours = (await send(http, sign_envelope(envelope([(person, visit, "01902-S-1")]), own.key_pem, own.cert_pem),
                       own.api_key)).json()
    foreign = (await send(http, sign_with_the_jdk(envelope([(person, visit, "01902-S-2")]), own, tmp_path),
                          own.api_key)).json()
    visits = {v.id: v for v in (await hung_book(http, login)).visits}
    timed, untimed = visits[ours["records"][0]["visit_id"]], visits[foreign["records"][0]["visit_id"]]
    assert timed.signed_at is not None and "MA_CSKCB 01902" in timed.signed_by
    assert untimed.signed_at is None and "MA_CSKCB 01902" in untimed.signed_by
    assert "nhận lúc" in signature_line(untimed, Translator("vi")).lower()


async def test_a_changed_signing_time_breaks_the_signature(http, credentials):
    own = credentials["01902"]
    person, visit = hung_visit()
    signed = sign_envelope(envelope([(person, visit, "01902-S-3")]), own.key_pem, own.cert_pem)
    forged = re.sub(rb"<SigningTime>[^<]+</SigningTime>", b"<SigningTime>2020-01-01T00:00:00+00:00</SigningTime>",
                    signed)
    assert forged != signed
    answer = await send(http, forged, own.api_key)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "signature_invalid"
