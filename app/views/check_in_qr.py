"""Mã QR khám bệnh: the code the receptionist scans instead of the paper booklet.

The QR carries only an opaque, single-use code. It counts down, renews itself before it
expires, can be cancelled, and says when (and where) it was used.
"""

from __future__ import annotations

import asyncio

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.models import CheckInCodeStatus

from .. import theme
from ..components import banner, card, page_column, text, use_ui
from ..components.qr_code import qr_png
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.check_in import countdown

TICK_SECONDS = 1.0
STATUS_EVERY_TICKS = 3  # ask the server whether the code was used every few seconds
ADMISSION_WAIT_TICKS = 600  # after the scan, ask for the queue number for half an hour at most
QR_MAX_SIDE = 300
QR_MARGINS = 3 * 2 * theme.SPACE_L  # page, card and the QR's white border, on both sides


def grouped(code: str) -> str:
    """SSKDT:ABCD EFGH ... so a receptionist can type it if the scanner fails."""
    body = code.removeprefix("SSKDT:")
    return " ".join(body[i:i + 4] for i in range(0, len(body), 4))


@ft.component
def CheckInQrView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    code, set_code = ft.use_state(None)
    seconds, set_seconds = ft.use_state(0)
    outcome, set_outcome = ft.use_state(None)  # None while a code is on show; used | cancelled | failed
    message, set_message = ft.use_state("")
    running, set_running = ft.use_state(True)
    generation, set_generation = ft.use_state(0)
    shown = ft.use_ref(None)  # the code on screen, for the cleanup to revoke
    person_id = state.active_person_id
    service = session.check_in
    png = ft.use_memo(lambda: qr_png(code.code) if code else None, [code.code if code else None])

    async def run() -> None:
        if not running or person_id is None:
            return
        set_code(None)
        set_outcome(None)
        try:
            current = await service.new_code(person_id)
            shown.current = current
            set_seconds(service.seconds_left(current))
            set_code(current)
            ticks = 0
            while True:
                await asyncio.sleep(TICK_SECONDS)
                ticks += 1
                if ticks % STATUS_EVERY_TICKS == 0:
                    found = await service.state(current)
                    if found.status is CheckInCodeStatus.USED:
                        shown.current = None
                        await follow_the_counter(current, found)
                        return
                if service.due_for_renewal(current):
                    current = await service.new_code(person_id, replacing=current)
                    shown.current = current
                    set_code(current)
                set_seconds(service.seconds_left(current))
        except (ApiError, Offline) as error:
            set_message(user_message(error, t))
            set_outcome("failed")

    async def follow_the_counter(used, found) -> None:
        """Scanned is not yet admitted: keep asking until the counter gives a queue number."""
        set_message(t("Scanned at {time} at {facility}. Wait for the counter to admit you.",
                      time=t.time(found.used_at), facility=found.facility_name or ""))
        set_outcome("scanned")
        for _ in range(ADMISSION_WAIT_TICKS):
            if found.queue_number is not None:
                set_message(t("Queue number {number} — {facility}", number=found.queue_number,
                              facility=found.facility_name or ""))
                set_outcome("admitted")
                return
            await asyncio.sleep(TICK_SECONDS * STATUS_EVERY_TICKS)
            found = await service.state(used)

    def leave() -> None:
        """Leaving the screen cancels the code: it is no use in a pocket."""
        if shown.current is not None:
            ft.context.page.run_task(service.cancel, shown.current)
            shown.current = None

    ft.use_effect(run, [person_id, generation, running], cleanup=leave)

    async def cancel() -> None:
        if shown.current is not None:
            await service.cancel(shown.current)
            shown.current = None
        set_running(False)
        set_outcome("cancelled")

    def start_again() -> None:
        set_running(True)
        set_generation(generation + 1)

    owner = state.book.person.full_name if state.book else (state.me.full_name if state.me else "")
    window = ft.context.page.width or QR_MAX_SIDE + QR_MARGINS
    side = max(160, min(QR_MAX_SIDE, int(window) - QR_MARGINS))  # a 360-px phone keeps its margins
    controls: list[ft.Control] = [
        ft.Semantics(header=True, heading_level=1, content=ft.Text(
            t("Check-in QR code"), size=ui.type.headline, weight=ft.FontWeight.BOLD, color=theme.PRIMARY)),
        text(t("For {name}", name=owner), ui, bold=True),
    ]
    if outcome is None and code is not None:
        # countdown and cancel next to the code: on a phone in large text they stay above the fold
        controls += [
            ft.Semantics(identifier="check-in-countdown", live_region=False, content=ft.Text(
                t("Valid for {time}", time=countdown(seconds)), size=ui.type.title, weight=ft.FontWeight.BOLD,
                text_align=ft.TextAlign.CENTER)),
            ft.Row([ft.Container(
                ft.Image(src=png, width=side, height=side, fit=ft.BoxFit.CONTAIN,
                         semantics_label=t("Check-in QR code for {name}", name=owner)),
                bgcolor="#FFFFFF", padding=theme.SPACE_L, border_radius=theme.RADIUS,
                border=ft.Border.all(1, theme.OUTLINE),
            )], alignment=ft.MainAxisAlignment.CENTER),
            ft.OutlinedButton(t("Cancel this code"), icon=ft.Icons.CANCEL_OUTLINED, height=theme.TOUCH_TARGET,
                              on_click=cancel),
            text(t("Show this code at the reception desk. It works once, and changes by itself every few minutes."),
                 ui),
            ft.Semantics(identifier="check-in-code-text", content=ft.Text(
                grouped(code.code), size=ui.type.small, color=theme.MUTED, text_align=ft.TextAlign.CENTER,
                font_family="monospace")),
            text(t("Turn the screen brightness up so the scanner reads it easily."), ui, size=ui.type.small,
                 color=theme.MUTED),
            ft.TextButton(t("No smartphone? Print a check-in card"), icon=ft.Icons.BADGE,
                          height=theme.TOUCH_TARGET, on_click=session.go("/card")),
        ]
    elif outcome is None:
        controls.append(ft.Row([ft.ProgressRing(), text(t("Making a new code…"), ui)], spacing=theme.SPACE_M))
    elif outcome == "admitted":
        controls += [
            ft.Semantics(identifier="check-in-admitted", live_region=True, content=ft.Container(
                ft.Text(message, size=ui.type.headline, weight=ft.FontWeight.BOLD, color=theme.PRIMARY,
                        text_align=ft.TextAlign.CENTER),
                bgcolor="#E3EEF9", padding=theme.SPACE_L, border_radius=theme.RADIUS,
                border=ft.Border.all(2, theme.PRIMARY), alignment=ft.Alignment.CENTER)),
            text(t("Please wait to be called. Your number is also on the screen at the counter."), ui),
            ft.TextButton(t("Who has looked at my book"), icon=ft.Icons.VISIBILITY,
                          height=theme.TOUCH_TARGET, on_click=session.go("/access-log")),
        ]
    else:
        notices = {
            "scanned": (message, "info", ft.Icons.HOURGLASS_TOP),
            "cancelled": (t("The code was cancelled. Nobody can use it."), "warning", ft.Icons.CANCEL_OUTLINED),
            "failed": (message, "danger", ft.Icons.ERROR_OUTLINE),
        }
        notice, tone, icon = notices[outcome]
        controls.append(banner(notice, ui, tone=tone, icon=icon, identifier=f"check-in-{outcome}"))
        if outcome != "scanned":
            controls.append(ft.FilledButton(t("Make a new code"), icon=ft.Icons.QR_CODE_2, height=theme.TOUCH_TARGET,
                                            on_click=start_again))
    return page_column([card(controls)], ui)
