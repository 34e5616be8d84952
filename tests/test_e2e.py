"""End to end: build the real page once (conftest `real_page`), then read the PDFs back and assert
on what a printer and an archive would see: text, fonts, boxes, images, colour, structure, bytes."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import pikepdf
import pytest
from layout.base.cachefile import LAYOUT
from support import ARTICLE, ROOT, cache_files, run_make_pdf

sys.path.insert(0, os.path.join(ROOT, "tools"))
import pdfcheck  # noqa: E402

from layout.source.texts import page_text_fields  # noqa: E402
from layout.output.finish import press_problems, validate_archive  # noqa: E402

MM = 72 / 25.4
WEEKDAYS = "一二三四五六日"
INVISIBLE = " \u3000\n\t"  # spaces are positions, not marks: the renderer draws none


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: set-up installs poppler-utils and qpdf (make setup)"
    return path


def _pdf_chars(path: str) -> list[dict]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        return list(pdf.pages[0].chars)


def _folio_printed(page) -> str:
    """What the 报眉 prints (blocks.folio): paper, date, weekday, editor; page and 版名."""
    e = page.edition
    d = datetime.date.fromisoformat(e.date)
    left = f"{e.paper}{d.year}年{d.month}月{d.day}日星期{WEEKDAYS[d.weekday()]}"
    if e.editor:
        left += f"责编：{e.editor}"
    return left + f"第{e.page}版{e.page_name}"


# ---------------------------------------------------------------- text


def test_every_character_printed_once(real_page):
    """The PDF's characters are exactly the article's text as a multiset, plus the 报眉 and the
    byline's role/name slash: nothing lost, nothing doubled, nothing invented."""
    art = real_page.article
    expected = Counter()
    for _, text in page_text_fields(real_page.page):
        expected.update(ch for ch in text if ch not in INVISIBLE)
    expected.update(ch for ch in _folio_printed(real_page.page) if ch not in INVISIBLE)
    expected["/"] += len(art.byline)
    got = Counter(c["text"] for c in _pdf_chars(real_page.pdf) if c["text"] not in INVISIBLE)
    lost, extra = expected - got, got - expected
    assert not lost and not extra, f"lost {dict(lost)}; extra {dict(extra)}"
    assert sum(got.values()) > 2500  # the real page, not an empty one


def test_body_text_in_reading_order(real_page):
    """Read column by column, top to bottom, the body lines give the lead and the section
    paragraphs in order, each exactly once."""
    art = real_page.article
    paragraphs = [t.text for t in art.lead] + [p.text for s in art.sections for p in s.paragraphs]
    strip = str.maketrans("", "", INVISIBLE)
    got = pdfcheck.reading_order_text(real_page.pdf)
    expected = "".join(paragraphs).translate(strip)
    assert got == expected
    pos = 0
    for p in paragraphs:  # and each paragraph starts where the previous one ended
        p = p.translate(strip)
        assert got.startswith(p, pos)
        pos += len(p)


def test_pdftotext_finds_headline_and_subheads(real_page):
    txt = subprocess.run([_tool("pdftotext"), "-layout", real_page.pdf, "-"], capture_output=True,
                         text=True, check=True).stdout.replace(" ", "").replace("\u3000", "")
    art = real_page.article
    for t in art.headline.title:
        assert t.text in txt
    for s in art.sections:
        for h in s.heading:
            assert h.text in txt


# ---------------------------------------------------------------- fonts, boxes, images


