"""The volunteer's desk (Hỗ trợ người dân): find a resident present in person, walk their activation
checklist with them, and see who in the ward still needs help.

Activation only: the screen never shows, and the API never answers, anything of a health book. The
resident found is held in this screen's state alone; "Look up someone else" and leaving the screen drop it.
"""

from __future__ import annotations

from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.models import ActivationStep

from .. import theme
from ..components import (
    WRAPPING_LABEL_PADDING,
    Ui,
    banner,
    button_style,
    card,
    heading,
    page_column,
    status_chip,
    text,
    use_ui,
)
from ..components.camera_scanner import CameraScanner
from ..services import SessionContext
from ..services.session import user_message
from ..services.volunteer import guide_url
from ..viewmodels.activation import (
    ChecklistRow,
    FollowUpRow,
    ResidentModel,
    build_resident,
    follow_up_count,
    follow_up_rows,
    more_to_show,
    volunteer_assignment,
)

FOLLOW_UP_COLUMN_WIDTH = 440


def step_tile(row: ChecklistRow, ui: Ui, *, on_mark, busy: bool) -> ft.Control:
    """One step: done or not in an icon and in words, when and by whom, what to do, and the tick."""
    t = ui.t
    lines: list[ft.Control] = [
        ft.Row([
            ft.Icon(ft.Icons.CHECK_CIRCLE if row.done else ft.Icons.RADIO_BUTTON_UNCHECKED,
                    color=theme.SUCCESS if row.done else theme.MUTED, size=28),
            ft.Text(f"{row.number}. {row.label}", size=ui.type.body, weight=ft.FontWeight.BOLD, expand=True),
        ], spacing=theme.SPACE_S, vertical_alignment=ft.CrossAxisAlignment.START),
        status_chip(row.state_label, ui, "success" if row.done else "neutral"),
    ]
    if row.done_text:
        lines.append(text(row.done_text, ui, size=ui.type.small, color=theme.MUTED))
    lines.append(text(row.guidance, ui))
    if row.can_mark:
        lines.append(ft.OutlinedButton(t("Mark as done"), icon=ft.Icons.TASK_ALT, height=theme.TOUCH_TARGET,
                                       style=button_style(ui), disabled=busy, on_click=partial(on_mark, row.step)))
    return ft.Semantics(identifier=f"step-{row.step.value}", container=True, content=ft.Container(
        ft.Column(lines, spacing=theme.SPACE_XS),
        padding=theme.SPACE_M, border_radius=theme.RADIUS,
        border=ft.Border.all(1, theme.SUCCESS if row.done else "#D5DCE3"),
        bgcolor=theme.SUCCESS_CONTAINER if row.done else None,
    ))


def overall_line(model: ResidentModel, ui: Ui) -> ft.Control:
    if model.activated:
        colours, icon = (theme.SUCCESS_CONTAINER, theme.SUCCESS), ft.Icons.VERIFIED
    else:
        colours, icon = (theme.WARNING_CONTAINER, theme.WARNING), ft.Icons.PENDING_ACTIONS
    lines = [ft.Text(model.overall, size=ui.type.title, weight=ft.FontWeight.BOLD, color=colours[1])]
    if model.still_to_do:
        lines.append(ft.Text(model.still_to_do, size=ui.type.body, color=colours[1]))
    return ft.Semantics(identifier="activation-overall", live_region=True, content=ft.Container(
        ft.Row([ft.Icon(icon, color=colours[1], size=28), ft.Column(lines, spacing=2, expand=True)],
               spacing=theme.SPACE_M),
        bgcolor=colours[0], padding=theme.SPACE_M, border_radius=theme.RADIUS,
        border=ft.Border.all(1, colours[1]),
    ))


def follow_up_tile(number: int, row: FollowUpRow, ui: Ui) -> ft.Control:
    return ft.Semantics(identifier=f"resident-{number}", container=True, content=ft.Container(
        ft.Column([
            text(row.name, ui, bold=True),
            text(row.details, ui, size=ui.type.small, color=theme.MUTED),
            text(row.next_step, ui, size=ui.type.small),
        ], spacing=2),
        padding=theme.SPACE_S, border_radius=theme.RADIUS, border=ft.Border.all(1, "#D5DCE3"),
    ))


