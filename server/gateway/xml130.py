"""The XML of QĐ 130/QĐ-BYT (amended by QĐ 4750): the GIAMDINHHS envelope and its tables.

Reading is defensive: no DTDs, no entities, no network, a size limit; the same rules apply to
the base64 tables inside. Records are found by their `MA_LK` child rather than by a fixed root
element, because hospital software writes the tables with and without the `CHITIEU_…` wrapper
and disagrees on the roots of XML13 and XML14.

Writing (for the command-line tool, the benchmark and the record-visit form) produces the
wrapped form, with an empty `<CHUKYDONVI/>` for the signer, as hospital exporters leave it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from lxml import etree

from api_client.identifiers import N_
from api_client.models import VIETNAM_TZ, Administrative, ClinicalNote, Visit

from .vital_signs import line_of, read_vitals

MAX_ENVELOPE_BYTES = 20 * 1024 * 1024
SUPPORTED_TABLES = ("XML1", "XML2", "XML3", "XML4", "XML5", "XML7", "XML8", "XML13", "XML14")
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"


class SubmissionRefused(Exception):
    """The whole envelope is refused: `message` is a msgid, `params` fill it."""

    def __init__(self, status: int, code: str, message: str, **params) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.params = status, code, message, params


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
    remove_comments=True, remove_pis=True,
)


def parse_safely(data: bytes) -> etree._Element:
    if len(data) > MAX_ENVELOPE_BYTES:
        raise SubmissionRefused(413, "payload_too_large",
                          N_("The envelope is larger than {limit} MB. Send fewer records per envelope."),
                          limit=MAX_ENVELOPE_BYTES // (1024 * 1024))
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise SubmissionRefused(400, "xml_dtd_forbidden",
                          N_("Document type declarations and entities are not accepted. Remove the <!DOCTYPE> part."))
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise SubmissionRefused(400, "invalid_xml", N_("The XML is not well-formed: {detail}"),
                          detail=str(error).split("(")[0].strip()) from None
    return root


# ---------------------------------------------------------------- reading


@dataclass
class Hoso:
    """One episode (HOSO): its tables as rows of field → text, and what could not be read."""

    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def ma_lk(self) -> str | None:
        rows = self.tables.get("XML1") or next(iter(self.tables.values()), [])
        return rows[0].get("MA_LK") if rows else None


@dataclass
class Envelope:
    facility_code: str
    created_on: str
    records: list[Hoso]
    signer: str | None = None  # set once the signature is verified
    signed_at: datetime | None = None


def records_of(table: etree._Element) -> list[dict[str, str]]:
    """Every element with a MA_LK child is a record; its leaf children are its fields."""
    rows = []
    for element in table.iter():
        if element.find("MA_LK") is not None:
            rows.append({child.tag: (child.text or "").strip() for child in element if len(child) == 0})
    return rows


def read_envelope(root: etree._Element) -> Envelope:
    if root.tag != "GIAMDINHHS":
        raise SubmissionRefused(400, "envelope_invalid", N_("The root element must be GIAMDINHHS."))
    facility_code = (root.findtext("THONGTINDONVI/MACSKCB") or "").strip()
    if not facility_code:
        raise SubmissionRefused(400, "envelope_invalid", N_("THONGTINDONVI/MACSKCB (the sending facility) is missing."))
    hosos = root.findall("THONGTINHOSO/DANHSACHHOSO/HOSO")
    if not hosos:
        raise SubmissionRefused(400, "envelope_invalid", N_("The envelope holds no HOSO record."))
    records = []
    for element in hosos:
        hoso = Hoso()
        for file in element.findall("FILEHOSO"):
            kind = (file.findtext("LOAIHOSO") or "").strip().upper()
            if kind not in SUPPORTED_TABLES:
                hoso.ignored.append(kind or "?")
                continue
            try:
                content = base64.b64decode("".join((file.findtext("NOIDUNGFILE") or "").split()), validate=True)
                hoso.tables[kind] = records_of(parse_safely(content))
            except (binascii.Error, SubmissionRefused):
                hoso.unreadable.append(kind)
        records.append(hoso)
    return Envelope(facility_code, (root.findtext("THONGTINHOSO/NGAYLAP") or "").strip(), records)


# ---------------------------------------------------------------- writing


def moment12(value: datetime | None) -> str:
    return value.astimezone(VIETNAM_TZ).strftime("%Y%m%d%H%M") if value else ""


def day8(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}".rstrip("0")


def _element(tag: str, fields: dict[str, object]) -> str:
    inner = "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in fields.items() if value not in (None, ""))
    return f"<{tag}>{inner}</{tag}>"


def _table(wrapper: str | None, list_tag: str | None, row_tag: str, rows: list[dict[str, object]]) -> bytes:
    body = "".join(_element(row_tag, row) for row in rows)
    if list_tag:
        body = f"<{list_tag}>{body}</{list_tag}>"
    if wrapper:
        body = f"<{wrapper}>{body}</{wrapper}>"
    return ('<?xml version="1.0" encoding="utf-8"?>' + body).encode()


SEX_CODE = {"male": 1, "female": 2, "undetermined": 3}


def tables_for(person: Administrative, visit: Visit, ma_lk: str) -> dict[str, bytes]:
    """The XML tables a hospital would send for this visit (the inverse of `records.read_record`)."""
    card = person.insurance
    main = visit.main_diagnosis
    others = [d for d in visit.diagnoses if not d.main]
    birth = day8(person.birth_date) + "0000"
    if person.birth_date_precision == "year":
        birth = f"{person.birth_date.year}00000000"
    elif person.birth_date_precision == "month":
        birth = person.birth_date.strftime("%Y%m") + "000000"
    tables = {
        "XML1": _table(None, None, "TONG_HOP", [{
            "MA_LK": ma_lk, "STT": 1, "MA_BN": person.personal_id, "HO_TEN": person.full_name,
            "SO_CCCD": person.personal_id, "NGAY_SINH": birth, "GIOI_TINH": SEX_CODE[person.sex],
            "NHOM_MAU": person.blood_group, "DIA_CHI": person.address, "DIEN_THOAI": person.phone,
            "MA_THE_BHYT": card.code if card else None, "MA_DKBD": card.registered_facility_code if card else None,
            "GT_THE_TU": day8(card.valid_from) if card else None, "GT_THE_DEN": day8(card.valid_to) if card else None,
            "LY_DO_VV": visit.reason, "CHAN_DOAN_VAO": visit.admission_diagnosis,
            "CHAN_DOAN_RV": "; ".join(d.name for d in visit.diagnoses) or visit.diagnosis_text,
            "MA_BENH_CHINH": main.icd10 if main else None, "MA_BENH_KT": ";".join(d.icd10 for d in others),
            "NGAY_VAO": moment12(visit.started_at), "NGAY_VAO_NOI_TRU": moment12(visit.admitted_at),
            "NGAY_RA": moment12(visit.ended_at), "SO_NGAY_DTRI": visit.treatment_days,
            "KET_QUA_DTRI": int(visit.outcome) if visit.outcome else None,
            "MA_LOAI_RV": int(visit.discharge_type) if visit.discharge_type else None,
            "GHI_CHU": visit.doctor_advice, "MA_LOAI_KCB": visit.visit_type.value, "MA_KHOA": visit.department,
            "MA_CSKCB": visit.facility_code,
            "CAN_NANG": number(visit.weight_kg or (visit.vital_signs.weight_kg if visit.vital_signs else None)),
            "NGAY_TAI_KHAM": day8(visit.re_exam.appointment_at.date()) if visit.re_exam else None,
        }]),
    }
    if visit.prescriptions:
        tables["XML2"] = _table("CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC", "CHI_TIET_THUOC", [
            {"MA_LK": ma_lk, "STT": i, "MA_THUOC": p.drug_code, "TEN_THUOC": p.name, "DON_VI_TINH": p.unit,
             "HAM_LUONG": p.strength, "DUONG_DUNG": p.route, "LIEU_DUNG": p.dosage, "CACH_DUNG": p.usage,
             "SO_LUONG": number(p.quantity), "MA_BAC_SI": p.prescriber, "NGAY_YL": moment12(p.prescribed_at)}
            for i, p in enumerate(visit.prescriptions, start=1)
        ])
    if visit.procedures:
        tables["XML3"] = _table("CHITIEU_CHITIET_DVKT_VTYT", "DSACH_CHI_TIET_DVKT", "CHI_TIET_DVKT", [
            {"MA_LK": ma_lk, "STT": i, "MA_DICH_VU": p.code, "TEN_DICH_VU": p.name,
             "SO_LUONG": number(p.quantity), "NGAY_TH_YL": moment12(p.performed_at)}
            for i, p in enumerate(visit.procedures, start=1)
        ])
    if visit.lab_results:
        tables["XML4"] = _table("CHITIEU_CHITIET_DICHVUCANLAMSANG", "DSACH_CHI_TIET_CLS", "CHI_TIET_CLS", [
            {"MA_LK": ma_lk, "STT": i, "MA_CHI_SO": lab.code, "TEN_CHI_SO": lab.name, "GIA_TRI": lab.value,
             "DON_VI_DO": lab.unit, "MO_TA": lab.description, "KET_LUAN": lab.conclusion, "MA_BS_DOC_KQ": lab.reader,
             "NGAY_KQ": moment12(lab.resulted_at)}
            for i, lab in enumerate(visit.lab_results, start=1)
        ])
    notes = list(visit.clinical_notes)
    vitals = visit.vital_signs
    if vitals is not None and not vitals.empty and not any(read_vitals(note.note) for note in notes):
        # QĐ 130 has no vital-sign fields but the weight: they go as a line of the clinical progress
        notes.append(ClinicalNote(recorded_at=vitals.measured_at or visit.started_at, note=line_of(vitals)))
    if notes:
        tables["XML5"] = _table("CHITIEU_CHITIET_DIENBIENLAMSANG", "DSACH_CHI_TIET_DIEN_BIEN_BENH",
                                "CHI_TIET_DIEN_BIEN_BENH", [
            {"MA_LK": ma_lk, "STT": i, "DIEN_BIEN_LS": note.note, "GIAI_DOAN_BENH": note.stage,
             "HOI_CHAN": note.consultation, "PHAU_THUAT": note.surgery, "THOI_DIEM_DBLS": moment12(note.recorded_at)}
            for i, note in enumerate(notes, start=1)
        ])
    if visit.discharge_paper:
        p = visit.discharge_paper
        tables["XML7"] = _table(None, None, "CHI_TIEU_DU_LIEU_GIAY_RA_VIEN", [{
            "MA_LK": ma_lk, "SO_LUU_TRU": p.archive_number, "NGAY_VAO": moment12(p.admitted_at),
            "NGAY_RA": moment12(p.discharged_at), "CHAN_DOAN_RV": p.diagnosis, "PP_DIEUTRI": p.treatment_method,
            "GHI_CHU": p.notes, "TEN_BS": p.doctor_name, "SO_NGAY_NGHI": p.leave_days, "NGAY_CT": day8(p.issued_on),
        }])
    if visit.record_summary:
        s = visit.record_summary
        tables["XML8"] = _table(None, None, "CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN", [{
            "MA_LK": ma_lk, "MA_LOAI_KCB": visit.visit_type.value, "QT_BENHLY": s.disease_course,
            "TOMTAT_KQ": s.key_results, "PP_DIEUTRI": s.treatment_method,
            "KET_QUA_DTRI": int(s.outcome) if s.outcome else None, "GHI_CHU": s.notes, "NGAY_CT": day8(s.issued_on),
        }])
    if visit.referral:
        r = visit.referral
        tables["XML13"] = _table(None, None, "CHI_TIEU_DU_LIEU_GIAY_CHUYEN_TUYEN", [{
            "MA_LK": ma_lk, "GIAY_CHUYEN_TUYEN": r.number, "MA_CSKCB": visit.facility_code,
            "MA_NOI_DI": visit.facility_code, "MA_NOI_DEN": r.to_facility_code, "DAU_HIEU_LS": r.clinical_signs,
            "CHAN_DOAN_RV": r.diagnosis, "QT_BENHLY": r.disease_course, "TOMTAT_KQ": r.key_results,
            "PP_DIEUTRI": r.treatment_method,
            "MA_LYDO_CT": {"meets_criteria": 1, "patient_request": 2}.get(r.reason or ""),
            "HUONG_DIEU_TRI": r.next_treatment, "PHUONGTIEN_VC": r.transport, "NGAY_CT": day8(r.issued_on),
        }])
    if visit.re_exam:
        a = visit.re_exam
        tables["XML14"] = _table(None, None, "CHI_TIEU_DU_LIEU_GIAY_HEN_KHAM_LAI", [{
            "MA_LK": ma_lk, "SO_GIAYHEN_KL": a.number, "MA_CSKCB": a.facility_code or visit.facility_code,
            "NGAY_HEN_KL": moment12(a.appointment_at), "CHAN_DOAN_RV": a.diagnosis, "NGAY_CT": day8(a.issued_on),
        }])
    return tables


def build_envelope(facility_code: str, records: list[dict[str, bytes]], created_on: date) -> bytes:
    """Unsigned, with the empty CHUKYDONVI the signer fills."""
    hosos = "".join(
        "<HOSO>" + "".join(
            f"<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{base64.b64encode(content).decode()}</NOIDUNGFILE>"
            "</FILEHOSO>"
            for kind, content in tables.items()
        ) + "</HOSO>"
        for tables in records
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<THONGTINDONVI><MACSKCB>{escape(facility_code)}</MACSKCB></THONGTINDONVI>"
        f"<THONGTINHOSO><NGAYLAP>{day8(created_on)}</NGAYLAP><SOLUONGHOSO>{len(records)}</SOLUONGHOSO>"
        f"<DANHSACHHOSO>{hosos}</DANHSACHHOSO></THONGTINHOSO>"
        "<CHUKYDONVI/>"
        "</GIAMDINHHS>"
    ).encode()
