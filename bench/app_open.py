"""How long from signing in to seeing the book: the redirect back from VNeID to the allergy banner.

    python -m bench.app_open [--runs 7] [--url URL]

Starts `python main.py` with the demo data (unless --url names a running stack), then for each
run opens the app in a fresh Chromium context, goes to the provider, submits the login form
and times until the home screen shows Nguyễn Văn Hùng's penicillin allergy. Then, in this process,
the median time to make his discharge paper (laid out, hashed, signed, with its QR). Last line:
`book_visible_p50_ms=<x> book_visible_max_ms=<y> paper_pdf_ms=<z>`.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, by_id, enable_semantics, expect_text

from .stack import percentile, running_stack


def time_one_sign_in(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 412, "height": 860}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{url}/")
        enable_semantics(page)
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        page.wait_for_url("**/idp/authorize**", timeout=20_000)
        page.fill("#username", "001055001234")
        page.fill("#password", "demo")
        started = time.perf_counter()
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/**", timeout=20_000)
        enable_semantics(page)
        expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)
        return (time.perf_counter() - started) * 1000
    finally:
        context.close()


def time_paper_pdf(runs: int = 15) -> float:
    """The median of `runs` discharge papers of the demo citizen, after one to warm up (imports, catalog)."""
    from datetime import date

    from server.demo import nguyen_van_hung
    from server.papers import load_or_create
    from server.papers.issuing import Patient, signed_pdf, verify_url, visit_layout

    book = nguyen_van_hung(date.today())
    visit = next(v for v in book.visits if v.discharge_paper)
    patient = Patient(book.person.full_name, book.person.birth_date, book.person.sex)
    issuer = "http://127.0.0.1:8000"
    with tempfile.TemporaryDirectory(prefix="bench-papers-") as keys_dir:
        key = load_or_create(Path(keys_dir)).signing

        def one() -> float:
            started = time.perf_counter()
            layout, statement = visit_layout(visit, patient, "discharge", verify_url(issuer))
            signed_pdf(layout, statement, issuer=issuer, key=key, issued_at=time.time())
            return (time.perf_counter() - started) * 1000

        one()
        return percentile([one() for _ in range(runs)], 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.app_open")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--url", help="an already running stack (default: start one with demo data)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.url
        if url is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-app-")))
            url = stack.enter_context(running_stack(data_dir))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            time_one_sign_in(browser, url)  # warm-up: first page load, imports, JWKS fetch
            times = [time_one_sign_in(browser, url) for _ in range(args.runs)]
            browser.close()
    print("runs_ms=" + ",".join(f"{value:.0f}" for value in times))
    paper_ms = time_paper_pdf()
    print(f"book_visible_p50_ms={percentile(times, 0.5):.0f} book_visible_max_ms={max(times):.0f} "
          f"paper_pdf_ms={paper_ms:.0f}")


if __name__ == "__main__":
    main()
