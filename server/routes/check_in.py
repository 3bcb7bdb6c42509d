"""Check-in at the counter: the citizen's short-lived QR code, the staff's redemption, identification
by chip ID card or number, the queue, and the access log that shows the citizen who looked."""

from __future__ import annotations

import io
import json
import warnings
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api_client.identifiers import N_
from api_client.models import (
    VIETNAM_TZ,
    AccessLogEntry,
    ActivationStep,
    AdmitRequest,
    CheckIn,
    CheckInCode,
    CheckInCodeRequest,
    CheckInCodeState,
    CheckInStatus,
    IdentifyRequest,
    QueueEntry,
    QueueStatusUpdate,
    RedeemRequest,
)

from ..deps import (
    CheckInsDep,
    ClinicStaff,
    ClinicStaffDep,
    Level2CallerDep,
    OwnPersonId,
    ReadablePersonId,
    ScanningCallerDep,
    StoreDep,
    readable_person_id,
)
from ..errors import (
    ApiError,
    already_admitted_today,
    card_mismatch,
    check_in_not_found,
    code_refused,
    identify_query_unreadable,
    no_qr_code_found,
    not_admitted,
    patient_not_found,
    too_many_attempts,
)
from ..identification import UnreadableQuery, card_differences, read_query
from ..storage import new_id
from ..storage.check_ins import IdentityOnFile, iso
from ..storage.protocols import CheckInRepository

router = APIRouter(tags=["check-in"])

MAX_IMAGE_PIXELS = 4096 * 4096  # a phone camera's picture fits; a decompression bomb does not


def now(request: Request) -> float:
    return request.app.state.settings.clock()


@router.post("/clinic/check-ins", status_code=201, response_model=CheckIn)
def redeem_check_in_code(body: RedeemRequest, request: Request, staff: ClinicStaffDep) -> Response:
    """The receptionist scans the citizen's code: one check-in, the patient summary, a line in the
    citizen's access log. Refused codes count towards a per-account and per-address limit."""
    store, check_ins, throttle = request.app.state.store, request.app.state.check_ins, request.app.state.redeem_throttle
    keys = attempt_keys(request, staff)
    if wait := throttle.retry_after(keys):
        raise too_many_attempts(wait)
    moment = now(request)
    check_in_id = new_id()
    redemption = check_ins.redeem(body.code, moment, new_check_in(check_in_id, staff))
    if redemption.person_id is None:
        throttle.record_failure(keys)
        reason = {"used": "code_already_used", "expired": "code_expired"}.get(redemption.refused, "code_not_found")
        raise code_refused(reason)
    return check_in_response(store, check_ins, redemption.person_id, moment, status_code=201, id=check_in_id,
                             facility_code=staff.facility_code, checked_at=iso(moment),
                             status=CheckInStatus.SCANNED, queue_number=None, method="book_qr", limited=False)


@router.post("/clinic/identify", status_code=201, response_model=CheckIn)
def identify(body: IdentifyRequest, request: Request, staff: ClinicStaffDep) -> Response:
    """No phone at the counter: the chip ID card's QR, a typed personal ID or a BHYT card code. Anyone can
    copy those, so the check-in shows identity and allergies only. Failures count towards the same limit
    as refused codes."""
    store, check_ins, throttle = request.app.state.store, request.app.state.check_ins, request.app.state.redeem_throttle
    keys = attempt_keys(request, staff)
    if wait := throttle.retry_after(keys):
        raise too_many_attempts(wait, looking_up=True)
    try:
        method, person = identified(check_ins, body.query)
    except ApiError:
        throttle.record_failure(keys)
        raise
    moment = now(request)
    check_in_id = new_id()
    check_ins.record_identification(person.person_id, method, moment, new_check_in(check_in_id, staff))
    return check_in_response(store, check_ins, person.person_id, moment, status_code=201, id=check_in_id,
                             facility_code=staff.facility_code, checked_at=iso(moment),
                             status=CheckInStatus.SCANNED, queue_number=None, method=method, limited=True)


