"""The volunteer's desk (Hỗ trợ người dân): the checklist's words as plain functions, then the screen
headless against a fake API client: a resident found by card, a step ticked, errors in words, the
ward's list page by page, the assisted sign-in, and never anything of a health book."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft
import pytest

from api_client.errors import ApiError, Forbidden, NotFound, Offline
from api_client.models import (
    ActivationStatus,
    ActivationStep,
    FollowUpPage,
    FollowUpResident,
    Me,
    Residence,
    StaffAssignment,
    StaffRole,
    StepState,
)
from app import theme
from app.config import AppConfig
from app.i18n import Translator
from app.main import App
from app.services.volunteer import VolunteerService, guide_url
from app.state import AppState
from app.viewmodels.activation import (
    STEP_GUIDANCE,
    STEP_LABEL,
    build_resident,
    checklist_rows,
    done_text,
    follow_up_count,
    follow_up_rows,
    merge_pages,
    more_to_show,
    step_guidance,
    step_label,
    volunteer_assignment,
)
from locales import translations

from ..support import BASE_URL
from .harness import Harness, walk

VI = Translator("vi")
EN = Translator("en")
LAN_ID = "001150009876"
LAN_QR = f"{LAN_ID}||Phạm Thị Lan|05061950|Nữ|Số 3 ngõ Hàng Bún, Quán Thánh, Ba Đình, Hà Nội|10052021"
HELPED_AT = datetime(2026, 12, 2, 2, 12, tzinfo=UTC)  # 09:12 in Vietnam
SEEN_AT = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 08:30


def lan(*done: ActivationStep, **extra) -> ActivationStatus:
    """Phạm Thị Lan: the account made with a volunteer, level 2 seen by the system, the rest as given."""
    steps = [
        {"step": "account", "done": True, "done_at": HELPED_AT.isoformat(), "helper_name": "Đỗ Minh Quân",
         "place": "Phường Quán Thánh"},
        {"step": "level2", "done": True, "done_at": SEEN_AT.isoformat(), "observed": True},
    ]
    for step in list(ActivationStep)[2:]:
        steps.append({"step": step.value, "done": step in done,
                      **({"done_at": SEEN_AT.isoformat(), "helper_name": "Đỗ Minh Quân"} if step in done else {})})
    return ActivationStatus.model_validate({
        "personal_id": LAN_ID, "full_name": "Phạm Thị Lan", "birth_year": 1950,
        "commune_name": "Phường Quán Thánh", "in_register": True, "steps": steps, **extra})


def resident(number: int, next_step: ActivationStep = ActivationStep.LEVEL2) -> FollowUpResident:
    return FollowUpResident(full_name=f"Người dân {number}", birth_year=1940 + number, hamlet=f"Tổ {number}",
                            residence=Residence.PERMANENT, next_step=next_step)


def ward_page(residents: list[FollowUpResident], *, total: int | None = None, offset: int = 0) -> FollowUpPage:
    return FollowUpPage(commune_code="00013", commune_name="Phường Quán Thánh",
                        total=len(residents) if total is None else total, limit=50, offset=offset,
                        residents=residents)


# ---------------------------------------------------------------- view-model


def test_every_step_has_a_label_and_plain_guidance_in_both_languages():
    vi_catalog = translations("vi")._catalog
    assert set(STEP_LABEL) == set(STEP_GUIDANCE) == set(ActivationStep)
    for step in ActivationStep:
        for t in (VI, EN):
            assert step_label(step, t).strip() and len(step_guidance(step, t)) > 30
        assert step_guidance(step, EN) == STEP_GUIDANCE[step], "the msgid is the English text"
        if STEP_GUIDANCE[step] in vi_catalog:  # once the lead has merged the catalogs
            assert step_guidance(step, VI) != STEP_GUIDANCE[step], f"{step} is not translated"


def test_the_checklist_has_every_step_in_order_and_says_done_in_words():
    rows = checklist_rows(lan(), VI)
    assert [row.step for row in rows] == list(ActivationStep)
    assert [row.number for row in rows] == [1, 2, 3, 4, 5, 6]
    assert [row.done for row in rows] == [True, True, False, False, False, False]
    assert [row.state_label for row in rows] == [VI("Step done")] * 2 + [VI("Not done yet")] * 4
    assert [row.can_mark for row in rows] == [False, False, True, True, True, True]
    assert all(row.guidance == step_guidance(row.step, VI) for row in rows)


def test_a_step_helped_with_says_when_who_and_where_and_one_the_system_saw_says_so():
    account, level2, *rest = checklist_rows(lan(), VI)
    assert account.done_text == VI("Done at {time} {date} — {who}", time=VI.time(HELPED_AT), date="02/12/2026",
                                   who="Đỗ Minh Quân, Phường Quán Thánh")
    assert VI.time(HELPED_AT) in ("9:12", "09:12"), "Vietnam time, not UTC"
    assert level2.done_text == VI("Recorded by the system at {time} {date}", time=VI.time(SEEN_AT), date="03/12/2026")
    assert all(row.done_text is None for row in rest)
    english = checklist_rows(lan(), EN)[0].done_text
    assert english == "Done at 09:12 2 Dec 2026 — Đỗ Minh Quân, Phường Quán Thánh"


def test_done_text_without_a_time_or_a_helper_still_reads_well():
    assert done_text(StepState(step=ActivationStep.ACCOUNT, done=True, observed=True), EN) == "Recorded by the system"
    assert done_text(StepState(step=ActivationStep.ACCOUNT, done=True, done_at=HELPED_AT), EN) == "Done at 09:12 2 Dec 2026"
    assert done_text(StepState(step=ActivationStep.ACCOUNT, done=True, helper_name="Đỗ Minh Quân"), EN) == "Đỗ Minh Quân"
    assert done_text(StepState(step=ActivationStep.ACCOUNT, done=False), EN) is None


def test_a_step_the_server_left_out_is_shown_not_done():
    status = lan().model_copy(update={"steps": lan().steps[:2]})
    rows = checklist_rows(status, EN)
    assert len(rows) == 6 and not rows[5].done and rows[5].can_mark


def test_activated_needs_the_account_level_2_and_the_book_opened():
    waiting = build_resident(lan(), EN)
    assert not waiting.activated and waiting.overall == "Not fully activated yet"
    assert waiting.still_to_do == "Still to do: Health book opened"
    done = build_resident(lan(ActivationStep.BOOK_OPENED), EN)
    assert done.activated and done.overall == "Activated" and done.still_to_do is None
    assert build_resident(lan(ActivationStep.BHYT_LINKED, ActivationStep.CARD_PRINTED), EN).activated is False
    assert done.details == "Born 1950 · Phường Quán Thánh" and done.register_note is None
    outside = build_resident(lan(in_register=False, birth_year=None, commune_name=None), EN)
    assert outside.details == "" and outside.register_note


def test_follow_up_rows_say_name_birth_year_hamlet_and_next_step_only():
    page = ward_page([resident(1), resident(2, ActivationStep.BOOK_OPENED).model_copy(update={"hamlet": None})],
                     total=7)
    assert [(row.name, row.details, row.next_step) for row in follow_up_rows(page, EN)] == [
        ("Người dân 1", "Born 1941 · Tổ 1", "Next step: Level 2 identity"),
        ("Người dân 2", "Born 1942", "Next step: Health book opened"),
    ]
    assert follow_up_count(page, EN) == "7 residents not yet fully activated in Phường Quán Thánh"
    assert follow_up_count(ward_page([resident(1)]), EN) == "1 resident not yet fully activated in Phường Quán Thánh"
    assert follow_up_count(ward_page([]), EN) == "Everyone in Phường Quán Thánh is activated."


def test_pages_add_up_and_say_when_more_are_left():
    first = ward_page([resident(1), resident(2)], total=3)
    assert more_to_show(first)
    merged = merge_pages(first, ward_page([resident(3)], total=3, offset=2))
    assert [r.full_name for r in merged.residents] == ["Người dân 1", "Người dân 2", "Người dân 3"]
    assert merged.offset == 0 and merged.total == 3 and not more_to_show(merged)


def test_the_volunteers_ward_comes_from_the_volunteer_assignment():
    assert volunteer_assignment(volunteer_me()).area_name == "Phường Quán Thánh"
    assert volunteer_assignment(volunteer_me(roles=[])) is None
    assert volunteer_assignment(None) is None


def test_the_guide_is_served_by_the_api():
    assert guide_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000/api/v1/guide.pdf"


# ---------------------------------------------------------------- the screen, headless


def volunteer_me(**changes) -> Me:
    me = Me(full_name="Đỗ Minh Quân", personal_id="001098003456", identity_level=2, can_read_book=True,
            person_id="p-quan", roles=[StaffAssignment(role=StaffRole.VOLUNTEER, area="00013",
                                                       area_name="Phường Quán Thánh")])
    return me.model_copy(update=changes)


class FakeClient:
    """The three volunteer calls of HealthBookClient, answering from memory and recording each call."""

    def __init__(self, ward: list[FollowUpResident]) -> None:
        self.ward = ward
        self.status = lan()
        self.lookup_error: Exception | None = None
        self.calls: list[tuple] = []

    async def activation_status(self, query: str) -> ActivationStatus:
        self.calls.append(("lookup", query))
        if self.lookup_error:
            raise self.lookup_error
        return self.status

    async def mark_step_done(self, personal_id: str, step: ActivationStep) -> ActivationStatus:
        self.calls.append(("mark", personal_id, step))
        steps = [s.model_copy(update={"done": True, "done_at": HELPED_AT, "helper_name": "Đỗ Minh Quân",
                                      "place": "Phường Quán Thánh"}) if s.step == step else s
                 for s in self.status.steps]
        self.status = self.status.model_copy(update={"steps": steps})
        return self.status

    async def follow_up(self, *, limit: int = 50, offset: int = 0) -> FollowUpPage:
        self.calls.append(("follow_up", limit, offset))
        return ward_page(self.ward[offset:offset + limit], total=len(self.ward), offset=offset)

    async def decode_qr(self, image: bytes) -> str:
        raise Forbidden(403, "not_clinic_staff", "Only clinic staff")


class FakeSession:
    """What the desk uses of SessionService."""

    def __init__(self, state: AppState, client: FakeClient) -> None:
        self.state = state
        self.volunteer = VolunteerService(client, page_size=2)
        self.config = AppConfig.for_server(BASE_URL)
        self.calls: list[tuple] = []
        self.assisted_problem: str | None = None

    @property
    def t(self) -> Translator:
        return Translator(self.state.language)

    async def navigate(self, route: str) -> None:
        self.calls.append(("navigate", route))

    def go(self, route: str):
        async def handler() -> None:
            await self.navigate(route)
        return handler

    async def sign_out(self) -> None:
        self.calls.append(("sign_out",))

    async def start_assisted(self) -> str | None:
        self.calls.append(("start_assisted",))
        return self.assisted_problem


@pytest.fixture
def ward() -> list[FollowUpResident]:
    return [resident(1), resident(2, ActivationStep.ACCOUNT), resident(3, ActivationStep.BHYT_LINKED)]


@pytest.fixture
async def desk(ward):
    """`app = await desk()`: the volunteer signed in, on /volunteer, with the fake API. Afterwards any
    exception that escaped a render fails the test (in Flet it stops all updates)."""
    opened: list[Harness] = []

    async def _open(*, width: float = 360, large_text: bool = False, me: Me | None = None,
                    language: str = "vi") -> Harness:
        client = FakeClient(ward)
        state = AppState(language=language, large_text=large_text, wide=width >= 900)
        state.sign_in_completed(me or volunteer_me())
        session = FakeSession(state, client)

        def main(page: ft.Page) -> None:
            page.render(App, state, session)

        app = await Harness.start(main, route="/volunteer", width=width)
        app.fake = client
        app.fake_session = session
        opened.append(app)
        return app

    yield _open
    for app in opened:
        await app.settle()
        assert not app.errors, [context.get("exception") or context.get("message") for context in app.errors]


def query_field(app: Harness) -> ft.TextField:
    [field] = app.controls(ft.TextField)
    return field


def mark_button(app: Harness, step: ActivationStep) -> ft.OutlinedButton:
    tile = app.by_identifier(f"step-{step.value}")
    assert tile is not None, f"no row for {step}"
    [button] = [c for c in walk(tile) if isinstance(c, ft.OutlinedButton)]
    return button


def texts_within(control) -> list[str]:
    return [c.value for c in walk(control) if isinstance(c, ft.Text) and c.value]


def words(app: Harness) -> list[str]:
    """Everything a reader sees in words: texts, button labels, the field's label, hint and value."""
    found = list(app.texts())
    for control in walk(app.page):
        if isinstance(control, (ft.FilledButton, ft.OutlinedButton, ft.TextButton)) and isinstance(control.content, str):
            found.append(control.content)
        if isinstance(control, ft.TextField):
            found += [part for part in (control.label, control.hint_text, control.value) if part]
    return found


