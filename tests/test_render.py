"""layout.output.render in process: a hand-made PageLayout painted and read back from the PDF.

pdfplumber reads each glyph's place, size and fill colour; pikepdf reads the content stream's colour
operators, the overprint states, the embedded fonts and images. What the layout says is what the page
shows: every glyph at its composed x (not at the font's own advance), CMYK only, pure black text and
rules overprinting and colours knocking out, the grid only when asked, a photo as its own JPEG bytes.
Rendering with the kept subsets (on disk, as the one-shot build keeps them; in memory, as watch keeps
them) gives the bytes of a fresh render.
"""

from __future__ import annotations

import io

import numpy as np
import pdfplumber
import pikepdf
import pytest
from PIL import Image as PILImage

from layout.base.primitives import BLACK, Box, GlyphRun, Image, PageLayout, Rule
from layout.output import render

KAI = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
FONT = "KaiRenderTest"
W, H = 400.0, 300.0
CYAN = (1.0, 0.0, 0.0, 0.0)
TINT = (0.0, 0.1, 0.2, 0.0)


@pytest.fixture(scope="module")
def font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, KAI))
    return FONT


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> str:
    from layout.photo.images import prepare_image

    d = tmp_path_factory.mktemp("img")
    arr = np.zeros((200, 300, 3), np.uint8)
    arr[:, :150] = (200, 30, 30)
    arr[:, 150:] = (10, 60, 180)
    src = str(d / "src.png")
    PILImage.fromarray(arr, "RGB").save(src)
    return prepare_image(src, 120.0, 80.0, ppi=100, cache_dir=str(d / "cache")).path


# the first run at the font's own advance but for a gap after 城 (a justified line); the second squeezed
RUN_XS = (0.0, 12.0, 24.0, 39.0, 51.0)
SQUEEZED = (0.0, 6.0, 18.0)


def _layout(photo: str | None = None) -> PageLayout:
    items = (GlyphRun(50.0, 250.0, FONT, 12.0, "郾城区产业", RUN_XS, BLACK, "b1", "body"),
             GlyphRun(50.0, 220.0, FONT, 12.0, "（集）", SQUEEZED, CYAN, "b2", "headline"),
             Rule(20.0, 200.0, 380.0, 200.0, 0.75, BLACK),
             Box(20.0, 120.0, 100.0, 60.0, fill=TINT, stroke=CYAN, stroke_pt=2.0))
    if photo:
        items += (Image(200.0, 20.0, 120.0, 80.0, "src.png", photo),)
    grid = (Rule(10.0, 0.0, 10.0, H, 0.1, CYAN, "grid"),)
    return PageLayout(W, H, (0.0, 0.0, W, H), items, grid_lines=grid)


