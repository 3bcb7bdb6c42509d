"""The facility signature in CHUKYDONVI: enveloped XML-DSig over the whole envelope, RSA-SHA256,
checked with libxmlsec1 (the `xmlsec` binding) against the certificate registered for the facility,
never against whatever the document carries.

libxmlsec1 canonicalises as .NET's SignedXml, Java's JSR 105 and the xmlsec1 tool do, prefixed or
not (signxml did not for an unprefixed signature below a default namespace, signxml issue #275).
What we accept is narrow: one signature, in CHUKYDONVI, one reference to the whole document
(`URI=""`), only the enveloped and C14N transforms. A reference to the whole document leaves no
room for signature wrapping: the records are read from exactly the tree that was verified.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from api_client.identifiers import N_

from ..storage.private import write_private
from .xml130 import DSIG_NS, SubmissionRefused

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ALLOWED_TRANSFORMS = {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2006/12/xml-c14n11",
}
_NS = {"ds": DSIG_NS}


def sign_envelope(envelope: bytes, key_pem: bytes, cert_pem: bytes, now: datetime.datetime | None = None) -> bytes:
    """Signs as hospital software does: the signature inside CHUKYDONVI (an exporter's empty one, or
    one made here), inclusive C14N 1.0, the enveloped transform, the certificate in X509Data; and, as
    the signing tools do, the signing time as a signed SignatureProperty."""
    root = etree.fromstring(envelope)
    holder = root.find("CHUKYDONVI")
    if holder is None:
        holder = etree.SubElement(root, "CHUKYDONVI")
    for old in holder.findall("ds:Signature", _NS):
        holder.remove(old)
    signature = xmlsec.template.create(root, xmlsec.constants.TransformInclC14N, xmlsec.constants.TransformRsaSha256,
                                       ns="ds")
    holder.append(signature)
    reference = xmlsec.template.add_reference(signature, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_reference(signature, xmlsec.constants.TransformSha256, uri="#signing-time")
    xmlsec.template.x509_data_add_certificate(
        xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature)))
    properties = etree.SubElement(etree.SubElement(signature, f"{{{DSIG_NS}}}Object"),
                                  f"{{{DSIG_NS}}}SignatureProperties", Id="signing-time")
    etree.SubElement(etree.SubElement(properties, f"{{{DSIG_NS}}}SignatureProperty", Target=""),
                     "SigningTime").text = (now or datetime.datetime.now(datetime.UTC)).isoformat(timespec="seconds")
    context = xmlsec.SignatureContext()
    context.register_id(properties, "Id")
    context.key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)
    context.key.load_cert_from_memory(cert_pem, xmlsec.constants.KeyDataFormatCertPem)
    context.sign(signature)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def refused(message: str, **params: str) -> SubmissionRefused:
    return SubmissionRefused(422, "signature_invalid", message, **params)


@dataclass(frozen=True)
class Signed:
    """A verified envelope: records are read from `root`, which the signature covers whole."""

    root: etree._Element
    signer: str  # the registered certificate's subject, serial and issuer
    signed_at: datetime.datetime | None  # only from a signed property (XAdES SigningTime); else unknown


def verify_envelope(root: etree._Element, cert_pem: str) -> Signed:
    """One reference to the whole document, and optionally references to the signature's own signed
    properties (XAdES SignedProperties, SignatureProperties), from which the signing time is read."""
    signatures = root.findall(".//ds:Signature", _NS)
    if root.tag != "GIAMDINHHS" or len(signatures) != 1 or signatures[0].getparent() is not root.find("CHUKYDONVI"):
        raise refused(N_("Put exactly one signature, inside CHUKYDONVI of the GIAMDINHHS envelope."))
    signature = signatures[0]
    method = signature.find("ds:SignedInfo/ds:SignatureMethod", _NS)
    references = signature.findall("ds:SignedInfo/ds:Reference", _NS)
    if method is None or method.get("Algorithm") != RSA_SHA256:
        raise refused(N_("Sign with RSA-SHA256 (rsa-sha256); other signature methods are not accepted."))
    properties = {element.get("Id"): element for element in signature.iterfind("ds:Object//*[@Id]", _NS)}
    whole = [reference for reference in references if reference.get("URI") == ""]
    others = [reference.get("URI") or "" for reference in references if reference.get("URI") != ""]
    if len(whole) != 1 or any(not uri.startswith("#") or uri[1:] not in properties for uri in others):
        raise refused(N_("The signature must cover the whole GIAMDINHHS envelope (one Reference with URI=\"\")."))
    for reference in references:
        digest = reference.find("ds:DigestMethod", _NS)
        transforms = {t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", _NS)}
        if digest is None or digest.get("Algorithm") != SHA256 or not transforms <= ALLOWED_TRANSFORMS:
            raise refused(N_("Use the SHA-256 digest and only the enveloped and canonicalisation transforms."))
    try:
        context = xmlsec.SignatureContext()
        context.key = xmlsec.Key.from_memory(cert_pem.encode(), xmlsec.constants.KeyDataFormatCertPem)
        for element in properties.values():
            context.register_id(element, "Id")
        context.verify(signature)
    except (xmlsec.Error, ValueError, TypeError) as error:  # whatever fails, it did not verify
        raise refused(N_("The facility signature in CHUKYDONVI does not verify ({detail}). Sign the envelope "
                         "again with the certificate registered for your facility."),
                      detail=type(error).__name__) from None
    signed_properties = [properties[uri[1:]] for uri in others]
    return Signed(root, signer_of(cert_pem), signing_time(signed_properties))


def in_validity(cert_pem: str, now: datetime.datetime) -> bool:
    """Whether a registered certificate may still vouch for a signature made now."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
    except ValueError:
        return False
    return cert.not_valid_before_utc <= now < cert.not_valid_after_utc


def verify_with_any(root: etree._Element, certificates: list[str]) -> Signed:
    """During a rollover a facility has several certificates: the envelope holds if one of them verifies
    it. The refusal told is the newest certificate's."""
    first: SubmissionRefused | None = None
    for cert_pem in certificates:
        try:
            return verify_envelope(root, cert_pem)
        except SubmissionRefused as refusal:
            first = first or refusal
    assert first is not None, "no certificate to verify with"
    raise first


def signer_of(cert_pem: str) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    return f"{cert.subject.rfc4514_string()} (serial {cert.serial_number:X}, issuer {cert.issuer.rfc4514_string()})"


def signing_time(signed: list[etree._Element]) -> datetime.datetime | None:
    """XAdES SigningTime, or a signing tool's SignatureProperty holding a time, if it was signed."""
    for element in signed:
        for node in element.iter():
            if not isinstance(node.tag, str) or not node.text:
                continue
            if etree.QName(node).localname in ("SigningTime", "SigningDateTime", "DateTime"):
                try:
                    moment = datetime.datetime.fromisoformat(node.text.strip().replace("Z", "+00:00"))
                except ValueError:
                    continue
                return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    return None


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
        .not_valid_after(now + datetime.timedelta(days=5 * 365))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
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
