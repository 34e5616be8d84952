"""What the proof desk shows of a build (layout.app.deskview): modules with rank and figures, findings
at their YAML line, and what moved since the build before."""

from __future__ import annotations

import io

from PIL import Image

from layout.app import deskview
from layout.base.primitives import PageLayout, StoryRegion
from layout.base.docmeta import MM_PER_PT

PT = 1 / MM_PER_PT  # points per mm


def _layout(regions, bleed_mm=0.0):
    b = bleed_mm * PT
    w, h = 390 * PT, 543 * PT
    return PageLayout(w + 2 * b, h + 2 * b, (b, b, b + w, b + h), regions=tuple(regions))


def _region(id, x_mm, y_mm, w_mm, h_mm, kind="story", bleed_mm=0.0):
    top = 543 + bleed_mm - y_mm  # from the trim's top-left, y down → PDF points, y up
    return StoryRegion(id, kind, f"title {id}", (x_mm + bleed_mm) * PT, (top - h_mm) * PT, w_mm * PT, h_mm * PT)


def test_modules_carry_rank_place_and_figures():
    lay = _layout([_region("a", 20, 27, 350, 240), _region("b", 20, 280, 170, 150), _region("ad", 20, 436, 350, 84, "reserved")])
    figs = {"stories": ["a", "b"], "a": {"body_lines": 112, "body_measure_chars": 13.0, "overflow_lines": 3,
                                         "empty_rows": 0, "arrangement": {"cost": 1}},
            "b": {"body_lines": 53, "body_measure_chars": 13.0, "empty_rows": 2}}
    mods = {m["id"]: m for m in deskview.modules(lay, figs)}
    assert (mods["a"]["rank"], mods["b"]["rank"], mods["ad"]["rank"]) == (1, 2, None)
    assert mods["a"]["figures"] == {"body_lines": 112, "body_measure_chars": 13.0, "overflow_lines": 3, "empty_rows": 0,
                                    "chars_over": 39}
    assert mods["b"]["figures"]["chars_short"] == 26
    assert (mods["b"]["x_mm"], mods["b"]["y_mm"], mods["b"]["width_mm"], mods["b"]["height_mm"]) == (20, 280, 170, 150)


def test_a_page_of_one_story_has_the_pages_figures_and_places_count_the_bleed():
    lay = _layout([_region("main", 18.79, 27, 352.42, 493.71, bleed_mm=3)], bleed_mm=3)
    (m,) = deskview.modules(lay, {"body_lines": 94, "body_columns": 4})
    assert m["rank"] == 1 and m["figures"] == {"body_lines": 94, "body_columns": 4}
    assert (m["x_mm"], m["y_mm"]) == (21.79, 30.0)  # from the proof's corner: the bleed is on the proof
    box = deskview.page_box(lay)
    assert (box["width_mm"], box["trim_x_mm"], box["trim_width_mm"]) == (396.0, 3.0, 390.0)


def test_what_moved_resized_came_or_went():
    before = [{"id": "a", "x_mm": 1, "y_mm": 1, "width_mm": 5, "height_mm": 5},
              {"id": "b", "x_mm": 9, "y_mm": 1, "width_mm": 5, "height_mm": 5},
              {"id": "c", "x_mm": 9, "y_mm": 9, "width_mm": 5, "height_mm": 5},
              {"id": "gone", "x_mm": 0, "y_mm": 0, "width_mm": 1, "height_mm": 1}]
    now = [{"id": "a", "x_mm": 1, "y_mm": 1, "width_mm": 5, "height_mm": 5},
           {"id": "b", "x_mm": 9, "y_mm": 2, "width_mm": 5, "height_mm": 5},
           {"id": "c", "x_mm": 9, "y_mm": 9, "width_mm": 5, "height_mm": 7},
           {"id": "new", "x_mm": 0, "y_mm": 0, "width_mm": 1, "height_mm": 1}]
    marked, gone = deskview.moved(now, before)
    assert [m["change"] for m in marked] == [None, "moved", "resized", "new"]
    assert marked[1]["was"]["y_mm"] == 1 and marked[0]["was"] is None
    assert gone == ["gone"]
    assert [m["change"] for m in deskview.moved(now, None)[0]] == [None] * 4