async def test_the_desk_says_who_is_helping_in_which_ward(desk):
    app = await desk()
    assert VI("Help for residents") in app.texts()
    assert f"Đỗ Minh Quân · {VI('Volunteer')} · Phường Quán Thánh" in app.texts()
    assert app.by_identifier("volunteer-lookup") is not None
    assert app.by_identifier("activation-checklist") is None, "nobody is looked up yet"
    await app.click(app.button(VI("Sign out")))
    assert ("sign_out",) in app.fake_session.calls


async def test_a_chip_id_card_shows_the_residents_checklist(desk):
    app = await desk()
    await app.submit(query_field(app), LAN_QR + "\n")
    assert app.fake.calls[-1] == ("lookup", LAN_QR)
    checklist = app.by_identifier("activation-checklist")
    assert checklist is not None
    assert "Phạm Thị Lan" in app.texts() and VI("Born {year}", year=1950) + " · Phường Quán Thánh" in app.texts()
    for step in ActivationStep:
        tile = app.by_identifier(f"step-{step.value}")
        assert tile is not None
        assert step_guidance(step, VI) in texts_within(tile)
    account = texts_within(app.by_identifier("step-account"))
    assert VI("Step done") in account and any("Đỗ Minh Quân, Phường Quán Thánh" in line for line in account)
    assert VI("Recorded by the system at {time} {date}", time=VI.time(SEEN_AT), date="03/12/2026") in texts_within(
        app.by_identifier("step-level2"))
    assert VI("Not done yet") in texts_within(app.by_identifier("step-book_opened"))
    assert len([c for c in walk(checklist) if isinstance(c, ft.OutlinedButton)
                and c.content == VI("Mark as done")]) == 4, "only the steps not done can be ticked"
    assert VI("Not fully activated yet") in texts_within(app.by_identifier("activation-overall"))
    assert (query_field(app).value or "") == "", "the card's QR text does not stay in the field"


