"""The check-in QR as PNG bytes: error correction H (30 % of the symbol may be damaged, as on a
cracked screen), a wide quiet zone, pure black on white. Pure Python (PyPNG), so phones need no Pillow."""

from __future__ import annotations

import io

import qrcode
from qrcode.image.pure import PyPNGImage


def qr_png(text: str, *, box_size: int = 12) -> bytes:
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, box_size=box_size, border=4,
                           image_factory=PyPNGImage)
    symbol.add_data(text)
    symbol.make(fit=True)
    buffer = io.BytesIO()
    symbol.make_image().save(buffer)
    return buffer.getvalue()
