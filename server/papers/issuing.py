"""A visit's papers and the vaccination record, as signed PDFs: what each says, and the two renders."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date

from api_client.identifiers import N_
from api_client.models import VIETNAM_TZ, Sex, Vaccination, Visit
from locales import translations

from .content import pdf_hash
from .keys import SigningKey
from .render import Layout, render, with_qr
from .statement import Statement, qr_text, sign

VACCINATIONS = "vaccinations"
VISIT_PAPERS = {"discharge": "discharge_paper", "referral": "referral", "re-exam": "re_exam"}  # URL kind: field

# ---------------------------------------------------------------- the words (msgids; the paper is in Vietnamese)

NATION = N_("SOCIALIST REPUBLIC OF VIETNAM")
MOTTO = N_("Independence – Freedom – Happiness")
FACILITY_CODE = N_("Facility code: {code}")
BOOK = N_("Electronic health book")
TITLES = {
    "discharge": N_("DISCHARGE PAPER"), "referral": N_("REFERRAL PAPER"),
    "re-exam": N_("RE-EXAMINATION APPOINTMENT"), "vaccinations": N_("VACCINATION RECORD"),
}
NUMBER = N_("No.: {number}")
FULL_NAME, BIRTH_DATE, SEX = N_("Full name"), N_("Date of birth"), N_("Sex")
SEXES = {Sex.MALE: N_("Male"), Sex.FEMALE: N_("Female"), Sex.UNDETERMINED: N_("Not determined")}
ADMITTED, DISCHARGED, DIAGNOSIS = N_("Admitted on"), N_("Discharged on"), N_("Diagnosis")
TREATMENT, NOTES, ARCHIVE, LEAVE = N_("Treatment method"), N_("Notes"), N_("Archive number"), N_("Days of leave")
REFERRED_TO, CLINICAL_SIGNS, COURSE = N_("Referred to"), N_("Clinical signs"), N_("Disease course")
KEY_RESULTS, REASON, NEXT, TRANSPORT = (N_("Key test results"), N_("Reason for referral"),
                                        N_("Further treatment"), N_("Transport"))
REASONS = {"meets_criteria": N_("Meets the professional criteria"),
           "patient_request": N_("At the patient's request")}
RE_EXAM_ON, RE_EXAM_AT = N_("Re-examination on"), N_("Place of re-examination")
VACCINE, DOSE, GIVEN_ON, PLACE, BATCH = N_("Vaccine"), N_("Dose number"), N_("Date given"), N_("Place"), N_("Batch")
NO_VACCINATIONS = N_("No vaccinations recorded yet.")
VACCINATION_NOTE = N_("Extract from the electronic health book, as the vaccination facilities sent it.")
DATE_LINE = N_("Day {day}, month {month}, year {year}")
DOCTOR = N_("Attending doctor")
SIGNED_BY = N_("Digitally signed by the facility: {signer}")
SIGNED_AT = N_("Signed at {time}")
ISSUED_FROM_BOOK = N_("Issued from the electronic health book on {date}")
CAPTION = N_("Scan the code to check this paper at {url}")
PAGE = N_("Page {page} of {pages}")


@dataclass(frozen=True)
class Patient:
    full_name: str
    birth_date: date
    sex: str

    @classmethod
    def from_person(cls, person: dict[str, Any]) -> Patient:
        birth = person["birth_date"]
        return cls(person["full_name"], birth if isinstance(birth, date) else date.fromisoformat(birth), person["sex"])


def _day(value: date) -> str:
    return format_date(value, "dd/MM/yyyy", locale="vi")


def _moment(value: datetime) -> str:
    moment = value.astimezone(VIETNAM_TZ) if value.tzinfo else value
    return f"{moment:%H:%M} {_day(moment.date())}"


def _local_minute(value: datetime) -> str:
    moment = value.astimezone(VIETNAM_TZ) if value.tzinfo else value
    return f"{moment:%Y-%m-%dT%H:%M}"


def _patient_fields(patient: Patient) -> list[tuple[str, str]]:
    _ = translations("vi").gettext
    sex = SEXES.get(Sex(patient.sex)) if patient.sex in set(Sex) else None
    return [(_(FULL_NAME), patient.full_name.upper()), (_(BIRTH_DATE), _day(patient.birth_date)),
            (_(SEX), _(sex) if sex else "")]


def _present(fields: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in fields if value]


def visit_layout(visit: Visit, patient: Patient, kind: str, verify_url: str) -> tuple[Layout, Statement]:
    """The paper of `kind` ("discharge", "referral", "re-exam") of a visit that has it, and its statement
    (content hash and time still to fill)."""
    _ = translations("vi").gettext
    heading = [visit.facility_name.upper(), _(FACILITY_CODE).format(code=visit.facility_code)]
    number: str | None
    if kind == "discharge" and (discharge := visit.discharge_paper):
        number, issued_on, doctor = discharge.archive_number, discharge.issued_on, discharge.doctor_name
        fields = _present([
            (_(ADMITTED), _moment(discharge.admitted_at)), (_(DISCHARGED), _moment(discharge.discharged_at)),
            (_(DIAGNOSIS), discharge.diagnosis), (_(TREATMENT), discharge.treatment_method),
            (_(NOTES), discharge.notes),
            (_(LEAVE), str(discharge.leave_days) if discharge.leave_days else None),
        ])
        items: dict[str, Any] = {"dx": discharge.diagnosis, "in": discharge.admitted_at.astimezone(VIETNAM_TZ)
                                 .date().isoformat(),
                                 "out": discharge.discharged_at.astimezone(VIETNAM_TZ).date().isoformat()}
        if number:
            items["no"] = number
        if discharge.leave_days:
            items["leave"] = discharge.leave_days  # a sick-leave claim rests on it: signed, not only printed
        number = _(ARCHIVE) + ": " + number if number else None
    elif kind == "referral" and (referral := visit.referral):
        number, issued_on, doctor = referral.number, referral.issued_on, referral.doctor_name
        destination = " – ".join(part for part in (referral.to_facility_name, referral.to_facility_code) if part)
        fields = _present([
            (_(REFERRED_TO), destination), (_(CLINICAL_SIGNS), referral.clinical_signs),
            (_(DIAGNOSIS), referral.diagnosis), (_(COURSE), referral.disease_course),
            (_(KEY_RESULTS), referral.key_results), (_(TREATMENT), referral.treatment_method),
            (_(REASON), _(REASONS[referral.reason]) if referral.reason else None),
            (_(NEXT), referral.next_treatment), (_(TRANSPORT), referral.transport),
        ])
        items = {"no": referral.number, "to": referral.to_facility_code, "toName": referral.to_facility_name or "",
                 "dx": referral.diagnosis or ""}
        number = _(NUMBER).format(number=number)
    elif kind == "re-exam" and (re_exam := visit.re_exam):
        number, issued_on, doctor = re_exam.number, re_exam.issued_on, re_exam.doctor_name
        place = " – ".join(part for part in (re_exam.facility_name, re_exam.facility_code) if part)
        fields = _present([(_(RE_EXAM_ON), _moment(re_exam.appointment_at)), (_(RE_EXAM_AT), place),
                           (_(DIAGNOSIS), re_exam.diagnosis)])
        items = {"no": re_exam.number, "at": _local_minute(re_exam.appointment_at), "dx": re_exam.diagnosis or ""}
        number = _(NUMBER).format(number=number)
    else:
        raise LookupError(kind)
    signature = []
    if visit.signed_by:
        signature.append(_(SIGNED_BY).format(signer=visit.signed_by))
    if visit.signed_at:
        signature.append(_(SIGNED_AT).format(time=_moment(visit.signed_at)))
    layout = Layout(
        title=_(TITLES[kind]), heading_left=heading, heading_right=[_(NATION), _(MOTTO)], number=number,
        fields=_patient_fields(patient) + fields,
        date_line=_(DATE_LINE).format(day=f"{issued_on.day:02d}", month=f"{issued_on.month:02d}",
                                      year=issued_on.year),
        signer_lines=[_(DOCTOR), doctor] if doctor else [], signature_lines=signature,
        caption=_(CAPTION).format(url=verify_url), subject=f"{_(TITLES[kind])} – {patient.full_name}",
    )
    statement = Statement(issuer="", kind=kind, name=patient.full_name, birth_year=patient.birth_date.year,
                          date=issued_on, items=items, content_hash="", issued_at=0,
                          facility_code=visit.facility_code, facility_name=visit.facility_name)
    return layout, statement


def vaccination_layout(patient: Patient, vaccinations: list[Vaccination], on: date,
                       verify_url: str) -> tuple[Layout, Statement]:
    _ = translations("vi").gettext
    title = _(TITLES[VACCINATIONS])
    rows = [[dose.vaccine_name, str(dose.dose_number), _day(dose.given_on), dose.facility_name or "",
             dose.batch or ""] for dose in vaccinations]
    layout = Layout(
        title=title, heading_left=[_(BOOK).upper()], heading_right=[_(NATION), _(MOTTO)],
        number=None, fields=_patient_fields(patient),
        table=([_(VACCINE), _(DOSE), _(GIVEN_ON), _(PLACE), _(BATCH)], rows) if rows else None,
        table_widths=(34, 9, 17, 30, 14), note=_(VACCINATION_NOTE) if rows else _(NO_VACCINATIONS),
        date_line=_(DATE_LINE).format(day=f"{on.day:02d}", month=f"{on.month:02d}", year=on.year),
        signature_lines=[_(ISSUED_FROM_BOOK).format(date=_day(on))],
        caption=_(CAPTION).format(url=verify_url), subject=f"{title} – {patient.full_name}",
    )
    items = {"v": [[dose.vaccine_code, dose.dose_number, dose.given_on.isoformat()] for dose in vaccinations]}
    statement = Statement(issuer="", kind=VACCINATIONS, name=patient.full_name,
                          birth_year=patient.birth_date.year, date=on, items=items, content_hash="", issued_at=0)
    return layout, statement


def signed_pdf(layout: Layout, statement: Statement, *, issuer: str, key: SigningKey, issued_at: float) -> bytes:
    """Render with the QR box empty, hash its text, sign, then draw the QR and add the statement."""
    _ = translations("vi").gettext
    created = datetime.fromtimestamp(int(issued_at), UTC)
    draft = render(layout, created=created, page_label=_(PAGE))
    statement = replace(statement, issuer=issuer, issued_at=int(issued_at), content_hash=pdf_hash(draft.pdf))
    jws = sign(statement, key)
    return with_qr(draft, qr_text(jws), jws)


def verify_url(issuer: str) -> str:
    return f"{issuer.rstrip('/')}/verify"
