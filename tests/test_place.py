"""layout.output.place in process: a supplied ad page drawn into a rendered page, read back.

The ad (a reportlab page with its own TTF text, a CMYK box and an image carrying its maker's XMP) must
show in its rectangle, scaled from its TrimBox, beneath what the renderer drew; nothing of its maker's
metadata or private data may come along anywhere in the form; an ad that cannot be read any more is
one clear line naming it.
"""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest
from reportlab.pdfgen import canvas

from layout.base.errors import InputError
from layout.base.primitives import PageLayout, PlacedPage
from layout.output import render
from layout.output.place import place_pages
from test_render import FONT, H, W, font  # noqa: F401  (fixture)

AD_W, AD_H = 300.0, 200.0
DROPPED = ("/Metadata", "/PieceInfo", "/LastModified", "/OC", "/OPI", "/Ref", "/StructParent", "/StructParents",
           "/AF", "/Measure", "/PtData")


def _ad(tmp_path, font_name: str) -> str:
    """A one-page CMYK ad (TrimBox 10 pt inside its MediaBox, a spot colour) with the maker's metadata on its
    objects."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(AD_W + 20, AD_H + 20), invariant=1, enforceColorSpace="cmyk",
                      initialFontName=font_name)
    c.setTrimBox((10, 10, AD_W + 10, AD_H + 10))
    c.setFillColorCMYK(0, 1, 0, 0)
    c.rect(10, 10, 100, 50, stroke=0, fill=1)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont(font_name, 20)
    c.drawString(150, 150, "广告")
    c.showPage()
    c.save()
    doc = pikepdf.open(io.BytesIO(buf.getvalue()))
    page = doc.pages[0]
    xmp = doc.make_stream(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    page.obj.Metadata = xmp
    page.obj.PieceInfo = pikepdf.Dictionary(Maker=pikepdf.Dictionary(Private=pikepdf.String("secret")))
    for f in page.Resources.Font.values():  # deep in the resources, behind an array of references
        f.LastModified = pikepdf.String("D:20240101")
        for d in f.get("/DescendantFonts", []):
            d.Metadata = doc.make_stream(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    # a spot colour (an indirect array) whose tint function (an indirect object) carries the maker's XMP
    tint = doc.make_indirect(pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[0, 0, 0, 1], N=1,
                                                Metadata=doc.make_stream(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")))
    page.Resources.ColorSpace = pikepdf.Dictionary(
        CS0=doc.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/Spot"), pikepdf.Name.DeviceCMYK, tint])))
    path = tmp_path / "ad.pdf"
    doc.save(path)
    return str(path)


def _page(font_name: str) -> bytes:
    from layout.base.primitives import Box, GlyphRun

    items = (Box(0.0, 0.0, W, H, fill=(0.0, 0.0, 0.0, 0.05)),
             GlyphRun(60.0, 60.0, font_name, 12.0, "正文", (0.0, 12.0)))
    return render.render(PageLayout(W, H, (0, 0, W, H), items), font_name)


def _reachable(obj, seen=None):
    """Every dictionary and stream reachable from `obj` (and their keys)."""
    seen = set() if seen is None else seen
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        yield obj
        for k in obj.keys():
            yield from _reachable(obj[k], seen)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            yield from _reachable(item, seen)


def test_the_ad_shows_in_its_rectangle_beneath_the_page_without_its_makers_data(tmp_path, font):
    ad = _ad(tmp_path, font)
    placed = PlacedPage(40.0, 30.0, 150.0, 100.0, ad)  # half the ad's trim size
    out = place_pages(_page(font), [placed])
    with pdfplumber.open(io.BytesIO(out)) as doc:
        chars = doc.pages[0].chars
        ad_chars = [c for c in chars if c["text"] in "广告"]
        assert "".join(c["text"] for c in ad_chars) == "广告"
        # drawn at (150, 150) in the ad, its trim box from (10, 10), scaled by 1/2, moved to (40, 30)
        assert ad_chars[0]["x0"] == pytest.approx(40 + (150 - 10) / 2, abs=0.05)
        assert ad_chars[0]["size"] == pytest.approx(10, abs=0.05)
        assert "".join(c["text"] for c in chars if c["text"] in "正文") == "正文"
        magenta = [r for r in doc.pages[0].rects if tuple(r["non_stroking_color"] or ()) == (0, 1, 0, 0)]
        assert [(round(r["x0"], 2), round(r["x1"], 2)) for r in magenta] == [(40.0, 90.0)]
    with pikepdf.open(io.BytesIO(out)) as doc:
        page = doc.pages[0]
        ops = [(str(i.operator), [str(o) for o in i.operands]) for i in pikepdf.parse_content_stream(page)]
        names = [o[0] for op, o in ops if op == "Do"]
        first = {op: next(k for k, (o, _) in enumerate(ops) if o == op) for op in ("Do", "f*", "TJ")}
        assert first["Do"] < first["f*"] < first["TJ"]  # beneath the page's tint and text
        form = page.Resources.XObject[names[0]]
        found = {k for d in _reachable(form) for k in d.keys() if k in DROPPED}
        assert found == set()
        assert len(list(_reachable(form))) > 3  # the form's fonts and resources came along


def test_an_ad_that_cannot_be_read_any_more_is_one_line_naming_it(tmp_path, font):
    path = tmp_path / "gone.pdf"
    path.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InputError) as e:
        place_pages(_page(font), [PlacedPage(0.0, 0.0, 10.0, 10.0, str(path))])
    try:
        pikepdf.open(path)
    except pikepdf.PdfError as exc:  # what qpdf says of it, on one line
        reason = " ".join(str(exc).split())[:160]
    assert e.value.what == f"cannot read ad PDF {path} ({reason})"
    assert e.value.hint == "the file changed during the build; build again"


def test_no_placed_pages_leave_the_page_as_it_is(font):
    page = _page(font)
    assert place_pages(page, []) is page


def test_icc_based_cmyk_in_an_ad_becomes_device_cmyk_with_the_same_numbers(tmp_path, font):
    """The press file holds device colour only (PDF/X-1a): an ad's CMYK through a profile is drawn as
    DeviceCMYK with the same four numbers, and the finished press file passes its check."""
    from layout.output.finish import finish_press, press_problems
    from layout.photo.colour import DEFAULT_PROFILE
    from test_press import META

    doc = pikepdf.new()
    doc.add_blank_page(page_size=(100, 100))
    with open(DEFAULT_PROFILE, "rb") as fh:
        icc = doc.make_stream(fh.read())
    icc.N = 4
    page = doc.pages[0]
    page.Resources = pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(CS0=pikepdf.Array([pikepdf.Name.ICCBased, icc])))
    page.Contents = doc.make_stream(b"/CS0 cs 0.1 0.7 0 0.2 sc 10 10 50 50 re f")
    doc.save(tmp_path / "icc-ad.pdf")
    out = place_pages(_page(font), [PlacedPage(40.0, 30.0, 100.0, 100.0, str(tmp_path / "icc-ad.pdf"))])
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        fills = {tuple(round(v, 3) for v in r["non_stroking_color"]) for r in pdf.pages[0].rects
                 if r["x0"] >= 40.0 and len(r["non_stroking_color"] or ()) == 4}
    assert (0.1, 0.7, 0.0, 0.2) in fills
    with pikepdf.open(io.BytesIO(out)) as pdf:
        (form,) = [x for x in pdf.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Form"]
        assert [str(v) for v in form.Resources.ColorSpace.values()] == ["/DeviceCMYK"]
    assert press_problems(finish_press(out, META, DEFAULT_PROFILE, (0, 0, W, H))) == []
