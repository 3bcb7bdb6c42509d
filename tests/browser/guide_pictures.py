"""The pictures of the citizens' printed guide (server/printing.py), made from the real app.

    .venv/bin/python -m tests.browser.guide_pictures --out assets/guide

Starts `python main.py` with the demo population on a free loopback port and a throw-away data folder,
signs in as the demo citizen 001055001234 in Debian's Chromium at phone size (360 × 800), once in
Vietnamese and once in English, and saves the screens a citizen meets: sign-in, the VNeID login page,
home, visits, the check-in QR and "who looked at my book" (a receptionist scans the QR in a second window
first, so the log has a line). Steps that happen outside our app (the VNeID app, the commune police,
linking the BHYT card, the printed card, safety) get drawn illustrations, labelled as such, never
imitation screenshots. Every PNG is reduced to a small palette. Everything started is stopped.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bench.stack import running_stack

from .conftest import CHROMIUM, CHROMIUM_ARGS, by_id, enable_semantics, error_box_in, expect_text, open_app

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "assets" / "fonts"
SIZE = (360, 800)  # CSS pixels of a small phone, device scale 1
COLOURS = 48  # palette of a saved screenshot: flat UI colours and antialiased text stay legible
CITIZEN = "001055001234"
RECEPTIONIST = "001192006789"
LANGUAGES = ("vi", "en")

# Screenshots: the name of each file, by the label a citizen follows to reach it.
LABELS = {
    "vi": {"sign_in": "Đăng nhập bằng VNeID", "visits": "Lần khám", "qr": "Mã QR khám bệnh",
           "settings": "Cài đặt", "access_log": "Ai đã xem sổ của tôi", "qr_image": "Mã QR khám bệnh của"},
    "en": {"sign_in": "Sign in with VNeID", "visits": "Visits", "qr": "Check-in QR code",
           "settings": "Settings", "access_log": "Who has looked at my book", "qr_image": "Check-in QR code for"},
}

# The drawn pictures' words: baked into PNGs at build time, so both languages are written here.
ILLUSTRATION = {"vi": "HÌNH MINH HỌA", "en": "ILLUSTRATION"}
DRAWN = {
    "vi": {
        "vneid_app": ("Ứng dụng VNeID", ["Tải từ CH Play", "hoặc App Store", "Đăng ký tài khoản",
                                         "bằng số định danh", "và số điện thoại"]),
        "police": ("Công an xã, phường", ["Mang căn cước", "gắn chip", "Xin nâng lên", "mức độ 2"]),
        "bhyt": ("Thẻ BHYT trong VNeID", ["Ví giấy tờ", "Thẻ bảo hiểm y tế", "Đã tích hợp"]),
        "card": ("Thẻ khám bệnh in", ["Hùng", "Đưa thẻ tại quầy", "tiếp đón", "Năm sinh của bác?", "Sổ sức khỏe điện tử"]),
        "safety": ("Không bao giờ đưa", ["Mật khẩu VNeID", "Mã OTP", "Tình nguyện viên", "không cần các mã này"]),
    },
    "en": {
        "vneid_app": ("The VNeID app", ["Get it from Google", "Play or App Store", "Sign up with your",
                                        "personal ID number", "and phone number"]),
        "police": ("Commune police", ["Bring your chip", "ID card", "Ask for", "level 2"]),
        "bhyt": ("BHYT card in VNeID", ["Document wallet", "Health insurance card", "Linked"]),
        "card": ("Printed check-in card", ["Hùng", "Show it at the", "reception desk", "Your year of birth?", "Electronic health book"]),
        "safety": ("Never give anyone", ["Your VNeID password", "An OTP code", "Volunteers never", "need these codes"]),
    },
}

PRIMARY = (11, 83, 148)
DANGER = (179, 38, 30)
SUCCESS = (30, 107, 52)
MUTED = (68, 80, 92)
BACKGROUND = (243, 246, 249)
VNEID_RED = (165, 14, 14)


def save_png(image: Image.Image, path: Path) -> None:
    """A small palette PNG: a phone screen has few colours, and the guide prints in any case."""
    small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def shoot(page: Page, out: Path, name: str, lang: str) -> None:
    page.mouse.move(SIZE[0] // 2, 3)  # off the button just pressed, and off the scroll bar: neither on the picture
    page.wait_for_timeout(1500)  # the canvas paints after the semantics tree; a tooltip fades
    png = page.screenshot(full_page=False)
    box = error_box_in(png)
    if box is not None:
        raise RuntimeError(f"a Flutter error box is on the {name} screen at {box}")
    image = Image.open(io.BytesIO(png))
    if image.size != SIZE:
        raise RuntimeError(f"{name}: {image.size}, expected {SIZE}")
    save_png(image, out / f"{name}.{lang}.png")
    print(f"  {name}.{lang}.png", flush=True)


def capture_citizen(browser: Browser, url: str, out: Path, lang: str) -> None:
    labels = LABELS[lang]
    window = browser.new_context(viewport={"width": SIZE[0], "height": SIZE[1]}, device_scale_factor=1,
                                 locale="vi-VN" if lang == "vi" else "en-US")
    desk_window = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        page = window.new_page()
        open_app(page, url)
        if lang != "vi":
            page.get_by_role("button", name="English").or_(page.get_by_text("English", exact=True)).first.click()
        sign_in_button = page.get_by_role("button", name=labels["sign_in"])
        expect(sign_in_button).to_be_visible(timeout=20_000)
        shoot(page, out, "sign-in", lang)

        sign_in_button.click()
        page.wait_for_url("**/idp/authorize**", timeout=20_000)
        page.wait_for_selector("#username")
        shoot(page, out, "vneid-login", lang)
        page.fill("#username", CITIZEN)
        page.fill("#password", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/**", timeout=20_000)
        enable_semantics(page)
        expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)
        shoot(page, out, "home", lang)

        page.get_by_role("tab", name=labels["visits"]).click()
        expect(page.get_by_role("button", name=re.compile(r"J18\.9")).first).to_be_visible(timeout=10_000)
        shoot(page, out, "visits", lang)

        page.go_back()
        expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)
        page.get_by_role("button", name=labels["qr"]).first.click()
        expect(page.get_by_role("img", name=re.compile(re.escape(labels["qr_image"])))).to_be_visible(timeout=20_000)
        shoot(page, out, "check-in-qr", lang)

        if lang == "vi":  # one scan at the counter gives the log its line (the English run reads it too)
            scan_at_the_desk(desk_window.new_page(), url, page, labels["qr_image"])
        page.get_by_role("tab", name=labels["settings"]).click()
        page.get_by_role("button", name=labels["access_log"]).click()
        expect_text(by_id(page, "access-entry"), "01901", timeout=15_000)
        shoot(page, out, "access-log", lang)
    finally:
        desk_window.close()
        window.close()


def scan_at_the_desk(desk: Page, url: str, citizen: Page, qr_label: str) -> None:
    """The receptionist reads the citizen's QR (decoded from the citizen's screen) and checks them in."""
    import zxingcpp

    citizen.wait_for_timeout(1000)
    shot = Image.open(io.BytesIO(citizen.screenshot()))
    [found] = [r for r in zxingcpp.read_barcodes(shot) if r.format == zxingcpp.BarcodeFormat.QRCode]
    open_app(desk, url)
    desk.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    desk.wait_for_url("**/idp/authorize**", timeout=20_000)
    desk.fill("#username", RECEPTIONIST)
    desk.fill("#password", "demo")
    desk.click("button[type=submit]")
    desk.wait_for_url(f"{url}/**", timeout=20_000)
    enable_semantics(desk)
    field = desk.get_by_role("textbox", name="Quét hoặc nhập mã, số của người bệnh")
    expect(field).to_be_visible(timeout=20_000)
    field.fill(found.text)
    field.press("Enter")
    expect_text(by_id(desk, "patient-name"), "Nguyễn Văn Hùng", timeout=10_000)
    desk.get_by_role("button", name="Tiếp nhận").click()
    expect_text(by_id(desk, "admitted"), "Số thứ tự 1", timeout=10_000)


# ---------------------------------------------------------------- drawn illustrations


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def canvas(lang: str, title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A plain page with a dashed frame and the word "illustration" on top: nobody takes it for a screen."""
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    for x in range(8, SIZE[0] - 8, 16):
        draw.line([(x, 8), (x + 8, 8)], fill=MUTED, width=2)
        draw.line([(x, SIZE[1] - 9), (x + 8, SIZE[1] - 9)], fill=MUTED, width=2)
    for y in range(8, SIZE[1] - 8, 16):
        draw.line([(8, y), (8, y + 8)], fill=MUTED, width=2)
        draw.line([(SIZE[0] - 9, y), (SIZE[0] - 9, y + 8)], fill=MUTED, width=2)
    draw.rounded_rectangle([24, 24, SIZE[0] - 24, 64], radius=20, fill=BACKGROUND, outline=MUTED, width=2)
    draw.text((SIZE[0] / 2, 44), ILLUSTRATION[lang], font=font(18, bold=True), fill=MUTED, anchor="mm")
    centred_lines(draw, [title], top=96, size=26, bold=True, fill=PRIMARY)
    return image, draw


