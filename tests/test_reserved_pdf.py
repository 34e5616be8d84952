"""An ad PDF in a reserved area: checked when read, placed after rendering, read back from the files.

Every ad here is made by the test itself — reportlab (CMYK, LXGW WenKai embedded as a TrueType
subset), and pikepdf for what reportlab does not write (Lab, ICC-based colour, transparency groups,
XMP, output intents, annotations, JavaScript, encryption). The page is small: the mini template, one
story that continues on another page (so it fills its module exactly), the ad area across the foot
(4 columns × 8 rows), built with the command line on the display font catalog of test_cache (a cold
cache converts only the page's characters). The refusals' ads are also checked directly
(layout.source.adpdf), which takes milliseconds, for the variants of each reason.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from support import DATA, ROOT

from layout.base.errors import InputError
from layout.output.finish import _unique_subset_tags, press_problems, validate_archive
from layout.source.adpdf import check_ad_pdf

KAI = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
ICC = os.path.join(ROOT, "layout", "photo", "icc", "IFRA26S.icc")
PT_PER_MM = 72 / 25.4
# The area: 4 basic columns of 9 characters at 9 pt with 3 gutters of 1 character; 8 rows of 13.5 pt
# pitch, from the top of the first row's em to the foot of the last (mini-template.yaml).
AREA_W, AREA_H = 4 * 9 * 9 + 3 * 9, 7 * 13.5 + 9
BLEED = 3 * PT_PER_MM
AD_TEXT = "示意广告ADVERT"
USAGE, CONTENT = 2, 1

PARA = "坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展全局。" * 4
PAGE = f"""\
template: mini-template.yaml
slug: adpage
edition: {{paper: 测试日报, date: 2024-03-01, page: 3, page_name: 要闻}}
reserved:
  - {{id: ad, col: 1, span: 4, rows: 8, file: ad.pdf, label: 广告}}
stories:
  - id: main
    continue_to: 4
    headline: {{title: [前半句话后半句话]}}
    lead: "去年以来，郾城区紧扣全面建成小康社会目标任务。"
    sections:
      - heading: []
        paragraphs:
""" + "".join(f'          - "{PARA}"\n' for _ in range(8))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> str:
    from test_cache import display_catalog

    return display_catalog(tmp_path_factory)


@pytest.fixture
def desk(tmp_path):
    """A desk folder with the mini template and the page (its ad: `ad.pdf`, which each test makes)."""
    shutil.copy(os.path.join(DATA, "mini-template.yaml"), tmp_path)
    (tmp_path / "page.yaml").write_text(PAGE, encoding="utf-8")
    (tmp_path / "out").mkdir()

    class Desk:
        root = tmp_path
        page = str(tmp_path / "page.yaml")
        ad = str(tmp_path / "ad.pdf")
        out = tmp_path / "out"
        pdf = str(tmp_path / "out" / "page.pdf")

    return Desk


# ---------------------------------------------------------------- making ads

def reportlab_ad(path: str, w_pt: float = AREA_W, h_pt: float = AREA_H, *, bleed_pt: float = BLEED,
                 pages: int = 1, fonts: tuple[str, ...] = ("Kai",), rgb: bool = False) -> str:
    """A vector ad: a background over the bleed, a frame on the trim and `AD_TEXT`, CMYK (or RGB), in
    `fonts` (Kai: LXGW WenKai embedded; a standard-14 name is not embedded), TrimBox w × h pt (without
    a bleed, no TrimBox: the MediaBox is w × h)."""
    rl_config.useA85 = 0
    if "Kai" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Kai", KAI))
    b = bleed_pt
    boxes = {"trimBox": (b, b, b + w_pt, b + h_pt)} if b else {}  # no bleed: the MediaBox is the size
    c = canvas.Canvas(path, pagesize=(w_pt + 2 * b, h_pt + 2 * b), invariant=1, initialFontName=fonts[0],
                      enforceColorSpace=None if rgb else "cmyk", **boxes)
    for n in range(pages):
        if rgb:
            c.setFillColorRGB(1.0, 0.9, 0.8)
        else:
            c.setFillColorCMYK(0, 0.1, 0.2, 0)
        c.rect(0, 0, w_pt + 2 * b, h_pt + 2 * b, fill=1, stroke=0)
        c.setStrokeColorCMYK(0, 1, 1, 0)
        c.rect(b + 2, b + 2, w_pt - 4, h_pt - 4, fill=0, stroke=1)
        c.setFillColorCMYK(0, 0, 0, 1)
        for i, font in enumerate(fonts):
            c.setFont(font, 18)
            c.drawString(b + 20, b + h_pt / 2 - 24 * i, AD_TEXT if font == "Kai" else "ADVERT")
        c.showPage()
    c.save()
    return path


def changed(path: str, change) -> str:
    """The ad at `path` after `change(pdf, page)` (pikepdf), saved in place."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf, pdf.pages[0])
        pdf.save(path, deterministic_id=True)
    return path


