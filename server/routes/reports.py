"""The pilot report for health officials (Báo cáo kết quả thí điểm): figures of their area and of every
district, commune and facility under it, for a period, next to the previous period's; as JSON, XLSX or
PDF; and the official's own sections of the report. Aggregates only: no person's data, ever."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api_client.models import (
    VIETNAM_TZ,
    Area,
    ErrorEnvelope,
    PilotReport,
    ReportAssessment,
    ReportAssessmentUpdate,
    StaffRole,
)
from locales import negotiate, translations

from ..deps import Level2CallerDep
from ..errors import (
    area_not_allowed,
    area_not_found,
    assisted_session_not_allowed,
    export_unavailable,
    not_official,
    period_invalid,
)
from ..reports import build_report
from ..reports.periods import PeriodRefused, last_ended_month, parse_period
from ..security import Caller
from ..storage.reports import ReportStore

router = APIRouter(prefix="/reports", tags=["reports"])

AreaCode = Annotated[str | None, Query(pattern=r"^([0-9]{2}|[0-9]{3}|[0-9]{5})$",
                                       description="A code of the national list (2 digits a province, 3 a district, "
                                                   "5 a commune); the official's own area when absent")]
PeriodText = Annotated[str, Query(min_length=4, max_length=40,
                                  description="YYYY-MM, YYYY-H1, YYYY-H2, YYYY or YYYY-MM-DD..YYYY-MM-DD")]
EXPORTS = {
    "xlsx": ("report_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("report_pdf", "application/pdf"),
}


@dataclass(frozen=True)
class Official:
    caller: Caller
    areas: tuple[str, ...]  # the areas assigned: each, and everything under it, may be read

    @property
    def home(self) -> str:
        return self.areas[0]


def get_official(request: Request, caller: Level2CallerDep) -> Official:
    """A health official with an area; in a session on a volunteer's device, the citizen is the caller."""
    if caller.assisted_by is not None:
        raise assisted_session_not_allowed()
    areas = tuple(assignment.area for assignment in request.app.state.store.staff_assignments(caller.personal_id)
                  if assignment.role == StaffRole.OFFICIAL and assignment.area)
    if not areas:
        raise not_official()
    return Official(caller, areas)


OfficialDep = Annotated[Official, Depends(get_official)]


def readable_area(reports: ReportStore, official: Official, code: str | None) -> Area:
    """The area asked for, if the official may read it: their own, or one inside it."""
    area = reports.area(code or official.home)
    if area is None:
        raise area_not_found()
    if area.code in official.areas or any(code in official.areas for code in reports.ancestors(area.code)):
        return area
    raise area_not_allowed()


def _now(request: Request) -> datetime:
    return datetime.fromtimestamp(request.app.state.settings.clock(), VIETNAM_TZ)


@router.get("/areas", response_model=list[Area])
def list_areas(request: Request, official: OfficialDep) -> list[Area]:
    """The official's areas and every area inside them, for the drill-down: parents before children."""
    reports: ReportStore = request.app.state.reports
    found: dict[str, Area] = {}
    for code in official.areas:
        area = reports.area(code)
        if area is not None:
            found.setdefault(area.code, area)
            for inside in reports.areas_under(area.code):
                found.setdefault(inside.code, inside)
    return list(found.values())


@router.get("/pilot", response_model=PilotReport, responses={
    200: {"content": {"application/json": {}, **{media_type: {} for _, media_type in EXPORTS.values()}}},
    501: {"model": ErrorEnvelope, "description": "This export format is not available in this version"}})
def read_pilot_report(
    request: Request, official: OfficialDep, area: AreaCode = None,
    period: Annotated[str | None, Query(min_length=4, max_length=40,
                                        description="YYYY-MM, YYYY-H1, YYYY-H2, YYYY or YYYY-MM-DD..YYYY-MM-DD; "
                                                    "the last month ended when absent")] = None,
    export_format: Annotated[Literal["json", "xlsx", "pdf"], Query(alias="format")] = "json",
) -> Response:
    """The report of the area for the period, with every unit under it; `format=xlsx|pdf` to send upward."""
    reports: ReportStore = request.app.state.reports
    now = _now(request)
    try:
        asked = parse_period(period, now.date()) if period is not None else last_ended_month(now.date())
    except PeriodRefused as refused:
        raise period_invalid(refused.message) from None
    unit = readable_area(reports, official, area)
    language = negotiate(request.headers.get("accept-language"))
    report = build_report(reports, unit, asked, today=now.date(), now=now,
                          translate=translations(language).gettext)
    if export_format == "json":
        return Response(report.model_dump_json(), media_type="application/json")
    function, media_type = EXPORTS[export_format]
    try:
        export = importlib.import_module("server.reports.export")
    except ModuleNotFoundError as missing:
        if missing.name != "server.reports.export":
            raise
        raise export_unavailable() from None
    content = getattr(export, function)(report, language)
    filename = f"bao-cao-thi-diem-{unit.code}-{asked.label.replace('..', '_')}.{export_format}"
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.put("/pilot/assessment", response_model=ReportAssessment)
def save_assessment(body: ReportAssessmentUpdate, request: Request, official: OfficialDep, period: PeriodText,
                    area: AreaCode = None) -> ReportAssessment:
    """The official's own sections of the area's report for the period, kept with who wrote them and when."""
    reports: ReportStore = request.app.state.reports
    now = _now(request)
    try:
        asked = parse_period(period, now.date())
    except PeriodRefused as refused:
        raise period_invalid(refused.message) from None
    unit = readable_area(reports, official, area)
    return reports.save_assessment(unit.code, asked.label, body, official.caller.full_name, now)
