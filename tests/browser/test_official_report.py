"""Issue 13 in Chromium: the provincial official 001180005678 lands on the pilot report of Hà Nội,
drills down to Quận Ba Đình and Phường Quán Thánh, writes the assessment, saves it, and exports the
report as XLSX and PDF; the files hold the same figures and the four sections."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.i18n import Translator

from .conftest import by_id, expect_text, screenshot, semantic_text, sign_in, type_into

pytestmark = pytest.mark.browser

VI = Translator("vi")
OFFICIAL = "001180005678"


@pytest.mark.parametrize("width,height", [(1366, 768), (360, 800)])
def test_an_official_drills_down_writes_the_assessment_and_exports(chromium, server_url, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                   accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, server_url, OFFICIAL)
        expect_text(by_id(page, "report-breadcrumb"), "Hà Nội", timeout=30_000)
        expect(by_id(page, "report-figures")).to_be_attached(timeout=30_000)
        screenshot(page, f"80-report-province-{width}")
        by_id(page, "area-001").get_by_role("button").click()
        expect_text(by_id(page, "report-breadcrumb"), "Ba Đình", timeout=30_000)
        by_id(page, "area-00013").get_by_role("button").click()
        expect_text(by_id(page, "report-breadcrumb"), "Quán Thánh", timeout=30_000)
        screenshot(page, f"81-report-commune-{width}")
        assert "Hoàn Kiếm" not in semantic_text(by_id(page, "report-figures"))

        assessment = by_id(page, "report-assessment")
        texts = ["Tỷ lệ người dân có sổ tăng rõ ở tổ dân phố 3.", "Người cao tuổi chưa có điện thoại.",
                 "Đề nghị in thẻ khám bệnh cho người cao tuổi."]
        labels = ["Assessment of effectiveness", "Difficulties and obstacles", "Proposals and recommendations"]
        for label, value in zip(labels, texts, strict=True):
            # Each field found by its label when it is typed in: Flutter adds an editing element to the page for
            # the focused field, which shifts any "n-th text box" found before.
            field = assessment.get_by_role("textbox", name=VI(label))
            expect(field).to_be_attached(timeout=10_000)
            type_into(field, value)
        # A person takes a moment between the last word and Save.
        page.wait_for_timeout(600)
        page.get_by_role("button", name=VI("Save the assessment")).click()
        expect_text(by_id(page, "assessment-saved"), "Vũ Thị Hạnh", timeout=15_000)
        screenshot(page, f"82-report-assessment-{width}")

        with page.expect_download(timeout=30_000) as xlsx_download:
            page.get_by_role("button", name=VI("Download Excel (XLSX)")).click()
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
        assert len(workbook.sheetnames) >= 3
        cells = " ".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
                         if cell.value is not None)
        assert "Quán Thánh" in cells and texts[0] in cells
        with page.expect_download(timeout=30_000) as pdf_download:
            page.get_by_role("button", name=VI("Download PDF")).click()
        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_download.value.path().read_bytes())).pages)
        for heading in ("Kết quả thực hiện", "Đánh giá hiệu quả", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"):
            assert heading in pdf_text, heading
        words = " ".join(pdf_text.split())  # the PDF breaks lines where the page needs
        assert all(value in words for value in texts), words[-1500:]
        screenshot(page, f"83-report-exported-{width}")
    finally:
        context.close()