def identified(check_ins: CheckInRepository, text: str) -> tuple[str, IdentityOnFile]:
    """The book the query names, or the refusal the desk reads."""
    try:
        query = read_query(text)
    except UnreadableQuery:
        raise identify_query_unreadable() from None
    if query.method == "bhyt":
        person = check_ins.person_by_insurance_code(query.number)
    else:
        person = check_ins.person_by_personal_id(query.number)
    if person is None:
        raise patient_not_found()
    if differences := card_differences(query, person.full_name, person.birth_date, person.birth_date_precision):
        raise card_mismatch(differences)
    return query.method, person


def attempt_keys(request: Request, staff: ClinicStaff) -> list[str]:
    """Failed attempts are counted per staff account and per client address."""
    return [f"staff:{staff.caller.sub}", f"address:{request.client.host if request.client else '-'}"]


def new_check_in(check_in_id: str, staff: ClinicStaff) -> dict:
    return {"id": check_in_id, "facility_code": staff.facility_code, "staff_personal_id": staff.caller.personal_id,
            "actor": staff.as_actor()}


def check_in_response(store, check_ins: CheckInRepository, person_id: str, moment: float, *, status_code: int = 200,
                      **fields) -> Response:
    """The check-in with its summary spliced in as the database assembled it (no parse and re-encode); a
    check-in by card or number (`limited`) carries identity and allergies only."""
    if fields["limited"]:
        summary = check_ins.identity_summary_json(person_id)
    else:
        summary = store.patient_summary_json(person_id, datetime.fromtimestamp(moment, UTC))
    head = json.dumps(fields, ensure_ascii=False)[:-1]
    return Response(f'{head}, "summary": {summary}}}', status_code, media_type="application/json")


@router.post("/me/check-in-codes", status_code=201, response_model=CheckInCode)
def create_check_in_code(
    request: Request, caller: Level2CallerDep, own_person_id: OwnPersonId, store: StoreDep, check_ins: CheckInsDep,
    body: Annotated[CheckInCodeRequest | None, Body()] = None,
) -> CheckInCode:
    """A fresh code for the caller's QR, or for a dependent's (`person_id`)."""
    person_id = readable_person_id(store, own_person_id, (body.person_id if body else None) or own_person_id)
    ttl = request.app.state.settings.check_in_code_ttl_seconds
    code_id, code, expires_at = check_ins.create_code(person_id, own_person_id, now(request), ttl)
    if person_id == own_person_id and caller.assisted_by is None:  # their QR, on their own device
        request.app.state.activation.record_steps(caller.personal_id, [ActivationStep.OWN_PHONE], now(request),
                                                  observed=True)
    return CheckInCode(id=code_id, code=code, person_id=person_id, expires_at=iso(expires_at))


@router.get("/me/check-in-codes/{code_id}", response_model=CheckInCodeState)
def read_check_in_code(code_id: str, request: Request, own_person_id: OwnPersonId, check_ins: CheckInsDep) -> JSONResponse:
    """Lets the QR screen see its code used (and where) or expired."""
    state = check_ins.code_state(code_id, own_person_id, now(request))
    if state is None:
        raise code_refused("code_not_found")
    return JSONResponse(state)


@router.delete("/me/check-in-codes", status_code=204)
def revoke_all_check_in_codes(request: Request, own_person_id: OwnPersonId, check_ins: CheckInsDep) -> Response:
    """Every open code the caller asked for (their own and their dependents'): the app calls this
    when signing out."""
    check_ins.revoke_open_codes(own_person_id, now(request))
    return Response(status_code=204)


@router.delete("/me/check-in-codes/{code_id}", status_code=204)
def revoke_check_in_code(code_id: str, request: Request, own_person_id: OwnPersonId, check_ins: CheckInsDep) -> Response:
    if not check_ins.revoke_code(code_id, own_person_id, now(request)):
        raise code_refused("code_not_found")
    return Response(status_code=204)


def _own_check_in(check_ins, check_in_id: str, staff) -> dict:
    found = check_ins.check_in(check_in_id)
    if found is None or found["facility_code"] != staff.facility_code:
        raise check_in_not_found()
    return found


