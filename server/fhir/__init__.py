"""The book in HL7 FHIR, for taking it to a health facility that reads FHIR (see `ips.py`)."""

from .ips import ips_bundle

__all__ = ["ips_bundle"]
