"""The error-box detector every browser journey relies on: Flutter's release build reports a widget
that failed to build only as a grey box, so the screenshot is where it is caught."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from .conftest import FLUTTER_ERROR_GREY, error_box_in


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_grey_error_box_is_found_where_it_is():
    screen = Image.new("RGB", (360, 800), (248, 249, 255))
    ImageDraw.Draw(screen).rectangle((20, 300, 339, 340), fill=(FLUTTER_ERROR_GREY,) * 3)
    box = error_box_in(png(screen))
    assert box is not None and 300 <= box[1] <= 340


def test_grey_text_and_thin_grey_lines_are_not_error_boxes():
    screen = Image.new("RGB", (360, 800), (248, 249, 255))
    draw = ImageDraw.Draw(screen)
    draw.text((10, 10), "Sổ sức khỏe điện tử " * 3, fill=(FLUTTER_ERROR_GREY,) * 3)
    draw.line((0, 100, 359, 100), fill=(FLUTTER_ERROR_GREY,) * 3, width=4)
    assert error_box_in(png(screen)) is None