async def test_a_typed_number_and_the_search_button_find_the_resident_too(desk):
    app = await desk()
    await app.type_into(query_field(app), f"  {LAN_ID} ")
    await app.click(app.button(VI("Look up")))
    assert app.fake.calls[-1] == ("lookup", LAN_ID)
    assert app.by_identifier("activation-checklist") is not None


async def test_marking_a_step_done_records_it_and_updates_the_checklist(desk):
    app = await desk()
    await app.submit(query_field(app), LAN_ID)
    follow_ups_before = sum(call[0] == "follow_up" for call in app.fake.calls)
    await app.click(mark_button(app, ActivationStep.BOOK_OPENED))
    assert ("mark", LAN_ID, ActivationStep.BOOK_OPENED) in app.fake.calls
    opened = texts_within(app.by_identifier("step-book_opened"))
    assert VI("Step done") in opened and VI("Mark as done") not in opened
    assert any("Đỗ Minh Quân, Phường Quán Thánh" in line for line in opened)
    assert VI("Activated") in texts_within(app.by_identifier("activation-overall"))
    assert sum(call[0] == "follow_up" for call in app.fake.calls) > follow_ups_before, "the ward's list follows"


@pytest.mark.parametrize("failure, message", [
    (NotFound(404, "resident_not_found", "Người này không có trong sổ dân cư."), "Người này không có trong sổ dân cư."),
    (ApiError(409, "card_mismatch", "Họ tên trên thẻ không khớp."), "Họ tên trên thẻ không khớp."),
    (ApiError(429, "too_many_attempts", "Chờ 30 giây rồi thử lại."), "Chờ 30 giây rồi thử lại."),
    (Offline(), VI("The health book server cannot be reached. Check your internet connection and try again.")),
])
async def test_a_failed_look_up_is_said_in_words(desk, failure, message):
    app = await desk()
    app.fake.lookup_error = failure
    await app.submit(query_field(app), LAN_QR)
    error = app.by_identifier("lookup-error")
    assert error is not None and message in texts_within(error)
    assert app.by_identifier("activation-checklist") is None


