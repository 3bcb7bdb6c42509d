"""The papers' download buttons: on a visit with papers, on the vaccinations screen, for a guardian too."""

from __future__ import annotations

import io

import flet as ft
from pypdf import PdfReader


def _saved(app) -> list[dict]:
    return [args for name, args in app.connection.invoked if name == "save_file"]


def _has_button(app, label: str) -> bool:
    try:
        return app.button(label) is not None
    except LookupError:
        return False


def _statement_kind(pdf: bytes) -> str:
    from server.papers.statement import parse

    return parse(PdfReader(io.BytesIO(pdf)).metadata["/Keywords"]).payload["doc"]


async def test_a_visit_with_a_discharge_paper_offers_it_as_a_pdf(open_app):
    app = await open_app("001055001234")
    inpatient = next(v for v in app.state.book.visits if v.discharge_paper)
    await app.navigate(f"/visits/{inpatient.id}")
    button = app.button("Tải giấy ra viện (PDF)")
    assert app.by_identifier("download-discharge") is not None
    assert isinstance(button, ft.Button)
    assert button.style.text_style.size >= 16 and button.style.padding.top * 2 + 20 >= 48
    with_no_paper = [label for label in ("Tải giấy chuyển tuyến (PDF)", "Tải giấy hẹn khám lại (PDF)")
                     if _has_button(app, label)]
    assert not with_no_paper, "only the papers this visit has"

    await app.click(button)
    await app.settle()
    [saved] = _saved(app)
    assert saved["file_name"] == "giay-ra-vien.pdf" and saved["src_bytes"][:4] == b"%PDF"
    assert _statement_kind(saved["src_bytes"]) == "discharge"
    assert "Đã lưu giấy. Mã QR trên giấy giúp mọi bệnh viện kiểm tra được giấy này." in app.texts()


async def test_a_visit_with_a_referral_and_one_with_a_re_exam_offer_theirs(open_app):
    app = await open_app("001055001234")
    referred = next(v for v in app.state.book.visits if v.referral)
    await app.navigate(f"/visits/{referred.id}")
    assert _has_button(app, "Tải giấy chuyển tuyến (PDF)") and not _has_button(app, "Tải giấy ra viện (PDF)")
    re_exam = next(v for v in app.state.book.visits if v.re_exam)
    await app.navigate(f"/visits/{re_exam.id}")
    await app.click(app.button("Tải giấy hẹn khám lại (PDF)"))
    await app.settle()
    assert [args["file_name"] for args in _saved(app)] == ["giay-hen-kham-lai.pdf"]


async def test_large_text_grows_the_paper_button(open_app):
    app = await open_app("001055001234")
    inpatient = next(v for v in app.state.book.visits if v.discharge_paper)
    await app.navigate(f"/visits/{inpatient.id}")
    before = app.button("Tải giấy ra viện (PDF)").style.text_style.size
    await app.navigate("/settings")
    await app.change(app.controls(ft.Switch)[0], value=True)
    await app.navigate(f"/visits/{inpatient.id}")
    assert app.button("Tải giấy ra viện (PDF)").style.text_style.size > before


async def test_a_guardian_downloads_the_childs_vaccination_record(open_app):
    app = await open_app("001190004567")
    await app.navigate("/family")
    await app.click(app.by_identifier("person-1").content)
    await app.navigate("/vaccinations")
    await app.click(app.button("Tải phiếu tiêm chủng (PDF)"))
    await app.settle()
    [saved] = _saved(app)
    assert saved["file_name"] == "phieu-tiem-chung.pdf"
    text = PdfReader(io.BytesIO(saved["src_bytes"])).pages[0].extract_text()
    assert "PHIẾU TIÊM CHỦNG" in text and "LÊ MINH AN" in text
