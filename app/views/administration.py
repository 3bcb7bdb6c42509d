"""Quản trị: the health department's administrators register facilities, give them gateway keys and
signing certificates and staff them; a facility's head staffs their own. Every change is audited and
the audit is on this screen. Nothing here shows anyone's health data."""

from __future__ import annotations

from datetime import date
from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.models import AdminFacility, AdminScope, FacilityKind, FacilityUpdate, StaffAssign, StaffRole

from .. import theme
from ..components import (
    banner,
    button_style,
    card,
    empty_state,
    heading,
    info_row,
    loading,
    page_column,
    status_chip,
    text,
    use_ui,
)
from ..services import SessionContext
from ..services.administration import AdministrationService
from ..services.session import user_message
from ..viewmodels.administration import (
    ALL,
    AREA_ROLES,
    FACILITIES_PER_PAGE,
    FACILITY_KIND,
    OVERLAPS,
    area_choices,
    area_role_errors,
    assignable_roles,
    audit_line,
    certificate_line,
    facility_form_errors,
    facility_page,
    facility_rows,
    key_line,
    staff_form_errors,
    staff_line,
)
from ..viewmodels.check_in import STAFF_ROLE

NEW = "new"  # the form is open for a facility not registered yet
AREA_ROLES_OPEN = "area-roles"  # the roles for an area are open instead of the list


def _field(ui, label: str, typed: dict[str, str], key: str, *, error: str | None = None, **options) -> ft.TextField:
    """A text field whose text is kept in `typed` (a ref's dict) as it is typed: a render in between (a message
    shown) keeps it, and Save reads what was typed last."""

    def keep(event: ft.Event[ft.TextField]) -> None:
        typed[key] = event.control.value or ""

    return ft.TextField(label=label, value=typed[key], on_change=keep, error=error, error_max_lines=3,
                        text_size=ui.type.body,
                        label_style=ft.TextStyle(size=ui.type.body), **options)


def _choice(ui, label: str, value: str, options: list[tuple[str, str]], on_pick) -> ft.Control:
    """A dropdown in its own semantics node: otherwise Flutter gives its button role to the enclosing card,
    and a screen reader (or a test) no longer finds the buttons inside that card."""
    return ft.Semantics(container=True, content=ft.Dropdown(
        label=label, value=value, text_size=ui.type.body, label_style=ft.TextStyle(size=ui.type.body),
        options=[ft.DropdownOption(key=key, text=words) for key, words in options],
        on_select=lambda event: on_pick(event.control.value)))


def failure_text(failure: Exception, t) -> str:
    """The server's message and what it says of each field (each line of an imported list)."""
    words = user_message(failure, t)
    details = getattr(failure, "details", None) or []
    lines = [f"{d['field']}: {d['message']}" if str(d.get("field", "")).startswith("line ") else d["message"]
             for d in details[:10] if d.get("message")]
    return "\n".join([words, *lines])


def _message(message, ui, identifier: str) -> list[ft.Control]:
    if not message:
        return []
    words, tone = message
    return [banner(words, ui, tone=tone, icon=ft.Icons.INFO_OUTLINE if tone == "info" else ft.Icons.ERROR_OUTLINE,
                   identifier=identifier)]