def paint_with(cs, components: int = 3) -> callable:
    """A change: colour space `cs` in the page's resources as /CS0, and a rectangle filled in it."""
    def change(pdf, page):
        page.obj.Resources.ColorSpace = Dictionary(CS0=cs(pdf) if callable(cs) else cs)
        colour = b" ".join([b"0.5"] * components)
        page.contents_add(pdf.make_stream(b"q /CS0 cs " + colour + b" sc 10 10 20 20 re f Q"), prepend=False)
    return change


def icc(pdf, n: int):
    profile = pdf.make_stream(open(ICC, "rb").read() if n == 4 else b"", N=n)
    return Array([Name.ICCBased, profile])


def image(pdf, cs=Name.DeviceCMYK, smask: bool = False):
    """A 2 × 2 image XObject in `cs` (4 components, or 3 for RGB), with a gray soft mask if asked."""
    n = 3 if cs == Name.DeviceRGB else 4
    im = pdf.make_stream(bytes(range(0, 4 * n * 16, 16)), Type=Name.XObject, Subtype=Name.Image, Width=2,
                         Height=2, ColorSpace=cs, BitsPerComponent=8)
    if smask:
        im.SMask = pdf.make_stream(b"\x00\x80\xc0\xff", Type=Name.XObject, Subtype=Name.Image, Width=2, Height=2,
                                   ColorSpace=Name.DeviceGray, BitsPerComponent=8)
    return im


def draw_image(**kw):
    def change(pdf, page):
        page.obj.Resources.XObject = Dictionary(Im0=image(pdf, **kw))
        page.contents_add(pdf.make_stream(b"q 20 0 0 20 10 10 cm /Im0 Do Q"), prepend=False)
    return change


def with_soft_mask_state(pdf, page):
    group = pdf.make_stream(b"0 g 0 0 10 10 re f", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10],
                            Group=Dictionary(S=Name.Transparency, CS=Name.DeviceGray))
    page.obj.Resources.ExtGState = Dictionary(GS0=Dictionary(Type=Name.ExtGState,
                                                             SMask=Dictionary(S=Name.Luminosity, G=group)))
    page.contents_add(pdf.make_stream(b"q /GS0 gs 0 0 10 10 re f Q"), prepend=False)


def with_page_group(pdf, page):
    page.obj.Group = Dictionary(Type=Name.Group, S=Name.Transparency, CS=Name.DeviceCMYK)


