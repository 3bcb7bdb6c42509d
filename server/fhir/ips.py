"""The whole book as an HL7 FHIR International Patient Summary: an R4 Bundle of type "document".

Follows IPS (http://hl7.org/fhir/uv/ips/, R4): the Composition first (LOINC 60591-5), then the Patient, the
facilities as Organizations and one resource per entry of the book. Sections and their LOINC codes:
allergies 48765-2, medications 10160-0 and problems 11450-4 (always present, with `emptyReason` when the
book holds nothing for them), immunizations 11369-6, procedures 47519-4, results 30954-2, vital signs
8716-3 (present when they have entries).

Identifier systems, from the HL7 Vietnam VN Core FHIR IG (http://fhir.hl7.org.vn/core, NamingSystems
vn-cccd-ns, vn-bhyt-ns, vn-ma-cskcb-ns): personal ID (CCCD) `http://fhir.hl7.org.vn/core/sid/cccd`, BHYT
card `http://fhir.hl7.org.vn/core/sid/bhyt`, facility code (mã CSKCB) `http://fhir.hl7.org.vn/core/sid/ma-cskcb`.
The Ministry's older VN Core draft (fhir.ehealth.gov.vn) names the BHYT number
`http://fhir.ehealth.gov.vn/core/sid/insurance_number`; we follow the HL7 Vietnam guide, which has both.
Drug codes (MA_THUOC) have no published FHIR system: they travel as a code without a system, beside the
name as text.

Narrative: each section's `text.div` holds one `<div lang="vi" xml:lang="vi">` and one
`<div lang="en" xml:lang="en">`, the way the FHIR specification's language page asks for narrative in
several languages (a div per language with both attributes); the resources say `language: vi`. The words
come from the gettext catalogs, the recorded values (names, doses) stay as the facility wrote them.

Identity: every `fullUrl` is `urn:uuid:` of a UUID 5 over the person and the record (a visit's id and the
entry's place in it, or what the entry says for history entries), so a re-export names every resource the
same; the Bundle's own identifier is new for each export (another document, made at `now`).
"""

from __future__ import annotations

import html
import math
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from api_client.code_lists import route_name
from api_client.identifiers import N_
from api_client.models import (
    VIETNAM_TZ,
    Allergy,
    AllergyCategory,
    DatePrecision,
    HealthBook,
    LabResult,
    PrescriptionItem,
    Procedure,
    Relationship,
    RepresentativeRole,
    Severity,
    Sex,
    Surgery,
    TreatmentOutcome,
    Vaccination,
    Visit,
)
from locales import translations

Resource = dict[str, Any]
Gettext = Callable[[str], str]

CURRENT_MEDICINE_DAYS = 90  # as the counter's patient summary: medicines prescribed in the last 90 days

# ---------------------------------------------------------------- systems and codes

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
XHTML = "http://www.w3.org/1999/xhtml"
CCCD_SYSTEM = "http://fhir.hl7.org.vn/core/sid/cccd"
BHYT_SYSTEM = "http://fhir.hl7.org.vn/core/sid/bhyt"
FACILITY_SYSTEM = "http://fhir.hl7.org.vn/core/sid/ma-cskcb"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
LANGUAGE = "urn:ietf:bcp:47"
DOCUMENT_IDENTIFIER = "urn:ietf:rfc:3986"

NAMESPACE = uuid.UUID("b0c5e3a2-6d1f-5c8e-9a47-1f2e3d4c5b6a")  # this service's FHIR ids; never change it
SERVICE_NAME = "Sổ sức khỏe điện tử"

ALLERGY_CATEGORY = {AllergyCategory.DRUG: "medication", AllergyCategory.FOOD: "food",
                    AllergyCategory.CHEMICAL: "environment"}  # "other" has no FHIR category: none is said
GENDER = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.UNDETERMINED: "unknown"}
RELATIONSHIP = {Relationship.MOTHER: "MTH", Relationship.FATHER: "FTH", Relationship.GRANDPARENT: "GRPRN",
                Relationship.SPOUSE: "SPS", Relationship.CHILD: "CHILD", Relationship.SIBLING: "SIB"}
UCUM_UNITS = {"mmol/L": "mmol/L", "%": "%", "mg/L": "mg/L", "g/L": "g/L", "mg/dL": "mg/dL", "µmol/L": "umol/L",
              "umol/L": "umol/L", "G/L": "10*9/L", "T/L": "10*12/L", "U/L": "U/L", "mmHg": "mm[Hg]",
              "kg": "kg", "cm": "cm", "°C": "Cel", "/min": "/min"}
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
IMAGING_WORDS = ("x-quang", "x quang", "siêu âm", "chụp", "ct ", "mri", "cộng hưởng từ", "nội soi")