def centred_lines(draw: ImageDraw.ImageDraw, lines: list[str], *, top: float, size: int, bold: bool = False,
                  fill: tuple[int, int, int] = (26, 26, 26), gap: float = 1.35) -> float:
    for index, line in enumerate(lines):
        draw.text((SIZE[0] / 2, top + index * size * gap), line, font=font(size, bold), fill=fill, anchor="mt")
    return top + len(lines) * size * gap


def phone(draw: ImageDraw.ImageDraw, top: int, bottom: int) -> tuple[int, int, int, int]:
    """A phone's outline; the screen's box inside it."""
    left, right = 70, SIZE[0] - 70
    draw.rounded_rectangle([left, top, right, bottom], radius=28, outline=(26, 26, 26), width=6, fill="white")
    draw.rounded_rectangle([SIZE[0] / 2 - 30, top + 14, SIZE[0] / 2 + 30, top + 22], radius=4, fill=(26, 26, 26))
    return left + 14, top + 36, right - 14, bottom - 30


def qr(text: str, side: int) -> Image.Image:
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=4)
    symbol.add_data(text)
    symbol.make(fit=True)
    return symbol.make_image().get_image().convert("RGB").resize((side, side), Image.Resampling.NEAREST)


def draw_vneid_app(lang: str) -> Image.Image:
    title, lines = DRAWN[lang]["vneid_app"]
    image, draw = canvas(lang, title)
    x0, y0, x1, _ = phone(draw, 150, 760)
    draw.rounded_rectangle([SIZE[0] / 2 - 55, y0 + 30, SIZE[0] / 2 + 55, y0 + 140], radius=24, fill=VNEID_RED)
    draw.text((SIZE[0] / 2, y0 + 85), "VNeID", font=font(30, bold=True), fill="white", anchor="mm")
    draw.rounded_rectangle([x0 + 20, y0 + 165, x1 - 20, y0 + 215], radius=12, fill=SUCCESS)
    draw.text((SIZE[0] / 2, y0 + 190), "⬇", font=font(30, bold=True), fill="white", anchor="mm")
    centred_lines(draw, lines[:2], top=y0 + 240, size=18)
    centred_lines(draw, lines[2:], top=y0 + 330, size=17, bold=True, fill=PRIMARY)
    return image