def with_the_makers_extras(pdf, page):
    """What an ad's document may carry that must not come along: XMP, an output intent, a link
    annotation, JavaScript on opening; and XMP on the page's own objects."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:title"] = "ADMAKER-XMP"
    pdf.Root.OutputIntents = Array([Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFX,
                                               OutputConditionIdentifier=pikepdf.String("ADMAKER-OI"))])
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('ADMAKER-JS')")))
    pdf.Root.OpenAction = js
    page.obj.Annots = Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50],
        A=Dictionary(S=Name.URI, URI=pikepdf.String("https://admaker.invalid/"))))])
    page.obj.Resources.XObject = Dictionary(Im0=image(pdf))
    page.obj.Resources.XObject.Im0.Metadata = pdf.make_stream(b"<x:xmpmeta>ADMAKER-IMAGE-XMP</x:xmpmeta>",
                                                              Type=Name.Metadata, Subtype=Name.XML)
    page.contents_add(pdf.make_stream(b"q 20 0 0 20 30 30 cm /Im0 Do Q"), prepend=False)


def save_encrypted(path: str, user: str) -> str:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user=user, R=4))
    return path


# ---------------------------------------------------------------- reading back

def build(run_cli, desk, catalog, out: str | None = None) -> dict:
    out = out or desk.pdf
    r = run_cli([desk.page, "-o", out, "--fonts", catalog, "-q"])
    assert r.returncode == 0, r.stderr
    stem = out[:-4]
    return {k: open(p, "rb").read() for k, p in (("press", out), ("archive", f"{stem}.archive.pdf"),
                                                 ("alto", f"{stem}.alto.xml"), ("report", f"{stem}.report.json"),
                                                 ("manifest", f"{stem}.manifest.json"))}


def ad_region_pt(files: dict, page_h: float) -> tuple[float, float, float, float]:
    """The area (x0, y0, x1, y1) in PDF pt, from the manifest's region (mm from the trim's top-left)."""
    (ad,) = [s for s in json.loads(files["manifest"])["stories"] if s["id"] == "ad"]
    r = ad["region_mm"]
    x0, top = r["x"] * PT_PER_MM, page_h - r["y"] * PT_PER_MM
    return x0, top - r["height"] * PT_PER_MM, x0 + r["width"] * PT_PER_MM, top


def placement(press: bytes) -> tuple[list[float], list[float], Dictionary]:
    """The rectangle the page's first content stream clips to, the matrix it draws the ad with, and
    the ad's form."""
    with pikepdf.open(io.BytesIO(press)) as doc:
        page = doc.pages[0]
        first = page.obj.Contents[0].read_bytes().decode()
        m = re.fullmatch(r"q (\S+) (\S+) (\S+) (\S+) re W n (\S+) 0 0 (\S+) (\S+) (\S+) cm /(\w+) Do Q\n", first)
        assert m, first
        rect = [float(v) for v in m.groups()[:4]]
        matrix = [float(v) for v in m.groups()[4:8]]
        form = page.obj.Resources.XObject["/" + m.group(9)]
        return rect, matrix, {"bbox": [float(v) for v in form.BBox], "matrix": [float(v) for v in form.Matrix]}


def chars_in(pdf: bytes, box: tuple[float, float, float, float]) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        h = float(page.height)
        x0, y0, x1, y1 = box
        return "".join(c["text"] for c in page.chars
                       if x0 <= c["x0"] and c["x1"] <= x1 and y0 <= h - c["bottom"] and h - c["top"] <= y1)


# ---------------------------------------------------------------- a CMYK ad, placed

def test_a_cmyk_ad_is_drawn_in_its_area_clipped_press_and_archive_valid_twice_the_same(
        desk, run_cli, catalog, tmp_path):
    reportlab_ad(desk.ad)
    changed(desk.ad, with_the_makers_extras)
    files = build(run_cli, desk, catalog)
    with pikepdf.open(io.BytesIO(files["press"])) as doc:
        page_h = float(doc.pages[0].mediabox[3])
    area = ad_region_pt(files, page_h)
    rect, matrix, form = placement(files["press"])
    # drawn at the area's rectangle (the manifest's region), clipped to it; the TrimBox maps onto it
    assert rect == pytest.approx([area[0], area[1], area[2] - area[0], area[3] - area[1]], abs=0.03)  # 0.01 mm
    assert rect[2:] == pytest.approx([AREA_W, AREA_H], abs=1e-6)
    assert form["bbox"] == pytest.approx([BLEED, BLEED, BLEED + AREA_W, BLEED + AREA_H], abs=1e-4)
    sx, sy, tx, ty = matrix
    assert (sx, sy) == pytest.approx((1, 1), abs=1e-6)
    assert (tx + sx * BLEED, ty + sy * BLEED) == pytest.approx((rect[0], rect[1]), abs=1e-4)
    # the ad's text is read inside the area's box, from both files
    for kind in ("press", "archive"):
        assert AD_TEXT in chars_in(files[kind], area), kind
    assert press_problems(files["press"]) == []
    ok, findings = validate_archive(files["archive"])
    assert ok, findings
    # nothing of the maker's document came along
    for kind in ("press", "archive"):
        with pikepdf.open(io.BytesIO(files[kind])) as doc:
            assert len(doc.Root.OutputIntents) == 1 and "ADMAKER" not in str(doc.Root.OutputIntents[0])
            assert "ADMAKER" not in str(doc.open_metadata())
            assert Name.OpenAction not in doc.Root and Name.Annots not in doc.pages[0].obj
            for obj in doc.objects:
                if isinstance(obj, (Dictionary, pikepdf.Stream)):
                    assert Name.JS not in obj and Name.OpenAction not in obj and Name.Annots not in obj
                    if Name.Metadata in obj:  # only the document's own XMP
                        assert obj.objgen == doc.Root.objgen
                if isinstance(obj, pikepdf.Stream) and obj.get(Name.Type) == Name.Metadata:
                    assert b"ADMAKER" not in obj.read_bytes()
            # the ad's font keeps its name; every subset tag in the file is its own
            names = [str(f.BaseFont)[1:] for f in _all_fonts(doc)]
            assert "AAAAAA+LXGWWenKai-Regular" in names, names
            tags = [n[:6] for n in names if n[6:7] == "+"]
            assert len(tags) == len(set(tags)), names
    # the report, the ALTO and the manifest know the area holds an ad PDF
    report = json.loads(files["report"])
    (held,) = report["figures"]["reserved"]
    assert held == {"id": "ad", "label": "广告", "file": "ad.pdf", "kind": "pdf",
                    "area_mm": [round(AREA_W / PT_PER_MM, 2), round(AREA_H / PT_PER_MM, 2)],
                    "page_mm": [round(AREA_W / PT_PER_MM, 2), round(AREA_H / PT_PER_MM, 2)], "scale": [1.0, 1.0]}
    alto = ET.fromstring(files["alto"])
    ns = "{http://www.loc.gov/standards/alto/ns-v4#}"
    (block,) = [cb for cb in alto.iter(f"{ns}ComposedBlock") if cb.get("ID") == "ad"]
    assert block.get("TYPE") == "advertisement"
    (ill,) = list(block)
    assert ill.tag == f"{ns}Illustration" and ill.get("TYPE") == "advertisement"
    assert [int(ill.get(k)) for k in ("HPOS", "WIDTH", "HEIGHT")] == [
        round(v * 254 / 72) for v in (area[0], area[2] - area[0], area[3] - area[1])]
    sources = {s["path"]: s["sha256"] for s in json.loads(files["manifest"])["sources"]}
    assert sources["ad.pdf"] == hashlib.sha256(open(desk.ad, "rb").read()).hexdigest()
    # the same page and ad: the same bytes, every file
    again = build(run_cli, desk, catalog, str(tmp_path / "again" / "page.pdf"))
    assert again["press"] == files["press"] and again["archive"] == files["archive"]
    assert again["alto"].replace(b"page.archive.pdf", b"") == files["alto"].replace(b"page.archive.pdf", b"")


