"""Ghi nhận lần khám: for a ward station without hospital software. What is recorded here is sent
as a signed QĐ 130 submission, exactly like a hospital's, and appears in the patient's book."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.icd10 import search_icd10

from .. import theme
from ..components import banner, card, heading, page_column, section, status_chip, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.record_visit import MedicineLine, build_record_request


@ft.component
def RecordVisitView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    patient = state.recording_for
    personal_id, set_personal_id = ft.use_state(patient[0] if patient else "")
    reason, set_reason = ft.use_state("")
    query, set_query = ft.use_state("")
    diagnoses, set_diagnoses = ft.use_state([])
    medicines, set_medicines = ft.use_state([MedicineLine()])
    advice, set_advice = ft.use_state("")
    re_exam, set_re_exam = ft.use_state("")
    problems, set_problems = ft.use_state([])
    done, set_done = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def guard() -> None:
        if state.me is None or state.me.clinic_assignment is None:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    def field(label: str, value: str, setter, **options) -> ft.TextField:
        return ft.TextField(label=label, value=value, on_change=lambda e: setter(e.control.value),
                            text_size=ui.type.body, **options)

    def pick(code: str, name: str):
        def handler() -> None:
            if code not in [c for c, _ in diagnoses]:
                set_diagnoses([*diagnoses, (code, name)])
            set_query("")
        return handler

    def drop(code: str):
        return lambda: set_diagnoses([d for d in diagnoses if d[0] != code])

    def edit(index: int, name: str):
        return lambda e: set_medicines([replace(m, **{name: e.control.value}) if i == index else m
                                        for i, m in enumerate(medicines)])

    async def send() -> None:
        request, found = build_record_request(
            personal_id=personal_id, reason=reason, diagnoses=diagnoses, medicines=medicines, advice=advice,
            re_exam=re_exam, today=date.today())
        set_problems([t(message) for message in found])
        if request is None:
            return
        set_busy(True)
        try:
            result = await session.check_in.record_visit(request)
            set_done(result)
        except (ApiError, Offline) as error:
            details = [f"{d['field']}: {d['message']}" for d in getattr(error, "details", [])]
            set_problems([user_message(error, t), *details])
        finally:
            set_busy(False)

    if done is not None:
        return page_column([
            banner(t("Signed and sent. The visit is now in the patient's health book."), ui, tone="info",
                   icon=ft.Icons.VERIFIED, identifier="visit-recorded"),
            ft.FilledButton(t("Back to reception"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                            on_click=session.go("/reception")),
        ], ui)

    matches = search_icd10(query) if query.strip() else []
    controls: list[ft.Control] = [
        heading(t("Record a visit"), ui, level=1),
        text(t("For stations without hospital software: the visit is signed with the station's certificate and "
               "sent like a hospital's."), ui, color=theme.MUTED),
        card([
            text(patient[1], ui, bold=True) if patient else ft.Container(),
            field(t("Personal ID number"), personal_id, set_personal_id, keyboard_type=ft.KeyboardType.NUMBER,
                  max_length=12),
            field(t("Reason for the visit"), reason, set_reason),
        ]),
        section(t("Diagnoses"), [
            field(t("Search ICD-10 by code or name"), query, set_query, prefix_icon=ft.Icons.SEARCH),
            *[ft.TextButton(f"{code} · {name}", on_click=pick(code, name), height=theme.TOUCH_TARGET)
              for code, name in matches],
            *[ft.Row([status_chip(t("Main") if i == 0 else str(i + 1), ui, "neutral"), text(f"{code} · {name}", ui),
                      ft.IconButton(ft.Icons.CLOSE, tooltip=t("Remove"), on_click=drop(code))],
                     wrap=True, spacing=theme.SPACE_S)
              for i, (code, name) in enumerate(diagnoses)],
        ], ui, identifier="record-diagnoses"),
        section(t("Prescription"), [
            *[ft.Column([
                ft.TextField(label=t("Medicine"), value=m.name, on_change=edit(i, "name")),
                ft.Row([ft.TextField(label=t("Strength"), value=m.strength, on_change=edit(i, "strength"), expand=1),
                        ft.TextField(label=t("Quantity"), value=m.quantity, on_change=edit(i, "quantity"), expand=1,
                                     keyboard_type=ft.KeyboardType.NUMBER)], wrap=True),
                ft.TextField(label=t("Dose"), value=m.dosage, on_change=edit(i, "dosage")),
                ft.TextField(label=t("How to take"), value=m.usage, on_change=edit(i, "usage")),
            ], spacing=theme.SPACE_S) for i, m in enumerate(medicines)],
            ft.TextButton(t("Add a medicine"), icon=ft.Icons.ADD, height=theme.TOUCH_TARGET,
                          on_click=lambda: set_medicines([*medicines, MedicineLine()])),
        ], ui),
        card([
            field(t("Doctor's advice"), advice, set_advice, multiline=True),
            field(t("Re-examination date (dd/mm/yyyy)"), re_exam, set_re_exam),
        ]),
    ]
    controls += [banner(problem, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="record-problem")
                 for problem in problems]
    controls.append(ft.FilledButton(t("Sign and send"), icon=ft.Icons.SEND, height=theme.TOUCH_TARGET + 8,
                                    on_click=send, disabled=busy))
    return page_column(controls, ui)