@ft.component
def FacilityForm(facility: AdminFacility | None, on_saved, on_cancel):
    """Register a facility, or change one: code, name, kind, public or not, BHYT contract, commune, address."""
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    typed = ft.use_ref(lambda: {"code": facility.code if facility else "", "name": facility.name if facility else "",
                                "commune_code": (facility.commune_code or "") if facility else "",
                                "address": (facility.address or "") if facility else ""}).current
    kind, set_kind = ft.use_state(facility.kind if facility and facility.kind else FacilityKind.HEALTH_STATION.value)
    public, set_public = ft.use_state(facility.public if facility and facility.public is not None else True)
    contract, set_contract = ft.use_state(facility.bhyt_contract if facility and facility.bhyt_contract is not None
                                          else True)
    errors, set_errors = ft.use_state({})
    message, set_message = ft.use_state(None)

    def value(name: str) -> str:
        return typed[name].strip()

    async def save() -> None:
        problems = facility_form_errors(value("code"), value("name"), value("commune_code"), t)
        set_errors(problems)
        if problems:
            return
        update = FacilityUpdate(code=value("code"), name=value("name"), kind=FacilityKind(kind), public=public,
                                bhyt_contract=contract, commune_code=value("commune_code"),
                                address=value("address") or None)
        try:
            saved = await AdministrationService(session.books.client).save_facility(update)
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))
            return
        await on_saved(saved)

    return card([
        heading(t("Change the facility") if facility else t("Register a facility"), ui),
        _field(ui, t("Facility code (MA_CSKCB, 5 digits)"), typed, "code",
               error=errors.get("code"), read_only=facility is not None, keyboard_type=ft.KeyboardType.NUMBER,
               max_length=5),
        _field(ui, t("Name"), typed, "name", error=errors.get("name")),
        _choice(ui, t("Kind"), kind, [(k.value, t(FACILITY_KIND[k])) for k in FacilityKind], set_kind),
        ft.Switch(label=t("Public facility"), value=public, on_change=lambda event: set_public(event.control.value),
                  label_text_style=ft.TextStyle(size=ui.type.body)),
        ft.Switch(label=t("Has a BHYT contract"), value=contract,
                  on_change=lambda event: set_contract(event.control.value),
                  label_text_style=ft.TextStyle(size=ui.type.body)),
        _field(ui, t("Commune or ward code (5 digits)"), typed, "commune_code", error=errors.get("commune_code"),
               keyboard_type=ft.KeyboardType.NUMBER, max_length=5),
        _field(ui, t("Address"), typed, "address"),
        *_message(message, ui, "facility-form-message"),
        ft.Row([
            ft.FilledButton(t("Save the facility"), icon=ft.Icons.SAVE, height=theme.TOUCH_TARGET,
                            style=button_style(ui), on_click=save),
            ft.TextButton(t("Cancel"), height=theme.TOUCH_TARGET, style=button_style(ui), on_click=on_cancel),
        ], wrap=True, spacing=theme.SPACE_S),
    ], identifier="facility-form")


def _revocable(ui, words: str, active: bool, revoke) -> ft.Control:
    """A key's or a certificate's line, with its Revoke button while it works."""
    row: list[ft.Control] = [text(words, ui, size=ui.type.small, color=None if active else theme.MUTED)]
    if active:
        row.append(ft.TextButton(ui.t("Revoke"), icon=ft.Icons.BLOCK, height=theme.TOUCH_TARGET,
                                 style=button_style(ui), on_click=revoke))
    return ft.Row(row, wrap=True, spacing=theme.SPACE_S)


