"""Báo thông tin sai: a labelled button beside an item of the book that opens a short form (what is
wrong), sends it to the facility that signed the item, and says where to follow the answer."""

from __future__ import annotations

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.models import CORRECTION_NOTE_MAX

from .. import theme
from ..services import SessionContext
from ..services.corrections import CorrectionService, ReportTarget
from ..services.session import user_message
from . import text, use_ui


def error_message(failure: Exception, t) -> str:
    """The server's own words, in the reader's language; for a refused field, what to change in it."""
    if isinstance(failure, ApiError) and failure.details:
        return " ".join(detail.get("message", "") for detail in failure.details if detail.get("message"))
    return user_message(failure, t)


@ft.component
def ReportWrongButton(target: ReportTarget, what: str, person_id: str | None = None):
    """`what`: the item as the citizen sees it ("Glucose", "Amlodipin 5mg"), repeated in the form so
    they know what they are reporting; `person_id`: a dependent's book (None: one's own)."""
    _, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    sent, set_sent = ft.use_state(False)

    async def follow() -> None:
        await session.navigate("/corrections")

    if sent:
        return ft.Semantics(identifier="report-wrong-sent", container=True, content=ft.Row([
            ft.Icon(ft.Icons.MARK_EMAIL_READ_OUTLINED, color=theme.SUCCESS),
            ft.TextButton(t("Sent to the facility: follow the answer"), height=theme.TOUCH_TARGET, on_click=follow,
                          style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))),
        ], wrap=True, spacing=theme.SPACE_S))

    async def open_form() -> None:
        page = ft.context.page
        note = ft.TextField(
            label=t("What is wrong, and what is right?"), multiline=True, min_lines=3, max_lines=8,
            max_length=CORRECTION_NOTE_MAX, text_size=ui.type.body, label_style=ft.TextStyle(size=ui.type.body),
            autofocus=True,
        )
        problem = ft.Text("", size=ui.type.body, color=theme.DANGER, visible=False)
        sending = ft.ProgressRing(width=24, height=24, visible=False)

        async def cancel() -> None:
            page.pop_dialog()

        async def send() -> None:
            sending.visible, problem.visible = True, False
            dialog.update()
            try:
                await CorrectionService(session.books.client).report(target, note.value or "", person_id=person_id)
            except (ApiError, Offline) as failure:
                problem.value, problem.visible, sending.visible = error_message(failure, t), True, False
                dialog.update()
                return
            page.pop_dialog()
            set_sent(True)

        dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text(t("Report wrong information"), size=ui.type.title, weight=ft.FontWeight.BOLD),
            content=ft.Column([
                text(what, ui, bold=True),
                text(t("Your note goes to the health facility that recorded this. It answers in the app: corrected, "
                       "or not corrected with its reason."), ui, size=ui.type.small, color=theme.MUTED),
                note,
                ft.Semantics(identifier="report-wrong-error", live_region=True, content=problem),
                sending,
            ], tight=True, spacing=theme.SPACE_M, scroll=ft.ScrollMode.AUTO),
            actions=[
                ft.TextButton(t("Cancel"), height=theme.TOUCH_TARGET, on_click=cancel,
                              style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))),
                ft.FilledButton(t("Send"), icon=ft.Icons.SEND, height=theme.TOUCH_TARGET, on_click=send,
                                style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))),
            ],
        )
        page.show_dialog(dialog)

    return ft.Semantics(identifier=f"report-wrong-{target.kind}", container=True, content=ft.OutlinedButton(
        t("Report wrong information"), icon=ft.Icons.REPORT_OUTLINED, height=theme.TOUCH_TARGET, on_click=open_form,
        style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body)),
    ))
