"""render: paint a PageLayout with reportlab and return the PDF bytes. Decides nothing.

Each GlyphRun becomes one text object whose glyphs are placed by a TJ array: the array's
numbers are the differences between where layout put each glyph and where the font's own
advance would have left it (glyphs at their own advance share a string), so the page shows
exactly the composed positions while the text stays one extractable string per line. Colours are CMYK only (`enforceColorSpace='cmyk'`);
pure-black fills and strokes overprint (typography.md §5).

`memo`: the embedded font programs (and, in the watch process's `layout.base.memo.Memos`, every large
compressed stream) are kept between renders. reportlab numbers a font's glyphs into subsets of 256 in
the order the document first uses them, so a subset is the exact ordered list of characters in it:
its program and the program's Flate form are kept by (font, prepared file, that list), and a
compressed stream by its exact uncompressed bytes. The one-shot build keeps the programs on disk
(`{"subset": DiskMemo}`, `flate` None): the same page built again finds them. Whatever is kept is
what reportlab would make again, so the bytes are those of a fresh render.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import zlib

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen import canvas

from layout.base.primitives import BLACK, Box, GlyphRun, Image, PageLayout, Rule


def _fmt(x: float) -> str:
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def render(layout: PageLayout, initial_font: str, draw_grid: bool = False, memo=None) -> bytes:
    # ASCII85 would wrap every JPEG (+25 % size, most of the time) — print-tech.md §4.
    rl_config.useA85 = 0
    if memo is None:
        return _render(layout, initial_font, draw_grid)
    with _kept_fonts(layout, memo), _kept_flate(memo):
        return _render(layout, initial_font, draw_grid, memo["run"])


KEEP_FLATE_MIN = 4096  # smaller streams are compressed afresh (a look-up would cost about as much)


class _Program(bytes):
    """A font subset's program, carrying its Flate form (what reportlab's filter makes of it)."""

    flated: bytes


def _program(data: bytes, flated: bytes | None = None) -> _Program:
    out = _Program(data)
    out.flated = zlib.compress(data) if flated is None else flated
    return out


def _packed(p: _Program) -> bytes:
    return len(p).to_bytes(8, "big") + bytes(p) + p.flated


def _unpacked(data: bytes) -> _Program | None:
    n = int.from_bytes(data[:8], "big")
    return _program(data[8:8 + n], data[8 + n:]) if 0 < n < len(data) - 8 else None


class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's Flate filter: a font program comes with its Flate form; other large streams are kept
    in `table` by the exact bytes compressed (no table: compressed afresh)."""

    def __init__(self, table):
        self.table = table

    def encode(self, text):
        flated = getattr(text, "flated", None)
        if flated is not None:
            return flated
        if isinstance(text, str):
            text = text.encode("utf8")
        if self.table is None or len(text) < KEEP_FLATE_MIN:
            return zlib.compress(text)
        return self.table.call(text, lambda: zlib.compress(text), lambda out: len(text) + len(out))


@contextlib.contextmanager
def _kept_flate(memo):
    """For one render, reportlab's Flate filter is `_KeptFlate` (kept streams in `memo["flate"]`)."""
    plain = pdfdoc.PDFZCompress
    pdfdoc.PDFZCompress = _KeptFlate(memo["flate"])
    try:
        yield
    finally:
        pdfdoc.PDFZCompress = plain


@contextlib.contextmanager
def _kept_fonts(layout: PageLayout, memo):
    """For one render, each font's subset programs (with their Flate form) are kept in `memo["subset"]`
    by (font, prepared file's name — its content key, wherever the cache is —, ordered characters of
    the subset): a `layout.base.memo.Memo` of programs, or a `DiskMemo` of their bytes."""
    table = memo["subset"]
    faces = {}
    for item in layout.items:
        if isinstance(item, GlyphRun) and item.font not in faces:
            font = pdfmetrics.getFont(item.font)
            face = getattr(font, "face", None)
            if face is not None and hasattr(face, "makeSubset"):
                faces[item.font] = face
    on_disk = not hasattr(table, "_data")

    def keeping(name, face):
        make = face.makeSubset

        def make_subset(subset, *args, **kw):
            if args or kw:
                return make(subset, *args, **kw)
            key = (name, os.path.basename(face.filename), tuple(subset))
            if not on_disk:
                return table.call(key, lambda: _program(make(subset)), lambda p: 2 * len(p) + 4 * len(subset))
            got = table.get(key)
            program = _unpacked(got) if got is not None else None
            if program is None:
                program = _program(make(subset))
                table.put(key, _packed(program))
            return program

        return make_subset

    for name, face in faces.items():
        face.makeSubset = keeping(name, face)
    try:
        yield
    finally:
        for face in faces.values():
            with contextlib.suppress(AttributeError):
                del face.makeSubset


