"""The book exported as an HL7 FHIR International Patient Summary, validated with fhir.resources (R4B, the
R4-compatible models), through the API on both backends, and as a plain function on a nearly empty book."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import date, datetime, timedelta

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from api_client.models import VIETNAM_TZ, Administrative, HealthBook, History
from server.fhir import ips_bundle
from server.fhir.ips import BHYT_SYSTEM, CCCD_SYSTEM, SERVICE_NAME, number

from ..conftest import bearer
from ..support import BASE_URL

XHTML = "{http://www.w3.org/1999/xhtml}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REQUIRED_SECTIONS = {"48765-2", "10160-0", "11450-4"}  # allergies, medications, problems


def validated(data: dict) -> Bundle:
    """The Bundle, and each resource in it by its own model (a wrong field anywhere raises)."""
    bundle = Bundle.model_validate(data)
    for entry in data["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return bundle


def resources(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def sections(data: dict) -> dict[str, dict]:
    composition = data["entry"][0]["resource"]
    return {section["code"]["coding"][0]["code"]: section for section in composition["section"]}


def narrative_languages(div: str) -> dict[str, str]:
    """The text of each language's part of a narrative, which must be well-formed XHTML."""
    root = ElementTree.fromstring(div)
    assert root.tag == f"{XHTML}div"
    parts = {child.get("lang"): child for child in root if child.tag == f"{XHTML}div"}
    for lang, part in parts.items():
        assert part.get(LANG) == lang
    return {lang: "".join(part.itertext()) for lang, part in parts.items()}


async def book_of(http, tokens, person_id: str | None = None) -> HealthBook:
    path = f"/api/v1/people/{person_id}/book" if person_id else "/api/v1/me/book"
    return HealthBook.model_validate((await http.get(path, headers=bearer(tokens))).json())


def expected_medicines(book: HealthBook, now: datetime) -> set[tuple[str, str | None]]:
    since = now - timedelta(days=90)
    return {(item.name, item.strength) for visit in book.visits for item in visit.prescriptions
            if (item.prescribed_at or visit.started_at) >= since}


def expected_problem_codes(book: HealthBook) -> set[str]:
    history = {c.icd10 for c in book.history.conditions if c.icd10}
    diagnosed = {d.icd10 for v in book.visits for d in v.diagnoses}
    return history | {code for code in diagnosed if code not in history and code.split(".")[0] not in history}


