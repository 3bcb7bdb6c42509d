"""Phones keep working after a server upgrade: what the server sends ignores fields the app does not know
yet; what clients send is refused whole when it carries a field the server does not know."""

from __future__ import annotations

import inspect
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from api_client import models
from api_client.client import HealthBookClient
from api_client.models import (
    VIETNAM_TZ,
    CheckInCodeState,
    ErrorEnvelope,
    HealthBook,
    Me,
    QueueEntry,
    RecordVisitRequest,
    RedeemRequest,
    RepresentativeUpdate,
    RequestModel,
    ResponseModel,
    Visit,
)
from server.demo import nguyen_van_hung

from ..conftest import bearer
from ..support import BASE_URL

NEW = {"added_in_a_later_server": {"anything": [1, 2]}}  # what a newer server might add anywhere
UNKNOWN = "added_in_a_later_server"
CITIZEN, DOCTOR = "001055001234", "001085007890"


def newer(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, **NEW}


def demo_book() -> HealthBook:
    book = nguyen_van_hung(date(2026, 5, 4))
    return HealthBook(person=book.person, history=book.history, visits=book.visits, vaccinations=book.vaccinations,
                      updated_at=datetime(2026, 5, 4, 9, 30, tzinfo=VIETNAM_TZ))


def test_a_book_from_a_newer_server_parses_and_the_new_fields_are_dropped():
    book = demo_book()
    payload = book.model_dump(mode="json")
    visit = next(v for v in payload["visits"] if v["diagnoses"] and v["prescriptions"])
    visit["diagnoses"][0] |= NEW
    visit["prescriptions"][0] |= NEW
    visit["vital_signs"] = newer({"pulse": 80})
    payload["person"] = newer(payload["person"])
    payload["person"]["insurance"] |= NEW
    payload["history"]["allergies"][0] |= NEW
    payload["vaccinations"][0] |= NEW
    payload["visits"] = [newer(v) for v in payload["visits"]]

    parsed = HealthBook.model_validate(newer(payload))

    assert UNKNOWN not in str(parsed.model_dump())
    assert parsed.person == book.person and parsed.history == book.history
    assert parsed.vaccinations == book.vaccinations
    assert next(v for v in parsed.visits if v.id == visit["id"]).vital_signs.pulse == 80


@pytest.mark.parametrize(("model", "payload"), [
    (Visit, {"id": "v1", "facility_code": "01902", "facility_name": "Trạm Y tế phường Ba Đình", "visit_type": "01",
             "started_at": "2026-05-04T08:00:00+07:00",
             "diagnoses": [newer({"icd10": "J02.9", "name": "Viêm họng cấp", "main": True})],
             "vital_signs": newer({"systolic": 120, "diastolic": 80})}),
    (Me, {"full_name": "Nguyễn Văn Hùng", "personal_id": CITIZEN, "identity_level": 2, "can_read_book": True,
          "roles": [newer({"role": "doctor", "facility_code": "01902"})],
          "dependents": [newer({"person_id": "p2", "full_name": "Lê Minh An", "birth_date": "2019-06-01",
                                "relationship": "child"})]}),
    (CheckInCodeState, {"id": "c1", "status": "used", "expires_at": "2026-05-04T08:05:00+07:00",
                        "used_at": "2026-05-04T08:01:00+07:00", "queue_number": 7}),
    (QueueEntry, {"check_in_id": "k1", "person_id": "p1", "queue_number": 7, "full_name": "Nguyễn Văn Hùng",
                  "birth_year": 1955, "sex": "male", "admitted_at": "2026-05-04T08:02:00+07:00",
                  "status": "waiting"}),
    (ErrorEnvelope, {"error": newer({"code": "not_found", "message": "Không tìm thấy.",
                                     "details": [newer({"field": None, "message": "?"})]})}),
])
def test_each_answer_ignores_fields_it_does_not_know(model: type[BaseModel], payload: dict[str, Any]):
    parsed = model.model_validate(newer(payload))
    assert parsed == model.model_validate(strip(payload))
    assert UNKNOWN not in str(parsed.model_dump())


def strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != UNKNOWN}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


