"""The pilot report for officials: an area's figures for a period, the areas to drill down into, the
report's files to send upward, and the official's own sections. Aggregates only: nothing here ever
carries a person's data, and the server hides every count under 5 people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from api_client.client import HealthBookClient
from api_client.models import Area, PilotReport, ReportAssessment, ReportAssessmentUpdate

from ..viewmodels.reports import Period

ExportFormat = Literal["xlsx", "pdf"]


@dataclass
class ReportService:
    client: HealthBookClient

    async def report(self, area: str, period: Period) -> PilotReport:
        return await self.client.pilot_report(area, period.label)

    async def areas(self) -> list[Area]:
        """The official's own area and every area under it."""
        return await self.client.report_areas()

    async def export(self, area: str, period: Period, fmt: ExportFormat) -> bytes:
        """The report as the file the plans send upward: XLSX (a sheet per level) or PDF (A4)."""
        return await self.client.pilot_report_file(area, period.label, fmt)

    async def save_assessment(self, area: str, period: Period, *, effectiveness: str, difficulties: str,
                              proposals: str) -> ReportAssessment:
        update = ReportAssessmentUpdate(effectiveness=effectiveness, difficulties=difficulties, proposals=proposals)
        return await self.client.save_assessment(area, period.label, update)
