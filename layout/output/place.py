"""Supplied PDF pages (ads) drawn into the rendered page, between render and finish.

reportlab cannot draw another PDF's page, so the renderer leaves each `PlacedPage` out and this
module adds it to the bytes the renderer wrote, with pikepdf:

* the ad's page becomes a Form XObject (layout.base.pdfwalk.page_form: its content and resources,
  clipped by its BBox to the page's TrimBox, else MediaBox; /Rotate and /UserUnit in its /Matrix)
  copied into the page (`Pdf.copy_foreign`). Nothing of the ad's document comes along — not its
  XMP, output intents, annotations, JavaScript, outlines or structure — and what a form may still
  carry of its maker's (XMP and private data on its objects, optional-content and structure
  links) is dropped: the press file and the archive copy describe the newspaper page, in their
  own metadata;
* that box is scaled onto the primitive's rectangle exactly (the ad was checked to be within
  1 mm of it, layout.compose.page) and clipped to the rectangle;
* it is painted beneath what the renderer drew — nothing else is composed in a reserved area, and
  a --grid overlay stays visible over the ad;
* CMYK and gray through a profile (ICCBased N=4 / N=1, CalGray) become DeviceCMYK / DeviceGray with
  the same numbers: the press file is PDF/X-1a (device and spot colour only) and prints to the
  paper's output intent, as does the archive copy. Anything else the press cannot print was refused
  when the ad was read (layout.source.adpdf); finish's press check sees the placed ad too.

The ad's fonts keep their names (finish gives a subset a new tag only when its tag is taken).
Same page, same ad, same bytes: nothing here depends on the clock or on dictionary order.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from layout.base.errors import InputError
from layout.base.pdfwalk import device_equivalent, form_uses, page_form
from layout.base.primitives import PlacedPage

# Keys a placed form's objects lose: object-level XMP and private application data, links into the
# ad's optional content, structure tree and OPI/reference workflow, associated files and geospatial
# data — none of which exists in the page they join (PDF/X-1a allows no optional content; PDF/A-2
# forbids reference XObjects and OPI).
_DROPPED = tuple(Name(k) for k in ("/Metadata", "/PieceInfo", "/LastModified", "/OC", "/OPI", "/Ref",
                                   "/StructParent", "/StructParents", "/AF", "/Measure", "/PtData"))


def _fmt(x: float) -> str:
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def place_pages(pdf: bytes, placed: Sequence[PlacedPage]) -> bytes:
    """`pdf` (one page, as the renderer wrote it) with each placed page drawn in its rectangle."""
    if not placed:
        return pdf
    doc = pikepdf.open(io.BytesIO(pdf))
    page = doc.pages[0]
    if Name.XObject not in page.obj.Resources:
        page.obj.Resources[Name.XObject] = Dictionary()
    xobjects = page.obj.Resources.XObject
    ops = []
    for n, item in enumerate(placed, start=1):
        form, box = _foreign_form(doc, item.file)
        name = Name(f"/Ad{n}")
        while name in xobjects:  # the renderer's names are its own (Img…, F…); never take one
            name = Name(str(name) + "x")
        xobjects[name] = form
        sx, sy = item.width_pt / (box[2] - box[0]), item.height_pt / (box[3] - box[1])
        tx, ty = item.x_pt - sx * box[0], item.y_pt - sy * box[1]
        rect = " ".join(_fmt(v) for v in (item.x_pt, item.y_pt, item.width_pt, item.height_pt))
        matrix = " ".join(_fmt(v) for v in (sx, 0, 0, sy, tx, ty))
        ops.append(f"q {rect} re W n {matrix} cm {name} Do Q")
    content = Stream(doc, b"")
    content.write(zlib.compress(("\n".join(ops) + "\n").encode("ascii"), 6), filter=Name.FlateDecode)
    page.contents_add(content, prepend=True)  # beneath the rendered page
    buf = io.BytesIO()
    doc.save(buf, deterministic_id=True)
    return buf.getvalue()


def _foreign_form(doc: pikepdf.Pdf, path: str) -> tuple[Stream, tuple[float, float, float, float]]:
    """The ad at `path` as a Form XObject of `doc`, cleaned (see the module docstring), and its box as
    the page shows it."""
    try:
        with pikepdf.open(path) as ad:
            form, box = page_form(ad.pages[0])
            copied = doc.copy_foreign(form)
    except (pikepdf.PdfError, OSError) as exc:  # it was read before composing; changed since?
        raise InputError(f"cannot read ad PDF {path} ({' '.join(str(exc).split())[:160]})",
                         hint="the file changed during the build; build again") from None
    _clean(copied, set())
    for use in form_uses(copied):
        if use.kind == "cie" and use.slot is not None:
            owner, key = use.slot
            owner[key] = device_equivalent(owner[key])
    if Name.Filter not in copied:  # qpdf joins the page's content decoded; the press file keeps streams as they come
        copied.write(zlib.compress(copied.read_bytes(), 6), filter=Name.FlateDecode)
    return copied, box


def _clean(obj, seen: set) -> None:
    """Drop the _DROPPED keys from every dictionary and stream reachable from `obj`."""
    if isinstance(obj, (Dictionary, Stream)):
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        for key in _DROPPED:
            if key in obj:
                del obj[key]
        for key in sorted(obj.keys()):
            if key not in ("/Parent", "/P"):  # links upwards lead back into the ad's page tree
                _clean(obj[key], seen)
    elif isinstance(obj, Array):
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        for item in obj:
            _clean(item, seen)