# ---------------------------------------------------------------- the words (msgids, English)

DOCUMENT_TITLE = N_("Patient summary")
SECTION_ALLERGIES = N_("Allergies and intolerances")
SECTION_MEDICATIONS = N_("Medicines taken now")
SECTION_PROBLEMS = N_("Health problems")
SECTION_IMMUNIZATIONS = N_("Vaccinations")
SECTION_PROCEDURES = N_("Procedures and surgeries")
SECTION_RESULTS = N_("Test results")
SECTION_VITALS = N_("Vital signs")
NO_ALLERGIES = N_("No allergy is recorded in this book.")
NO_MEDICATIONS = N_("No medicine was prescribed in the last {days} days.")
NO_PROBLEMS = N_("No health problem is recorded in this book.")
SUMMARY_OF = N_("Patient summary of {name}, born {birth}, exported from the electronic health book on {date}.")
VALUES_AS_RECORDED = N_("Names, doses and notes are as the health facility recorded them, in Vietnamese.")
SEVERITY = {Severity.MILD: N_("mild"), Severity.MODERATE: N_("moderate"), Severity.SEVERE: N_("severe")}
REACTION = N_("reaction: {reaction}")
SEVERITY_IS = N_("severity: {severity}")
NOTED_IN = N_("noted in {year}")
SINCE_YEAR = N_("since {year}")
CHRONIC = N_("chronic")
RESOLVED = N_("resolved")
LAST_SEEN = N_("last diagnosed on {date}")
PRESCRIBED = N_("prescribed on {date} at {facility}")
DOSE = N_("dose {number}")
GIVEN = N_("given on {date}")
BATCH = N_("batch {batch}")
REFERENCE_RANGE = N_("normal range {range}")
HIGH, LOW, NORMAL = N_("high"), N_("low"), N_("normal")
ON_DATE = N_("on {date}")
IN_YEAR = N_("in {year}")
BLOOD_GROUP = N_("Blood group")
BLOOD_PRESSURE = N_("Blood pressure")
PULSE, TEMPERATURE, WEIGHT, HEIGHT = N_("Pulse"), N_("Temperature"), N_("Weight"), N_("Height")
SPO2, GLUCOSE = N_("SpO2"), N_("Blood glucose")
BEATS_PER_MINUTE = N_("beats/min")
ROLE = {RepresentativeRole.GUARDIAN: N_("Guardian"), RepresentativeRole.CAREGIVER: N_("Main caregiver"),
        RepresentativeRole.LEGAL_REPRESENTATIVE: N_("Legal representative")}
RELATIVE = {Relationship.MOTHER: N_("Mother"), Relationship.FATHER: N_("Father"),
            Relationship.GRANDPARENT: N_("Grandparent"), Relationship.SPOUSE: N_("Spouse"),
            Relationship.CHILD: N_("Child"), Relationship.SIBLING: N_("Brother or sister"),
            Relationship.OTHER: N_("Other relative")}


@dataclass(frozen=True)
class Vital:
    """A vital sign of `VitalSigns` and its LOINC code (FHIR's vital signs profile where it has one)."""

    field: str
    loinc: str
    display: str
    label: str  # msgid
    unit: str
    ucum: str


VITALS = (
    Vital("pulse", "8867-4", "Heart rate", PULSE, "/min", "/min"),
    Vital("temperature", "8310-5", "Body temperature", TEMPERATURE, "°C", "Cel"),
    Vital("weight_kg", "29463-7", "Body weight", WEIGHT, "kg", "kg"),
    Vital("height_cm", "8302-2", "Body height", HEIGHT, "cm", "cm"),
    Vital("spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", SPO2, "%", "%"),
    Vital("glucose", "15074-8", "Glucose [Moles/volume] in Blood", GLUCOSE, "mmol/L", "mmol/L"),
)