async def test_an_empty_field_asks_for_the_number(desk):
    app = await desk()
    await app.click(app.button(VI("Look up")))
    assert not [call for call in app.fake.calls if call[0] == "lookup"]
    assert app.by_identifier("lookup-error") is not None


async def test_looking_up_someone_else_clears_the_resident(desk):
    app = await desk()
    await app.submit(query_field(app), LAN_QR)
    await app.click(app.button(VI("Look up someone else")))
    assert app.by_identifier("activation-checklist") is None
    assert "Phạm Thị Lan" not in app.text_content()
    assert (query_field(app).value or "") == ""


async def test_the_ward_list_renders_and_pages(desk):
    app = await desk()
    listing = app.by_identifier("follow-up-list")
    assert listing is not None
    count = VI.plural("{count} resident not yet fully activated in {ward}",
                      "{count} residents not yet fully activated in {ward}", 3, ward="Phường Quán Thánh")
    assert count in app.texts()
    assert app.by_identifier("resident-0") and app.by_identifier("resident-1") and not app.by_identifier("resident-2")
    assert texts_within(app.by_identifier("resident-0")) == [
        "Người dân 1", VI("Born {year}", year=1941) + " · Tổ 1",
        VI("Next step: {step}", step=step_label(ActivationStep.LEVEL2, VI))]
    await app.click(app.button(VI("Show more")))
    assert ("follow_up", 2, 2) in app.fake.calls
    assert app.by_identifier("resident-2") is not None
    assert VI("Show more") not in words(app)


