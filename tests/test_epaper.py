"""layout.output.epaper in process: the hotspots over a proof, and the edition's contact sheet, read back.

Hotspots are checked against the regions worked out here by hand (pt, y up → proof pixels, y down) and
against the ALTO the same layout gives (each hotspot names a ComposedBlock there with the same box).
The contact sheet is read back as pixels: each page's proof (a flat colour of its own) is found on the
sheet, in order, whole and in proportion; a failed page is a red cell; a story a finding is about is
outlined amber or red; the label says what was found.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from layout.base.docmeta import DocMeta
from layout.base.model import Briefs, Credit, Edition, Headline, Page, Story, Text
from layout.base.primitives import PageLayout, StoryRegion
from layout.output import epaper
from layout.output.alto import alto_bytes

KAI = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
A = "{http://www.loc.gov/standards/alto/ns-v4#}"


def _png(size: tuple[int, int], colour=(255, 255, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------- png_size

def test_png_size_reads_the_header_and_refuses_what_is_no_png():
    assert epaper.png_size(_png((123, 45))) == (123, 45)
    with pytest.raises(ValueError, match="^not a PNG$"):
        epaper.png_size(b"GIF89a" + bytes(30))
    broken = bytearray(_png((3, 4)))
    broken[12:16] = b"IDAT"  # the first chunk of a PNG is its header
    with pytest.raises(ValueError, match="^not a PNG$"):
        epaper.png_size(bytes(broken))


# ---------------------------------------------------------------- hotspots

def _story(sid: str, path: str, **kw) -> Story:
    return Story(sid, Headline(None, (Text("标题"),)), (Credit("文", Text("张星")), Credit("图", Text("焦海洋"))), None,
                 (Text("正文"),), (), (), path=path, **kw)


def test_hotspots_are_the_regions_in_proof_pixels_and_name_their_alto_blocks():
    w_pt, h_pt = 800.0, 1000.0
    regions = (StoryRegion("lead", "story", "头条", 100.0, 200.0, 200.0, 300.0),
               StoryRegion("简讯", "briefs", "简讯", 400.0, 0.0, 400.0, 100.0))
    layout = PageLayout(w_pt, h_pt, (0, 0, w_pt, h_pt), regions=regions)
    page = Page("broadsheet", Edition("测试日报", "2024-03-01", 4, "要闻"),
                (_story("lead", "stories[0]", continued_from=1, continued_story="front"),
                 Briefs("简讯", Text("简讯"), (Text("一"),), path="stories[1]")))
    proof = _png((400, 500))  # half a pixel per pt
    names = {"image": "p04.png", "alto": "p04.alto.xml", "pdf": "p04.archive.pdf"}
    rec = json.loads(epaper.hotspots_json(page, layout, proof, names, {"简讯": (5, "more")}))
    assert rec["schema"] == epaper.SCHEMA
    assert (rec["paper"], rec["date"], rec["page"], rec["page_name"]) == ("测试日报", "2024-03-01", 4, "要闻")
    assert rec["image"] == {"file": "p04.png", "width": 400, "height": 500}
    assert (rec["alto"], rec["pdf"]) == ("p04.alto.xml", "p04.archive.pdf")
    lead, briefs = rec["stories"]
    # (x0, y0) the top-left corner from the image's top: 1000 - (200 + 300) pt = 500 pt down = 250 px
    assert lead["coords"] == [50, 250, 150, 400]
    assert briefs["coords"] == [200, 450, 400, 500]
    assert (lead["id"], lead["kind"], lead["title"], lead["shape"]) == ("lead", "story", "头条", "rect")
    assert lead["field"] == "stories[0]" and briefs["field"] == "stories[1]"
    assert lead["byline"] == [{"role": "文", "name": "张星"}, {"role": "图", "name": "焦海洋"}]
    assert lead["continued_from"] == {"page": 1, "story": "front"} and "continues" not in lead
    assert briefs["continues"] == {"page": 5, "story": "more"}
    assert "byline" not in briefs and "continued_from" not in briefs
    # each hotspot names the ALTO ComposedBlock of its story (an id that is no XML name is changed there)
    meta = DocMeta(title="t", creators=(), date="2024-03-01", page=4, paper="测试日报", page_name="要闻",
                   keywords=(), subject="", producer="zhpaper 9", sources=())
    blocks = {b.get("ID"): b for b in ET.fromstring(alto_bytes(layout, meta, "p04.archive.pdf")).iter(A + "ComposedBlock")}
    for spot, region in zip(rec["stories"], regions):
        block = blocks[spot["alto_block"]]
        mm10_to_px = 0.5 * 72 / 254
        assert [round(int(block.get(k)) * mm10_to_px) for k in ("HPOS", "VPOS")] == spot["coords"][:2]
    assert briefs["alto_block"] != "简讯"


# ---------------------------------------------------------------- the contact sheet

PAPER = np.array(epaper.PAPER)


def _bbox(arr: np.ndarray, colour) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(np.all(arr == np.array(colour), axis=-1))
    return (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1) if len(xs) else None


COLOURS = [(0, 0, 255), (0, 200, 0), (255, 0, 255), (0, 255, 255), (128, 0, 0)]


def test_the_sheet_shows_every_page_whole_in_order_four_across():
    proofs = [_png((200, 290), c) for c in COLOURS]
    cells = [epaper.Sheet(n + 1, f"第{n + 1}", p, {"stories": []}) for n, p in enumerate(proofs)]
    sheet = np.asarray(Image.open(io.BytesIO(epaper.contact_sheet(cells, "测试日报 2024-03-01", KAI))).convert("RGB"))
    boxes = [_bbox(sheet, c) for c in COLOURS]
    assert all(boxes), boxes
    thumb_w = epaper.THUMB_W
    thumb_h = round(thumb_w * 290 / 200)
    for x0, y0, x1, y1 in boxes:  # whole, in proportion (the 3-px border covers a pixel or two of the edge)
        assert thumb_w - 4 <= x1 - x0 <= thumb_w and thumb_h - 4 <= y1 - y0 <= thumb_h
    first, *rest = boxes
    assert [b[1] for b in boxes[:4]] == [first[1]] * 4  # one row of four, left to right
    assert [b[0] for b in boxes[:4]] == sorted(b[0] for b in boxes[:4])
    assert boxes[4][0] == first[0] and boxes[4][1] > first[3]  # the fifth starts the next row
    # the title is above the first row, and the last row's label is on the sheet below its page
    assert np.any(np.all(sheet[:first[1] - 4] < 100, axis=-1))
    assert np.any(np.all(sheet[boxes[4][3] + 4:, boxes[4][0]:boxes[4][2]] < 150, axis=-1))


def _ink(arr: np.ndarray, colour) -> tuple[int, int] | None:
    """Left and right end of the pixels of exactly `colour` in `arr`."""
    b = _bbox(arr, colour)
    return None if b is None else (b[0], b[2])


def _written(text: str, colour, font) -> int:
    """The width of the ink of `text` drawn by PIL in `colour` on the sheet's paper: what a label saying
    `text` looks like, measured as `_ink` measures the sheet."""
    im = Image.new("RGB", (1200, 40), epaper.PAPER)
    ImageDraw.Draw(im).text((0, 0), text, fill=colour, font=font)
    left, right = _ink(np.asarray(im), colour)
    return right - left


def test_a_page_with_findings_has_its_stories_outlined_and_says_what_was_found():
    font = ImageFont.truetype(KAI, 15)
    proof = _png((600, 870), (255, 255, 255))
    spots = {"stories": [{"id": "lead", "field": "stories[0]", "coords": [0, 0, 300, 400]},
                         {"id": "side", "field": "stories[1]", "coords": [300, 0, 600, 400]},
                         {"id": "calm", "field": "stories[2]", "coords": [0, 400, 600, 870]}]}
    findings = (("warning", "widow", "article.yaml:3:1 stories[0].sections[0]"),
                ("error", "overflow", "side/body"), ("warning", "tight", "side/body"))
    cells = [epaper.Sheet(2, "要闻", proof, spots, findings)]
    sheet = np.asarray(Image.open(io.BytesIO(epaper.contact_sheet(cells, "", KAI))).convert("RGB"))
    amber, red, grey = epaper.COLOURS["warning"], epaper.COLOURS["error"], epaper.COLOURS["region"]
    thumb_h = round(epaper.THUMB_W * 870 / 600)
    border = _bbox(sheet[:, :], red)  # the page's border is its worst finding's colour, 1 px round the thumbnail
    x, y = border[0] + 1, border[1] + 1
    assert border[3] - border[1] > thumb_h
    assert tuple(sheet[y + thumb_h // 2, x]) == red  # (the border's middle on the left)
    # the thumbnail is half the proof's size: lead (a warning) amber, side (an error and a warning) red,
    # calm (no finding) a thin grey line
    assert tuple(sheet[y + 100, x + 149]) == amber
    assert tuple(sheet[y + 100, x + 151]) == red
    assert tuple(sheet[y + 199, x + 75]) == amber
    assert tuple(sheet[y + 200, x + 75]) == grey
    assert tuple(sheet[y + 201, x + 75]) == (255, 255, 255)
    below = sheet[y + thumb_h + 2:, x - 1:]
    label = "第2版 要闻  1 error(s), 2 warning(s)"
    left, right = _ink(below[:18], red)
    assert abs((right - left) - _written(label, red, font)) <= 1
    codes = "overflow tight widow"
    left, right = _ink(below[18:], (60, 60, 60))
    assert abs((right - left) - _written(codes, (60, 60, 60), font)) <= 1


def test_a_clean_page_says_ok_and_a_failed_page_is_a_red_cell_with_its_error():
    font = ImageFont.truetype(KAI, 15)
    ok = epaper.Sheet(1, "要闻", _png((600, 870), (255, 255, 255)), {"stories": []})
    failed = epaper.Sheet(3, "专版", None, None, error="第3版：正文放不下 (overflow)")
    sheet = np.asarray(Image.open(io.BytesIO(epaper.contact_sheet([ok, failed], "", KAI))).convert("RGB"))
    green, red = epaper.COLOURS["ok"], epaper.COLOURS["error"]
    thumb_h = round(epaper.THUMB_W * 870 / 600)
    border = _bbox(sheet, green)
    x, y = border[0] + 1, border[1] + 1
    left, right = _ink(sheet[y + thumb_h + 2:y + thumb_h + 20, x - 1:x + epaper.THUMB_W], green)
    assert abs((right - left) - _written("第1版 要闻  ok", green, font)) <= 1
    # the failed cell: right of the first, as tall as a page, outlined red (thicker than a story's outline)
    right_half = sheet[:, x + epaper.THUMB_W + 4:]
    box = _bbox(right_half, red)
    assert box is not None and box[3] - box[1] >= thumb_h and box[1] == y
    mid = right_half[y + thumb_h // 2, box[0]:box[0] + 10]
    assert sum(tuple(p) == red for p in mid) >= 3
    inside = right_half[y + thumb_h - 20, box[0] + 100]
    assert inside[0] > inside[1] + 10 and inside[0] > inside[2] + 10  # a red cell, not paper
    assert tuple(inside) != tuple(epaper.PAPER)
    heading = right_half[y + 10:y + 34, box[0] + 5:box[0] + 200]
    left, right = _ink(heading, red)
    assert abs((right - left) - _written("未能生成 FAILED", red, font)) <= 1


def test_a_failed_cells_error_lines_up_under_its_heading():
    """The failed cell's error is written in the heading's column: its first line, which begins with the
    same character as the heading (未), has its ink start at the same pixel column."""
    failed = epaper.Sheet(3, "专版", None, None, error="未能排版：正文放不下 (overflow)")
    sheet = np.asarray(Image.open(io.BytesIO(epaper.contact_sheet([failed], "", KAI))).convert("RGB"))
    red = epaper.COLOURS["error"]
    x, y, x1, _ = _bbox(sheet, red)  # the cell's red outline
    inside = sheet[:, x + 5:x1 - 5]
    heading = _ink(inside[y + 10:y + 34], red)
    message = _ink(inside[y + 46:y + 68], (90, 0, 0))
    assert heading is not None and message is not None
    assert heading[0] < 20  # (the heading stands near the cell's left edge)
    assert message[0] == heading[0]