def draw_police(lang: str) -> Image.Image:
    title, lines = DRAWN[lang]["police"]
    image, draw = canvas(lang, title)
    # the station: a roof, a star, columns
    draw.polygon([(60, 260), (180, 180), (300, 260)], fill=(200, 160, 40), outline=(26, 26, 26))
    draw.regular_polygon((180, 228, 18), 5, fill=DANGER)
    for x in (80, 130, 180, 230, 280):
        draw.rectangle([x - 12, 265, x + 12, 370], fill=(230, 232, 236), outline=(26, 26, 26), width=2)
    draw.rectangle([55, 370, 305, 385], fill=(26, 26, 26))
    # the chip card
    draw.rounded_rectangle([80, 420, 280, 545], radius=14, fill=(222, 236, 250), outline=PRIMARY, width=4)
    draw.rounded_rectangle([100, 460, 150, 500], radius=6, fill=(212, 175, 55), outline=(120, 90, 20), width=2)
    for y in (455, 480, 505):
        draw.line([(170, y), (260, y)], fill=PRIMARY, width=6)
    centred_lines(draw, lines[:2], top=575, size=22)
    draw.rounded_rectangle([60, 660, 300, 740], radius=16, fill=SUCCESS)
    centred_lines(draw, lines[2:], top=668, size=24, bold=True, fill=(255, 255, 255), gap=1.25)
    return image


def draw_bhyt(lang: str) -> Image.Image:
    title, lines = DRAWN[lang]["bhyt"]
    image, draw = canvas(lang, title)
    x0, y0, x1, _ = phone(draw, 150, 760)
    draw.rectangle([x0, y0, x1, y0 + 50], fill=VNEID_RED)
    draw.text((SIZE[0] / 2, y0 + 25), lines[0], font=font(20, bold=True), fill="white", anchor="mm")
    draw.rounded_rectangle([x0 + 14, y0 + 80, x1 - 14, y0 + 260], radius=14, fill=(222, 236, 250),
                           outline=PRIMARY, width=3)
    draw.text((SIZE[0] / 2, y0 + 110), "BHYT", font=font(34, bold=True), fill=PRIMARY, anchor="mm")
    centred_lines(draw, [lines[1]], top=y0 + 150, size=15)
    for y in (y0 + 195, y0 + 225):
        draw.line([(x0 + 40, y), (x1 - 40, y)], fill=PRIMARY, width=6)
    draw.rounded_rectangle([x0 + 14, y0 + 300, x1 - 14, y0 + 360], radius=14, fill=SUCCESS)
    draw.text((SIZE[0] / 2, y0 + 330), f"✓ {lines[2]}", font=font(19, bold=True), fill="white", anchor="mm")
    return image