async def test_an_empty_ward_says_everyone_is_activated(desk, ward):
    ward.clear()
    app = await desk()
    assert VI("Everyone in {ward} is activated.", ward="Phường Quán Thánh") in app.texts()
    assert app.by_identifier("resident-0") is None


async def test_the_resident_signs_in_on_this_device_in_an_assisted_session(desk):
    app = await desk()
    await app.submit(query_field(app), LAN_QR)
    button = app.by_identifier("assisted-session").content
    assert button.content.content.value == VI("The resident signs in on this device (15-minute assisted session)")
    assert VI("The resident types their own VNeID password: never ask for it. When the session ends, nothing of "
              "the resident stays on this device.") in app.texts()
    app.fake_session.assisted_problem = "Không tạo được phiên hỗ trợ."
    await app.click(button)
    assert "Không tạo được phiên hỗ trợ." in texts_within(app.by_identifier("mark-error"))
    app.fake_session.assisted_problem = None
    await app.click(app.by_identifier("assisted-session").content)
    assert app.fake_session.calls.count(("start_assisted",)) == 2
    assert "Phạm Thị Lan" not in app.text_content(), "the desk keeps nothing of the resident meanwhile"


async def test_the_guide_opens_as_a_pdf(desk):
    app = await desk()
    await app.click(app.button(VI("User guide (PDF)")))
    assert ("launch_url", "http://127.0.0.1:8000/api/v1/guide.pdf") in [
        (name, args.get("url")) for name, args in app.connection.invoked]


