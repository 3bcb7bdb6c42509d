"""A facility's signing certificate, checked before the gateway trusts it: readable (PEM or DER), in
its validity period, a key strong enough (RSA of 2048 bits or more, or EC P-256) and, where the
certificate says what its key is for, a key meant for signing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from api_client.identifiers import N_

MAX_CERTIFICATE_BYTES = 32 * 1024  # a chain of a few certificates; base64 of it fits the API's 64 KB body
# A certificate is read lazily: its key, its extensions can each turn out malformed when first looked at.
_PARSE_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm, x509.DuplicateExtension)


class CertificateRefused(ValueError):
    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class CheckedCertificate:
    id: str  # SHA-256 of the DER, hex: the same certificate is the same id however it was uploaded
    pem: str
    subject: str
    key: str
    not_before: datetime
    not_after: datetime


_UNREADABLE = N_("This file is not an X.509 certificate in PEM or DER. Export the facility's signing certificate (not "
                 "its private key) and upload that file.")
# What openssl, Windows and the CAs' tools write around a certificate: a BOM, a printout before it, a chain.
_PEM_BEGIN = b"-----BEGIN"


def _is_authority(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _own_certificate(certificates: list[x509.Certificate]) -> x509.Certificate:
    """Of a chain, the facility's own certificate: neither an authority nor the issuer of another one."""
    issuers = {c.issuer for c in certificates if c.issuer != c.subject}
    own = [c for c in certificates if not _is_authority(c) and c.subject not in issuers]
    if len(own) == 1:
        return own[0]
    if not own:
        raise CertificateRefused(N_("This is a certificate authority's certificate, not the facility's signing "
                                    "certificate. Upload the certificate issued to the facility."))
    raise CertificateRefused(N_("This file holds {count} signing certificates. Upload the facility's own "
                                "certificate alone."), count=len(own))


def read_certificate(content: bytes) -> x509.Certificate:
    if not content or len(content) > MAX_CERTIFICATE_BYTES:
        raise CertificateRefused(N_("Upload one certificate file (PEM or DER), smaller than 32 KB."))
    if b"PRIVATE KEY-----" in content:
        raise CertificateRefused(N_("This file holds a private key, which must never leave the facility. Export the "
                                    "signing certificate alone (without its private key) and upload that file."))
    try:
        if _PEM_BEGIN in content:
            certificates = x509.load_pem_x509_certificates(content[content.index(_PEM_BEGIN):])
        else:
            certificates = [x509.load_der_x509_certificate(content)]
        return _own_certificate(certificates)
    except CertificateRefused:
        raise
    except _PARSE_ERRORS:
        raise CertificateRefused(_UNREADABLE) from None


def key_description(certificate: x509.Certificate) -> str:
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    return type(key).__name__


def describe(pem: str) -> tuple[str, str, datetime, datetime]:
    """Subject, key, not before and not after of a stored certificate."""
    certificate = x509.load_pem_x509_certificate(pem.encode())
    return (certificate.subject.rfc4514_string(), key_description(certificate), certificate.not_valid_before_utc,
            certificate.not_valid_after_utc)


def check_certificate(content: bytes, now: datetime) -> CheckedCertificate:
    certificate = read_certificate(content)
    try:
        return _checked(certificate, now)
    except CertificateRefused:
        raise
    except _PARSE_ERRORS:
        raise CertificateRefused(_UNREADABLE) from None


def _checked(certificate: x509.Certificate, now: datetime) -> CheckedCertificate:
    if certificate.not_valid_after_utc <= now:
        raise CertificateRefused(N_("This certificate expired on {date}. Upload the facility's current one."),
                                 date=certificate.not_valid_after_utc.date().isoformat())
    if certificate.not_valid_before_utc > now:
        raise CertificateRefused(N_("This certificate is valid only from {date}. Upload it on that day."),
                                 date=certificate.not_valid_before_utc.date().isoformat())
    key = certificate.public_key()
    strong = ((isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048)
              or (isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)))
    if not strong:
        raise CertificateRefused(N_("The certificate's key is {key}; only RSA of 2048 bits or more and EC P-256 "
                                    "are accepted."), key=key_description(certificate))
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise CertificateRefused(N_("This certificate's key is not for signing (key usage has neither "
                                    "digitalSignature nor nonRepudiation). Upload the signing certificate."))
    der = certificate.public_bytes(serialization.Encoding.DER)
    return CheckedCertificate(
        id=hashlib.sha256(der).hexdigest(), pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        subject=certificate.subject.rfc4514_string(), key=key_description(certificate),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc)