def _png(draw=None):
    im = Image.new("RGB", (120, 96), "white")
    if draw:
        im.paste((0, 0, 0), draw)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def test_changed_areas_are_where_the_ink_changed():
    a = _png()
    assert deskview.changed_areas(a, a) == []
    assert deskview.changed_areas(None, a) == []
    got = deskview.changed_areas(a, _png((30, 40, 50, 45)), tile_px=12)
    assert got == [[24 / 120, 36 / 96, 36 / 120, 12 / 96]]  # columns 2–4, row 3 of 12-px tiles
    two = deskview.changed_areas(a, _png((30, 40, 50, 60)), tile_px=12)
    assert two == [[24 / 120, 36 / 96, 36 / 120, 24 / 96]]  # the same columns on two rows join
    assert deskview.changed_areas(a, _png_sized(), tile_px=12) == [[0, 0, 1, 1]]  # another size: all of it


def _png_sized():
    buf = io.BytesIO()
    Image.new("RGB", (60, 96), "white").save(buf, "PNG")
    return buf.getvalue()


def test_findings_are_placed_at_their_line(tmp_path):
    page = tmp_path / "page.yaml"
    page.write_text("template: broadsheet\nstories:\n  - id: a\n    headline: {main: 一}\n    sections:\n"
                    "      - paragraphs:\n          - 第一段\n          - 第二段\n  - file: story.yaml\n", encoding="utf-8")
    (tmp_path / "story.yaml").write_text("headline: {main: 二}\nlead:\n  - 导语\n  - 第二\n", encoding="utf-8")
    at = deskview.locate(f"{page}:4:15 stories[0].headline.main", str(page))
    assert (at["file"], at["line"], at["col"], at["field"]) == (str(page), 4, 15, "stories[0].headline.main")
    at = deskview.locate("stories[0].sections[0].paragraphs[1]", str(page))
    assert (at["file"], at["line"]) == (str(page), 8)
    at = deskview.locate("stories[1].lead[1]", str(page))  # into the story's own file
    assert (at["file"], at["line"]) == (str(tmp_path / "story.yaml"), 4)
    at = deskview.locate("stories[0].nothing[3]", str(page))  # as far as the path goes
    assert (at["file"], at["line"]) == (str(page), 3)
    assert deskview.locate("photos main/p3", str(page))["line"] is None  # no photos: key here
    assert deskview.locate("block photo-3", str(page))["line"] is None
    assert deskview.locate("template", str(page))["line"] == 1  # a top-level key, as the loader names it
    report = {"errors": [{"code": "x", "message": "m", "where": "stories[0].sections[0].paragraphs[0]"}],
              "warnings": [], "info": [{"code": "i", "message": "n", "where": ""}]}
    got = deskview.findings(report, str(page))
    assert [(f["severity"], f["line"]) for f in got] == [("error", 7), ("info", None)]


def test_a_finding_shows_its_message_and_an_empty_place_when_it_has_none(tmp_path):
    page = tmp_path / "page.yaml"
    page.write_text("headline: {main: 一}\n", encoding="utf-8")
    report = {"errors": [], "warnings": [{"code": "underfull", "message": "9 grid lines stay empty"}], "info": []}
    (f,) = deskview.findings(report, str(page))
    assert (f["severity"], f["code"], f["message"], f["where"]) == ("warning", "underfull", "9 grid lines stay empty", "")
    assert f["line"] is None


def test_the_page_box_keeps_hundredths_of_a_mm():
    lay = PageLayout(396 * PT, 549 * PT, (3.25 * PT, 2.75 * PT, 393.25 * PT, 545.75 * PT))
    box = deskview.page_box(lay)
    assert box == {"width_mm": 396.0, "height_mm": 549.0, "trim_x_mm": 3.25, "trim_y_mm": 3.25,
                   "trim_width_mm": 390.0, "trim_height_mm": 543.0}