def _render(layout: PageLayout, initial_font: str, draw_grid: bool, runs=None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(layout.width_pt, layout.height_pt), invariant=1, pageCompression=1,
                      initialFontName=initial_font, initialFontSize=9, enforceColorSpace="cmyk")
    x0, y0, x1, y1 = layout.trim
    c.setTrimBox((x0, y0, x1, y1))
    overprint = None
    for item in layout.items + (layout.grid_lines if draw_grid else ()):
        if isinstance(item, GlyphRun):
            overprint = _colour(c, item.color, fill=True, overprint=overprint)
            _glyph_run(c, item, runs)
        elif isinstance(item, Rule):
            overprint = _colour(c, item.color, fill=False, overprint=overprint)
            c.setLineWidth(item.width_pt)
            c.line(item.x0_pt, item.y0_pt, item.x1_pt, item.y1_pt)
        elif isinstance(item, Box):
            if item.fill is not None:
                overprint = _colour(c, item.fill, fill=True, overprint=overprint)
            if item.stroke is not None:
                overprint = _colour(c, item.stroke, fill=False, overprint=overprint)
                c.setLineWidth(item.stroke_pt)
            c.rect(item.x_pt, item.y_pt, item.width_pt, item.height_pt, stroke=int(item.stroke is not None),
                   fill=int(item.fill is not None))
        elif isinstance(item, Image):
            _image(c, item)
    c.showPage()
    c.save()
    return buf.getvalue()


def _image(c: canvas.Canvas, item: Image) -> None:
    """Place a prepared JPEG, passed through untouched (DCTDecode). reportlab's drawImage would
    name the XObject after the file's full path — the cache folder would leak into the PDF
    bytes — so the name here comes from the file name alone, which is its content key."""
    name = "Img" + hashlib.sha256(os.path.basename(item.prepared).encode()).hexdigest()[:24]
    doc = c._doc
    reg = doc.getXObjectName(name)
    if doc.idToObject.get(reg) is None:
        xobj = pdfdoc.PDFImageXObject(name, item.prepared)
        xobj.name = name
        c._setXObjects(xobj)
        doc.Reference(xobj, reg)
        doc.addForm(name, xobj)
    c._formsinuse.append(name)  # lists the XObject in the page's resources
    c._currentPageHasImages = 1
    c.saveState()
    c.translate(item.x_pt, item.y_pt)
    c.scale(item.width_pt, item.height_pt)
    c._code.append(f"/{reg} Do")
    c.restoreState()


def _colour(c: canvas.Canvas, cmyk, fill: bool, overprint):
    """Set a CMYK colour; solid black overprints, everything else knocks out."""
    if len(cmyk) != 4 or not all(0.0 <= v <= 1.0 for v in cmyk):
        # reportlab's own check is an assert, gone under python -O: a press file must never say "1.5 k".
        raise ValueError(f"CMYK colour {tuple(cmyk)} is not four components from 0 to 1 (ISO 32000-1 8.6.4.4)")
    if fill:
        c.setFillColorCMYK(*cmyk)
    else:
        c.setStrokeColorCMYK(*cmyk)
    want = tuple(cmyk) == BLACK
    if want != overprint:
        c.setFillOverprint(want)
        c.setStrokeOverprint(want)
    return want


def _glyph_run(c: canvas.Canvas, run: GlyphRun, kept=None) -> None:
    """One text object for `run`. `kept` (the watch process's table): the object's text by the run and
    what the document's subsets made of its characters (their codes and subset names), which is all
    the text depends on."""
    font = pdfmetrics.getFont(run.font)
    doc = c._doc
    segments = [(font.getSubsetInternalName(subset, doc), data) for subset, data in font.splitString(run.chars, doc)]
    if kept is None:
        c._code.append(_run_text(c, font, run, segments))
        return
    key = (run, tuple(segments))
    c._code.append(kept.call(key, lambda: _run_text(c, font, run, segments), len))


def _run_text(c: canvas.Canvas, font, run: GlyphRun, segments: list) -> str:
    size = run.size_pt
    widths, default = font.face.charWidths, font.face.defaultWidth  # 1/1000 em, as TJ counts
    chars, xs = run.chars, run.xs_pt
    scale = 1000.0 / size
    last = len(chars) - 1
    code = [f"BT 1 0 0 1 {_fmt(run.x_pt + xs[0])} {_fmt(run.y_pt)} Tm"]
    i = 0
    for name, data in segments:
        code.append(f"{name} {_fmt(size)} Tf")
        # Glyphs that sit at the font's own advance share one string; a string ends where the
        # composed position differs (punctuation compression, justification).
        parts = []
        start = 0
        for k in range(len(data)):
            if i < last:
                adjust = widths.get(ord(chars[i]), default) - (xs[i + 1] - xs[i]) * scale
                if abs(adjust) > 0.0005:
                    parts.append(f"({c._escape(data[start:k + 1])}) {_fmt(adjust)}")
                    start = k + 1
            i += 1
        if start < len(data):
            parts.append(f"({c._escape(data[start:])})")
        code.append(f"[{' '.join(parts)}] TJ")
    code.append("ET")
    return " ".join(code)
