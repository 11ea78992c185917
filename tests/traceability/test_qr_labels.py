"""QR images and label sheets, decoded by a real decoder (zxing-cpp) back to the exact URL."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from traceability.exceptions import LabelDoesNotFit
from traceability.labels import LABEL_SIZES, Label, grid, module_size, render_label_sheet
from traceability.links import label_url
from traceability.qr import qr_matrix, qr_png, qr_svg

RECTANGLE = re.compile(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re")
ITEM_URL = "https://tra.vn/01/08931234567897/10/TC2026-11A/21/7GQ2KX9PAB"


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_png_decodes_to_the_exact_url():
    image = Image.open(io.BytesIO(qr_png(ITEM_URL)))
    assert _decode(image) == [ITEM_URL]


def test_svg_is_a_real_qr_of_the_url():
    svg = qr_svg(ITEM_URL).decode()
    assert svg.startswith("<?xml")
    assert "<path" in svg


def test_matrix_has_the_quiet_zone_and_level_m():
    matrix = qr_matrix(ITEM_URL)
    assert all(not dark for dark in matrix[0])  # quiet zone row
    assert all(not row[3] for row in matrix)  # fourth column still quiet
    modules = len(matrix) - 8
    assert (modules - 17) % 4 == 0  # a normal QR version (never Micro QR: 11-17 modules)
    assert modules >= 21


def test_short_link_is_used_without_a_gtin():
    assert label_url(gtin="", lot="TC1", serial="7GQ2KX9PAB", host="https://tra.vn") == (
        "https://tra.vn/t/7GQ2KX9PAB"
    )
    assert label_url(gtin="8931234567897", lot="TC1", host="https://tra.vn") == (
        "https://tra.vn/01/08931234567897/10/TC1"
    )


@pytest.mark.parametrize("size", sorted(LABEL_SIZES))
def test_label_sheet_scans_back_and_respects_the_module_minimum(size):
    # given
    labels = [
        Label(url=f"{ITEM_URL[:-2]}{n:02d}", lines=("LOT TC2026-11A", f"SN 7GQ2KX9P{n:02d}"))
        for n in range(3)
    ]
    # when
    pdf = render_label_sheet(labels, size_code=size, compress=False)
    # then
    assert pdf.startswith(b"%PDF")
    assert module_size(LABEL_SIZES[size], len(qr_matrix(labels[0].url))) >= 0.4
    page = _rasterise(pdf)
    decoded = set(_decode(page))
    assert decoded == {label.url for label in labels}


def test_too_small_label_is_refused():
    long_url = "https://tra.vn/01/08931234567897/10/ABCDEFGHIJKLMNOPQRST/21/ABCDEFGHIJKLMNOPQRST"
    with pytest.raises(LabelDoesNotFit):
        render_label_sheet([Label(url=long_url + "?x=" + "9" * 300, lines=())], size_code="24x30")


def test_sheet_grid_matches_the_size_names():
    assert grid(LABEL_SIZES["24x30"]) == (7, 8)
    assert grid(LABEL_SIZES["38x45"]) == (4, 6)
    assert grid(LABEL_SIZES["50x60"]) == (3, 4)


def test_two_hundred_labels_fill_nine_sheets():
    labels = [Label(url=f"{ITEM_URL[:-3]}{n:03d}", lines=("L", str(n))) for n in range(200)]
    pdf = render_label_sheet(labels, size_code="38x45")
    # 24 labels of 38 × 45 mm per A4 sheet (timings are benchmark figures, not assertions)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 9


def _rasterise(pdf: bytes, dpi: int = 300) -> Image.Image:
    """The first page of an uncompressed label PDF drawn at `dpi` from its own content stream:
    every filled rectangle ("x y w h re") becomes black pixels, as a printer would put them."""
    first_page = pdf.split(b"endstream", 1)[0]
    scale = dpi / 72
    width, height = int(595.2756 * scale), int(841.8898 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for match in RECTANGLE.finditer(first_page):
        x, y, w, h = (float(value) * scale for value in match.groups())
        draw.rectangle([x, height - y - h, x + w - 1, height - y - 1], fill=0)
    return image
