"""The reception desk (tiếp đón): scan the citizen's QR, read the summary, admit to today's queue.

A USB/HID scanner types into the focused field and presses Enter; paste works the same way. Where
there is a camera, pictures taken every half second are decoded on the server.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..components import (
    Ui,
    banner,
    card,
    heading,
    icon_button,
    info_row,
    page_column,
    section,
    status_chip,
    text,
    use_ui,
)
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.check_in import SummaryModel, build_summary, queue_lines
from .home import allergy_banner

CAMERA_INTERVAL_SECONDS = 0.5


def summary_card(model: SummaryModel, ui: Ui) -> list[ft.Control]:
    t = ui.t
    identity = [
        ft.Semantics(identifier="patient-name", content=ft.Text(model.name, size=ui.type.headline,
                                                               weight=ft.FontWeight.BOLD)),
        text(model.born, ui, color=theme.MUTED),
        info_row(t("Personal ID number"), model.personal_id, ui),
    ]
    if model.insurance:
        tone = {"valid": "success", "expiring": "warning", "expired": "danger"}[model.insurance.status]
        identity += [
            ft.Row([info_row(t("Health insurance card"), model.insurance.code, ui),
                    status_chip(model.insurance.status_label, ui, tone)], wrap=True, spacing=theme.SPACE_M,
                   vertical_alignment=ft.CrossAxisAlignment.END),
            info_row(t("Validity"), model.insurance.validity, ui),
            *([info_row(t("Benefit"), model.insurance.benefit, ui)] if model.insurance.benefit else []),
            info_row(t("Registered primary care facility"), model.insurance.facility, ui),
        ]
    else:
        identity.append(info_row(t("Health insurance card"), t("No card linked"), ui))
    identity += [info_row(t("Guardian or caregiver"), guardian, ui) for guardian in model.guardians]
    nothing = [text(t("Nothing recorded"), ui, color=theme.MUTED)]
    return [
        allergy_banner(model.allergies, ui),
        card(identity, identifier="patient-identity"),
        section(t("Long-term conditions"), [text(c, ui) for c in model.conditions] or nothing, ui),
        section(t("Current medicines"), [
            ft.Column([text(name, ui, bold=True), text(detail, ui, size=ui.type.small, color=theme.MUTED)], spacing=2)
            for name, detail in model.medicines
        ] or nothing, ui, identifier="current-medicines"),
        section(t("Last visits"), [text(v, ui) for v in model.last_visits] or nothing, ui),
        section(t("Vaccinations"), [text(v, ui, size=ui.type.small) for v in model.vaccinations] or nothing, ui),
    ]


@ft.component
def CameraScanner(on_code, on_message):
    """Takes a picture every half second and asks the server to find a QR code in it."""
    import flet_camera as fc

    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    camera = ft.use_ref(None)

    async def scan() -> None:
        cameras = await camera.current.get_available_cameras()
        if not cameras:
            on_message(ui.t("No camera was found on this device. Use the scanner or paste the code."))
            return
        back = next((c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK), cameras[0])
        await camera.current.initialize(back, fc.ResolutionPreset.MEDIUM, enable_audio=False)
        while True:
            await asyncio.sleep(CAMERA_INTERVAL_SECONDS)
            picture = await camera.current.take_picture()
            if not picture:
                continue
            try:
                code = await session.check_in.decode(picture)
            except ApiError:
                continue  # no code in this picture yet
            await on_code(code)
            return

    ft.use_effect(scan, [], cleanup=lambda: None)  # a cleanup makes unmounting cancel the loop
    return ft.Container(fc.Camera(ref=camera, preview_enabled=True, expand=True), height=280,
                        border_radius=theme.RADIUS, bgcolor="#000000")


@ft.component
def ReceptionView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    check_in, set_check_in = ft.use_state(None)
    admitted, set_admitted = ft.use_state(None)
    error, set_error = ft.use_state(None)
    queue, set_queue = ft.use_state([])
    camera_on, set_camera_on = ft.use_state(False)
    scans, set_scans = ft.use_state(0)  # a new, empty, focused field after each scan
    busy, set_busy = ft.use_state(False)
    assignment = state.me.clinic_assignment if state.me else None

    async def guard() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
        elif assignment is None:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    async def refresh_queue() -> None:
        try:
            set_queue(await session.check_in.queue())
        except (ApiError, Offline):
            pass  # the scan still works; the queue shows again on the next refresh

    ft.use_effect(refresh_queue, [assignment is not None])

    async def look_up(code: str) -> None:
        code = code.strip()
        if not code or busy:
            return
        set_busy(True)
        set_error(None)
        set_admitted(None)
        try:
            set_check_in(await session.check_in.redeem(code))
        except (ApiError, Offline) as failure:
            set_check_in(None)
            set_error(user_message(failure, t))
        finally:
            set_busy(False)
            set_camera_on(False)
            set_scans(scans + 1)

    async def submitted(event: ft.Event) -> None:
        await look_up(event.control.value or "")

    async def admit() -> None:
        try:
            set_admitted(await session.check_in.admit(check_in))
            await refresh_queue()
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    if assignment is None:
        return page_column([text(t("Opening…"), ui)], ui)

    scan_field = ft.TextField(
        key=f"scan-{scans}", autofocus=True, label=t("Scan or paste the patient's code"),
        hint_text=t("The scanner types the code and presses Enter"), prefix_icon=ft.Icons.QR_CODE_SCANNER,
        on_submit=submitted, text_size=ui.type.body, disabled=busy,
    )
    controls: list[ft.Control] = [
        ft.Row([
            ft.Column([heading(t("Reception"), ui, level=1),
                       text(assignment.facility_name or assignment.facility_code, ui, color=theme.MUTED)],
                      spacing=0, expand=True),
            icon_button(ft.Icons.MENU_BOOK, t("My own health book"), session.go("/")),
        ]),
        card([
            scan_field,
            ft.Row([
                ft.OutlinedButton(t("Stop the camera") if camera_on else t("Use the camera"),
                                  icon=ft.Icons.VIDEOCAM_OFF if camera_on else ft.Icons.PHOTO_CAMERA,
                                  height=theme.TOUCH_TARGET, on_click=lambda: set_camera_on(not camera_on)),
            ], wrap=True),
            CameraScanner(look_up, set_error) if camera_on else ft.Container(),
        ], identifier="scan-card"),
    ]
    if busy:
        controls.append(ft.ProgressBar())
    if error:
        controls.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="scan-error"))
    if check_in is not None:
        model = build_summary(check_in.summary, now=datetime.now(UTC), t=t)
        controls += summary_card(model, ui)
        if admitted is None:
            controls.append(ft.FilledButton(t("Check in"), icon=ft.Icons.HOW_TO_REG, height=theme.TOUCH_TARGET + 8,
                                            on_click=admit))
        else:
            controls.append(banner(t("Checked in. Queue number {number}.", number=admitted.queue_number), ui,
                                   tone="info", icon=ft.Icons.CHECK_CIRCLE, identifier="admitted"))
        if admitted is not None and state.me is not None and state.me.records_visits:  # medical staff only

            async def record() -> None:
                state.recording_for = (check_in.summary.personal_id, check_in.summary.full_name)
                await session.navigate("/record-visit")

            controls.append(ft.OutlinedButton(t("Record the visit"), icon=ft.Icons.EDIT_NOTE,
                                              height=theme.TOUCH_TARGET, on_click=record))
    rows = [
        ft.Row([status_chip(number, ui, "neutral"), text(line, ui)], spacing=theme.SPACE_S, wrap=True)
        for number, line in queue_lines(queue, t)
    ]
    controls.append(section(t("Today's queue"), rows or [text(t("Nobody has been checked in today yet."), ui,
                                                                 color=theme.MUTED)], ui, identifier="queue"))
    return page_column(controls, ui)