@ft.component
def CredentialsPanel(code: str, on_changed):
    """The facility's API keys (a new one shown once) and signing certificates, each revocable."""
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    view, set_view = ft.use_state(None)
    overlap, set_overlap = ft.use_state(OVERLAPS[-1][0])
    issued, set_issued = ft.use_state(None)  # the key, shown this once
    message, set_message = ft.use_state(None)

    def service() -> AdministrationService:
        return AdministrationService(session.books.client)

    async def load() -> None:
        try:
            set_view(await service().credentials(code))
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))

    ft.use_effect(load, [code])

    async def act(action, done: str) -> None:
        set_message(None)
        try:
            result = await action()
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))
            return
        await load()  # the list shows the change by the time the message says it is done
        set_message((done, "info"))
        await on_changed()
        return result

    async def issue() -> None:
        key = await act(partial(service().issue_key, code, overlap), t("A new API key is issued."))
        if key:
            set_issued(key.api_key)

    async def upload() -> None:
        files = await ft.FilePicker().pick_files(dialog_title=t("The facility's signing certificate"),
                                                 allowed_extensions=["pem", "crt", "cer", "der"], with_data=True,
                                                 cancel_upload_on_window_blur=False)
        if not files or files[0].bytes is None:
            return
        await act(partial(service().register_certificate, code, files[0].bytes, files[0].name),
                  t("The certificate is registered: envelopes signed with it are accepted."))

    async def copy_key() -> None:
        if issued:
            await ft.Clipboard().set(issued)
            set_message((t("The key is copied. Paste it into the facility's software now."), "info"))

    controls: list[ft.Control] = [heading(t("Gateway keys and certificates"), ui)]
    if issued:
        controls.append(card([
            text(t("The facility's new API key. It is shown only this once: give it to the facility's software now."),
                 ui, bold=True),
            # Read out and copied with the button: a selectable text has no label a screen reader can read.
            ft.Semantics(identifier="issued-key", container=True, content=ft.Text(
                issued, size=ui.type.body, font_family="monospace", weight=ft.FontWeight.BOLD)),
            ft.Row([ft.OutlinedButton(t("Copy the key"), icon=ft.Icons.COPY, height=theme.TOUCH_TARGET,
                                      style=button_style(ui), on_click=copy_key),
                    ft.TextButton(t("Done, hide the key"), height=theme.TOUCH_TARGET, style=button_style(ui),
                                  on_click=lambda: set_issued(None))], wrap=True, spacing=theme.SPACE_S),
        ], bgcolor=theme.WARNING_CONTAINER))
    controls += _message(message, ui, "credentials-message")
    if view is None and not message:
        controls.append(loading(t("Loading…"), ui))
    if view is not None:
        for key in view.keys:
            controls.append(_revocable(ui, key_line(key, t), key.active, partial(
                act, partial(service().revoke_key, code, key.key_id), t("The key is revoked."))))
        if not view.keys:
            controls.append(text(t("No API key yet."), ui, color=theme.MUTED))
        controls.append(ft.Row([
            _choice(ui, t("Keys already working"), str(overlap), [(str(hours), t(label)) for hours, label in OVERLAPS],
                    lambda picked: set_overlap(int(picked))),
            ft.FilledButton(t("Issue a new API key"), icon=ft.Icons.KEY, height=theme.TOUCH_TARGET,
                            style=button_style(ui), on_click=issue),
        ], wrap=True, spacing=theme.SPACE_S))
        for certificate in view.certificates:
            controls.append(_revocable(ui, certificate_line(certificate, t), certificate.active, partial(
                act, partial(service().revoke_certificate, code, certificate.id),
                t("The certificate is revoked: envelopes signed with it are refused."))))
        if not view.certificates:
            controls.append(text(t("No signing certificate yet: the gateway refuses every envelope."), ui,
                                 color=theme.MUTED))
        controls.append(ft.OutlinedButton(t("Upload a signing certificate (PEM or DER)"), icon=ft.Icons.UPLOAD_FILE,
                                          height=theme.TOUCH_TARGET, style=button_style(ui), on_click=upload))
    return card(controls, identifier="facility-credentials")