def current_prescriptions(book: HealthBook, now: datetime,
                          days: int = CURRENT_MEDICINE_DAYS) -> list[tuple[Visit, PrescriptionItem]]:
    """The newest prescription of each medicine (name and strength) of the last `days` days, newest first."""
    since = now - timedelta(days=days)
    chosen: dict[tuple[str, str], tuple[Visit, PrescriptionItem, datetime]] = {}
    for visit in book.visits:
        for item in visit.prescriptions:
            when = item.prescribed_at or visit.started_at
            key = (item.name.casefold(), (item.strength or "").casefold())
            if when >= since and (key not in chosen or when > chosen[key][2]):
                chosen[key] = (visit, item, when)
    return [(visit, item) for visit, item, _ in sorted(chosen.values(), key=lambda row: row[2], reverse=True)]


@dataclass(frozen=True)
class Problem:
    """One entry of the problem list: a history condition, or a visit diagnosis it does not already name."""

    name: str
    icd10: str | None
    chronic: bool
    since_year: int | None
    last_seen: Visit | None
    key: str
    resolved: bool = False  # the main diagnosis of a visit that ended cured (not a secondary one, nor a Z code)


def problems(book: HealthBook) -> list[Problem]:
    """History conditions first; then each visit diagnosis code once (its newest visit), unless a history
    condition names it or its category (E11 in the history covers the visits' E11.9)."""
    found = [Problem(c.name, c.icd10, c.chronic, c.diagnosed_year, None, f"condition|{c.icd10 or c.name}")
             for c in book.history.conditions]
    covered = {c.icd10 for c in book.history.conditions if c.icd10}
    for visit in book.visits:  # newest first
        for diagnosis in visit.diagnoses:
            code = diagnosis.icd10
            if code in covered or code.split(".")[0] in covered:
                continue
            covered.add(code)
            cured = diagnosis.main and visit.outcome is TreatmentOutcome.CURED
            found.append(Problem(diagnosis.name, code, False, None, visit, f"condition|{code}", cured))
    return found


def lab_results(book: HealthBook) -> list[tuple[Visit, int, LabResult]]:
    return [(visit, index, lab) for visit in book.visits for index, lab in enumerate(visit.lab_results)]


def procedures(book: HealthBook) -> list[tuple[Visit | None, Procedure | Surgery, str]]:
    done: list[tuple[Visit | None, Procedure | Surgery, str]] = [
        (visit, procedure, f"procedure|{visit.id}|{index}")
        for visit in book.visits for index, procedure in enumerate(visit.procedures)]
    done += [(None, surgery, f"surgery|{surgery.name}|{surgery.year}") for surgery in book.history.surgeries]
    return done


def number(value: str) -> float | None:
    """A result typed as a number ("8.9", "8,9"); anything else ("Âm tính", "< 5") is text."""
    value = value.strip()
    if not NUMBER.fullmatch(value):
        return None
    parsed = float(value.replace(",", "."))
    return parsed if math.isfinite(parsed) else None  # 400 nines are text: JSON has no Infinity


def interpretation(value: float, low: float | None, high: float | None) -> str | None:
    if high is not None and value > high:
        return "H"
    if low is not None and value < low:
        return "L"
    return "N" if low is not None or high is not None else None


# ---------------------------------------------------------------- narrative


def _date(day: date, language: str) -> str:
    return format_date(day, "dd/MM/yyyy" if language == "vi" else "d MMM yyyy", locale=language)


def _decimal(value: float, language: str) -> str:
    return format_decimal(value, "#,##0.##", locale=language)


Line = Callable[[Gettext, str], str]  # one entry in the reader's language (gettext, language code)


def _line(main: str, *details: str | None) -> str:
    said = [d for d in details if d]
    return f"{main}: {'; '.join(said)}" if said else main


def _narrative(title: str, lines: Iterable[Line], empty: str | None = None, **empty_args: Any) -> Resource:
    """Vietnamese first, then English, each in its own div with `lang` and `xml:lang`."""
    lines = list(lines)
    parts = []
    for language in ("vi", "en"):
        _ = translations(language).gettext
        body = ("<ul>" + "".join(f"<li>{html.escape(line(_, language))}</li>" for line in lines) + "</ul>" if lines
                else f"<p>{html.escape(_(empty or '').format(**empty_args))}</p>")
        parts.append(f'<div lang="{language}" xml:lang="{language}"><p><b>{html.escape(_(title))}</b></p>'
                     f"{body}</div>")
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{"".join(parts)}</div>'}


def _bilingual(msgid: str) -> str:
    vi, en = translations("vi").gettext(msgid), translations("en").gettext(msgid)
    return vi if vi == en else f"{vi} – {en}"


# ---------------------------------------------------------------- the bundle


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _concept(text: str, *codings: dict[str, str]) -> Resource:
    return {**({"coding": list(codings)} if codings else {}), "text": text}


