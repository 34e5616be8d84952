"""Proof raster: the press PDF rendered to PNG with pypdfium2 (print-tech.md §5), for eyes and tests."""

from __future__ import annotations

import io

from layout.errors import UsageError


def check_dpi(dpi: float) -> None:
    if not 10 <= dpi <= 600:
        raise UsageError(f"--proof-dpi {dpi:g} is out of range", "--proof-dpi", "use 10–600")


def proof_png(pdf: bytes, dpi: float = 50) -> bytes:
    """The first page of `pdf` as PNG bytes at `dpi`."""
    import pypdfium2 as pdfium

    check_dpi(dpi)
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=dpi / 72.0).to_pil()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