@ft.component
def RolesPanel(facility_code: str | None, administrator: bool):
    """Who holds a role at the facility (or, with no facility, for an area: a volunteer's ward, an official's
    area, another administrator of the province); a role given or ended here takes effect at once."""
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    me = state.me.personal_id if state.me else None
    at_facility = facility_code is not None
    roles = assignable_roles(administrator) if at_facility else AREA_ROLES
    staff, set_staff = ft.use_state(None)
    role, set_role = ft.use_state(roles[0].value)
    errors, set_errors = ft.use_state({})
    message, set_message = ft.use_state(None)
    typed = ft.use_ref(lambda: {"personal_id": "", "full_name": "", "area": ""}).current

    def service() -> AdministrationService:
        return AdministrationService(session.books.client)

    async def load() -> None:
        try:
            found = await service().staff(facility_code)
            set_staff(found if at_facility else [entry for entry in found if entry.area])
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))

    ft.use_effect(load, [facility_code])

    async def assign() -> None:
        personal_id, full_name, area = (typed[k].strip() for k in ("personal_id", "full_name", "area"))
        problems = (staff_form_errors(personal_id, full_name, t) if at_facility else
                    area_role_errors(personal_id, full_name, StaffRole(role), area, t))
        set_errors(problems)
        if problems:
            return
        try:
            entry = await service().assign(StaffAssign(personal_id=personal_id, full_name=full_name,
                                                       role=StaffRole(role), facility_code=facility_code,
                                                       area=None if at_facility else area))
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))
            return
        typed["personal_id"] = typed["full_name"] = typed["area"] = ""  # ready for the next person
        name, role_name = entry.full_name or personal_id, t(STAFF_ROLE[entry.role])
        set_message((t("{name} now works here as {role}.", name=name, role=role_name) if at_facility else
                     t("{name} now has the role {role} for {area}.", name=name, role=role_name,
                       area=entry.area_name or entry.area or ""), "info"))
        await load()

    async def end(assignment_id: int, name: str) -> None:
        try:
            await service().end(assignment_id)
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))
            return
        set_message((t("The role of {name} has ended.", name=name), "info"))
        await load()

    identifier = "facility-staff" if at_facility else "area-roles"
    controls: list[ft.Control] = [heading(t("Staff") if at_facility else t("Roles for an area"), ui)]
    if not at_facility:
        controls.append(text(t("Volunteers of a ward, health officials of an area, administrators of the province."),
                             ui, size=ui.type.small, color=theme.MUTED))
    controls += _message(message, ui, f"{identifier}-message")
    if staff is None and not message:
        controls.append(loading(t("Loading…"), ui))
    for entry in staff or []:
        # One's own administrator or head role is ended by an administrator of the province (the server refuses it too).
        own = entry.personal_id == me and entry.role in (StaffRole.ADMIN, StaffRole.STATION_HEAD)
        who = ft.Column([text(entry.full_name or entry.personal_id, ui, bold=True),
                         text(staff_line(entry, t), ui, size=ui.type.small, color=theme.MUTED),
                         *([text(t("Your own role: an administrator of the province ends it."), ui, size=ui.type.small,
                                 color=theme.MUTED)] if own else [])], spacing=0, expand=ui.wide)
        if own:
            controls.append(who)
            continue
        ending = ft.TextButton(t("End the role"), icon=ft.Icons.PERSON_REMOVE, height=theme.TOUCH_TARGET,
                               style=button_style(ui),
                               on_click=partial(end, entry.id, entry.full_name or entry.personal_id))
        # Side by side on a desktop; one under the other on a phone (nothing expands inside a wrapping row).
        controls.append(ft.Row([who, ending], spacing=theme.SPACE_S) if ui.wide else ft.Column([who, ending], spacing=0))
    if staff == []:
        controls.append(text(t("Nobody works here yet.") if at_facility else t("No one holds a role for an area yet."),
                             ui, color=theme.MUTED))
    controls += [
        _field(ui, t("Personal ID (12 digits)"), typed, "personal_id", error=errors.get("personal_id"),
               keyboard_type=ft.KeyboardType.NUMBER, max_length=12),
        _field(ui, t("Full name as on the chip ID card"), typed, "full_name", error=errors.get("full_name"),
               capitalization=ft.TextCapitalization.WORDS),
        _choice(ui, t("Role"), role, [(r.value, t(STAFF_ROLE[r])) for r in roles], set_role),
        *([] if at_facility else [
            _field(ui, t("Area code (ward 5 digits, district 3, province 2)"), typed, "area", error=errors.get("area"),
                   keyboard_type=ft.KeyboardType.NUMBER, max_length=5)]),
        ft.FilledButton(t("Give the role"), icon=ft.Icons.PERSON_ADD, height=theme.TOUCH_TARGET,
                        style=button_style(ui), on_click=assign),
    ]
    return card(controls, identifier=identifier)


@ft.component
def AuditPanel(code: str | None, changes: int):
    """The latest changes (of the facility chosen, or all), and the whole audit as CSV."""
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    entries, set_entries = ft.use_state(None)
    error, set_error = ft.use_state(None)

    async def load() -> None:
        try:
            set_entries(await AdministrationService(session.books.client).audit(code))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    ft.use_effect(load, [code, changes])

    async def export() -> None:
        try:
            content = await AdministrationService(session.books.client).audit_csv(code)
            await ft.FilePicker().save_file(file_name=f"nhat-ky-quan-tri-{code or 'tinh'}-{date.today().isoformat()}.csv",
                                            src_bytes=content, dialog_title=t("Save the audit"))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    controls: list[ft.Control] = [heading(t("Audit of changes"), ui)]
    if error:
        controls.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="audit-error"))
    for entry in (entries or [])[:20]:
        controls.append(text(audit_line(entry, t), ui, size=ui.type.small))
    if entries == []:
        controls.append(text(t("No change recorded yet."), ui, color=theme.MUTED))
    controls.append(ft.OutlinedButton(t("Download the audit (CSV)"), icon=ft.Icons.DOWNLOAD, height=theme.TOUCH_TARGET,
                                      style=button_style(ui), on_click=export))
    return card(controls, identifier="admin-audit")