def _pdffonts(path: str) -> list[dict]:
    out = subprocess.run([_tool("pdffonts"), path], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["name", "type"] and lines[1].startswith("---")
    rows = []
    for ln in lines[2:]:
        # name type(may have spaces) encoding emb sub uni object ID
        m = re.match(r"^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+(\d+)\s+(\d+)\s*$", ln)
        assert m, ln
        rows.append({"name": m[1], "emb": m[4], "sub": m[5], "uni": m[6]})
    return rows


@pytest.mark.parametrize("which", ["pdf", "archive"])
def test_fonts_embedded_subset_with_tounicode(real_page, which):
    fonts = _pdffonts(getattr(real_page, which))
    assert len(fonts) >= 5  # 宋 body, 黑 heads, 楷 captions, display black, folio
    for f in fonts:
        assert (f["emb"], f["sub"], f["uni"]) == ("yes", "yes", "yes"), f
        assert re.match(r"^[A-Z]{6}\+", f["name"]), f["name"]


def _boxes(path: str) -> dict[str, tuple[float, ...]]:
    out = subprocess.run([_tool("pdfinfo"), "-box", path], capture_output=True, text=True, check=True).stdout
    boxes = {}
    for ln in out.splitlines():
        m = re.match(r"^(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", ln)
        if m:
            boxes[m[1]] = tuple(float(v) for v in m.groups()[1:])
    return boxes


@pytest.mark.parametrize("which", ["pdf", "archive"])
def test_page_is_390_by_543_mm(real_page, which):
    boxes = _boxes(getattr(real_page, which))
    for name in ("MediaBox", "TrimBox"):
        x0, y0, x1, y1 = boxes[name]
        assert (round(x0, 2), round(y0, 2)) == (0, 0), name
        assert abs((x1 - x0) / MM - 390) < 0.01 and abs((y1 - y0) / MM - 543) < 0.01, (name, boxes[name])


def test_press_file_has_trimbox_in_the_file(real_page):
    with pikepdf.open(real_page.pdf) as pdf:
        page = pdf.pages[0].obj
        assert "/TrimBox" in page and "/ArtBox" not in page
        trim = [float(v) for v in page.TrimBox]
        assert abs(trim[2] / MM - 390) < 0.01 and abs(trim[3] / MM - 543) < 0.01


def _image_xobjects(path: str) -> list[tuple]:
    with pikepdf.open(path) as pdf:
        res = pdf.pages[0].obj.Resources
        out = []
        for _, xo in (res.get("/XObject") or {}).items():
            if xo.get("/Subtype") == "/Image":
                flt = xo.get("/Filter")
                flt = [str(f) for f in flt] if isinstance(flt, pikepdf.Array) else [str(flt)]
                out.append((str(xo.get("/ColorSpace")), int(xo.Width), int(xo.Height), flt))
        return out


def test_eleven_cmyk_images_placed(real_page):
    n_photos = len(real_page.article.photos)
    assert n_photos == 11
    images = _image_xobjects(real_page.pdf)
    assert len(images) == n_photos
    assert all(cs == "/DeviceCMYK" and flt == ["/DCTDecode"] for cs, _, _, flt in images), images
    listing = subprocess.run([_tool("pdfimages"), "-list", real_page.pdf], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert len(listing) == n_photos
    assert all(row.split()[5] == "cmyk" for row in listing), listing
    # and drawn: each image XObject is painted exactly once by a Do in the page content
    with pikepdf.open(real_page.pdf) as pdf:
        dos = [op for _, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "Do"]
    assert len(dos) == n_photos


# ---------------------------------------------------------------- colour and structure


def _all_content_ops(pdf: pikepdf.Pdf):
    """(operands, operator) of the page content and of every form XObject, recursively."""
    seen = set()

    def walk(owner, resources):
        for operands, op in pikepdf.parse_content_stream(owner):
            yield operands, str(op)
        for _, xo in ((resources or {}).get("/XObject") or {}).items():
            if xo.get("/Subtype") == "/Form" and xo.objgen not in seen:
                seen.add(xo.objgen)
                yield from walk(xo, xo.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page, page.obj.get("/Resources"))


def test_press_has_no_rgb_anywhere(real_page):
    with pikepdf.open(real_page.pdf) as pdf:
        ops = list(_all_content_ops(pdf))
        rgb_ops = [op for _, op in ops if op in ("rg", "RG")]
        assert not rgb_ops, f"{len(rgb_ops)} RGB colour operators"
        for operands, op in ops:
            if op in ("cs", "CS"):
                assert str(operands[0]) in ("/DeviceCMYK", "/DeviceGray", "/Pattern"), operands
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
                for key in ("/ColorSpace", "/CS"):
                    value = obj.get(key) if key in obj else None
                    if value is not None:
                        assert "RGB" not in str(value) and "/Lab" not in str(value), (key, str(value)[:80])
    raw = open(real_page.pdf, "rb").read()
    assert b"/DeviceRGB" not in raw and b"/CalRGB" not in raw


def test_black_text_is_solid_k(real_page):
    """Every glyph is filled by a `k` (CMYK) colour: body, heads and captions in `0 0 0 1 k`; the only
    other text colour is paper white (0 0 0 0) for the knocked-out sidebar title."""
    art = real_page.article
    fill = None
    glyphs_by_colour = Counter()
    with pikepdf.open(real_page.pdf) as pdf:
        for operands, op in _all_content_ops(pdf):
            if op == "k":
                fill = tuple(round(float(v), 4) for v in operands)
            elif op in ("sc", "scn", "g", "rg"):
                fill = ("non-cmyk", op)
            elif op in ("Tj", "'", '"'):
                glyphs_by_colour[fill] += len(bytes(operands[-1]))
            elif op == "TJ":
                glyphs_by_colour[fill] += sum(len(bytes(x)) for x in operands[0] if isinstance(x, pikepdf.String))
    assert set(glyphs_by_colour) <= {(0, 0, 0, 1), (0, 0, 0, 0)}, glyphs_by_colour
    white = len(art.sidebar.title.text.replace(" ", "")) if art.sidebar else 0
    assert glyphs_by_colour[(0, 0, 0, 0)] == white
    assert glyphs_by_colour[(0, 0, 0, 1)] > 2500


@pytest.mark.parametrize("which", ["pdf", "archive"])
def test_qpdf_check_clean(real_page, which):
    r = subprocess.run([_tool("qpdf"), "--check", getattr(real_page, which)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No syntax or stream encoding errors found" in r.stdout
    assert "WARNING" not in (r.stdout + r.stderr).upper()


def test_press_output_intent_and_trapped(real_page):
    data = open(real_page.pdf, "rb").read()
    assert press_problems(data) == []
    with pikepdf.open(real_page.pdf) as pdf:
        assert pdf.pdf_version == "1.4"
        intents = list(pdf.Root.OutputIntents)
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        profile = intents[0].DestOutputProfile
        assert int(profile.N) == 4 and len(profile.read_bytes()) > 1000
        assert str(pdf.docinfo.get("/Trapped")) == "/False"  # README: /Trapped /False
        assert str(pdf.docinfo.get("/GTS_PDFXVersion")).startswith("PDF/X-1")


def test_archive_is_pdfa_2b(real_page):
    ok, problems = validate_archive(open(real_page.archive, "rb").read())
    assert ok, problems[:10]
    with pikepdf.open(real_page.archive) as pdf:
        assert [str(i.S) for i in pdf.Root.OutputIntents] == ["/GTS_PDFA1"]
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"


def test_report_written(real_page):
    """The manifest is read back in test_promises.test_manifest_of_a_real_build."""
    report = real_page.report
    assert report["errors"] == []
    assert report["figures"]["photos"] == len(real_page.article.photos)


# ---------------------------------------------------------------- determinism


def test_same_bytes_cached_uncached_and_consecutive(real_page, tmp_path):
    """The session build (A) ran on a cold cache; B and C run on the same, now warm, cache into
    fresh folders. All three give byte-identical press and archive files."""
    cold_cache = real_page.cache
    if not any(f.startswith(os.path.join(LAYOUT, "fonts") + os.sep) for f in real_page.cache_added):
        # something else warmed the session cache first: make the cold build explicitly
        cold_cache = str(tmp_path / "cold-cache")
    builds = []
    for name, cache in (("a", cold_cache), ("b", real_page.cache), ("c", real_page.cache)):
        if name == "a" and cold_cache == real_page.cache:
            builds.append((real_page.pdf, real_page.archive))
            continue
        before = cache_files(cache) if os.path.isdir(cache) else set()
        out = tmp_path / name / "article.pdf"
        r = run_make_pdf([ARTICLE, "-o", str(out), "-q"], cache)
        assert r.returncode == 0, r.stderr
        if name == "c":
            assert cache_files(cache) == before, "a warm build should add nothing to the cache"
        builds.append((str(out), str(tmp_path / name / "article.archive.pdf")))
    for kind in (0, 1):
        data = [open(b[kind], "rb").read() for b in builds]
        assert data[0] == data[1], f"{'press' if kind == 0 else 'archive'}: uncached vs cached differ"
        assert data[1] == data[2], f"{'press' if kind == 0 else 'archive'}: two consecutive builds differ"


def test_subject_metadata_not_repeated(real_page):
    with pikepdf.open(real_page.pdf) as pdf:
        subject = str(pdf.docinfo.get("/Subject"))
    e = real_page.page.edition
    assert subject.count(e.paper) == 1, subject


def test_every_subset_has_its_own_tag(real_page):
    """ISO 32000-1 9.6.4: different subsets in one file have different six-letter tags."""
    for path in (real_page.pdf, real_page.archive):
        with pikepdf.open(path) as pdf:
            fonts = pdf.pages[0].obj.Resources.Font
            names = [str(fonts[k].BaseFont)[1:] for k in fonts.keys()]
            tags = [n.split("+")[0] for n in names]
            assert all(len(t) == 6 and t.isupper() for t in tags), names
            assert len(set(tags)) == len(tags), names
            for k in fonts.keys():
                assert fonts[k].FontDescriptor.FontName == fonts[k].BaseFont
