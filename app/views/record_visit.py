"""Ghi nhận lần khám: for a ward station without hospital software. What is recorded here is sent
as a signed QĐ 130 submission, exactly like a hospital's, and appears in the patient's book.

Three screens: the form, the review of exactly what will be signed, and the gateway's receipt in words.

Typed text is never replaced by the server: each keystroke only writes into the form object (no
re-render), and whenever the screen does re-render (a pick, a blur check, a new row), every field is
rebuilt with the value its control last received from the client, so nothing typed meanwhile is lost.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.icd10 import search_icd10
from api_client.models import VIETNAM_TZ

from .. import theme
from ..components import Ui, banner, heading, icon_button, info_row, status_chip, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.record_visit import (
    MAX_MEDICINES,
    RE_EXAM_HORIZON,
    VITAL_BY_NAME,
    VITAL_FIELDS,
    MedicineLine,
    RecordVisitForm,
    Review,
    build_request,
    build_review,
    field_errors,
    parse_day,
    picked_day,
    receipt_in_words,
    refusal_in_words,
)
from .visit_detail import measure_row

VITAL_PAIRS = (("pulse", "temperature"), ("systolic", "diastolic"), ("weight_kg", "height_cm"), ("spo2", "glucose"))
TWO_COLUMNS = {"xs": 12, "lg": 6}  # side by side from 992 px, one column below


def today() -> date:
    return datetime.now(VIETNAM_TZ).date()


def card(controls: list[ft.Control], *, identifier: str | None = None) -> ft.Control:
    """The app's card, with the fields as wide as the card (a form's fields line up with its edges)."""
    box = ft.Container(
        ft.Column(controls, spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        padding=theme.SPACE_L, bgcolor=theme.SURFACE, border_radius=theme.RADIUS, border=ft.Border.all(1, "#D5DCE3"),
    )
    return ft.Semantics(identifier=identifier, container=True, content=box) if identifier else box


def section(title: str, controls: list[ft.Control], ui: Ui, *, identifier: str | None = None) -> ft.Control:
    return card([heading(title, ui), *controls], identifier=identifier)


def side_by_side(controls: list[ft.Control], fits: bool) -> ft.Control:
    """Fields next to each other when their labels fit, else one under the other (never a wrapping Row:
    an expanded field inside a Wrap is Flutter's grey error box)."""
    if not fits:
        return ft.Column(controls, spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    return ft.Row([ft.Container(control, expand=1) for control in controls], spacing=theme.SPACE_S,
                  vertical_alignment=ft.CrossAxisAlignment.START)


def columns(left: list[ft.Control], right: list[ft.Control]) -> ft.Control:
    """Two columns on a desktop, one on a phone."""
    return ft.ResponsiveRow([
        ft.Column(left, col=TWO_COLUMNS, spacing=theme.SPACE_L, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        ft.Column(right, col=TWO_COLUMNS, spacing=theme.SPACE_L, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
    ], spacing=theme.SPACE_L, run_spacing=theme.SPACE_L, vertical_alignment=ft.CrossAxisAlignment.START)


def screen(controls: list[ft.Control], identifier: str) -> ft.Control:
    return ft.Column([
        ft.Semantics(identifier=identifier, container=True, content=ft.Container(
            ft.Column(controls, spacing=theme.SPACE_L, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            padding=theme.SPACE_L)),
    ], scroll=ft.ScrollMode.AUTO, expand=True)


def review_sections(review: Review, ui: Ui) -> tuple[list[ft.Control], list[ft.Control]]:
    t = ui.t
    none = [text(t("Nothing recorded"), ui, color=theme.MUTED)]
    left = [
        section(t("Patient"), [text(review.patient, ui, bold=True)]
                + ([info_row(t("Reason for the visit"), review.reason, ui)] if review.reason else []), ui,
                identifier="review-patient"),
        section(t("Diagnoses"), [text(d, ui) for d in review.diagnoses], ui, identifier="review-diagnoses"),
        section(t("Vital signs"), [measure_row(label, value, ui) for label, value in review.vitals] or none, ui,
                identifier="review-vitals"),
    ]
    right = [
        section(t("Prescription"), [
            ft.Column([
                text(m.title, ui, bold=True),
                text(t("Quantity: {quantity}", quantity=m.quantity), ui),
                *([text(m.how, ui, color=theme.MUTED)] if m.how else []),
            ], spacing=2) for m in review.medicines
        ] or none, ui, identifier="review-medicines"),
        section(t("Re-examination"), [text(review.re_exam or t("No re-examination appointment"), ui,
                                           bold=bool(review.re_exam))], ui, identifier="review-re-exam"),
        section(t("Doctor's advice"), [text(review.advice, ui)] if review.advice else none, ui,
                identifier="review-advice"),
    ]
    return left, right


@ft.component
def RecordVisitView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    patient = state.recording_for
    held = ft.use_ref(None)  # (the patient it is for, the form)
    if held.current is None or held.current[0] != patient:  # another patient, or signed out: a clean form
        held.current = (patient, RecordVisitForm(personal_id=patient[0] if patient else "",
                                                 patient_name=patient[1] if patient else ""))
    form: RecordVisitForm = held.current[1]
    live = ft.use_ref(dict)  # field key → the TextField the client last saw (its value is what is shown)
    touched = ft.use_ref(set)  # fields left at least once: their problems are shown
    step, set_step = ft.use_state("edit")  # edit → review → receipt
    errors, set_errors = ft.use_state({})
    attempted, set_attempted = ft.use_state(False)
    query, set_query = ft.use_state("")
    picking, set_picking = ft.use_state(False)
    request, set_request = ft.use_state(None)
    receipt, set_receipt = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    version, set_version = ft.use_state(0)  # the form object changed: render again

    async def guard() -> None:
        if state.me is None or state.me.clinic_assignment is None:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    day = today()

    def shown(all_errors: dict[str, str], everything: bool) -> dict[str, str]:
        if everything:
            return all_errors
        visible = set(touched.current)
        if {"vital.systolic", "vital.diastolic"} <= visible:
            visible.add("vital.blood_pressure")
        for key in list(visible):
            if key.startswith("medicine.") and key.count(".") == 2:  # a row's name is asked for once it is used
                visible.add(key.rsplit(".", 1)[0] + ".name")
        return {key: message for key, message in all_errors.items() if key in visible}

    def recheck(everything: bool | None = None) -> dict[str, str]:
        found = field_errors(form, day, t)
        visible = shown(found, attempted if everything is None else everything)
        if visible != errors:
            set_errors(visible)
        return found

    def on_picked(event: ft.Event) -> None:
        if event.control.value:
            form.pick_re_exam(picked_day(event.control.value))
            live.current.pop("re_exam", None)  # the form's value wins over what the field showed
            touched.current.add("re_exam")
            recheck()
        set_picking(False)

    current_re_exam = None
    with contextlib.suppress(ValueError):  # not a date yet: the picker opens on the earliest day
        current_re_exam = parse_day(form.re_exam) if form.re_exam.strip() else None
    earliest, latest = day + timedelta(days=1), day + RE_EXAM_HORIZON
    ft.use_dialog(ft.DatePicker(
        value=current_re_exam if current_re_exam and earliest <= current_re_exam <= latest else earliest,
        first_date=earliest, last_date=latest, current_date=day,
        help_text=t("Re-examination date"), confirm_text=t("Choose"), cancel_text=t("Cancel"),
        field_label_text=t("Re-examination date (dd/mm/yyyy)"),
        on_change=on_picked, on_dismiss=lambda: set_picking(False),
    ) if picking and step == "edit" else None)

    if state.me is None:  # signing out: nothing of the patient stays on a shared desk
        return screen([text(t("Opening…"), ui)], "record-form")

    def left(key: str):
        def handler() -> None:
            touched.current.add(key)
            recheck()
            if key == "re_exam":  # its long form under the field ("Thứ Hai, 30 tháng 11, 2026")
                set_version(version + 1)
        return handler

    large = ui.type.factor > 1
    two_up = ui.wide or not large  # two fields side by side still show their whole labels
    three_up = ui.wide and not large

    def field(key: str, label: str, value: str, on_value, *, error_key: str | None = None,
              **options) -> ft.TextField:
        """A text field whose typed value is kept in the form on every change, never re-sent by us."""
        previous = live.current.get(key)
        control = ft.TextField(
            label=label, value=previous.value if previous is not None else value,
            error=errors.get(error_key or key), error_max_lines=4,
            text_size=ui.type.body, label_style=ft.TextStyle(size=ui.type.body) if large else None,
            on_change=lambda e: on_value(e.control.value or ""), on_blur=left(key), **options)
        live.current[key] = control
        return control

    # ------------------------------------------------------------ actions

    def go_to(next_step: str) -> None:
        live.current.clear()  # the fields are rebuilt from the form when the form shows again
        set_step(next_step)

    def pick(code: str, name: str):
        def handler() -> None:
            form.add_diagnosis(code, name)
            live.current.pop("icd-search", None)
            set_query("")
            recheck()
            set_version(version + 1)
        return handler

    def drop(code: str):
        def handler() -> None:
            form.remove_diagnosis(code)
            recheck()
            set_version(version + 1)
        return handler

    def add_medicine() -> None:
        form.add_medicine()
        set_version(version + 1)

    def remove_medicine(key: int):
        def handler() -> None:
            form.remove_medicine(key)
            for name in list(live.current):
                if name.startswith(f"medicine.{key}."):
                    live.current.pop(name)
            recheck()
            set_version(version + 1)
        return handler

    def review() -> None:
        set_attempted(True)
        found = recheck(everything=True)
        if found:
            return
        set_request(build_request(form, day))
        go_to("review")

    async def send() -> None:
        if busy or request is None:
            return
        set_busy(True)
        try:
            result = await session.check_in.record_visit(request)
            set_receipt(receipt_in_words(result, form.patient_name, t))
        except ApiError as error:
            set_receipt(refusal_in_words(user_message(error, t), error.details, t))
        except Offline as error:
            set_receipt(refusal_in_words(user_message(error, t), [], t))
        finally:
            set_busy(False)
        go_to("receipt")

    back_to_reception = ft.TextButton(t("Back to reception"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                                      on_click=session.go("/reception"))

    # ------------------------------------------------------------ the receipt

    if step == "receipt" and receipt is not None:
        controls: list[ft.Control] = [
            heading(t("Record a visit"), ui, level=1),
            banner(receipt.title, ui, tone="info" if receipt.accepted else "danger",
                   icon=ft.Icons.VERIFIED if receipt.accepted else ft.Icons.ERROR_OUTLINE,
                   identifier="visit-recorded" if receipt.accepted else "visit-refused"),
        ]
        if receipt.lines:
            controls.append(card([text(line, ui) for line in receipt.lines], identifier="receipt-lines"))
        if receipt.reference:
            controls.append(text(receipt.reference, ui, size=ui.type.small, color=theme.MUTED))
        buttons = [] if receipt.accepted else [
            ft.FilledButton(t("Back to edit"), icon=ft.Icons.EDIT, height=theme.TOUCH_TARGET,
                            on_click=lambda: go_to("edit"))]
        buttons.append(ft.OutlinedButton(t("Back to reception"), icon=ft.Icons.ARROW_BACK,
                                         height=theme.TOUCH_TARGET, on_click=session.go("/reception")))
        controls.append(ft.Row(buttons, wrap=True, spacing=theme.SPACE_M, run_spacing=theme.SPACE_S))
        return screen(controls, "record-receipt")

    # ------------------------------------------------------------ the review

    if step == "review" and request is not None:
        shown_review = build_review(request, form.patient_name, t)
        review_left, review_right = review_sections(shown_review, ui)
        facility = state.me.clinic_assignment.facility_name if state.me.clinic_assignment else ""
        controls = [
            heading(t("Check before signing"), ui, level=1),
            text(t("This is exactly what will be signed with the certificate of {facility} and sent to the "
                   "patient's health book.", facility=facility or ""), ui, color=theme.MUTED),
            columns(review_left, review_right),
            ft.Row([
                ft.OutlinedButton(t("Back to edit"), icon=ft.Icons.EDIT, height=theme.TOUCH_TARGET,
                                  on_click=lambda: go_to("edit"), disabled=busy),
                ft.FilledButton(t("Signing and sending…") if busy else t("Sign and send"), icon=ft.Icons.SEND,
                                height=theme.TOUCH_TARGET + 8, on_click=send, disabled=busy),
            ], wrap=True, spacing=theme.SPACE_M, run_spacing=theme.SPACE_S),
        ]
        if busy:
            controls.append(ft.ProgressBar())
        return screen(controls, "record-review")

    # ------------------------------------------------------------ the form

    matches = search_icd10(query) if query.strip() else []
    patient_card = card([
        text(form.patient_name, ui, bold=True, size=ui.type.title) if form.patient_name else ft.Container(),
        field("personal_id", t("Personal ID number"), form.personal_id, lambda v: form.set("personal_id", v),
              keyboard_type=ft.KeyboardType.NUMBER, max_length=12),
        field("reason", t("Reason for the visit"), form.reason, lambda v: form.set("reason", v), multiline=True),
    ], identifier="record-patient")

    diagnosis_rows = [
        ft.Row([
            status_chip(t("Main") if i == 0 else str(i + 1), ui, "neutral"),
            ft.Container(text(f"{code} · {name}", ui), expand=True),
            icon_button(ft.Icons.CLOSE, t("Remove {diagnosis}", diagnosis=code), drop(code)),
        ], spacing=theme.SPACE_S)
        for i, (code, name) in enumerate(form.diagnoses)
    ]
    diagnoses_section = section(t("Diagnoses"), [
        *diagnosis_rows,
        field("icd-search", t("Search ICD-10 by code or name"), query, set_query, error_key="diagnoses",
              prefix_icon=ft.Icons.SEARCH),
        *[ft.TextButton(f"{code} · {name}", key=f"icd-{code}", on_click=pick(code, name), height=theme.TOUCH_TARGET)
          for code, name in matches],
    ], ui, identifier="record-diagnoses")

    form_labels = {"systolic": t("Systolic"), "diastolic": t("Diastolic")}  # under "Blood pressure (mmHg)"

    def vital_field(name: str) -> ft.TextField:
        spec = VITAL_BY_NAME[name]
        error_key = f"vital.{name}"
        if name == "diastolic" and "vital.blood_pressure" in errors and error_key not in errors:
            error_key = "vital.blood_pressure"
        return field(f"vital.{name}", form_labels.get(name, t(spec.label)), form.vitals.get(name, ""),
                     lambda v: form.set_vital(name, v), error_key=error_key, suffix=t(spec.unit),
                     keyboard_type=ft.KeyboardType.NUMBER if spec.whole else ft.KeyboardType.TEXT)

    pressure_caption = text(t("Blood pressure (mmHg)"), ui, size=ui.type.small, color=theme.MUTED)
    vital_rows: list[ft.Control] = []
    if two_up:
        for a, b in VITAL_PAIRS:
            if a == "systolic":
                vital_rows.append(pressure_caption)
            vital_rows.append(side_by_side([vital_field(a), vital_field(b)], True))
    else:
        for spec in VITAL_FIELDS:
            if spec.name == "systolic":
                vital_rows.append(pressure_caption)
            vital_rows.append(vital_field(spec.name))
    vitals_section = section(t("Vital signs"), [
        text(t("Optional. Only what was measured at this visit."), ui, size=ui.type.small, color=theme.MUTED),
        *vital_rows,
    ], ui, identifier="record-vitals")

    def medicine_card(number: int, line: MedicineLine) -> ft.Control:
        key = line.key

        def medicine_field(name: str, label: str, **options) -> ft.TextField:
            return field(f"medicine.{key}.{name}", label, getattr(line, name),
                         lambda v: form.set_medicine(key, name, v), **options)

        strength = medicine_field("strength", t("Strength"), hint_text=t("e.g. 500 mg"))
        quantity = medicine_field("quantity", t("Quantity"), keyboard_type=ft.KeyboardType.NUMBER)
        unit = medicine_field("unit", t("Unit"), hint_text=t("tablet, sachet, bottle"))
        dosage = medicine_field("dosage", t("Dose"), hint_text=t("e.g. 1 tablet, 3 times a day"))
        usage = medicine_field("usage", t("How to take"), hint_text=t("e.g. after meals"))
        if three_up:
            amounts = [side_by_side([strength, quantity, unit], True)]
        else:
            amounts = [strength, side_by_side([quantity, unit], two_up)]
        return ft.Semantics(identifier=f"medicine-{number}", container=True, content=ft.Container(
            ft.Column([
                ft.Row([
                    ft.Container(text(t("Medicine {number}", number=number), ui, bold=True), expand=True),
                    icon_button(ft.Icons.DELETE_OUTLINE, t("Remove medicine {number}", number=number),
                                remove_medicine(key), color=theme.DANGER),
                ], spacing=theme.SPACE_S),
                medicine_field("name", t("Medicine name")),
                *amounts,
                side_by_side([dosage, usage], ui.wide and not large),
            ], spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            padding=theme.SPACE_M, border_radius=theme.RADIUS, border=ft.Border.all(1, theme.OUTLINE),
        ))

    prescription_section = section(t("Prescription"), [
        *[medicine_card(i, line) for i, line in enumerate(form.medicines, start=1)],
        *([] if form.medicines else [text(t("No medicines prescribed."), ui, color=theme.MUTED)]),
        ft.OutlinedButton(t("Add a medicine"), icon=ft.Icons.ADD, height=theme.TOUCH_TARGET,
                          on_click=add_medicine, disabled=len(form.medicines) >= MAX_MEDICINES),
    ], ui, identifier="record-prescription")

    re_exam_field = field("re_exam", t("Re-examination date"), form.re_exam,
                          lambda v: form.set("re_exam", v), keyboard_type=ft.KeyboardType.DATETIME,
                          # the day in words ("9 tháng 12, 2026"); the line is always there, so nothing moves
                          helper=t.long_date(current_re_exam) if current_re_exam and "re_exam" not in errors
                          else t("Write it as dd/mm/yyyy, or choose it in the calendar"))
    follow_up = card([
        heading(t("Re-examination and advice"), ui),
        ft.Row([
            ft.Container(re_exam_field, expand=True),
            ft.Container(icon_button(ft.Icons.CALENDAR_MONTH, t("Choose the re-examination date"),
                                     lambda: set_picking(True), color=theme.PRIMARY), padding=ft.Padding.only(top=4)),
        ], spacing=theme.SPACE_S, vertical_alignment=ft.CrossAxisAlignment.START),
        field("advice", t("Doctor's advice"), form.advice, lambda v: form.set("advice", v), multiline=True,
              min_lines=2),
    ], identifier="record-follow-up")

    actions: list[ft.Control] = []
    if attempted and errors:
        actions.append(banner(t("Some fields need correcting: they are marked in red."), ui, tone="danger",
                              icon=ft.Icons.ERROR_OUTLINE, identifier="record-problem"))
    actions.append(ft.FilledButton(t("Review before signing"), icon=ft.Icons.FACT_CHECK,
                                   height=theme.TOUCH_TARGET + 8, on_click=review))

    controls = [
        ft.Row([back_to_reception], wrap=True),
        heading(t("Record a visit"), ui, level=1),
        text(t("For stations without hospital software: the visit is signed with the station's certificate and "
               "sent like a hospital's."), ui, color=theme.MUTED),
        columns([patient_card, diagnoses_section, vitals_section],
                [prescription_section, follow_up, *actions]),
    ]
    return screen(controls, "record-form")