@ft.component
def AdministrationView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    scope, set_scope = ft.use_state(None)
    facilities, set_facilities = ft.use_state(None)
    chosen, set_chosen = ft.use_state(None)  # a facility code, NEW, AREA_ROLES_OPEN, or None (the list)
    shown, set_shown = ft.use_state(FACILITIES_PER_PAGE)
    message, set_message = ft.use_state(None)
    changes, set_changes = ft.use_state(0)  # bumped after each change, so the audit reloads
    typed = ft.use_ref(lambda: {"search": ""}).current
    areas, set_areas = ft.use_state([])
    district, set_district = ft.use_state(ALL)
    commune, set_commune = ft.use_state(ALL)
    allowed = state.me is not None and state.me.administers

    async def guard() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
        elif not allowed:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    def service() -> AdministrationService:
        return AdministrationService(session.books.client)

    async def load() -> None:
        if not allowed:
            return
        try:
            found: AdminScope = await service().scope()
            set_scope(found)
            if found.provinces and not areas:
                set_areas(await service().areas())
            set_facilities(await service().facilities(typed["search"].strip(), district=None if district == ALL else district,
                                                      commune=None if commune == ALL else commune))
            set_shown(FACILITIES_PER_PAGE)  # a new search starts at its first page
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))

    ft.use_effect(load, [allowed, district, commune])

    def open_part(part: str | None) -> None:
        """A facility, NEW, AREA_ROLES_OPEN or the list; the message of what was done before goes."""
        set_message(None)
        set_chosen(part)

    def pick_district(code: str) -> None:
        set_district(code)
        set_commune(ALL)

    async def changed() -> None:
        set_changes(changes + 1)
        await load()

    async def saved(facility: AdminFacility) -> None:
        set_chosen(facility.code)
        set_message((t("{name} is saved.", name=facility.name), "info"))
        await changed()

    async def set_active(code: str, active: bool) -> None:
        try:
            await service().set_active(code, active)
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))
            return
        set_message((t("The facility is reactivated.") if active else
                     t("The facility is deactivated: what it sends is refused, its history is kept."), "info"))
        await changed()

    async def import_list() -> None:
        files = await ft.FilePicker().pick_files(dialog_title=t("A list of facilities (CSV)"),
                                                 allowed_extensions=["csv"], with_data=True,
                                                 cancel_upload_on_window_blur=False)
        if not files or files[0].bytes is None:
            return
        try:
            result = await service().import_facilities(files[0].bytes, files[0].name)
        except (ApiError, Offline) as failure:
            set_message((failure_text(failure, t), "danger"))
            return
        set_message((t("Imported: {created} new, {updated} changed.", created=result.created,
                       updated=result.updated), "info"))
        await changed()

    async def sign_out() -> None:
        await session.sign_out()

    if not allowed:
        return page_column([text(t("Opening…"), ui)], ui)
    administrator = bool(scope and scope.provinces)
    elsewhere: list[ft.Control] = []  # the other desks of someone with several roles
    if state.me and any(r.role == StaffRole.OFFICIAL for r in state.me.roles):
        elsewhere.append(ft.TextButton(t("Electronic health book pilot report"), icon=ft.Icons.INSERT_CHART_OUTLINED,
                                       height=theme.TOUCH_TARGET, style=button_style(ui), on_click=session.go("/reports")))
    if state.me and state.me.can_read_book:
        elsewhere.append(ft.TextButton(t("My own health book"), icon=ft.Icons.MENU_BOOK, height=theme.TOUCH_TARGET,
                                       style=button_style(ui), on_click=session.go("/")))
    where = ", ".join(p.name for p in scope.provinces) if scope and scope.provinces else (
        t("Head of facility {codes}", codes=", ".join(scope.facilities)) if scope else "")
    controls: list[ft.Control] = [
        ft.Row([ft.Column([heading(t("Administration"), ui, level=1), text(where, ui, color=theme.MUTED)], spacing=0,
                          expand=True),
                ft.TextButton(t("Sign out"), icon=ft.Icons.LOGOUT, height=theme.TOUCH_TARGET, style=button_style(ui),
                              on_click=sign_out)], vertical_alignment=ft.CrossAxisAlignment.START),
        *([ft.Row(elsewhere, wrap=True, spacing=theme.SPACE_S)] if elsewhere else []),
        *_message(message, ui, "admin-message"),
    ]
    rows = facility_rows(facilities or [], t)
    by_code = {f.code: f for f in facilities or []}
    if administrator:
        controls.append(ft.Row([
            ft.FilledButton(t("Register a facility"), icon=ft.Icons.ADD_BUSINESS, height=theme.TOUCH_TARGET,
                            style=button_style(ui), on_click=partial(open_part, NEW)),
            ft.OutlinedButton(t("Import a list (CSV)"), icon=ft.Icons.UPLOAD_FILE, height=theme.TOUCH_TARGET,
                              style=button_style(ui), on_click=import_list),
            ft.OutlinedButton(t("Roles for an area"), icon=ft.Icons.GROUPS, height=theme.TOUCH_TARGET,
                              style=button_style(ui), on_click=partial(open_part, AREA_ROLES_OPEN)),
        ], wrap=True, spacing=theme.SPACE_S))
    back = ft.TextButton(t("Back to the list"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                         style=button_style(ui), on_click=partial(open_part, None))
    if chosen == NEW:
        controls.append(FacilityForm(None, saved, partial(open_part, None), key="new"))
    elif chosen == AREA_ROLES_OPEN and administrator:
        controls += [ft.Row([back]), RolesPanel(None, administrator, key="area-roles")]
    elif chosen in by_code:
        facility = by_code[chosen]
        [row] = [r for r in rows if r.code == chosen]
        controls.append(card([
            heading(row.title, ui),
            ft.Row([status_chip(row.status, ui, row.tone)], wrap=True),
            info_row(t("Commune and district"), row.place, ui),
            info_row(t("Kind"), row.kind, ui),
            info_row(t("Gateway"), row.last_submission, ui),
            ft.Row([
                *([ft.OutlinedButton(t("Deactivate"), icon=ft.Icons.BLOCK, height=theme.TOUCH_TARGET,
                                     style=button_style(ui), on_click=partial(set_active, chosen, False))]
                  if administrator and facility.active else []),
                *([ft.OutlinedButton(t("Reactivate"), icon=ft.Icons.RESTART_ALT, height=theme.TOUCH_TARGET,
                                     style=button_style(ui), on_click=partial(set_active, chosen, True))]
                  if administrator and not facility.active else []),
                back,
            ], wrap=True, spacing=theme.SPACE_S),
        ], identifier="facility-chosen"))
        if administrator:
            controls.append(FacilityForm(facility, saved, partial(open_part, None), key=f"edit-{chosen}-{changes}"))
            controls.append(CredentialsPanel(chosen, changed, key=f"keys-{chosen}"))
        controls.append(RolesPanel(chosen, administrator, key=f"staff-{chosen}"))
    else:
        search = _field(ui, t("Find a facility by name or code"), typed, "search", on_submit=load)
        districts, communes = area_choices(areas, district, t)
        filters: list[ft.Control] = [
            _choice(ui, t("District"), district, districts, pick_district),
            _choice(ui, t("Commune or ward"), commune, communes, set_commune),
        ] if areas else []
        visible, how_many = facility_page(rows, shown, t)
        controls.append(card([heading(t("Facilities"), ui), search, *filters, *(
            [loading(t("Loading…"), ui)] if facilities is None else
            [empty_state(t("No facility found."), ui)] if not rows else
            [text(how_many, ui, size=ui.type.small, color=theme.MUTED)])], identifier="facility-search"))
        for row in visible:
            controls.append(ft.Semantics(identifier=f"facility-{row.code}", container=True, content=card([
                text(row.title, ui, bold=True),
                ft.Row([status_chip(row.status, ui, row.tone)], wrap=True),
                text(row.place, ui, size=ui.type.small, color=theme.MUTED),
                text(row.kind, ui, size=ui.type.small),
                text(row.last_submission, ui, size=ui.type.small),
                text(row.credentials, ui, size=ui.type.small, color=theme.MUTED),
                ft.TextButton(t("Open"), icon=ft.Icons.CHEVRON_RIGHT, height=theme.TOUCH_TARGET,
                              style=button_style(ui), on_click=partial(open_part, row.code)),
            ])))
        if len(visible) < len(rows):
            controls.append(ft.OutlinedButton(
                t("Show {count} more", count=t.number(min(FACILITIES_PER_PAGE, len(rows) - len(visible)))),
                icon=ft.Icons.EXPAND_MORE, height=theme.TOUCH_TARGET, style=button_style(ui),
                on_click=lambda: set_shown(shown + FACILITIES_PER_PAGE)))
    controls.append(AuditPanel(chosen if chosen not in (None, NEW, AREA_ROLES_OPEN) else None, changes,
                               key=f"audit-{chosen}"))
    return page_column(controls, ui)