@router.get("/clinic/check-ins/{check_in_id}", response_model=CheckIn)
def read_check_in(check_in_id: str, request: Request, staff: ClinicStaffDep, store: StoreDep,
                  check_ins: CheckInsDep) -> Response:
    """Opening the summary again (e.g. from the queue) is another read, logged as such; a check-in by
    card or number still shows identity and allergies only."""
    found = _own_check_in(check_ins, check_in_id, staff)
    moment = now(request)
    person_id, method = found["person_id"], found["method"]
    limited = method != "book_qr"
    check_ins.log_read(person_id, moment, staff.as_actor(), what="identity" if limited else "patient_summary",
                       purpose="identification" if limited else "check_in", method=method)
    return check_in_response(store, check_ins, person_id, moment, id=found["id"],
                             facility_code=found["facility_code"], checked_at=found["checked_at"],
                             status=found["status"], queue_number=found["queue_number"], method=method,
                             limited=limited)


@router.post("/clinic/check-ins/{check_in_id}/admit", response_model=QueueEntry)
def admit(check_in_id: str, request: Request, staff: ClinicStaffDep, check_ins: CheckInsDep,
                body: Annotated[AdmitRequest | None, Body()] = None) -> JSONResponse:
    """"Tiếp nhận": the patient joins today's queue (admitting the same check-in twice keeps its number).
    Someone already queued today through another check-in gets a second number only with `again`."""
    _own_check_in(check_ins, check_in_id, staff)
    admission = check_ins.admit(check_in_id, staff.facility_code, now(request), again=bool(body and body.again))
    if admission is None:  # gone between the two reads
        raise check_in_not_found()
    if admission.already_admitted is not None:
        raise already_admitted_today(admission.already_admitted)
    return JSONResponse(check_ins.queue_entry(check_in_id))


@router.post("/clinic/check-ins/{check_in_id}/status", response_model=QueueEntry)
def set_queue_status(check_in_id: str, body: QueueStatusUpdate, staff: ClinicStaffDep,
                           check_ins: CheckInsDep) -> JSONResponse:
    """Where the patient is: waiting, with the doctor, done, or left without being seen. Medical staff
    read the whole book only while it is waiting or with the doctor."""
    found = _own_check_in(check_ins, check_in_id, staff)
    if found["queue_number"] is None:
        raise not_admitted()
    check_ins.set_queue_status(check_in_id, body.status)
    return JSONResponse(check_ins.queue_entry(check_in_id))


@router.get("/clinic/queue", response_model=list[QueueEntry])
def today_queue(request: Request, staff: ClinicStaffDep, check_ins: CheckInsDep) -> JSONResponse:
    day = datetime.fromtimestamp(now(request), VIETNAM_TZ).date().isoformat()
    return JSONResponse(check_ins.queue(staff.facility_code, day))


@router.post("/clinic/qr-decode", openapi_extra={
    "requestBody": {"content": {"image/jpeg": {}, "image/png": {}}, "required": True}})
async def decode_qr(request: Request, scanner: ScanningCallerDep) -> dict[str, str]:
    """Camera scanning: the app sends a picture every half second; zxing-cpp finds the code here,
    so phones need no barcode library of their own."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    data = await request.body()  # at most 3 MB: see request_limits
    too_large = ApiError(413, "image_too_large", N_("The picture is too large. Send a smaller photo."))

    def decode() -> list[str]:  # tens of milliseconds of CPU: off the event loop
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
        if image.width * image.height > MAX_IMAGE_PIXELS:  # before decoding: a tiny file can declare gigapixels
            raise too_large
        image.load()
        return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]

    try:
        found = await run_in_threadpool(decode)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise no_qr_code_found() from None
    if not found:
        raise no_qr_code_found()
    return {"code": found[0]}


@router.get("/me/access-log", response_model=list[AccessLogEntry])
def own_access_log(person_id: OwnPersonId, check_ins: CheckInsDep) -> JSONResponse:
    """Ai đã xem sổ của tôi: every read by someone other than the citizen or their guardian."""
    return JSONResponse(check_ins.access_log(person_id))


@router.get("/people/{person_id}/access-log", response_model=list[AccessLogEntry])
def access_log(person_id: ReadablePersonId, check_ins: CheckInsDep) -> JSONResponse:
    return JSONResponse(check_ins.access_log(person_id))