async def test_the_installed_app_reads_a_newer_server():
    def newer_server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=newer({
            "full_name": "Nguyễn Văn Hùng", "personal_id": CITIZEN, "identity_level": 2, "can_read_book": True,
            "roles": [newer({"role": "doctor", "facility_code": "01902"})]}))

    async def token() -> str:
        return "t"

    client = HealthBookClient.connect(BASE_URL, token, transport=httpx.MockTransport(newer_server))
    me = await client.me()
    await client.aclose()
    assert me.full_name == "Nguyễn Văn Hùng" and me.records_visits


@pytest.mark.parametrize(("model", "payload"), [
    (RedeemRequest, newer({"code": "SSKDT:ABC"})),
    (RepresentativeUpdate, newer({"role": "caregiver", "full_name": "Lê Văn Đức", "relationship": "spouse",
                                  "phone": "0120007777"})),
    (RecordVisitRequest, {"personal_id": CITIZEN, "diagnoses": [newer({"icd10": "J02.9", "name": "Viêm họng"})]}),
    (RecordVisitRequest, {"personal_id": CITIZEN, "diagnoses": [{"icd10": "J02.9", "name": "Viêm họng"}],
                          "vital_signs": newer({"pulse": 80})}),
])
def test_a_request_with_a_field_the_server_does_not_know_is_refused(model: type[BaseModel], payload: dict):
    model.model_validate(strip(payload))  # valid without it
    with pytest.raises(ValidationError) as refused:
        model.model_validate(payload)
    assert [error["type"] for error in refused.value.errors()] == ["extra_forbidden"]
    assert refused.value.errors()[0]["loc"][-1] == UNKNOWN


def test_every_wire_model_says_which_way_it_travels():
    wire = [m for _, m in inspect.getmembers(models, inspect.isclass)
            if issubclass(m, BaseModel) and m.__module__ == models.__name__ and m not in (RequestModel, ResponseModel)]
    assert wire and all(issubclass(m, RequestModel | ResponseModel) for m in wire)
    for model in wire:
        expected = "forbid" if issubclass(model, RequestModel) or model is models.RecordedVitalSigns else "ignore"
        assert model.model_config.get("extra") == expected, model.__name__


async def test_every_json_body_the_server_takes_is_strict(http):
    """Any JSON request body in the OpenAPI (every nested object too) refuses unknown fields."""
    schema = (await http.get("/api/openapi.json")).json()
    components = schema["components"]["schemas"]

    def strict(node: Any, seen: frozenset[str] = frozenset()) -> list[str]:
        if isinstance(node, list):
            return [loose for item in node for loose in strict(item, seen)]
        if not isinstance(node, dict):
            return []
        if (ref := node.get("$ref")) is not None:
            name = ref.rsplit("/", 1)[-1]
            return [] if name in seen else strict(components[name], seen | {name})
        loose = [node.get("title", "?")] if "properties" in node and node.get("additionalProperties") is not False else []
        return loose + [found for value in node.values() for found in strict(value, seen)]

    bodies = [operation["requestBody"]["content"]["application/json"]["schema"]
              for path in schema["paths"].values() for operation in path.values()
              if "application/json" in operation.get("requestBody", {}).get("content", {})]
    assert len(bodies) >= 6 and strict(bodies) == []


async def test_the_server_refuses_a_body_with_an_unknown_field_and_keeps_nothing(http, login):
    citizen = bearer(await login(CITIZEN))
    code = await http.post("/api/v1/me/check-in-codes", json=newer({}), headers=citizen)
    assert code.status_code == 422
    [detail] = code.json()["error"]["details"]
    assert detail["field"] == UNKNOWN

    update = {"role": "caregiver", "full_name": "Lê Văn Đức", "relationship": "spouse", "phone": "0120007777"}
    refused = await http.put("/api/v1/me/representative", json=newer(update), headers=citizen)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "validation_failed"
    assert [d["field"] for d in refused.json()["error"]["details"]] == [UNKNOWN]
    book = (await http.get("/api/v1/me/book", headers=citizen)).json()
    assert all(r["full_name"] != "Lê Văn Đức" for r in book["person"].get("representatives", []))

    doctor = bearer(await login(DOCTOR))
    body = {"personal_id": CITIZEN, "diagnoses": [{"icd10": "J02.9", "name": "Viêm họng cấp"}],
            "vital_signs": newer({"pulse": 80})}
    visit = await http.post("/api/v1/clinic/visits", json=body, headers=doctor)
    assert visit.status_code == 422
    assert [d["field"] for d in visit.json()["error"]["details"]] == [f"vital_signs.{UNKNOWN}"]