async def test_the_citizens_export_is_a_valid_patient_summary_that_matches_his_book(login, http, clock):
    tokens = await login("001055001234")
    response = await http.get("/api/v1/me/book/fhir", headers=bearer(tokens))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    today = datetime.fromtimestamp(clock(), VIETNAM_TZ).date()
    assert response.headers["content-disposition"] == f'attachment; filename="so-suc-khoe-{today.isoformat()}.json"'
    data = response.json()
    bundle = validated(data)
    assert bundle.type == "document" and bundle.identifier.system and bundle.identifier.value
    book = await book_of(http, tokens)

    composition = data["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition" and composition["status"] == "final"
    assert composition["type"]["coding"][0] == {"system": "http://loinc.org", "code": "60591-5",
                                                "display": "Patient summary Document"}
    full_urls = {entry["fullUrl"] for entry in data["entry"]}
    assert all(url.startswith("urn:uuid:") for url in full_urls) and len(full_urls) == len(data["entry"])
    [patient] = resources(data, "Patient")
    assert composition["subject"]["reference"] == f"urn:uuid:{patient['id']}"
    author = composition["author"][0]["reference"]
    assert author in full_urls

    by_code = sections(data)
    assert set(by_code) >= REQUIRED_SECTIONS | {"11369-6", "30954-2", "47519-4", "8716-3"}
    referenced = [entry["reference"] for section in by_code.values() for entry in section.get("entry", [])]
    assert set(referenced) <= full_urls, "every section entry is in the bundle"
    clinical = {e["fullUrl"] for e in data["entry"] if e["resource"]["resourceType"] not in
                ("Composition", "Patient", "Organization")}
    assert clinical == set(referenced) and len(referenced) == len(clinical), "each entry in exactly one section"

    identifiers = {i["system"]: i["value"] for i in patient["identifier"]}
    assert identifiers[CCCD_SYSTEM] == "001055001234"
    assert identifiers[BHYT_SYSTEM] == "HT3010123456789"
    assert patient["name"][0]["text"] == "Nguyễn Văn Hùng" and patient["birthDate"] == "1955-03-12"
    assert patient["gender"] == "male"

    [allergy] = resources(data, "AllergyIntolerance")
    assert len(book.history.allergies) == 1
    assert allergy["criticality"] == "high" and allergy["category"] == ["medication"]
    assert allergy["code"]["text"].startswith("Penicillin")
    assert allergy["reaction"][0]["manifestation"][0]["text"] == "Nổi mày đay toàn thân, khó thở"

    conditions = resources(data, "Condition")
    codes = {c["code"]["coding"][0]["code"] for c in conditions}
    assert codes == expected_problem_codes(book) and len(conditions) == len(codes)
    assert {"I10", "E11", "J18.9", "E78.5"} <= codes and "E11.9" not in codes, "E11 in the history covers E11.9"
    assert all(c["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10" for c in conditions)
    status = {c["code"]["coding"][0]["code"]: c["clinicalStatus"]["coding"][0]["code"] for c in conditions}
    assert status["I10"] == "active" and status["J18.9"] == "resolved", "the pneumonia was cured"
    assert status["Z88.0"] == "active", "a history of allergy is not cured with the pneumonia it was noted in"

    now = datetime.fromtimestamp(clock(), VIETNAM_TZ)
    medicines = resources(data, "MedicationStatement")
    assert len(medicines) == len(expected_medicines(book, now)) >= 4
    amlodipin = next(m for m in medicines if m["medicationCodeableConcept"]["text"] == "Amlodipin 5mg")
    prescribed = next(i for v in book.visits for i in v.prescriptions if i.name == "Amlodipin")  # newest visit first
    assert amlodipin["dosage"][0]["text"] == prescribed.dosage
    assert amlodipin["dosage"][0]["patientInstruction"] and amlodipin["dosage"][0]["route"]["text"] == "Uống"
    assert not any("Levofloxacin" in m["medicationCodeableConcept"]["text"] for m in medicines), \
        "a course of 200 days ago is not a medicine taken now"

    immunizations = resources(data, "Immunization")
    assert len(immunizations) == len(book.vaccinations)
    pcv = next(i for i in immunizations if i["vaccineCode"]["text"].startswith("Phế cầu"))
    assert pcv["occurrenceDateTime"] == "2024-05-10" and pcv["protocolApplied"][0]["doseNumberPositiveInt"] == 1

    observations = {o["id"]: o for o in resources(data, "Observation")}
    in_section = {url.removeprefix("urn:uuid:") for url in (e["reference"] for e in by_code["30954-2"]["entry"])}
    labs = [observations[i] for i in in_section]
    assert len(labs) == sum(len(v.lab_results) for v in book.visits) + 1, "every result, and the blood group"
    fasting = [o for o in labs if o["code"]["text"] == "Glucose máu lúc đói"]
    assert fasting and all(o["code"]["coding"][0]["code"] == "15074-8" for o in fasting)
    newest = max(fasting, key=lambda o: o["effectiveDateTime"])
    assert newest["valueQuantity"]["value"] == 7.1 and newest["valueQuantity"]["code"] == "mmol/L"
    assert newest["interpretation"][0]["coding"][0]["code"] == "H"
    assert newest["referenceRange"][0]["low"]["value"] == 3.9 and newest["referenceRange"][0]["high"]["value"] == 6.4
    potassium = next(o for o in labs if o["code"]["text"] == "Kali máu")
    assert potassium["interpretation"][0]["coding"][0]["code"] == "N"
    hba1c = [o for o in labs if o["code"]["text"] == "HbA1c"]
    assert hba1c and all(o["code"]["coding"][0]["code"] == "4548-4" for o in hba1c)
    xray = next(o for o in labs if o["code"]["text"] == "X-quang ngực thẳng")
    assert xray["valueString"] == "Hình ảnh viêm phổi thùy dưới phải" and "interpretation" not in xray

    vitals = [observations[e["reference"].removeprefix("urn:uuid:")] for e in by_code["8716-3"]["entry"]]
    assert all(o["category"][0]["coding"][0]["code"] == "vital-signs" for o in vitals)
    weights = [o for o in vitals if o["code"]["coding"][0]["code"] == "29463-7"]
    assert {o["valueQuantity"]["value"] for o in weights} >= {67.2, 68.5}
    assert all(o["valueQuantity"]["code"] == "kg" for o in weights)
    for panel in (o for o in vitals if o["code"]["coding"][0]["code"] == "85354-9"):
        assert [c["code"]["coding"][0]["code"] for c in panel["component"]] == ["8480-6", "8462-4"]

    procedure_count = sum(len(v.procedures) for v in book.visits) + len(book.history.surgeries)
    assert len(resources(data, "Procedure")) == procedure_count

    for code, section in by_code.items():
        languages = narrative_languages(section["text"]["div"])
        assert set(languages) == {"vi", "en"}, code
        assert languages["vi"] != languages["en"], f"section {code} is translated"
    allergies = narrative_languages(by_code["48765-2"]["text"]["div"])
    assert "Dị ứng" in allergies["vi"] and "nặng" in allergies["vi"] and "Penicillin" in allergies["vi"]
    assert "Allergies" in allergies["en"] and "severe" in allergies["en"]
    results = narrative_languages(by_code["30954-2"]["text"]["div"])
    assert "7,1 mmol/L" in results["vi"] and "7.1 mmol/L" in results["en"] and "high" in results["en"]


async def test_a_re_export_names_every_resource_the_same(login, http, clock):
    tokens = await login("001055001234")
    first = (await http.get("/api/v1/me/book/fhir", headers=bearer(tokens))).json()
    clock.advance(60)
    second = (await http.get("/api/v1/me/book/fhir", headers=bearer(tokens))).json()
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["identifier"] != second["identifier"], "each export is a document of its own"


async def test_a_mother_exports_her_childs_book(login, http, clock):
    mai = await login("001190004567")
    [child] = (await http.get("/api/v1/me", headers=bearer(mai))).json()["dependents"]
    response = await http.get(f"/api/v1/people/{child['person_id']}/book/fhir", headers=bearer(mai))
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/fhir+json")
    data = response.json()
    validated(data)
    book = await book_of(http, mai, child["person_id"])
    [patient] = resources(data, "Patient")
    identifiers = {i["system"]: i["value"] for i in patient["identifier"]}
    assert identifiers == {CCCD_SYSTEM: "001222008901", BHYT_SYSTEM: book.person.insurance.code}
    assert patient["name"][0]["text"] == "Lê Minh An"
    assert any(c["name"]["text"] == "Trần Thị Mai" for c in patient["contact"]), "the guardian to call"
    assert len(resources(data, "Immunization")) == len(book.vaccinations) >= 10
    assert len(resources(data, "AllergyIntolerance")) == len(book.history.allergies)
    now = datetime.fromtimestamp(clock(), VIETNAM_TZ)
    assert len(resources(data, "MedicationStatement")) == len(expected_medicines(book, now))
    by_code = sections(data)
    assert set(by_code) >= REQUIRED_SECTIONS
    for section in by_code.values():
        assert ("entry" in section) != ("emptyReason" in section)
        assert set(narrative_languages(section["text"]["div"])) == {"vi", "en"}


async def test_nobody_else_exports_a_book(login, http):
    mai = await login("001190004567")
    child_id = (await http.get("/api/v1/me", headers=bearer(mai))).json()["dependents"][0]["person_id"]
    hung = await login("001055001234")
    stranger = await http.get(f"/api/v1/people/{child_id}/book/fhir", headers=bearer(hung))
    assert stranger.status_code == 404 and "resourceType" not in stranger.text
    assert stranger.json()["error"]["code"]
    hung_id = (await http.get("/api/v1/me", headers=bearer(hung))).json()["person_id"]
    assert (await http.get(f"/api/v1/people/{hung_id}/book/fhir", headers=bearer(mai))).status_code == 404
    level1 = await login("001048002345")
    for path in ("/api/v1/me/book/fhir", f"/api/v1/people/{hung_id}/book/fhir"):
        refused = await http.get(path, headers=bearer(level1))
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "identity_level_insufficient"
    assert (await http.get("/api/v1/me/book/fhir")).status_code == 401


def test_a_book_with_nothing_in_it_yet_is_still_a_valid_summary():
    person = Administrative(person_id="p-1", full_name="Đinh Thị Hoa", birth_date=date(1990, 1, 1),
                            birth_date_precision="year", sex="female", personal_id="001190000001")
    book = HealthBook(person=person, history=History(), visits=[], vaccinations=[],
                      updated_at=datetime(2026, 12, 1, 8, tzinfo=VIETNAM_TZ))
    now = datetime(2026, 12, 2, 9, 30, tzinfo=VIETNAM_TZ)
    data = ips_bundle(book, now=now, base_url="https://so-suc-khoe.example/api")
    validated(data)
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Composition", "Patient", "Organization"]
    [patient] = resources(data, "Patient")
    assert patient["birthDate"] == "1990" and "telecom" not in patient
    assert [i["system"] for i in patient["identifier"]] == [CCCD_SYSTEM], "no BHYT card, no BHYT identifier"
    by_code = sections(data)
    assert set(by_code) == REQUIRED_SECTIONS, "optional sections are left out when empty"
    for code, section in by_code.items():
        assert "entry" not in section
        assert section["emptyReason"]["coding"][0]["code"] == "unavailable"
        languages = narrative_languages(section["text"]["div"])
        assert set(languages) == {"vi", "en"} and languages["vi"] != languages["en"], code
    assert "90" in narrative_languages(by_code["10160-0"]["text"]["div"])["en"]
    again = ips_bundle(book, now=now, base_url="https://so-suc-khoe.example/api")
    assert again == data, "the same book at the same moment is the same document"


async def test_the_export_names_the_service_by_its_own_address_whatever_host_is_asked_for(login, http):
    """The Host header is the client's to write: the summary's service address is the configured one."""
    tokens = await login("001055001234")
    response = await http.get("/api/v1/me/book/fhir", headers={**bearer(tokens), "Host": "evil.example"})
    assert response.status_code == 200
    assert "evil.example" not in response.text
    [service] = [o for o in resources(response.json(), "Organization") if o.get("name") == SERVICE_NAME]
    assert service["telecom"] == [{"system": "url", "value": BASE_URL}]


def test_a_number_too_large_for_json_is_kept_as_the_text_the_lab_wrote():
    """JSON has no Infinity: 400 nines would have written a file no FHIR reader accepts."""
    assert number("9" * 400) is None
    assert number("8,9") == 8.9 and number("Âm tính") is None
