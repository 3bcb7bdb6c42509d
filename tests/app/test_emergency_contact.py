"""The emergency contact and the emergency card in the app: the form's checks as plain functions, then the
screen headless against the real server in process: it saves, shows the API's refusal next to the field,
removes, and the card comes out of Settings as a PDF."""

from __future__ import annotations

import io

import flet as ft
from pypdf import PdfReader

from api_client.models import Administrative, Relationship, Representative, RepresentativeRole
from app.i18n import Translator
from app.viewmodels.emergency_contact import (
    ContactForm,
    contact_rows,
    field_problems,
    form_for,
    form_problems,
    to_update,
)

HUNG = "001055001234"
t = Translator("vi")
PHONE_FORMAT = t("The phone number must start with 0 or +84 and have 10 or 11 digits.")
OWN_PHONE = t("This is your own phone number. Give the number of someone who can be called for you.")
GOOD = ContactForm(full_name="Nguyễn Thị Hoa", relationship=Relationship.SPOUSE, phone="0912 345 678")


# ---------------------------------------------------------------- the form, as plain functions


def test_an_empty_form_names_every_missing_field():
    problems = form_problems(ContactForm(), t)
    assert problems == {"full_name": t("Enter the person's full name."),
                        "relationship": t("Choose how this person is related to you."),
                        "phone": t("Enter a phone number to call in an emergency.")}
    assert form_problems(GOOD.changed(full_name="   "), t) == {"full_name": t("Enter the person's full name.")}


def test_a_bad_phone_or_personal_id_is_refused_as_the_api_would():
    assert form_problems(GOOD.changed(phone="12345"), t) == {"phone": PHONE_FORMAT}
    assert form_problems(GOOD.changed(phone="0912-345-678x"), t) == {"phone": PHONE_FORMAT}
    assert set(form_problems(GOOD.changed(personal_id="099088001111"), t)) == {"personal_id"}


def test_a_good_form_becomes_the_request_with_the_number_as_the_api_keeps_it():
    assert form_problems(GOOD, t) == {}
    update = to_update(GOOD.changed(full_name=" Nguyễn Thị Hoa "))
    assert (update.full_name, update.phone, update.personal_id) == ("Nguyễn Thị Hoa", "0912345678", None)
    assert update.role == RepresentativeRole.CAREGIVER


def test_the_form_opens_with_the_contact_already_named_for_that_role():
    person = Administrative(
        person_id="p", full_name="Nguyễn Văn Hùng", birth_date="1955-03-12", sex="male", personal_id=HUNG,
        representatives=[Representative(role="caregiver", full_name="Nguyễn Văn Minh", relationship="child",
                                        phone="0120005555"),
                         Representative(role="guardian", full_name="Trần Thị Mai", relationship="other")])
    assert form_for(person, RepresentativeRole.CAREGIVER) == ContactForm(
        full_name="Nguyễn Văn Minh", relationship=Relationship.CHILD, phone="0120005555")
    assert form_for(person, RepresentativeRole.LEGAL_REPRESENTATIVE) == ContactForm(
        role=RepresentativeRole.LEGAL_REPRESENTATIVE)
    rows = contact_rows(person, t)
    assert [(row.title, row.detail, row.editable) for row in rows] == [
        ("Nguyễn Văn Minh (Con)", f"{t('Main caregiver')} · 0120005555", True),
        (f"Trần Thị Mai ({t('Other relative')})", t("Guardian"), False),
    ]


def test_the_apis_refusal_goes_back_to_its_fields():
    by_field, others = field_problems([{"field": "phone", "message": "Sai số"}, {"field": None, "message": "Chung"},
                                       {"field": "role", "message": "Vai trò"}])
    assert by_field == {"phone": "Sai số"} and others == ["Chung", "Vai trò"]


# ---------------------------------------------------------------- the screen


def field(app, label: str) -> ft.TextField:
    return next(control for control in app.controls(ft.TextField) if control.label == label)


async def fill(app, *, name: str, phone: str, relationship: str = "spouse") -> None:
    await app.change(field(app, "Họ và tên"), value=name)
    dropdown = app.controls(ft.Dropdown)[0]
    app.session.apply_patch(dropdown._i, {"value": relationship})
    await app.click(dropdown, "select", relationship)
    await app.change(field(app, "Số điện thoại"), value=phone)


async def test_the_screen_saves_a_new_contact_and_home_shows_it(open_app):
    app = await open_app(HUNG)
    await app.navigate("/settings")
    await app.click(app.button("Người liên hệ khi cấp cứu"))
    assert app.page.route == "/settings/contact"
    assert "Nguyễn Văn Minh (Con)" in app.texts()
    assert field(app, "Họ và tên").value == "Nguyễn Văn Minh", "the caregiver named now, ready to change"
    await fill(app, name="Nguyễn Thị Hoa", phone="0912345678")
    await app.click(app.button("Lưu người liên hệ"))
    await app.settle(30)
    assert [(r.full_name, r.phone) for r in app.state.book.person.representatives] == [("Nguyễn Thị Hoa", "0912345678")]
    assert t("Saved. The emergency card and your book now name {name}.", name="Nguyễn Thị Hoa") in app.texts()
    await app.navigate("/")
    await app.settle(10)
    assert any("Nguyễn Thị Hoa" in text and "0912345678" in text for text in app.texts())


async def test_a_bad_phone_is_shown_next_to_the_field_and_nothing_is_saved(open_app):
    app = await open_app(HUNG)
    await app.navigate("/settings/contact")
    await app.change(field(app, "Số điện thoại"), value="12345")
    await app.click(app.button("Lưu người liên hệ"))
    assert field(app, "Số điện thoại").error == PHONE_FORMAT

    await app.change(field(app, "Số điện thoại"), value="0120001234")  # his own: only the server knows it is
    await app.click(app.button("Lưu người liên hệ"))
    await app.settle(20)
    assert field(app, "Số điện thoại").error == OWN_PHONE, "the API's refusal, next to its field"
    assert t("The person to call for you must be someone else.") in app.texts()
    assert [r.phone for r in app.state.book.person.representatives] == ["0120005555"]


async def test_a_contact_is_removed(open_app):
    app = await open_app(HUNG)
    await app.navigate("/settings/contact")
    await app.click(app.button("Xóa người liên hệ này"))
    await app.settle(30)
    assert app.state.book.person.representatives == []
    assert "Chưa có người liên hệ nào." in app.texts()


async def test_settings_prints_the_emergency_card(open_app):
    app = await open_app(HUNG)
    await app.navigate("/settings")
    assert app.by_identifier("settings-emergency-card") is not None
    await app.click(app.button("In thẻ cấp cứu"))
    await app.settle(30)
    [args] = [args for name, args in app.connection.invoked if name == "save_file"]
    assert args["file_name"] == "the-cap-cuu-id1.pdf"
    pages = PdfReader(io.BytesIO(args["src_bytes"])).pages
    assert len(pages) == 2 and "Penicillin" in pages[0].extract_text()


async def test_in_large_text_the_fields_labels_grow(open_app):
    from app import theme

    app = await open_app(HUNG)
    await app.session_service.set_large_text(True)
    await app.navigate("/settings/contact")
    phone = field(app, "Số điện thoại")
    assert phone.label_style.size == phone.text_size == theme.LARGE.body
    assert app.controls(ft.Dropdown)[0].label_style.size == theme.LARGE.body
