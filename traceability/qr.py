"""QR codes of label URLs with the `qrcode` library: a normal QR code (never Micro QR), error
correction M by default (Q for rough or curved packs), a quiet zone of 4 modules, mixed-mode
segments so that an upper-case Digital Link path fits the alphanumeric mode."""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

QUIET_ZONE = 4
LEVELS = {
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def make_qr(url: str, *, level: str = "M") -> qrcode.QRCode:  # type: ignore[type-arg]
    code = qrcode.QRCode(error_correction=LEVELS[level], border=QUIET_ZONE, box_size=10)
    code.add_data(url, optimize=20)
    code.make(fit=True)
    return code


def qr_matrix(url: str, *, level: str = "M") -> list[list[bool]]:
    """The modules, quiet zone included (True = dark)."""
    return [list(row) for row in make_qr(url, level=level).get_matrix()]


def qr_svg(url: str, *, level: str = "M") -> bytes:
    image = make_qr(url, level=level).make_image(image_factory=SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_png(url: str, *, level: str = "M", box_size: int = 8) -> bytes:
    code = make_qr(url, level=level)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
