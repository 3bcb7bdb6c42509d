"""Quản trị in the app: the view-models as plain functions, then the console headless against the real
server (an administrator made from the command line, a facility head made by her)."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from api_client.models import AdminFacility, Area, AuditEntry, GatewayKey, StaffRole
from app.i18n import Translator
from app.viewmodels.administration import (
    ALL,
    FACILITIES_PER_PAGE,
    area_choices,
    area_role_errors,
    assignable_roles,
    audit_line,
    facility_form_errors,
    facility_page,
    facility_rows,
    key_line,
    staff_form_errors,
)
from server.admin.__main__ import main as admin_cli

VI = Translator("vi")
ADMIN = "001190004567"  # Trần Thị Mai, who has no other role


def test_a_facility_row_says_what_it_is_where_and_whether_data_arrives():
    [row] = facility_rows([AdminFacility(
        code="01950", name="Phòng khám Quán Thánh", kind="private_clinic", public=False, bhyt_contract=False,
        commune_name="Phường Quán Thánh", district_name="Quận Ba Đình", active=False, active_keys=1,
        active_certificates=0)], VI)
    assert row.title == "Phòng khám Quán Thánh (01950)"
    assert row.place == "Phường Quán Thánh · Quận Ba Đình"
    assert row.kind == "Phòng khám tư nhân · ngoài công lập · không có hợp đồng BHYT"
    assert (row.status, row.tone) == ("Đã ngừng hoạt động", "danger")
    assert row.last_submission == "Chưa nhận được dữ liệu"
    assert row.credentials == "1 khóa API đang dùng · 0 chứng thư số"


def test_a_key_says_whether_it_still_works():
    issued = datetime(2026, 12, 1, 3, tzinfo=UTC)
    working = GatewayKey(key_id="a1b2c3d4e5f6", issued_at=issued, active=True)
    overlapping = GatewayKey(key_id="a1b2c3d4e5f6", issued_at=issued, active=True,
                             expires_at=datetime(2026, 12, 8, 3, tzinfo=UTC))
    revoked = GatewayKey(key_id="a1b2c3d4e5f6", issued_at=issued, active=False,
                         revoked_at=datetime(2026, 12, 2, 3, tzinfo=UTC))
    assert key_line(working, VI).endswith("· đang dùng")
    assert "dùng được đến" in key_line(overlapping, VI)
    assert "thu hồi lúc" in key_line(revoked, VI)


def test_the_audit_line_names_who_did_what_to_what():
    line = audit_line(AuditEntry(id=1, at=datetime(2026, 12, 3, 3, 5, tzinfo=UTC), actor_personal_id="001190004567",
                                 actor_name="Trần Thị Mai", action="key.issue", facility_code="01950"), VI)
    assert line.endswith("Trần Thị Mai · Đã cấp khóa API · 01950")


def test_the_forms_say_what_is_missing_before_sending():
    assert set(facility_form_errors("1950", " ", "13", VI)) == {"code", "name", "commune_code"}
    assert facility_form_errors("01950", "Phòng khám", "00013", VI) == {}
    assert staff_form_errors("001190004567", "Trần Thị Mai", VI) == {}
    assert set(staff_form_errors("12345", "", VI)) == {"personal_id", "full_name"}
    assert StaffRole.STATION_HEAD in assignable_roles(True)
    assert StaffRole.STATION_HEAD not in assignable_roles(False)  # a head does not name heads


def test_the_area_pickers_narrow_communes_to_the_district_and_roles_need_the_right_area():
    areas = [Area(code="001", name="Quận Ba Đình", level="district", parent_code="01"),
             Area(code="002", name="Quận Hoàn Kiếm", level="district", parent_code="01"),
             Area(code="00013", name="Phường Quán Thánh", level="commune", parent_code="001"),
             Area(code="00040", name="Phường Hàng Bạc", level="commune", parent_code="002")]
    districts, communes = area_choices(areas, "001", VI)
    assert districts == [(ALL, "Tất cả"), ("001", "Quận Ba Đình"), ("002", "Quận Hoàn Kiếm")]
    assert communes == [(ALL, "Tất cả"), ("00013", "Phường Quán Thánh")]
    assert len(area_choices(areas, ALL, VI)[1]) == 3
    assert set(area_role_errors("001098003456", "Đỗ Minh Quân", StaffRole.VOLUNTEER, "001", VI)) == {"area"}
    assert area_role_errors("001098003456", "Đỗ Minh Quân", StaffRole.VOLUNTEER, "00013", VI) == {}
    assert area_role_errors("001098003456", "Đỗ Minh Quân", StaffRole.OFFICIAL, "001", VI) == {}
    assert set(area_role_errors("001098003456", "Đỗ Minh Quân", StaffRole.ADMIN, "001", VI)) == {"area"}


def test_a_province_s_facilities_come_a_page_at_a_time():
    rows = facility_rows([AdminFacility(code=f"01{n:03d}", name=f"Trạm Y tế {n}", active=True) for n in range(579)], VI)
    visible, how_many = facility_page(rows, FACILITIES_PER_PAGE, VI)
    assert [r.code for r in visible] == [f"01{n:03d}" for n in range(20)] and how_many == "20 trên 579 cơ sở"
    assert facility_page(rows, 600, VI)[1] == "579 cơ sở"
    assert facility_page(rows[:1], 20, Translator("en"))[1] == "1 facility"
    assert facility_page(rows, 1000, Translator("en"))[1] == "579 facilities"


def make_admin(data_dir, database_url) -> None:
    database = ["--database", database_url] if database_url else []
    assert admin_cli(["create-admin", ADMIN, "--province", "01", "--data-dir", str(data_dir), *database]) == 0


def button(app, label: str):
    return next(c for c in app.controls(ft.BaseControl) if isinstance(c, (ft.FilledButton, ft.OutlinedButton,
                                                                        ft.TextButton)) and c.content == label)


async def test_the_administrator_lands_on_the_console_and_staffs_a_facility(open_app, data_dir, database_url):
    make_admin(data_dir, database_url)
    app = await open_app(ADMIN)
    assert app.page.route == "/admin"
    texts = app.texts()
    assert "Thành phố Hà Nội" in texts and "Trạm Y tế phường Ba Đình (01901)" in texts

    opens = [c for c in app.controls(ft.TextButton) if c.content == "Mở"]
    await app.click(opens[1])  # 01902, the district hospital
    await app.settle(30)
    texts = app.texts()
    assert "Bệnh viện Đa khoa Ba Đình (01902)" in texts and "Ngô Thanh Bình" in texts
    assert "Khóa kết nối và chứng thư số" in texts

    def field(label: str) -> ft.TextField:
        return next(c for c in app.controls(ft.TextField) if c.label == label)

    await app.click(button(app, "Giao vai trò"))
    assert field("Số định danh cá nhân (12 chữ số)").error == "Nhập số định danh cá nhân 12 chữ số trên thẻ CCCD gắn chip."
    await app.type_into(field("Số định danh cá nhân (12 chữ số)"), "001055001234")
    await app.type_into(field("Họ và tên như trên thẻ CCCD"), "Người Khác")
    await app.click(button(app, "Giao vai trò"))
    await app.settle(20)
    assert "Số định danh này thuộc về người có họ tên khác" in app.text_content()
    await app.type_into(field("Họ và tên như trên thẻ CCCD"), "Nguyễn Văn Hùng")
    await app.click(button(app, "Giao vai trò"))
    await app.settle(20)
    assert "Nguyễn Văn Hùng đã được giao vai trò Tiếp đón tại cơ sở." in app.texts()


async def test_a_facility_head_sees_only_the_staff_of_their_facility(open_app, data_dir, database_url, stack):
    make_admin(data_dir, database_url)
    admin = await open_app(ADMIN)
    service = admin.session_service
    from api_client.models import StaffAssign

    await service.books.client.assign_staff(StaffAssign(personal_id="001085007890", full_name="Ngô Thanh Bình",
                                                        role=StaffRole.STATION_HEAD, facility_code="01902"))
    head = await open_app("001085007890", route="/admin")
    await head.navigate("/admin")
    await head.settle(30)
    texts = head.texts()
    assert "Trưởng cơ sở 01902" in texts
    assert "Đăng ký cơ sở y tế" not in texts and "Trạm Y tế phường Ba Đình (01901)" not in texts
    await head.click(next(c for c in head.controls(ft.TextButton) if c.content == "Mở"))
    await head.settle(30)
    assert "Nhân sự" in head.texts() and "Khóa kết nối và chứng thư số" not in head.texts()


async def test_the_administrator_gives_a_volunteer_a_ward(open_app, data_dir, database_url):
    make_admin(data_dir, database_url)
    app = await open_app(ADMIN)

    def field(label: str) -> ft.TextField:
        return next(c for c in app.controls(ft.TextField) if c.label == label)

    assert "Đỗ Minh Quân" not in app.texts()  # the roles for an area are a click away, not under every facility
    await app.click(button(app, "Vai trò theo địa bàn"))
    await app.settle(20)
    assert "Đỗ Minh Quân" in app.texts()  # the demo's volunteer of Phường Quán Thánh
    assert "Vai trò của chính bạn: do quản trị viên của tỉnh kết thúc." in app.texts()  # no End button of her own
    assert len([c for c in app.controls(ft.TextButton) if c.content == "Kết thúc vai trò"]) == len(
        [t for t in app.texts() if t.startswith(("Tình nguyện viên ·", "Cán bộ quản lý y tế ·", "Quản trị viên ·"))]) - 1
    await app.type_into(field("Số định danh cá nhân (12 chữ số)"), "001055001234")
    await app.type_into(field("Họ và tên như trên thẻ CCCD"), "Nguyễn Văn Hùng")
    await app.type_into(field("Mã địa bàn (phường 5 chữ số, quận 3, tỉnh 2)"), "001")
    await app.click(button(app, "Giao vai trò"))
    assert field("Mã địa bàn (phường 5 chữ số, quận 3, tỉnh 2)").error == "Nhập mã xã, phường gồm 5 chữ số."
    await app.type_into(field("Mã địa bàn (phường 5 chữ số, quận 3, tỉnh 2)"), "00013")
    await app.click(button(app, "Giao vai trò"))
    await app.settle(20)
    assert "Nguyễn Văn Hùng đã được giao vai trò Tình nguyện viên tại Phường Quán Thánh." in app.texts()
