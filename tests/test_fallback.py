"""Rare Han (生僻字) from the catalog's fallback faces (issue 15).

One page, tests/data/rare-han.yaml, holds characters of Ext B, C, D, E, F, G and H, a compatibility
ideograph and a late URO addition that Noto Serif CJK SC lacks, in the body, the headline and the
byline. It is built ONCE here (with --validate: the archive must pass PDF/A-2b) and read back: every
character is in the PDF once per place, drawn in the face the catalog's chain gives it, on its body
line, flush and on the grid; the report lists each use at its place. Characters no face may draw
(Ext I, private use, emoji) are still the one-line error. The em-box matching is checked on the
prepared font files themselves.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from support import DATA, ROOT, run_make_pdf

sys.path.insert(0, os.path.join(ROOT, "tools"))
import pdfcheck  # noqa: E402

from layout.fonts import charsets, faces as fonts, prep as fontprep  # noqa: E402

RARE = os.path.join(DATA, "rare-han.yaml")
MINI = os.path.join(DATA, "mini-template.yaml")
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
HANA_A = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"
HANA_B = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
BABEL = "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"

pytestmark = pytest.mark.usefixtures("debian_fonts")  # set-up installs the faces: a failure, not a skip

# character → (block, the face the default chain draws it with)
EXPECTED = {
    "\U00020000": ("Ext B", "HanaMinB"),
    "\U00020012": ("Ext B", "HanaMinB"),
    "\U0002A6A5": ("Ext B", "HanaMinB"),
    "\U0002A703": ("Ext C", "HanaMinB"),
    "\U0002B743": ("Ext D", "HanaMinB"),
    "\U0002B826": ("Ext E", "HanaMinB"),
    "\U0002CEC7": ("Ext F", "HanaMinB"),
    "\U0002F801": ("compatibility supplement", "HanaMinA"),
    "\U00030013": ("Ext G", "BabelStoneHan"),
    "\U00031356": ("Ext H", "BabelStoneHan"),
    "\u9fef": ("URO, Unicode 11", "BabelStoneHan"),
}
BLOCKS = {"Ext B": (0x20000, 0x2A6DF), "Ext C": (0x2A700, 0x2B73F), "Ext D": (0x2B740, 0x2B81F),
          "Ext E": (0x2B820, 0x2CEAF), "Ext F": (0x2CEB0, 0x2EBEF), "Ext G": (0x30000, 0x3134F),
          "Ext H": (0x31350, 0x323AF), "compatibility supplement": (0x2F800, 0x2FA1F),
          "URO, Unicode 11": (0x9FEB, 0x9FEF)}


def _face_of(fontname: str) -> str:
    """PDF font name → source face: `ABCDEF+HanaMinB-1A2B3C` → `HanaMinB`."""
    return pdfcheck._base_font(fontname).rsplit("-", 1)[0]


@pytest.fixture(scope="module")
def rare(rare_page):
    """The rare-Han page as conftest's session fixture built it, with the press PDF's characters."""
    import json

    import pdfplumber
    from layout.source.load import load_page

    with open(rare_page["out"] + "/rare.report.json", encoding="utf-8") as fh:
        report = json.load(fh)
    page, _ = load_page(RARE)
    with pdfplumber.open(rare_page["pdf"]) as doc:
        chars = [dict(c) for c in doc.pages[0].chars]
    return {**rare_page, "report": report, "page": page, "chars": chars}


def test_the_page_holds_what_it_claims():
    """The test data: each character is in its block, and Noto Serif CJK SC (the body face) lacks it."""
    from fontTools.ttLib import TTFont

    serif = TTFont(SERIF, fontNumber=2, lazy=True).getBestCmap()
    text = open(RARE, encoding="utf-8").read()
    for ch, (block, _) in EXPECTED.items():
        lo, hi = BLOCKS[block]
        assert lo <= ord(ch) <= hi and ord(ch) not in serif and ch in text, (hex(ord(ch)), block)


def test_rare_page_builds_with_zero_faults(rare):
    """Zero preflight errors, the PDF/A-2b archive validated (--validate), and the body flush and on the
    grid as tools/pdfcheck.py reads it from the PDF."""
    assert rare["report"]["errors"] == []
    assert rare["report"]["figures"]["off_grid_lines"] == 0 and rare["report"]["figures"]["bad_line_starts"] == 0
    assert os.path.getsize(rare["archive"]) > 0
    measured = pdfcheck.check(rare["pdf"], MINI)
    assert all(v == 0 for v in measured["counts"].values()), measured["details"]
    assert measured["figures"]["body_lines"] >= 6 and measured["figures"]["paragraph_ends"] == 2
    # Reading order: the fallback glyphs joined their lines at their places.
    body = "".join(p.text for sec in rare["page"].stories[0].sections for p in sec.paragraphs)
    assert pdfcheck.reading_order_text(rare["pdf"], MINI) == body


def test_every_rare_character_is_read_back_in_its_face(rare):
    """pdfplumber finds each character once for each place it is printed, always in the expected face,
    and poppler's pdftotext extracts the paragraphs exactly (ToUnicode beyond the BMP)."""
    from layout.source.texts import role_fields

    printed = Counter(ch for _, _, text in role_fields(rare["page"]) for ch in text if ch in EXPECTED)
    found = Counter(c["text"] for c in rare["chars"] if c["text"] in EXPECTED)
    assert found == printed and set(found) == set(EXPECTED)
    for c in rare["chars"]:
        if c["text"] in EXPECTED:
            assert _face_of(c["fontname"]) == EXPECTED[c["text"]][1], (c["text"], c["fontname"])
    text = subprocess.run(["pdftotext", rare["pdf"], "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for sec in rare["page"].stories[0].sections:
        for p in sec.paragraphs:
            assert p.text in flat


def test_fallback_glyphs_sit_on_their_line_at_the_body_em(rare):
    """A fallback glyph in the body has the line's baseline and size and advances exactly one em, like
    the Noto glyphs beside it (the em-box matching lives in the prepared font, not in the layout)."""
    body = [c for c in rare["chars"] if abs(c["size"] - 9.0) < 0.01 and "NotoSerifCJKsc-Regular" in c["fontname"]]
    baselines = {round(c["matrix"][5], 3) for c in body}
    rare_body = [c for c in rare["chars"] if c["text"] in EXPECTED and abs(c["size"] - 9.0) < 0.01]
    assert len(rare_body) == 11
    for c in rare_body:
        assert round(c["matrix"][5], 3) in baselines
        assert c["adv"] == pytest.approx(9.0, abs=1e-6)
    # The headline's 𪚥 is set at the headline's size on the headline's baseline.
    head = [c for c in rare["chars"] if c["size"] > 20]
    hana = [c for c in head if c["text"] == "\U0002A6A5"]
    assert len(hana) == 1 and all(abs(c["matrix"][5] - hana[0]["matrix"][5]) < 1e-6 for c in head)


def test_report_lists_each_fallback_use_at_its_place(rare):
    warnings = [w for w in rare["report"]["warnings"] if w["code"] == "fallback-glyph"]
    page = rare["page"]
    story = page.stories[0]
    expected = []
    for path, text in ([("headline.title[0]", story.headline.title[0].text), ("byline[0].name", story.byline[0].name.text)]
                       + [(f"sections[0].paragraphs[{j}]", p.text) for j, p in enumerate(story.sections[0].paragraphs)]):
        expected += [(f"{path} char {i}", ch) for i, ch in enumerate(text) if ch in EXPECTED]
    assert len(warnings) == len(expected) == 13
    got = {}
    for w in warnings:
        m = re.fullmatch(r".*rare-han\.yaml:\d+:\d+ (\S+ char \d+)", w["where"])  # file:line:col field char N
        assert m, w["where"]
        got[m.group(1)] = w["message"]
    for where, ch in expected:
        message = got[where]
        assert message.startswith(f"{ch} U+{ord(ch):04X} ") and EXPECTED[ch][1] in message, message


@pytest.mark.parametrize("char, why", [
    ("\U0002EBF0", "Ext I: no free face has it yet"),
    ("\U000F0000", "plane 15 private use: no face has it"),
    ("\ue000", "private use: BabelStone Han has a glyph, but its scope is han"),
    ("\U0001F600", "emoji: HanaMinA and BabelStone Han have one, but their scope is han"),
])
def test_a_character_no_face_may_draw_is_still_the_one_line_error(char, why, tmp_path, zhpaper_cache):
    """In the headline (a display role: the variant page re-cuts only its small subset, not the body's
    GB2312 file), after the 𪚥 its chain does draw."""
    text = open(RARE, encoding="utf-8").read()
    text = text.replace("template: mini-template.yaml", f"template: {MINI}")
    phrase = "\U0002A6A5村来信"
    bad = text.replace(f"title: [{phrase},", f"title: [{phrase}{char},", 1)
    assert bad != text
    page = tmp_path / "bad.yaml"
    page.write_text(bad, encoding="utf-8")
    r = run_make_pdf([str(page), "-o", str(tmp_path / "bad.pdf")], zhpaper_cache)
    assert r.returncode == 1, why
    line = next(i for i, t in enumerate(bad.splitlines()) if f"{phrase}{char}" in t)
    column = bad.splitlines()[line].index(f"{phrase}{char}")
    assert r.stderr.strip().splitlines() == [
        f"error: {page}:{line + 1}:{column + 1} headline.title[0] char {len(phrase)}: no font of role 'headline' "
        f"can draw: "
        f"{char} U+{ord(char):04X} (hint: replace the characters, or add a fallback face for the role "
        f"in the font catalog)"], why
    assert not os.path.exists(tmp_path / "bad.pdf")


def test_the_rare_faces_do_hold_emoji_and_private_use():
    """Why the catalog scopes them to han: without it, they would draw these."""
    from fontTools.ttLib import TTFont

    hana_a = TTFont(HANA_A, lazy=True).getBestCmap()
    babel = TTFont(BABEL, lazy=True).getBestCmap()
    assert 0x1F600 in hana_a and 0x1F600 in babel and 0xE000 in babel
    assert not any(charsets.in_scope(ch, charsets.HAN) for ch in "\U0001F600\ue000\u2600A")


def test_a_desk_face_of_scope_all_may_draw_an_emoji(tmp_path):
    """An emoji is drawn only when the catalog names a face for it (here HanaMinA's monochrome 😀 with
    scope all); the same face with scope han leaves it undrawn."""
    need = {"body": "中\U0001F600"}
    for scope, drawn in ((charsets.ALL, True), (charsets.HAN, False)):
        spec = {"body": fonts.FontSpec("body", SERIF, 2, fallbacks=((HANA_A, 0, scope),))}
        face = fonts.prepare_faces(spec, need, cache_dir=str(tmp_path), jobs=1)["body"]
        fb = face.face_for("\U0001F600")
        assert (fb is not None and fb.source_path == os.path.realpath(HANA_A)) == drawn, scope


def test_catalog_scope_is_checked(tmp_path):
    desk = tmp_path / "desk.yaml"
    desk.write_text(f"roles:\n  body: {{path: {SERIF}, index: 2, fallbacks: [{{path: {HANA_B}, scope: emoji}}]}}\n",
                    encoding="utf-8")
    from layout.base.errors import InputError

    with pytest.raises(InputError, match="unknown fallback scope 'emoji'") as e:
        fonts.load_catalog(str(desk))
    assert "roles.body.fallbacks[0].scope" in e.value.where
    specs = fonts.load_catalog()
    for role in fonts.ROLES:
        chain = [fonts.fallback_parts(fb) for fb in specs[role].fallbacks]
        assert [(os.path.basename(p), s) for p, _, s in chain[-3:]] == [
            ("HanaMinB.ttf", "han"), ("HanaMinA.ttf", "han"), ("BabelStoneHan.ttf", "han")], role


# ---------------------------------------------------------------- em-box matching, on the files


def _bounds(font, name):
    from fontTools.pens.boundsPen import BoundsPen

    gs = font.getGlyphSet()
    pen = BoundsPen(gs)
    gs[name].draw(pen)
    return pen.bounds


def test_em_match_moves_and_scales_the_fallback_into_the_primary_box(tmp_path):
    """HanaMinB into Noto's em box (0.88, −0.12): the same outlines moved by a whole number of units,
    each on a 1-em advance. Into a half-height box: scaled by 0.5 and set on a ½-em advance."""
    from fontTools.ttLib import TTFont

    chars = "\U00020000\U0002A6A5\U0002B826"
    src = TTFont(HANA_B)
    cmap = src.getBestCmap()
    upm = src["head"].unitsPerEm
    for target, scale in (((0.88, -0.12), 1.0), ((0.44, -0.06), 0.5)):
        job = fontprep.PrepJob(HANA_B, 0, chars, str(tmp_path / "f.ttf"), str(tmp_path / "f.json"),
                               em_target=target)
        m = fontprep.build(job)
        em = m["em_match"]
        assert em["scale"] == pytest.approx(scale) and m["ascent_em"] == target[0] and m["descent_em"] == target[1]
        assert em["em_box_from"] == "ink"  # HanaMin's declared box does not hold its glyphs (see prep)
        box_bottom = em["source_em_box"][1] * upm
        out = TTFont(job.out_ttf)
        for ch in chars:
            name = cmap[ord(ch)]
            x0, y0, x1, y1 = _bounds(src, name)
            got = _bounds(out, out.getBestCmap()[ord(ch)])
            dy = target[1] * upm - scale * box_bottom
            dx = (round((target[0] - target[1]) * upm) - scale * src["hmtx"][name][0]) / 2
            assert got == pytest.approx((scale * x0 + dx, scale * y0 + dy, scale * x1 + dx, scale * y1 + dy), abs=1.0)
            assert out["hmtx"][out.getBestCmap()[ord(ch)]][0] == round((target[0] - target[1]) * upm)
            assert m["advances_em"].get(ch, m["default_advance_em"]) == pytest.approx(target[0] - target[1], abs=1e-3)


def test_fallback_ink_sits_where_the_body_face_ink_sits(tmp_path):
    """Optically on the line: over 60 characters each, the ink of HanaMinB and BabelStone Han, as
    prepared for the body, is centred within 0.01 em of Noto Serif CJK SC's (0.380 em above the
    baseline), and stands within 0.02 em of its bottom and top."""
    from fontTools.ttLib import TTFont

    def ink(path, cps, index=0):
        f = TTFont(path, fontNumber=index) if path.endswith(".ttc") else TTFont(path)
        cmap, upm = f.getBestCmap(), f["head"].unitsPerEm
        boxes = [_bounds(f, cmap[cp]) for cp in cps if cp in cmap]
        return (sum(b[1] for b in boxes) / len(boxes) / upm, sum(b[3] for b in boxes) / len(boxes) / upm)

    serif_cps = [ord(ch) for ch in sorted(charsets.gb2312_level1())[::60]]
    ref = ink(SERIF, serif_cps, 2)  # the source face (CFF); bounds in em
    for path, lo in ((HANA_B, 0x20000), (BABEL, 0x30000)):
        cmap = TTFont(path, lazy=True).getBestCmap()
        cps = [cp for cp in sorted(cmap) if lo <= cp < lo + 0x2000][::20][:60]
        job = fontprep.PrepJob(path, 0, "".join(map(chr, cps)), str(tmp_path / "g.ttf"), str(tmp_path / "g.json"),
                               em_target=(0.88, -0.12))
        assert "error" not in fontprep.build(job)
        got = ink(job.out_ttf, cps)
        assert (got[0] + got[1]) / 2 == pytest.approx((ref[0] + ref[1]) / 2, abs=0.01), path
        assert got[0] == pytest.approx(ref[0], abs=0.02) and got[1] == pytest.approx(ref[1], abs=0.02), path


def test_a_warm_rebuild_converts_nothing(rare, monkeypatch):
    """The fallback files are per document (only the page's rare characters) and cached: preparing the
    page's fonts again reads the verified entries only."""
    from layout.pipeline import BuildOptions, prepare_fonts

    def no_build(job):
        raise AssertionError(f"converted although cached: {job.source_path}")

    monkeypatch.setattr(fontprep, "convert", no_build)
    faces, findings = prepare_fonts(rare["page"], BuildOptions(cache_dir=rare["cache"]))
    body = faces["body"]
    assert [os.path.basename(f.source_path) for f in body.fallbacks] == ["HanaMinB.ttf", "HanaMinA.ttf",
                                                                          "BabelStoneHan.ttf"]
    hana_b = body.fallbacks[0]
    assert set(hana_b.covered) == {ch for ch, (_, face) in EXPECTED.items() if face == "HanaMinB"}
    assert len([f for f in findings if f.code == "fallback-glyph"]) == 13


# ---------------------------------------------------------------- the pieces


def test_places_names_every_printed_field_with_its_role():
    from layout.source.load import load_page
    from layout.source.texts import chars_by_role, page_text_fields, places, role_fields

    for path in (RARE, os.path.join(ROOT, "article.yaml")):
        page, _ = load_page(path)
        fields = role_fields(page)
        assert [p for _, p, _ in fields][: len(page_text_fields(page))] == [p for p, _ in page_text_fields(page)]
        by_role = chars_by_role(page)
        for role, _, text in fields:
            assert set(text) <= set(by_role[role]) | {" ", "\u3000"}, role
    page, _ = load_page(RARE)
    (where,) = [w for _, w in places(page, "byline", {"\U0002A6A5"})]
    assert re.fullmatch(re.escape(page.source_file) + r":\d+:\d+ byline\[0\]\.name char 4", where), where
    assert places(page, "caption", {"\U0002A6A5"}) == []


def test_tounicode_beyond_the_bmp_is_utf16():
    from reportlab.pdfbase import ttfonts

    fonts.register_faces({})  # installs the fix
    make = ttfonts.makeToUnicodeCMap
    assert getattr(make, "zhpaper_utf16", False)
    bmp = make("F", [0, 0x4E2D, 0x3002])
    assert "<01> <4E2D>" in bmp and "<02> <3002>" in bmp
    assert make("F", [0, 0x2A6A5, 0x30013]).count("<D869DEA5>") == 1
    assert "<D880DC13>" in make("F", [0, 0x2A6A5, 0x30013])


def test_embedded_fallback_fonts_are_consistent(rare):
    """In the archive copy: each fallback font's /Widths agree with its embedded advances (reportlab
    read upm-1024 advances past numberOfHMetrics as 1/1000 em) and its ToUnicode maps a plane-2 code."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    seen = set()
    with pikepdf.open(rare["archive"]) as pdf:
        for _, font in pdf.pages[0].Resources.Font.items():
            face = _face_of(str(font.BaseFont)[1:])
            if face not in ("HanaMinA", "HanaMinB", "BabelStoneHan"):
                continue
            seen.add(face)
            program = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
            upm = program["head"].unitsPerEm
            first = int(font.FirstChar)
            for i, w in enumerate(font.Widths):
                code = first + i
                glyph = program["cmap"].tables[0].cmap.get(code)
                if glyph is not None:
                    assert program["hmtx"][glyph][0] * 1000 / upm == pytest.approx(float(w), abs=0.5)
            tounicode = font.ToUnicode.read_bytes().decode("ascii")
            assert re.search(r"<D8[0-9A-F]{2}D[C-F][0-9A-F]{2}>", tounicode), face  # a surrogate pair
    assert seen == {"HanaMinA", "HanaMinB", "BabelStoneHan"}


@pytest.mark.usefixtures("poppler")
def test_pdftotext_reads_the_byline_and_headline(rare):
    text = subprocess.run(["pdftotext", rare["pdf"], "-"], capture_output=True, text=True, check=True).stdout
    assert "\U0002A6A5村来信" in text and "张\U0002A6A5" in text
