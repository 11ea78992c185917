"""Printable A4 label sheets (PDF, reportlab) for a batch's serials.

Each label holds the QR code of the item's URL with its quiet zone, drawn as vector squares
of at least 0.4 mm per module, and the lot and serial in text under it. A label size that
cannot fit the code at 0.4 mm is refused (LabelDoesNotFit) rather than printed unreadable.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from traceability.exceptions import LabelDoesNotFit
from traceability.links import label_url
from traceability.qr import qr_matrix

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

MIN_MODULE_MM = 0.4
PAGE_MARGIN_MM = 8.0
GAP_MM = 2.0
TEXT_MM = 6.0
A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class LabelSize:
    code: str
    label: object
    width_mm: float
    height_mm: float


LABEL_SIZES = {
    size.code: size
    for size in [
        LabelSize("24x30", gettext_lazy("Small, 24 × 30 mm (56 per sheet)"), 24, 30),
        LabelSize("38x45", gettext_lazy("Medium, 38 × 45 mm (24 per sheet)"), 38, 45),
        LabelSize("50x60", gettext_lazy("Large, 50 × 60 mm (12 per sheet)"), 50, 60),
    ]
}


@dataclass(frozen=True)
class Label:
    url: str
    lines: tuple[str, ...]


def grid(size: LabelSize) -> tuple[int, int]:
    width, height = A4_MM[0] - 2 * PAGE_MARGIN_MM, A4_MM[1] - 2 * PAGE_MARGIN_MM
    columns = int((width + GAP_MM) // (size.width_mm + GAP_MM))
    rows = int((height + GAP_MM) // (size.height_mm + GAP_MM))
    return columns, rows


def module_size(size: LabelSize, modules: int) -> float:
    """The module (X-dimension) in mm for a code of `modules` (quiet zone included)."""
    side = min(size.width_mm - 1.0, size.height_mm - TEXT_MM - 1.0)
    return side / modules


def _draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, module: float) -> None:
    """Dark modules as rectangles, one per horizontal run (fast and exact)."""
    path = canvas.beginPath()
    count = len(matrix)
    for row_index, row in enumerate(matrix):
        top = y + (count - row_index - 1) * module
        start = None
        for column, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x + start * module, top, (column - start) * module, module)
                start = None
    canvas.drawPath(path, stroke=0, fill=1)


def render_label_sheet(
    labels: Sequence[Label],
    *,
    size_code: str,
    title: str = "",
    progress: Callable[[int], None] | None = None,
    compress: bool = True,
) -> bytes:
    """The PDF of `labels`, as many A4 sheets as needed. Raises LabelDoesNotFit when a code
    needs modules under 0.4 mm at this size."""
    # Imported here: reportlab weighs about 15 MB, which a web worker needs only for labels.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    size = LABEL_SIZES[size_code]
    columns, rows = grid(size)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(title or _("Labels"))
    per_page = columns * rows
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        matrix = qr_matrix(label.url)
        module = module_size(size, len(matrix))
        if module < MIN_MODULE_MM:
            raise LabelDoesNotFit(
                _(
                    "The code needs %(modules)s modules: at %(size)s it would print at "
                    "%(module).2f mm per module, under the 0.4 mm minimum. Choose a larger label."
                )
                % {"modules": len(matrix), "size": size.code, "module": module}
            )
        position = index % per_page
        column, row = position % columns, position // columns
        left = PAGE_MARGIN_MM + column * (size.width_mm + GAP_MM)
        top = A4_MM[1] - PAGE_MARGIN_MM - row * (size.height_mm + GAP_MM)
        side = module * len(matrix)
        qr_left = left + (size.width_mm - side) / 2
        qr_bottom = top - 0.5 - side
        _draw_qr(canvas, matrix, qr_left * mm, qr_bottom * mm, module * mm)
        canvas.setFont("Helvetica", 6 if size.width_mm < 30 else 7)
        for line_index, line in enumerate(label.lines[:2]):
            canvas.drawCentredString(
                (left + size.width_mm / 2) * mm,
                (qr_bottom - 2.4 - line_index * 2.6) * mm,
                line,
            )
        if progress is not None:
            progress(index + 1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def batch_labels(*, batch: Any) -> list[Label]:
    """One label per serial of the batch (or one lot label when it has no serials): the URL
    to encode and the lot and serial in text (one query)."""
    variant = batch.variant
    serials = list(batch.serials.order_by("id").values_list("value", flat=True))
    if not serials:
        url = label_url(gtin=variant.gtin, lot=batch.lot, short_code=batch.short_code)
        return [Label(url=url, lines=(f"LOT {batch.lot}",))]
    return [
        Label(
            url=label_url(gtin=variant.gtin, lot=batch.lot, serial=value),
            lines=(f"LOT {batch.lot}", f"SN {value}"),
        )
        for value in serials
    ]
