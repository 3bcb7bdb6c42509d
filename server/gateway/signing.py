"""The facility signature in CHUKYDONVI: enveloped XML-DSig, RSA-SHA256, checked with signxml
against the certificate registered for the facility (not against whatever the document carries)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, XMLVerifier, methods
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration

from api_client.identifiers import N_

from ..storage.private import write_private

from .xml130 import SubmissionRefused

_EXPECTED = SignatureConfiguration(
    location="./CHUKYDONVI/",
    signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
)


def sign_envelope(envelope: bytes, key_pem: bytes, cert_pem: bytes) -> bytes:
    root = etree.fromstring(envelope)
    signed = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256").sign(
        root, key=key_pem, cert=cert_pem.decode()
    )
    return etree.tostring(signed, xml_declaration=True, encoding="utf-8")


def verify_envelope(root: etree._Element, cert_pem: str) -> etree._Element:
    """The signed document as verified: read records from this, never from the input, so that
    nothing outside the signature (a wrapped copy, say) can be slipped in."""
    try:
        result = XMLVerifier().verify(root, x509_cert=cert_pem, expect_config=_EXPECTED)
    except (SignXMLException, etree.LxmlError, ValueError) as error:  # whatever fails, it did not verify
        raise SubmissionRefused(422, "signature_invalid",
                          N_("The facility signature in CHUKYDONVI does not verify ({detail}). Sign the envelope "
                             "again with the certificate registered for your facility."),
                          detail=type(error).__name__) from None
    if result.signed_xml is None or result.signed_xml.tag != "GIAMDINHHS":
        raise SubmissionRefused(422, "signature_invalid", N_("The signature must cover the whole GIAMDINHHS envelope."))
    return result.signed_xml


@dataclass(frozen=True)
class FacilityCredentials:
    api_key: str
    key_pem: bytes
    cert_pem: bytes


def new_credentials(facility_code: str, facility_name: str) -> FacilityCredentials:
    """An API key and a self-signed signing certificate, as a test CA would issue to a facility."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, facility_name),
        x509.NameAttribute(NameOID.COMMON_NAME, f"MA_CSKCB {facility_code}"),
    ])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=5 * 365)).sign(key, hashes.SHA256())
    )
    return FacilityCredentials(
        api_key="sskdt_" + secrets.token_urlsafe(32),
        key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


def save_credentials(folder: Path, credentials: FacilityCredentials) -> None:
    """demo/facilities/<code>/{api_key,key.pem,cert.pem}: what the facility's software would hold.
    The API key goes last: its presence says the folder is complete."""
    for name, content in (("key.pem", credentials.key_pem), ("cert.pem", credentials.cert_pem),
                          ("api_key", credentials.api_key.encode())):
        write_private(folder / name, content)


def load_credentials(folder: Path) -> FacilityCredentials:
    return FacilityCredentials(
        api_key=(folder / "api_key").read_text().strip(),
        key_pem=(folder / "key.pem").read_bytes(),
        cert_pem=(folder / "cert.pem").read_bytes(),
    )
