"""Ghi nhận lần khám: a ward station without hospital software records a visit in the app; it
becomes a QĐ 130 envelope signed with the station's key and goes through the gateway."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from fastapi import APIRouter, Request

from api_client.identifiers import N_
from api_client.models import (
    VIETNAM_TZ,
    Diagnosis,
    PrescriptionItem,
    RecordVisitRequest,
    RecordVisitResult,
    ReExamAppointment,
    Visit,
)
from locales import negotiate, translations

from ..deps import MedicalStaffDep
from ..errors import ApiError, patient_not_checked_in
from ..gateway.service import render_receipt
from ..gateway.signing import load_credentials, sign_envelope
from ..gateway.xml130 import SubmissionRefused, build_envelope, tables_for

router = APIRouter(tags=["clinic"])


@router.post("/clinic/visits", status_code=201, response_model=RecordVisitResult)
def record_visit(body: RecordVisitRequest, request: Request, staff: MedicalStaffDep) -> RecordVisitResult:
    """Only for a patient checked in at the caller's facility today (an unknown ID gets the same answer)."""
    state = request.app.state
    today = datetime.fromtimestamp(state.settings.clock(), VIETNAM_TZ).date().isoformat()
    person_id = state.store.person_id_for(body.personal_id)
    if person_id is None or not state.check_ins.checked_in(person_id, staff.facility_code, today):
        raise patient_not_checked_in()
    person = state.store.administrative_for(body.personal_id)
    keys = state.settings.facility_keys_dir / staff.facility_code
    if not (keys / "key.pem").exists():
        raise ApiError(409, "station_cannot_sign",
                       N_("This facility has no signing key on the server. Send visits from your hospital software."))
    now = datetime.fromtimestamp(state.settings.clock(), VIETNAM_TZ).replace(second=0, microsecond=0)
    facility_name = state.store.facility_name(staff.facility_code) or staff.facility_code
    ma_lk = f"{staff.facility_code}-{now:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}"
    vitals = body.vital_signs if body.vital_signs and not body.vital_signs.empty else None
    visit = Visit(
        id=uuid.uuid4().hex, facility_code=staff.facility_code, facility_name=facility_name, visit_type="01",
        started_at=now - timedelta(minutes=15), ended_at=now, reason=body.reason,
        diagnoses=[Diagnosis(icd10=d.icd10, name=d.name, main=i == 0) for i, d in enumerate(body.diagnoses)],
        prescriptions=[PrescriptionItem(**m.model_dump(), route="Uống", prescribed_at=now) for m in body.prescriptions],
        doctor_advice=body.advice, outcome=2, discharge_type=1,
        # measured during the visit: the weight goes into XML1 CAN_NANG, all of them as a line of XML5
        vital_signs=vitals.model_copy(update={"measured_at": now}) if vitals else None,
        weight_kg=vitals.weight_kg if vitals else None,
        re_exam=ReExamAppointment(
            number=f"HKL-{ma_lk}", appointment_at=datetime.combine(body.re_exam_on, time(7, 30), VIETNAM_TZ),
            facility_code=staff.facility_code, facility_name=facility_name, doctor_name=staff.caller.full_name,
            diagnosis=body.diagnoses[0].name, issued_on=now.date(),
        ) if body.re_exam_on else None,
    )
    credentials = load_credentials(keys)
    envelope = build_envelope(staff.facility_code, [tables_for(person, visit, ma_lk)], now.date())
    signed = sign_envelope(envelope, credentials.key_pem, credentials.cert_pem)
    try:
        receipt = state.gateway.submit_signed_by_station(staff.facility_code, signed)
    except SubmissionRefused as refusal:
        raise ApiError(refusal.status, refusal.code, refusal.message, **refusal.params) from None
    receipt = render_receipt(receipt, translations(negotiate(request.headers.get("accept-language"))).gettext)
    [record] = receipt["records"]
    if record["status"] != "accepted":
        raise ApiError(422, "visit_rejected", N_("The visit was not accepted. Correct the fields listed."),
                       details=record["errors"])
    state.check_ins.finish_treatment(person_id, staff.facility_code, today)  # the queue shows the patient seen
    return RecordVisitResult(visit_id=record["visit_id"], person_id=person_id, full_name=person.full_name,
                             receipt=receipt)