def _all_fonts(doc) -> list:
    return [obj for obj in doc.objects if isinstance(obj, Dictionary) and obj.get(Name.Type) == Name.Font
            and Name.BaseFont in obj and obj.get(Name.Subtype) != Name.CIDFontType2]


# ---------------------------------------------------------------- refusals, through the command line

def assert_refused(r, out_dir, line: str) -> None:
    """The one `error:` line, the content exit code, nothing written."""
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines() == [f"error: {line}"], r.stderr
    assert r.returncode == CONTENT
    assert os.listdir(out_dir) == []


WHERE = "page.yaml:5:46 reserved[0].file"
AGAIN = "export the ad again as a one-page PDF/X-1a (CMYK, fonts embedded, no transparency)"


def _not_a_pdf(path):
    shutil.copy(os.path.join(DATA, "img", "landscape.jpg"), path)


def _garbage(path):
    open(path, "wb").write(b"%PDF-1.4\nnot really\n")


REFUSALS = {
    "not a PDF": (_not_a_pdf, f"ad.pdf is not a PDF (it does not begin with %PDF-) (hint: {AGAIN})"),
    "unreadable": (_garbage, "cannot read ad PDF ad.pdf (unable to find trailer dictionary while recovering "
                             f"damaged file) (hint: {AGAIN})"),
    "encrypted": (lambda p: save_encrypted(reportlab_ad(p), "secret"),
                  "ad PDF ad.pdf is encrypted (it needs a password) (hint: ask the advertising department for "
                  "a one-page PDF/X-1a (CMYK, fonts embedded, no transparency) without encryption)"),
    "two pages": (lambda p: reportlab_ad(p, pages=2),
                  "ad PDF ad.pdf has 2 pages; an ad is one page (hint: export only the ad's page, or give each "
                  "page a reserved area of its own)"),
    "too wide": (lambda p: reportlab_ad(p, AREA_W + 1.1 * PT_PER_MM),
                 "ad PDF ad.pdf is 124.9 × 36.5 mm (its TrimBox) but the area is 123.8 × 36.5 mm (hint: ads "
                 "are made to the booked size (within 1 mm they are scaled to fit): ask for 123.8 × 36.5 mm, or "
                 "change the area's span and rows)"),
    "too low": (lambda p: reportlab_ad(p, h_pt=AREA_H - 1.1 * PT_PER_MM, bleed_pt=0),
                "ad PDF ad.pdf is 123.8 × 35.4 mm (its MediaBox) but the area is 123.8 × 36.5 mm (hint: ads "
                "are made to the booked size (within 1 mm they are scaled to fit): ask for 123.8 × 36.5 mm, or "
                "change the area's span and rows)"),
    "fonts": (lambda p: reportlab_ad(p, fonts=("Helvetica", "Times-Roman")),
              "ad PDF ad.pdf has fonts that are not embedded: Helvetica, Times-Roman (hint: a press PDF embeds "
              f"every font; {AGAIN})"),
    "RGB": (lambda p: reportlab_ad(p, rgb=True),
            "ad PDF ad.pdf uses colour that is not CMYK, gray or spot: RGB colour operator rg (hint: press PDFs "
            f"are CMYK only (the archive is PDF/A-2b with a CMYK output intent); {AGAIN})"),
    "transparency": (lambda p: changed(reportlab_ad(p), with_page_group),
                     "ad PDF ad.pdf uses transparency: page transparency group (hint: PDF/X-1a has no "
                     f"transparency; {AGAIN}, which flattens it)"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_ad_one_line_exit_1_nothing_written(desk, run_cli, catalog, case):
    make, what = REFUSALS[case]
    make(desk.ad)
    r = run_cli([desk.page, "-o", desk.pdf, "--fonts", catalog])
    assert_refused(r, desk.out, f"{os.path.join(str(desk.root), WHERE)}: {what}")


# ---------------------------------------------------------------- each reason's variants, checked directly

WHITE = Dictionary(WhitePoint=[0.9505, 1, 1.089])


def _rgb_spot(pdf):
    tint = pdf.make_stream(b"{0.8 0.6}", FunctionType=4, Domain=[0, 1], Range=[0, 1, 0, 1, 0, 1])
    return Array([Name.Separation, Name("/Gold"), Name.DeviceRGB, tint])


@pytest.mark.parametrize("change, found", [
    pytest.param(paint_with(Array([Name.Lab, WHITE])), "colour space /CS0 uses Lab", id="Lab"),
    pytest.param(paint_with(Array([Name.CalRGB, WHITE])), "colour space /CS0 uses CalRGB", id="CalRGB"),
    pytest.param(paint_with(lambda pdf: icc(pdf, 3)), "colour space /CS0 uses ICCBased N=3", id="ICC RGB"),
    pytest.param(paint_with(lambda pdf: Array([Name.Indexed, Name.DeviceRGB, 0, b"\0\0\0"]), 1),
                 "colour space /CS0 uses DeviceRGB", id="Indexed RGB"),
    pytest.param(paint_with(_rgb_spot, 1), "colour space /CS0 uses DeviceRGB", id="spot with an RGB alternate"),
    pytest.param(draw_image(cs=Name.DeviceRGB), "image /Im0 is DeviceRGB", id="RGB image"),
])
def test_colour_that_is_not_cmyk_gray_or_spot(tmp_path, change, found):
    path = changed(reportlab_ad(str(tmp_path / "ad.pdf")), change)
    with pytest.raises(InputError) as e:
        check_ad_pdf(path, "ad.pdf")
    assert e.value.what == f"ad PDF ad.pdf uses colour that is not CMYK, gray or spot: {found}"


@pytest.mark.parametrize("change, found", [
    pytest.param(with_page_group, "page transparency group", id="page group"),
    pytest.param(with_soft_mask_state, "ExtGState /GS0 has a soft mask (transparency)", id="soft mask in ExtGState"),
    pytest.param(draw_image(smask=True), "image /Im0 has a soft mask (transparency)", id="image soft mask"),
])
def test_transparency(tmp_path, change, found):
    path = changed(reportlab_ad(str(tmp_path / "ad.pdf")), change)
    with pytest.raises(InputError) as e:
        check_ad_pdf(path, "ad.pdf")
    assert e.value.what == f"ad PDF ad.pdf uses transparency: {found}"


def test_owner_password_only_is_still_encrypted(tmp_path):
    path = save_encrypted(reportlab_ad(str(tmp_path / "ad.pdf")), "")
    with pytest.raises(InputError) as e:
        check_ad_pdf(path, "ad.pdf")
    assert e.value.what == "ad PDF ad.pdf is encrypted"


def test_spot_cmyk_gray_and_icc_cmyk_pass_and_the_size_is_as_the_page_shows(tmp_path):
    spot = lambda pdf: Array([Name.Separation, Name("/PANTONE 485 C"), Name.DeviceCMYK, pdf.make_stream(  # noqa: E731
        b"{0 exch 0 exch dup 0}", FunctionType=4, Domain=[0, 1], Range=[0, 1] * 4)])
    for n, change in enumerate([paint_with(spot, 1), paint_with(Name.DeviceGray, 1),
                                paint_with(lambda pdf: icc(pdf, 4), 4), draw_image()]):
        path = changed(reportlab_ad(str(tmp_path / f"ad{n}.pdf")), change)
        ad = check_ad_pdf(path, "ad.pdf")
        assert (ad.width_pt, ad.height_pt, ad.box) == pytest.approx((AREA_W, AREA_H, "TrimBox"))
    rotated = reportlab_ad(str(tmp_path / "rotated.pdf"), AREA_H, AREA_W)  # made upright, shown turned
    changed(rotated, lambda pdf, page: page.obj.__setitem__(Name.Rotate, 90))
    ad = check_ad_pdf(rotated, "ad.pdf")
    assert (ad.width_pt, ad.height_pt) == pytest.approx((AREA_W, AREA_H))


# ---------------------------------------------------------------- 1 mm either way: scaled to fit

def test_within_1_mm_either_way_the_ad_is_scaled_to_fit_exactly(desk, run_cli, catalog):
    w, h = AREA_W + 0.9 * PT_PER_MM, AREA_H - 0.9 * PT_PER_MM
    reportlab_ad(desk.ad, w, h)
    changed(desk.ad, paint_with(lambda pdf: icc(pdf, 4), 4))  # ICC-based CMYK: placed as DeviceCMYK
    files = build(run_cli, desk, catalog)
    rect, (sx, sy, tx, ty), form = placement(files["press"])
    x0, y0, x1, y1 = form["bbox"]
    assert (x1 - x0, y1 - y0) == pytest.approx((w, h), abs=1e-4)  # the TrimBox
    assert (sx * (x1 - x0), sy * (y1 - y0)) == pytest.approx((AREA_W, AREA_H), abs=1e-3)  # fills the area
    assert (tx + sx * x0, ty + sy * y0) == pytest.approx((rect[0], rect[1]), abs=1e-3)
    assert rect[2:] == pytest.approx([AREA_W, AREA_H], abs=1e-6)
    report = json.loads(files["report"])
    (held,) = report["figures"]["reserved"]
    assert held["page_mm"] == [round(w / PT_PER_MM, 2), round(h / PT_PER_MM, 2)]
    assert held["scale"] == [round(AREA_W / w, 5), round(AREA_H / h, 5)]
    assert [i["code"] for i in report["info"]].count("ad-scaled") == 1
    assert press_problems(files["press"]) == []
    ok, findings = validate_archive(files["archive"])
    assert ok, findings
    with pikepdf.open(io.BytesIO(files["press"])) as doc:
        spaces = doc.pages[0].obj.Resources.XObject.Ad1.Resources.ColorSpace
        assert spaces.CS0 == Name.DeviceCMYK


# ---------------------------------------------------------------- subset tags

def test_subset_tags_of_placed_fonts_are_kept_unless_taken():
    pdf = pikepdf.new()
    pdf.add_blank_page()

    def font(name):
        return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + name),
                                            FontDescriptor=Dictionary(FontName=Name("/" + name))))

    form = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 1, 1], Resources=Dictionary(
        Font=Dictionary(F1=font("AAAAAA+AdOne"), F2=font("AAAAAA+AdTwo"), F3=font("QWERTY+AdThree"))))
    page = pdf.pages[0].obj
    page.Resources = Dictionary(Font=Dictionary(F1=font("AAAAAA+Body")), XObject=Dictionary(Ad1=form))
    _unique_subset_tags(pdf)
    ours = str(page.Resources.Font.F1.BaseFont)
    ad = {k: str(v.BaseFont) for k, v in form.Resources.Font.items()}
    assert ours != "/AAAAAA+Body" and ours.endswith("+Body")  # ours: always a derived tag
    assert ad["/F1"] == "/AAAAAA+AdOne" and ad["/F3"] == "/QWERTY+AdThree"  # the ad's: kept
    assert ad["/F2"] != "/AAAAAA+AdTwo" and ad["/F2"].endswith("+AdTwo")  # unless taken
    tags = [n[1:7] for n in [ours, *ad.values()]]
    assert len(set(tags)) == 4
    assert str(form.Resources.Font.F2.FontDescriptor.FontName) == ad["/F2"]