async def test_the_screen_shows_nothing_of_a_health_book(desk):
    app = await desk()
    app.fake.status = lan(allergies=[{"substance": "Penicillin"}], conditions=["Tăng huyết áp (I10)"],
                          phone="0912345678", address="Số 3 ngõ Hàng Bún")
    await app.submit(query_field(app), LAN_QR)
    shown = set(words(app))
    model = build_resident(app.fake.status, VI)
    expected = {
        VI("Help for residents"), f"Đỗ Minh Quân · {VI('Volunteer')} · Phường Quán Thánh",
        VI("Find a resident"), VI("Personal ID number or chip ID card QR"),
        VI("Scan the QR on the chip ID card, or type the 12 digits"), VI("Activation checklist"), VI("Residents to help"), model.name, model.details,
        model.overall, model.still_to_do, VI("Mark as done"), VI("Look up someone else"), VI("Look up"),
        VI("Use the camera"), VI("User guide (PDF)"), VI("My own health book"), VI("Sign out"), VI("Show more"),
        VI("The resident signs in on this device (15-minute assisted session)"),
        VI("The resident types their own VNeID password: never ask for it. When the session ends, nothing of the "
           "resident stays on this device."),
        *(f"{row.number}. {row.label}" for row in model.rows), *(row.state_label for row in model.rows),
        *(row.done_text for row in model.rows if row.done_text), *(row.guidance for row in model.rows),
        follow_up_count(ward_page([], total=3), VI),
        *(line for row in follow_up_rows(ward_page([resident(1), resident(2, ActivationStep.ACCOUNT)]), VI)
          for line in (row.name, row.details, row.next_step)),
    }
    assert shown <= expected, shown - expected
    for secret in ("Penicillin", "I10", "0912345678", "Hàng Bún", LAN_ID):
        assert secret not in app.text_content()


async def test_the_camera_stops_with_words_where_there_is_none(desk):
    app = await desk()
    await app.click(app.button(VI("Use the camera")))
    await app.settle(10)
    error = app.by_identifier("lookup-error")
    assert error is not None
    assert VI("No camera was found on this device. Type the number from the chip ID card.") in texts_within(error)
    assert VI("Use the camera") in words(app), "the camera is off again"


async def test_someone_who_is_not_a_volunteer_is_sent_to_their_book(desk):
    app = await desk(me=volunteer_me(roles=[]))
    assert ("navigate", "/") in app.fake_session.calls
    assert app.by_identifier("volunteer-lookup") is None


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("large_text", [False, True])
async def test_the_desk_fits_a_phone_and_a_desk_screen_with_large_text(desk, width, large_text):
    app = await desk(width=width, large_text=large_text)
    body = (theme.LARGE if large_text else theme.NORMAL).body
    assert body >= (22 if large_text else 17)
    await app.submit(query_field(app), LAN_QR)
    assert app.by_identifier("activation-checklist") and app.by_identifier("follow-up-list")
    for control in walk(app.page):
        if isinstance(control, (ft.FilledButton, ft.OutlinedButton, ft.TextButton)):
            style = control.style
            if control.height is None and isinstance(control.content, str):  # may wrap: padded to 48 px or more
                assert style.padding.top + style.padding.bottom + 20 >= 48, control
            elif control.height is None:  # the long label wraps; its padding keeps it at least 48 px high
                label = control.content
                assert label.padding.top + label.padding.bottom + 20 >= 48, control
                assert label.content.size == body
            else:
                assert control.height >= 48, control
            if isinstance(control.content, str):
                assert style is not None and style.text_style.size == body, control
        if isinstance(control, ft.Row) and control.wrap:
            assert not any(getattr(child, "expand", None) for child in control.controls), "no expand in a Wrap"
    sizes = {c.value: c.size for c in app.controls(ft.Text) if c.value}
    label = f"1. {step_label(ActivationStep.ACCOUNT, VI)}"
    assert sizes[label] == body
    # Wide: lookup and checklist on the left, the ward's list in a column of its own on the right.
    side_by_side = [row for row in app.controls(ft.Row)
                    if len(row.controls) == 2 and all(isinstance(c, ft.Column) for c in row.controls)
                    and any(c.width for c in row.controls)]
    assert bool(side_by_side) == (width >= 900)


async def test_english_reads_in_english(desk):
    app = await desk(language="en")
    await app.submit(query_field(app), LAN_QR)
    assert "Help for residents" in app.texts() and "Not fully activated yet" in app.texts()
    assert "Done at 09:12 2 Dec 2026 — Đỗ Minh Quân, Phường Quán Thánh" in app.texts()