@ft.component
def VolunteerDeskView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    resident, set_resident = ft.use_state(None)  # ActivationStatus of the resident in front of the volunteer
    error, set_error = ft.use_state(None)  # the look-up's
    mark_error, set_mark_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    marking, set_marking = ft.use_state(False)
    camera_on, set_camera_on = ft.use_state(False)
    fields, set_fields = ft.use_state(0)  # a new, empty field after each resident found or cleared
    follow_up, set_follow_up = ft.use_state(None)  # FollowUpPage, all pages shown so far
    follow_error, set_follow_error = ft.use_state(None)
    loading_more, set_loading_more = ft.use_state(False)
    field = ft.use_ref(None)  # the query field the client last saw (its value is what is typed)
    generation = ft.use_ref(0)  # an answer that comes back after "Look up someone else" is dropped
    assignment = volunteer_assignment(state.me)

    async def guard() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
        elif assignment is None:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    async def load_follow_up() -> None:
        if assignment is None:
            return
        set_follow_error(None)
        try:
            set_follow_up(await session.volunteer.follow_up())
        except (ApiError, Offline) as failure:
            set_follow_error(user_message(failure, t))

    ft.use_effect(load_follow_up, [assignment is not None])

    async def show_more() -> None:
        set_loading_more(True)
        try:
            set_follow_up(await session.volunteer.more(follow_up))
        except (ApiError, Offline) as failure:
            set_follow_error(user_message(failure, t))
        finally:
            set_loading_more(False)

    def forget_resident() -> None:
        generation.current += 1
        field.current = None
        set_resident(None)
        set_error(None)
        set_mark_error(None)
        set_camera_on(False)
        set_fields(fields + 1)

    async def look_up(query: str) -> None:
        query = query.strip()
        if busy:
            return
        if not query:
            set_error(t("Type the resident's 12-digit personal ID number, or scan the QR code on their chip ID "
                        "card."))
            return
        generation.current += 1
        asked = generation.current
        set_busy(True)
        set_error(None)
        set_mark_error(None)
        try:
            found = await session.volunteer.look_up(query)
            if asked == generation.current:
                set_resident(found)
                field.current = None  # the card's QR text names the resident: not left in the field
                set_fields(fields + 1)
        except (ApiError, Offline) as failure:
            if asked == generation.current:
                set_resident(None)
                set_error(user_message(failure, t))
        finally:
            set_busy(False)
            set_camera_on(False)

    async def submitted(event: ft.Event) -> None:
        await look_up(event.control.value or "")

    async def search() -> None:
        await look_up((field.current.value if field.current is not None else "") or "")

    def camera_stopped(message: str) -> None:
        set_error(message)
        set_camera_on(False)

    async def mark(step: ActivationStep) -> None:
        if resident is None or marking:
            return
        asked = generation.current
        set_marking(True)
        set_mark_error(None)
        try:
            updated = await session.volunteer.mark_done(resident.personal_id, step)
            if asked == generation.current:
                set_resident(updated)
        except (ApiError, Offline) as failure:
            if asked == generation.current:
                set_mark_error(user_message(failure, t))
        finally:
            set_marking(False)
        await load_follow_up()  # the resident may have left the ward's list

    async def assisted() -> None:
        """The resident signs in themself; the desk keeps nothing of them meanwhile."""
        problem = await session.start_assisted()  # what went wrong, in words, or None
        if problem:
            set_mark_error(problem)
        else:
            forget_resident()

    async def open_guide() -> None:
        await ft.UrlLauncher().launch_url(guide_url(session.config.api_url))

    async def sign_out() -> None:
        forget_resident()
        await session.sign_out()

    if state.me is None or assignment is None:
        return page_column([text(t("Opening…"), ui)], ui)

    # ------------------------------------------------------------ header
    ward = assignment.area_name or (follow_up.commune_name if follow_up is not None else "")
    who = " · ".join(part for part in (state.me.full_name, t("Volunteer"), ward) if part)
    title = ft.Column([heading(t("Help for residents"), ui, level=1), text(who, ui, color=theme.MUTED)],
                      spacing=0, expand=ui.wide)
    tools: list[ft.Control] = [
        ft.OutlinedButton(t("User guide (PDF)"), icon=ft.Icons.PICTURE_AS_PDF, style=button_style(ui, wraps=True),
                          on_click=open_guide),
    ]
    if state.me.can_read_book:
        tools.append(ft.TextButton(t("My own health book"), icon=ft.Icons.MENU_BOOK, height=theme.TOUCH_TARGET,
                                   style=button_style(ui), on_click=session.go("/")))
    tools.append(ft.TextButton(t("Sign out"), icon=ft.Icons.LOGOUT, height=theme.TOUCH_TARGET,
                               style=button_style(ui), on_click=sign_out))
    header: ft.Control = (ft.Row([title, *tools], spacing=theme.SPACE_S) if ui.wide
                          else ft.Column([title, ft.Row(tools, wrap=True, spacing=theme.SPACE_S)]))

    # ------------------------------------------------------------ find a resident
    key = f"query-{fields}"
    previous = field.current
    query_field = ft.TextField(
        key=key, value=previous.value if previous is not None and previous.key == key else "",
        # The label is above the field, where it wraps: inside, a long one was cut in large text on a phone.
        hint_text=t("Scan the QR on the chip ID card, or type the 12 digits"), hint_max_lines=3,
        hint_style=ft.TextStyle(size=ui.type.body, color=theme.MUTED),
        prefix_icon=ft.Icons.BADGE, on_submit=submitted, text_size=ui.type.body, disabled=busy, expand=True,
    )
    field.current = query_field
    lookup_card: list[ft.Control] = [
        heading(t("Find a resident"), ui),
        text(t("Personal ID number or chip ID card QR"), ui, bold=True),
        ft.Row([query_field]),
        ft.Row([
            ft.FilledButton(t("Look up"), icon=ft.Icons.SEARCH, height=theme.TOUCH_TARGET, style=button_style(ui),
                            disabled=busy, on_click=search),
            ft.OutlinedButton(t("Stop the camera") if camera_on else t("Use the camera"),
                              icon=ft.Icons.VIDEOCAM_OFF if camera_on else ft.Icons.PHOTO_CAMERA,
                              height=theme.TOUCH_TARGET, style=button_style(ui),
                              on_click=lambda: set_camera_on(not camera_on)),
        ], wrap=True, spacing=theme.SPACE_S, run_spacing=theme.SPACE_S),
    ]
    if camera_on:
        lookup_card.append(CameraScanner(session.volunteer.decode, look_up, camera_stopped,
                                         t("No camera was found on this device. Type the number from the chip ID "
                                           "card.")))
    if busy:
        lookup_card.append(ft.ProgressBar())
    if error:
        lookup_card.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="lookup-error"))
    desk: list[ft.Control] = [card(lookup_card, identifier="volunteer-lookup")]

    # ------------------------------------------------------------ the resident's checklist
    if resident is not None:
        model = build_resident(resident, t)
        checklist: list[ft.Control] = [
            ft.Semantics(identifier="resident-name", content=ft.Text(model.name, size=ui.type.headline,
                                                                    weight=ft.FontWeight.BOLD)),
        ]
        if model.details:
            checklist.append(text(model.details, ui, color=theme.MUTED))
        checklist.append(overall_line(model, ui))
        if model.register_note:
            checklist.append(banner(model.register_note, ui, tone="info", icon=ft.Icons.INFO_OUTLINE,
                                    identifier="register-note"))
        checklist.append(heading(t("Activation checklist"), ui))
        if mark_error:
            checklist.append(banner(mark_error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE,
                                    identifier="mark-error"))
        if marking:
            checklist.append(ft.ProgressBar())
        checklist += [step_tile(row, ui, on_mark=mark, busy=marking) for row in model.rows]
        checklist += [
            ft.Divider(),
            ft.Semantics(identifier="assisted-session", content=ft.FilledButton(
                # A long label: it wraps on a phone, so the height comes from the label, at least 48 px.
                content=ft.Container(ft.Text(t("The resident signs in on this device (15-minute assisted session)"),
                                             size=ui.type.body, text_align=ft.TextAlign.CENTER),
                                     padding=ft.Padding.symmetric(vertical=WRAPPING_LABEL_PADDING)),
                icon=ft.Icons.PHONELINK_LOCK, style=button_style(ui), on_click=assisted,
            )),
            text(t("The resident types their own VNeID password: never ask for it. When the session ends, "
                   "nothing of the resident stays on this device."), ui, size=ui.type.small, color=theme.MUTED),
            ft.OutlinedButton(t("Look up someone else"), icon=ft.Icons.PERSON_SEARCH, height=theme.TOUCH_TARGET,
                              style=button_style(ui), on_click=forget_resident),
        ]
        desk.append(ft.Semantics(identifier="activation-checklist", container=True, content=ft.Container(
            ft.Column(checklist, spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            padding=theme.SPACE_L, bgcolor=theme.SURFACE, border_radius=theme.RADIUS,
            border=ft.Border.all(1, "#D5DCE3"),
        )))

    # ------------------------------------------------------------ the ward's follow-up list
    follow: list[ft.Control] = [heading(t("Residents to help"), ui)]
    if follow_error:
        follow += [
            banner(follow_error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="follow-up-error"),
            ft.OutlinedButton(t("Try again"), icon=ft.Icons.REFRESH, height=theme.TOUCH_TARGET,
                              style=button_style(ui), on_click=load_follow_up),
        ]
    if follow_up is None:
        if not follow_error:
            follow.append(ft.Row([ft.ProgressRing(width=24, height=24),
                                  text(t("Loading the list…"), ui, color=theme.MUTED)], spacing=theme.SPACE_M))
    else:
        follow.append(ft.Semantics(identifier="follow-up-count", live_region=True,
                                   content=text(follow_up_count(follow_up, t), ui, bold=True)))
        follow.append(ft.Column([follow_up_tile(number, row, ui)
                                 for number, row in enumerate(follow_up_rows(follow_up, t))],
                                spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH))
        if more_to_show(follow_up):
            follow.append(ft.OutlinedButton(t("Show more"), icon=ft.Icons.EXPAND_MORE, height=theme.TOUCH_TARGET,
                                            style=button_style(ui), disabled=loading_more, on_click=show_more))
    follow_section = card(follow, identifier="follow-up-list")

    if not ui.wide:
        return page_column([header, *desk, follow_section], ui)
    column = ft.Column(desk, spacing=theme.SPACE_M, scroll=ft.ScrollMode.AUTO, expand=True,
                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    side = ft.Column([follow_section], scroll=ft.ScrollMode.AUTO, width=FOLLOW_UP_COLUMN_WIDTH,
                     horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    return ft.Container(ft.Column([header, ft.Row([column, side], expand=True, spacing=theme.SPACE_L,
                                                  vertical_alignment=ft.CrossAxisAlignment.START)],
                                  expand=True, spacing=theme.SPACE_M),
                        padding=theme.SPACE_L, expand=True)