def draw_card(lang: str) -> Image.Image:
    title, lines = DRAWN[lang]["card"]
    image, draw = canvas(lang, title)
    # an ID-1 card at a glance: heading, QR (of a word, not a code), first name, what to do
    left, top, right, bottom = 30, 170, 330, 360
    draw.rounded_rectangle([left, top, right, bottom], radius=14, fill="white", outline=(26, 26, 26), width=3)
    draw.text(((left + right) / 2, top + 22), lines[4], font=font(17, bold=True), fill=PRIMARY, anchor="mm")
    draw.line([(left + 12, top + 40), (right - 12, top + 40)], fill=PRIMARY, width=2)
    image.paste(qr(ILLUSTRATION[lang], 126), (left + 12, top + 52))
    draw.text((left + 152, top + 56), lines[0], font=font(24, bold=True), fill=(26, 26, 26))
    for index, line in enumerate(lines[1:3]):
        draw.text((left + 152, top + 100 + index * 22), line, font=font(15), fill=MUTED)
    # the counter: a scanner reads it, then the receptionist asks the second factor
    draw.polygon([(250, 420), (320, 400), (330, 430), (275, 450)], fill=(60, 60, 60), outline=(26, 26, 26))
    draw.rectangle([270, 445, 292, 500], fill=(60, 60, 60))
    for dx in (-40, -20, 0):
        draw.line([(250, 425), (180 + dx, 362)], fill=DANGER, width=2)
    draw.rounded_rectangle([40, 560, 320, 640], radius=20, fill=BACKGROUND, outline=PRIMARY, width=3)
    draw.polygon([(90, 640), (120, 640), (95, 670)], fill=PRIMARY)
    draw.text((180, 600), lines[3], font=font(22, bold=True), fill=PRIMARY, anchor="mm")
    draw.rectangle([20, 700, 340, 740], fill=(200, 160, 40), outline=(26, 26, 26), width=2)
    return image


def draw_safety(lang: str) -> Image.Image:
    title, lines = DRAWN[lang]["safety"]
    image, draw = canvas(lang, title)
    # a padlock
    draw.arc([120, 170, 240, 290], start=180, end=360, fill=(26, 26, 26), width=16)
    draw.line([(128, 230), (128, 270)], fill=(26, 26, 26), width=16)
    draw.line([(232, 230), (232, 270)], fill=(26, 26, 26), width=16)
    draw.rounded_rectangle([100, 260, 260, 380], radius=14, fill=(212, 175, 55), outline=(26, 26, 26), width=4)
    draw.ellipse([168, 300, 192, 324], fill=(26, 26, 26))
    draw.rectangle([175, 318, 185, 350], fill=(26, 26, 26))
    for index, line in enumerate(lines[:2]):
        top = 420 + index * 80
        draw.rounded_rectangle([28, top, 332, top + 60], radius=12, fill=(253, 236, 234), outline=DANGER, width=3)
        draw.text((54, top + 30), "✗", font=font(28, bold=True), fill=DANGER, anchor="mm")
        draw.text((76, top + 30), line, font=font(19, bold=True), fill=(95, 20, 16), anchor="lm")
    centred_lines(draw, lines[2:], top=610, size=22, fill=PRIMARY, bold=True)
    return image


DRAWINGS: dict[str, Callable[[str], Image.Image]] = {
    "vneid-app": draw_vneid_app,
    "police-level-2": draw_police,
    "bhyt-link": draw_bhyt,
    "printed-card": draw_card,
    "safety": draw_safety,
}


def draw_all(out: Path) -> None:
    for lang in LANGUAGES:
        for name, make in DRAWINGS.items():
            save_png(make(lang), out / f"{name}.{lang}.png")
            print(f"  {name}.{lang}.png", flush=True)


def capture_all(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="guide-pictures-") as data_dir, running_stack(Path(data_dir)) as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang in LANGUAGES:
                capture_citizen(browser, url, out, lang)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "guide")
    parser.add_argument("--drawings-only", action="store_true", help="leave the screenshots as they are")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    draw_all(args.out)
    if not args.drawings_only:
        if not Path(CHROMIUM).exists():
            print(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", file=sys.stderr)
            return 1
        capture_all(args.out)
    total = sum(path.stat().st_size for path in args.out.glob("*.png"))
    print(f"{len(list(args.out.glob('*.png')))} pictures, {total / 1024:.0f} KiB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