def _instant(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")


def _birth_date(day: date, precision: DatePrecision) -> str:
    if precision is DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _birth_shown(day: date, precision: DatePrecision, language: str) -> str:
    return _date(day, language) if precision is DatePrecision.DAY else _birth_date(day, precision)


class _Summary:
    def __init__(self, book: HealthBook, now: datetime, base_url: str) -> None:
        self.book, self.now, self.base_url = book, now, base_url.rstrip("/")
        self.person_id = book.person.person_id
        self.entries: list[Resource] = []
        self.organizations: dict[str, str] = {}
        self.patient = self._add("Patient", "patient", self._patient())
        self.service = self._add("Organization", "service", {
            "active": True, "name": SERVICE_NAME,
            **({"telecom": [{"system": "url", "value": self.base_url}]} if self.base_url else {})})

    def _uuid(self, key: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.person_id}|{key}"))

    def _add(self, kind: str, key: str, resource: Resource) -> str:
        identifier = self._uuid(f"{kind}|{key}")
        full_url = f"urn:uuid:{identifier}"
        self.entries.append({"fullUrl": full_url, "resource": {"resourceType": kind, "id": identifier, **resource}})
        return full_url

    def _subject(self) -> dict[str, str]:
        return {"reference": self.patient}

    def _facility(self, code: str | None, name: str | None) -> dict[str, str] | None:
        """A facility of the book as an Organization (once each); one known by name only, as a display."""
        if not code:
            return {"display": name} if name else None
        if code not in self.organizations:
            self.organizations[code] = self._add("Organization", f"facility|{code}", {
                "identifier": [{"system": FACILITY_SYSTEM, "value": code}], "active": True, "name": name or code})
        return {"reference": self.organizations[code], **({"display": name} if name else {})}

    # -------------------------------------------------------- the person

    def _patient(self) -> Resource:
        person = self.book.person
        words = person.full_name.split()
        identifiers: list[Resource] = [{
            "use": "official",
            "type": _concept("Số định danh cá nhân (CCCD)", _coding(IDENTIFIER_TYPE, "NI", "National unique individual identifier")),
            "system": CCCD_SYSTEM, "value": person.personal_id,
        }]
        if person.insurance:
            card = person.insurance
            period = {k: v.isoformat() for k, v in (("start", card.valid_from), ("end", card.valid_to)) if v}
            identifiers.append({
                "use": "official",
                "type": _concept("Số thẻ bảo hiểm y tế (BHYT)", _coding(IDENTIFIER_TYPE, "NH", "National Health Plan Identifier")),
                "system": BHYT_SYSTEM, "value": card.code, **({"period": period} if period else {}),
                "assigner": {"display": "Bảo hiểm xã hội Việt Nam"},
            })
        patient: Resource = {
            "identifier": identifiers,
            "active": True,
            "name": [{"use": "official", "text": person.full_name, "family": words[0],
                      **({"given": words[1:]} if len(words) > 1 else {})}],
            "gender": GENDER[person.sex],
            "birthDate": _birth_date(person.birth_date, person.birth_date_precision),
            "communication": [{"language": _concept("Tiếng Việt", _coding(LANGUAGE, "vi", "Vietnamese")),
                               "preferred": True}],
        }
        if person.phone:
            patient["telecom"] = [{"system": "phone", "value": person.phone, "use": "mobile"}]
        if person.address:
            patient["address"] = [{"use": "home", "text": person.address, "country": "VN"}]
        contacts = []
        vi = translations("vi").gettext  # the document's language
        for representative in person.representatives:
            relation = RELATIONSHIP.get(representative.relationship)
            contacts.append({
                "relationship": [
                    _concept(vi(ROLE[representative.role]), _coding(CONTACT_ROLE, "C", "Emergency Contact")),
                    _concept(vi(RELATIVE[representative.relationship]),
                             *([_coding(ROLE_CODE, relation)] if relation else [])),
                ],
                "name": {"text": representative.full_name},
                **({"telecom": [{"system": "phone", "value": representative.phone}]} if representative.phone else {}),
            })
        if contacts:
            patient["contact"] = contacts
        return patient

    # -------------------------------------------------------- sections

    def allergy(self, allergy: Allergy) -> str:
        category = ALLERGY_CATEGORY.get(allergy.category)
        reaction: Resource = {"manifestation": [_concept(allergy.reaction)]} if allergy.reaction else {}
        if reaction and allergy.severity:
            reaction["severity"] = allergy.severity.value
        return self._add("AllergyIntolerance", f"allergy|{allergy.category}|{allergy.substance}", {
            "clinicalStatus": _concept("Active", _coding(ALLERGY_CLINICAL, "active")),
            "verificationStatus": _concept("Confirmed", _coding(ALLERGY_VERIFICATION, "confirmed")),
            "type": "allergy",
            **({"category": [category]} if category else {}),
            **({"criticality": "high" if allergy.severity is Severity.SEVERE else "low"} if allergy.severity else {}),
            "code": _concept(allergy.substance),
            "patient": self._subject(),
            **({"onsetDateTime": f"{allergy.noted_year:04d}"} if allergy.noted_year else {}),
            **({"reaction": [reaction]} if reaction else {}),
        })

    def medication(self, visit: Visit, item: PrescriptionItem) -> str:
        label = " ".join(part for part in (item.name, item.strength) if part)
        when = item.prescribed_at or visit.started_at
        dosage: Resource = {k: v for k, v in (("text", item.dosage), ("patientInstruction", item.usage)) if v}
        if item.route:
            dosage["route"] = _concept(route_name(item.route) or item.route)
        return self._add("MedicationStatement", f"medication|{visit.id}|{item.name}|{item.strength}", {
            "status": "active",
            "medicationCodeableConcept": _concept(label, *([{"code": item.drug_code}] if item.drug_code else [])),
            "subject": self._subject(),
            "effectivePeriod": {"start": _instant(when)},
            "dateAsserted": _instant(when),
            **({"informationSource": source} if (source := self._facility(visit.facility_code, visit.facility_name))
               else {}),
            **({"dosage": [dosage]} if dosage else {}),
        })

    def condition(self, problem: Problem) -> str:
        active = problem.chronic or (problem.last_seen is not None and not problem.resolved)
        status = "active" if active else ("resolved" if problem.resolved else "inactive")
        resource: Resource = {
            "clinicalStatus": _concept(status.capitalize(), _coding(CONDITION_CLINICAL, status)),
            "category": [_concept("Problem List Item", _coding(CONDITION_CATEGORY, "problem-list-item"))],
            "code": _concept(problem.name, *([_coding(ICD10, problem.icd10)] if problem.icd10 else [])),
            "subject": self._subject(),
        }
        if problem.since_year:
            resource["onsetDateTime"] = f"{problem.since_year:04d}"
        if problem.last_seen is not None:
            resource["recordedDate"] = _instant(problem.last_seen.started_at)
        return self._add("Condition", problem.key, resource)

    def immunization(self, vaccination: Vaccination) -> str:
        key = f"immunization|{vaccination.vaccine_code}|{vaccination.dose_number}|{vaccination.given_on}"
        return self._add("Immunization", key, {
            "status": "completed",
            "vaccineCode": _concept(vaccination.vaccine_name),
            "patient": self._subject(),
            "occurrenceDateTime": vaccination.given_on.isoformat(),
            "primarySource": True,
            **({"location": {"display": vaccination.facility_name}} if vaccination.facility_name else {}),
            **({"lotNumber": vaccination.batch} if vaccination.batch else {}),
            "protocolApplied": [{"doseNumberPositiveInt": vaccination.dose_number}],
        })

    def procedure(self, visit: Visit | None, done: Procedure | Surgery, key: str) -> str:
        resource: Resource = {"status": "completed", "code": _concept(done.name), "subject": self._subject()}
        if isinstance(done, Procedure):
            assert visit is not None
            resource["performedDateTime"] = _instant(done.performed_at or visit.started_at)
            performer = self._facility(visit.facility_code, visit.facility_name)
        else:
            if done.year:
                resource["performedDateTime"] = f"{done.year:04d}"
            performer = {"display": done.facility_name} if done.facility_name else None
        if performer:
            resource["performer"] = [{"actor": performer}]
        return self._add("Procedure", key, resource)

    def _observation(self, key: str, category: str, code: Resource, moment: datetime | date | None,
                     performer: dict[str, str] | None, **values: Any) -> str:
        display = {"laboratory": "Laboratory", "vital-signs": "Vital Signs", "imaging": "Imaging",
                   "procedure": "Procedure"}[category]
        resource: Resource = {
            "status": "final",
            "category": [_concept(display, _coding(OBSERVATION_CATEGORY, category, display))],
            "code": code,
            "subject": self._subject(),
        }
        if isinstance(moment, datetime):
            resource["effectiveDateTime"] = _instant(moment)
        elif isinstance(moment, date):
            resource["effectiveDateTime"] = moment.isoformat()
        if performer and "reference" in performer:
            resource["performer"] = [performer]
        return self._add("Observation", key, {**resource, **values})

    def lab(self, visit: Visit, index: int, lab: LabResult) -> str:
        value = number(lab.value) if lab.value else None
        values: Resource = {}
        if value is not None:
            values["valueQuantity"] = _quantity(value, lab.unit)
            flag = interpretation(value, lab.reference_low, lab.reference_high)
            if flag:
                values["interpretation"] = [_concept({"H": "High", "L": "Low", "N": "Normal"}[flag],
                                                     _coding(INTERPRETATION, flag))]
        else:
            text = lab.value or lab.conclusion or lab.description
            if text:
                values["valueString"] = text
        reference: Resource = {}
        if lab.reference_low is not None:
            reference["low"] = _quantity(lab.reference_low, lab.unit)
        if lab.reference_high is not None:
            reference["high"] = _quantity(lab.reference_high, lab.unit)
        if lab.reference_text:
            reference["text"] = lab.reference_text
        if reference:
            values["referenceRange"] = [reference]
        notes = [n for n in (lab.description if lab.value or lab.conclusion else None,
                             lab.conclusion if lab.value else None) if n]
        if notes:
            values["note"] = [{"text": note} for note in notes]
        lowered = lab.name.casefold()
        category = "laboratory" if lab.value else (
            "imaging" if any(word in f"{lowered} " for word in IMAGING_WORDS) else "procedure")
        return self._observation(f"lab|{visit.id}|{index}", category, _lab_code(lab),
                                 lab.resulted_at or visit.started_at,
                                 self._facility(visit.facility_code, visit.facility_name), **values)

    def blood_group(self, group: str) -> str:
        return self._observation("blood-group", "laboratory",
                                 _concept("Nhóm máu", _coding(LOINC, "882-1", "ABO and Rh group [Type] in Blood")),
                                 None, None, valueString=group)

    def vitals(self, visit: Visit) -> list[tuple[str, Line]]:
        """Each vital sign of a visit: the Observation's fullUrl and its narrative line."""
        signs = visit.vital_signs
        moment = (signs.measured_at if signs else None) or visit.started_at
        performer = self._facility(visit.facility_code, visit.facility_name)
        found: list[tuple[str, Line]] = []
        if signs and signs.systolic is not None and signs.diastolic is not None:
            systolic, diastolic = signs.systolic, signs.diastolic
            url = self._observation(
                f"vital|{visit.id}|bp", "vital-signs",
                _concept("Huyết áp", _coding(LOINC, "85354-9", "Blood pressure panel with all children optional")),
                moment, performer, component=[
                    {"code": _concept("Huyết áp tâm thu", _coding(LOINC, "8480-6", "Systolic blood pressure")),
                     "valueQuantity": _quantity(systolic, "mmHg")},
                    {"code": _concept("Huyết áp tâm trương", _coding(LOINC, "8462-4", "Diastolic blood pressure")),
                     "valueQuantity": _quantity(diastolic, "mmHg")}])
            found.append((url, _vital_line(BLOOD_PRESSURE, f"{systolic}/{diastolic}", "mmHg", moment)))
        for vital in VITALS:
            value = getattr(signs, vital.field, None) if signs else None
            if vital.field == "weight_kg" and value is None:
                value = visit.weight_kg  # CAN_NANG, the one vital sign QĐ 130 has a field for
            if value is None:
                continue
            url = self._observation(f"vital|{visit.id}|{vital.field}", "vital-signs",
                                    _concept(vital.display, _coding(LOINC, vital.loinc, vital.display)),
                                    moment, performer, valueQuantity=_quantity(value, vital.unit))
            found.append((url, _vital_line(vital.label, float(value), vital.unit, moment)))
        return found

    # -------------------------------------------------------- the document

    def bundle(self) -> Resource:
        book, now = self.book, self.now
        sections = [
            self._section(SECTION_ALLERGIES, "48765-2", "Allergies and adverse reactions Document",
                          [(self.allergy(a), _allergy_line(a)) for a in book.history.allergies],
                          required=True, empty=NO_ALLERGIES),
            self._section(SECTION_MEDICATIONS, "10160-0", "History of Medication use Narrative",
                          [(self.medication(v, i), _medication_line(v, i)) for v, i in current_prescriptions(book, now)],
                          required=True, empty=NO_MEDICATIONS, days=CURRENT_MEDICINE_DAYS),
            self._section(SECTION_PROBLEMS, "11450-4", "Problem list - Reported",
                          [(self.condition(p), _problem_line(p)) for p in problems(book)],
                          required=True, empty=NO_PROBLEMS),
            self._section(SECTION_IMMUNIZATIONS, "11369-6", "History of Immunization Narrative",
                          [(self.immunization(v), _immunization_line(v)) for v in book.vaccinations]),
            self._section(SECTION_PROCEDURES, "47519-4", "History of Procedures Document",
                          [(self.procedure(v, p, k), _procedure_line(v, p)) for v, p, k in procedures(book)]),
            self._section(SECTION_RESULTS, "30954-2", "Relevant diagnostic tests/laboratory data Narrative",
                          ([(self.blood_group(book.person.blood_group), _blood_group_line(book.person.blood_group))]
                           if book.person.blood_group else [])
                          + [(self.lab(v, i, lab), _lab_line(lab)) for v, i, lab in lab_results(book)]),
            self._section(SECTION_VITALS, "8716-3", "Vital signs",
                          [row for visit in book.visits for row in self.vitals(visit)]),
        ]
        person = book.person
        document_id = str(uuid.uuid5(NAMESPACE, f"{self.person_id}|document|{_instant(now)}"))
        composition: Resource = {
            "resourceType": "Composition",
            "id": self._uuid("Composition"),
            "language": "vi",
            "text": _narrative(DOCUMENT_TITLE, [lambda _, lang: _(SUMMARY_OF).format(
                name=person.full_name, birth=_birth_shown(person.birth_date, person.birth_date_precision, lang),
                date=_date(now.astimezone(VIETNAM_TZ).date(), lang)), lambda _, lang: _(VALUES_AS_RECORDED)]),
            "identifier": {"system": DOCUMENT_IDENTIFIER, "value": f"urn:uuid:{document_id}"},
            "status": "final",
            "type": _concept("Patient summary Document", _coding(LOINC, "60591-5", "Patient summary Document")),
            "subject": {"reference": self.patient, "display": person.full_name},
            "date": _instant(now),
            "author": [{"reference": self.service, "display": SERVICE_NAME}],
            "title": _bilingual(DOCUMENT_TITLE),
            "custodian": {"reference": self.service},
            "section": [section for section in sections if section],
        }
        first = {"fullUrl": f"urn:uuid:{composition['id']}", "resource": composition}
        return {
            "resourceType": "Bundle",
            "id": document_id,
            "language": "vi",
            "identifier": {"system": DOCUMENT_IDENTIFIER, "value": f"urn:uuid:{document_id}"},
            "type": "document",
            "timestamp": _instant(now),
            "entry": [first, *self.entries],
        }

    def _section(self, title: str, loinc: str, display: str, rows: list[tuple[str, Line]], *,
                 required: bool = False, empty: str | None = None, **empty_args: Any) -> Resource | None:
        if not rows and not required:
            return None
        section: Resource = {
            "title": _bilingual(title),
            "code": _concept(display, _coding(LOINC, loinc, display)),
            "text": _narrative(title, [line for _, line in rows], empty, **empty_args),
        }
        if rows:
            section["entry"] = [{"reference": url} for url, _ in rows]
        else:  # the book holds nothing here, which is not the same as "none known"
            section["emptyReason"] = _concept("Information not available",
                                              _coding(EMPTY_REASON, "unavailable", "Unavailable"))
        return section


def _quantity(value: float, unit: str | None) -> Resource:
    quantity: Resource = {"value": value}
    if unit:
        quantity["unit"] = unit
        if unit in UCUM_UNITS:
            quantity |= {"system": UCUM, "code": UCUM_UNITS[unit]}
    return quantity


def _lab_code(lab: LabResult) -> Resource:
    """LOINC for the results the trends follow (glucose, HbA1c), by what the facility named them."""
    name = lab.name.casefold()
    if "hba1c" in name:
        return _concept(lab.name, _coding(LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"))
    if "glucose" in name or "đường huyết" in name:
        if lab.unit == "mmol/L":
            return _concept(lab.name, _coding(LOINC, "15074-8", "Glucose [Moles/volume] in Blood"))
        if lab.unit == "mg/dL":
            return _concept(lab.name, _coding(LOINC, "2339-0", "Glucose [Mass/volume] in Blood"))
    return _concept(lab.name)


# ---------------------------------------------------------------- one line per entry, in either language


def _allergy_line(allergy: Allergy) -> Line:
    return lambda _, lang: _line(
        allergy.substance,
        _(REACTION).format(reaction=allergy.reaction) if allergy.reaction else None,
        _(SEVERITY_IS).format(severity=_(SEVERITY[allergy.severity])) if allergy.severity else None,
        _(NOTED_IN).format(year=allergy.noted_year) if allergy.noted_year else None)


def _medication_line(visit: Visit, item: PrescriptionItem) -> Line:
    when = (item.prescribed_at or visit.started_at).astimezone(VIETNAM_TZ).date()
    return lambda _, lang: _line(
        " ".join(part for part in (item.name, item.strength) if part), item.dosage, item.usage,
        _(PRESCRIBED).format(date=_date(when, lang), facility=visit.facility_name))


def _problem_line(problem: Problem) -> Line:
    name = f"{problem.name} ({problem.icd10})" if problem.icd10 else problem.name
    seen = problem.last_seen.started_at.astimezone(VIETNAM_TZ).date() if problem.last_seen else None
    return lambda _, lang: _line(
        name, _(CHRONIC) if problem.chronic else (_(RESOLVED) if problem.resolved else None),
        _(SINCE_YEAR).format(year=problem.since_year) if problem.since_year else None,
        _(LAST_SEEN).format(date=_date(seen, lang)) if seen else None)


def _immunization_line(vaccination: Vaccination) -> Line:
    return lambda _, lang: _line(
        vaccination.vaccine_name, _(DOSE).format(number=vaccination.dose_number),
        _(GIVEN).format(date=_date(vaccination.given_on, lang)), vaccination.facility_name,
        _(BATCH).format(batch=vaccination.batch) if vaccination.batch else None)


def _procedure_line(visit: Visit | None, done: Procedure | Surgery) -> Line:
    if isinstance(done, Procedure):
        assert visit is not None
        day = (done.performed_at or visit.started_at).astimezone(VIETNAM_TZ).date()
        return lambda _, lang: _line(done.name, _(ON_DATE).format(date=_date(day, lang)), visit.facility_name)
    return lambda _, lang: _line(done.name, _(IN_YEAR).format(year=done.year) if done.year else None,
                                 done.facility_name)


def _vital_line(label: str, value: float | str, unit: str, moment: datetime) -> Line:
    day = moment.astimezone(VIETNAM_TZ).date()

    def line(_: Gettext, lang: str) -> str:
        shown = value if isinstance(value, str) else _decimal(value, lang)
        return _line(_(label), f"{shown} {_(BEATS_PER_MINUTE) if unit == '/min' else unit}",
                     _(ON_DATE).format(date=_date(day, lang)))

    return line


def _blood_group_line(group: str) -> Line:
    return lambda _, lang: _line(_(BLOOD_GROUP), group)


def _lab_line(lab: LabResult) -> Line:
    value = number(lab.value) if lab.value else None
    flag = interpretation(value, lab.reference_low, lab.reference_high) if value is not None else None
    day = lab.resulted_at.astimezone(VIETNAM_TZ).date() if lab.resulted_at else None

    def line(_: Gettext, lang: str) -> str:
        shown = (f"{_decimal(value, lang)} {lab.unit or ''}".strip() if value is not None
                 else lab.value or lab.conclusion or lab.description or "")
        bounds = [_decimal(b, lang) if b is not None else "" for b in (lab.reference_low, lab.reference_high)]
        low, high = lab.reference_low, lab.reference_high
        limits = (f"{bounds[0]}–{bounds[1]}" if low is not None and high is not None
                  else f"≤ {bounds[1]}" if high is not None else f"≥ {bounds[0]}" if low is not None else None)
        return _line(lab.name, shown or None, {"H": _(HIGH), "L": _(LOW), "N": _(NORMAL)}.get(flag or ""),
                     _(REFERENCE_RANGE).format(range=limits) if limits else lab.reference_text,
                     _(ON_DATE).format(date=_date(day, lang)) if day else None)

    return line


def ips_bundle(book: HealthBook, *, now: datetime, base_url: str) -> dict[str, Any]:
    """The book as an IPS document Bundle (a dict ready for JSON), made at `now` by the service at `base_url`."""
    return _Summary(book, now, base_url).bundle()