def _chars(pdf: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return list(doc.pages[0].chars)


def test_every_glyph_stands_where_the_layout_put_it_in_its_colour(font):
    pdf = render.render(_layout(), font)
    chars = _chars(pdf)
    assert "".join(c["text"] for c in chars) == "郾城区产业（集）"
    want_x = [50.0 + dx for dx in RUN_XS] + [50.0 + dx for dx in SQUEEZED]
    assert [c["x0"] for c in chars] == pytest.approx(want_x, abs=0.01)
    assert [round(c["size"], 2) for c in chars] == [12.0] * 8
    assert [tuple(c["non_stroking_color"]) for c in chars] == [BLACK] * 5 + [CYAN] * 3
    # one text object per line, its glyphs in one TJ (the text stays one extractable string per line)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        ops = [str(i.operator) for i in pikepdf.parse_content_stream(doc.pages[0])]
    assert ops.count("BT") == 2 and ops.count("TJ") == 2 and "Tj" not in ops


def test_only_cmyk_and_pure_black_overprints(font, photo):
    pdf = render.render(_layout(photo), font)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        states = {str(k): v for k, v in page.Resources.get("/ExtGState", {}).items()}
        painted = []  # (what, colour set, overprint on)
        fill = stroke = None
        over = {"/op": False, "/OP": False}  # fill and stroke overprint
        for ins in pikepdf.parse_content_stream(page):
            op = str(ins.operator)
            assert op not in ("rg", "RG", "g", "G", "sc", "scn", "SC", "SCN", "cs", "CS"), op  # CMYK only
            if op == "k":
                fill = tuple(float(v) for v in ins.operands)
            elif op == "K":
                stroke = tuple(float(v) for v in ins.operands)
            elif op == "gs":
                st = states[str(ins.operands[0])]
                over.update({k: bool(st[k]) for k in over if k in st})
            elif op == "TJ":
                painted.append(("text", fill, over["/op"]))
            elif op in ("S", "B", "f"):
                painted.append((op, stroke if op == "S" else fill, over["/OP"] if op == "S" else over["/op"]))
        fonts = list(page.Resources.Font.values())
        descriptors = [(f.DescendantFonts[0] if f.Subtype == "/Type0" else f).FontDescriptor for f in fonts]
        assert fonts and all("/FontFile2" in d for d in descriptors)  # every font embedded
        images = [x for x in page.Resources.XObject.values() if x.Subtype == "/Image"]
        filters = images[0].Filter
        assert len(images) == 1
        assert ([str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]) == ["/DCTDecode"]
        with open(photo, "rb") as fh:
            assert images[0].read_raw_bytes() == fh.read()  # the prepared JPEG, untouched
    texts = [p for p in painted if p[0] == "text"]
    assert texts == [("text", BLACK, True), ("text", CYAN, False)]
    (rule,) = [p for p in painted if p[0] == "S"]
    assert rule == ("S", BLACK, True)


def test_the_image_is_drawn_in_its_rectangle(font, photo):
    with pdfplumber.open(io.BytesIO(render.render(_layout(photo), font))) as doc:
        (im,) = doc.pages[0].images
    assert (im["x0"], im["x1"], im["top"], im["bottom"]) == pytest.approx((200.0, 320.0, H - 100.0, H - 20.0), abs=0.01)


def test_the_grid_is_drawn_only_when_asked(font):
    def vertical_cyan_lines(pdf):
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            return [(round(ln["x0"], 2), tuple(ln["stroking_color"])) for ln in doc.pages[0].lines
                    if abs(ln["x0"] - ln["x1"]) < 0.01]

    assert vertical_cyan_lines(render.render(_layout(), font)) == []
    assert vertical_cyan_lines(render.render(_layout(), font, draw_grid=True)) == [(10.0, CYAN)]


def test_kept_subsets_and_streams_give_the_bytes_of_a_fresh_render(font, photo, tmp_path):
    from layout.base.cachefile import Store
    from layout.base.memo import DiskMemo, Memos

    fresh = render.render(_layout(photo), font)
    disk = {"subset": DiskMemo(Store(str(tmp_path), "subsets"), 10), "flate": None, "run": None}
    assert render.render(_layout(photo), font, memo=disk) == fresh  # writes the programs
    assert render.render(_layout(photo), font, memo=disk) == fresh  # reads them back
    memos = Memos()
    assert render.render(_layout(photo), font, memo=memos) == fresh
    assert render.render(_layout(photo), font, memo=memos) == fresh
    assert memos.stats()["subset"]["hits"] >= 1


def test_small_adjustments_do_not_add_up_along_a_line(font):
    """A line justified by a hair: each glyph 0.0009 em past the font's advance. Every glyph still stands
    at its composed x — 30 glyphs along, the sum of the hairs is 0.3 pt."""
    n, step = 30, 12.0 * 1.0009
    run = GlyphRun(20.0, 150.0, font, 12.0, "国" * n, tuple(i * step for i in range(n)))
    chars = _chars(render.render(PageLayout(W, H, (0.0, 0.0, W, H), (run,)), font))
    assert [c["x0"] for c in chars] == pytest.approx([20.0 + i * step for i in range(n)], abs=0.01)


def test_a_character_the_face_lacks_keeps_the_line_in_place(font):
    run = GlyphRun(20.0, 150.0, font, 12.0, "甲\ue000乙", (0.0, 12.0, 24.0))  # U+E000: private use, no glyph
    chars = _chars(render.render(PageLayout(W, H, (0.0, 0.0, W, H), (run,)), font))
    assert [(c["text"], round(c["x0"], 2)) for c in chars if c["text"] in "甲乙"] == [("甲", 20.0), ("乙", 44.0)]


def test_kept_large_streams_give_the_bytes_of_a_fresh_render(font):
    """A page whose content stream is large enough to be kept compressed between renders (watch mode)."""
    from layout.base.memo import Memos

    runs = tuple(GlyphRun(10.0, 280.0 - 2 * i, font, 2.0, "郾城区产业集聚", tuple(2.0 * k for k in range(7)))
                 for i in range(120))
    layout = PageLayout(W, H, (0.0, 0.0, W, H), runs)
    fresh = render.render(layout, font)
    with pikepdf.open(io.BytesIO(fresh)) as doc:
        assert len(doc.pages[0].Contents.read_bytes()) >= render.KEEP_FLATE_MIN
    memos = Memos()
    assert render.render(layout, font, memo=memos) == fresh
    assert render.render(layout, font, memo=memos) == fresh
    assert memos.stats()["flate"]["hits"] >= 1


class _Shelf:
    """A table of kept subset programs as the one-shot build's DiskMemo is (bytes by key, no `_data`),
    counting what is put into it."""

    def __init__(self, entries=None):
        self.entries = dict(entries or {})
        self.puts = 0

    def get(self, key, default=None):
        return self.entries.get(key, default)

    def put(self, key, value, size=0):
        self.puts += 1
        self.entries[key] = bytes(value)
        return value


def test_subset_programs_kept_as_bytes_are_read_back_not_made_again(font, photo, monkeypatch):
    """The one-shot build keeps each subset's program on disk so that the same page built again reuses it:
    the second render makes no program and writes nothing, and its bytes are a fresh render's."""
    from reportlab.pdfbase import pdfmetrics

    fresh = render.render(_layout(photo), font)
    face = pdfmetrics.getFont(font).face
    made = []
    make = type(face).makeSubset

    def counted(self, subset, *args, **kw):
        made.append(tuple(subset))
        return make(self, subset, *args, **kw)

    monkeypatch.setattr(type(face), "makeSubset", counted)
    shelf = _Shelf()
    assert render.render(_layout(photo), font, memo={"subset": shelf, "flate": None, "run": None}) == fresh
    assert made and shelf.puts == len(shelf.entries) >= 1
    made.clear()
    assert render.render(_layout(photo), font, memo={"subset": shelf, "flate": None, "run": None}) == fresh
    assert made == [] and shelf.puts == len(shelf.entries)  # read back: nothing made, nothing written again


@pytest.mark.parametrize("damage", ["no program", "shorter than it says", "no Flate form"])
def test_a_kept_entry_that_holds_no_whole_program_is_made_afresh(font, damage):
    """A kept entry is 8 bytes of the program's length, the program, then its Flate form. One that cannot
    be that (a zero length, a length past its end, nothing left for the Flate form) is not used: the
    program is made again and the page is a fresh render's, not an empty or cut font."""
    fresh = render.render(_layout(), font)
    shelf = _Shelf()
    render.render(_layout(), font, memo={"subset": shelf, "flate": None, "run": None})
    assert shelf.entries
    for key, data in shelf.entries.items():
        n = int.from_bytes(data[:8], "big")
        assert 0 < n < len(data) - 8  # (a whole entry, as written)
        shelf.entries[key] = {"no program": (0).to_bytes(8, "big") + data[8:],
                              "shorter than it says": data[:8] + data[8:8 + n // 2],
                              "no Flate form": data[:8 + n]}[damage]
    shelf.puts = 0
    assert render.render(_layout(), font, memo={"subset": shelf, "flate": None, "run": None}) == fresh
    assert shelf.puts == len(shelf.entries)  # each made again and kept whole


@pytest.mark.parametrize("colour", [(0.0, 0.0, 0.0, 1.5), (-0.2, 0.0, 0.0, 1.0)])
def test_a_cmyk_component_outside_0_to_1_is_refused(font, colour):
    """ISO 32000-1 8.6.4.4: each DeviceCMYK component is a number from 0.0 to 1.0. The renderer's colour space
    is enforced as CMYK, so a colour outside that range is refused rather than written into the press file."""
    for item in (Box(20.0, 20.0, 50.0, 50.0, fill=colour), Rule(20.0, 20.0, 80.0, 20.0, 1.0, colour),
                 GlyphRun(50.0, 250.0, FONT, 12.0, "郾城", (0.0, 12.0), colour)):
        with pytest.raises(ValueError, match="8.6.4.4"):  # the renderer's own refusal, there under python -O too
            render.render(PageLayout(W, H, (0.0, 0.0, W, H), (item,)), font)
