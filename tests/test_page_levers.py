"""The page's levers beyond the module search's shapes, on generated pages composed on the square
test face: a filler (补白) set only when the page's items alone fill no tiling, a module the desk
pins (place:), a late edit that keeps the page's shape."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from support import fake_faces, first_generated_page

import pages as P

from layout.base.errors import InputError
from layout.compose import stable
from layout.compose.page import compose_page
from layout.source.template import load_template

FACES = fake_faces()
TEMPLATES = {name: load_template(name) for name in P.TEMPLATES}
GRIDS = {name: P.Grid.of(t) for name, t in TEMPLATES.items()}


def _first(seed: int, want, tries: int = 60):
    """The first generated page (seeded) whose layout `want` accepts: (variant, page, sizes, layout)."""
    return first_generated_page(seed, want, TEMPLATES, FACES, tries)


def test_a_filler_only_when_the_page_fills_no_tiling_without():
    v, page, sizes, lay = _first(21, lambda page, lay: lay.figures.get("fillers"))
    fid = lay.figures["fillers"][0]
    region = next(r for r in lay.regions if r.story == fid)
    text = "".join(t.text for f in page.fillers if f.id == fid for t in f.text)
    drawn = "".join(r.chars for r in lay.runs("filler") if r.story == fid)
    assert drawn == text.replace("　", "").replace(" ", "")
    assert all(region.x_pt - 0.01 <= r.x_pt and region.y_pt - 0.01 <= r.y_pt <= region.y_pt + region.height_pt
               for r in lay.runs("filler") if r.story == fid)
    with pytest.raises(InputError, match="copyfit"):
        compose_page(replace(page, fillers=()), TEMPLATES[v.template], FACES, sizes)


def test_a_pinned_module_stands_where_the_desk_put_it():
    v, page, sizes, lay = _first(7, lambda page, lay: len(page.news) >= 3)
    t = TEMPLATES[v.template]
    second = page.news[1]
    m = next(x for x in lay.figures["modules"] if x["item"] == second.id)
    pin = (m["col"] - 1, m["span"], m["row"] - 1, m["rows"])
    stories = tuple(replace(s, pinned=pin) if s.id == second.id else s for s in page.stories)
    again = compose_page(replace(page, stories=stories), t, FACES, sizes)
    got = next(x for x in again.figures["modules"] if x["item"] == second.id)
    assert (got["col"], got["span"], got["row"], got["rows"]) == (m["col"], m["span"], m["row"], m["rows"])
    off = tuple(replace(s, pinned=(t.columns - 1, 2, 0, 20)) if s.id == second.id else s for s in page.stories)
    with pytest.raises(InputError, match="past the type area"):
        compose_page(replace(page, stories=off), t, FACES, sizes)


def test_a_late_edit_keeps_the_modules_columns():
    """A story shortened by a sentence: rebuilt from the last build's modules, every module keeps its
    columns and no edge moves more than the rule allows."""
    v, page, sizes, lay = _first(3, lambda page, lay: len(page.news) >= 3)
    t = TEMPLATES[v.template]
    kept = stable.parse({"modules": [{"id": m["item"], "kind": m["kind"], "col": m["col"], "span": m["span"],
                                      "row": m["row"], "rows": m["rows"]} for m in lay.figures["modules"]]})
    again = compose_page(page, t, FACES, sizes, previous=kept)
    assert again.figures["modules"] == lay.figures["modules"]  # nothing changed: the same page
    assert not [f for f in again.findings if f.code == "re-planned"]


def _arrangement(lay) -> tuple:
    return stable.parse({"modules": [{"id": m["item"], "kind": m["kind"], "col": m["col"], "span": m["span"],
                                      "row": m["row"], "rows": m["rows"]} for m in lay.figures["modules"]]})


def test_a_late_edit_keeps_the_columns_by_another_measure():
    """A 二条 grown by 13 % (family page 7 of seed 21, its third late edit): no height of its own measure
    fills its module's columns any more, so the story is set in 3 body columns across its 5 (变栏) and
    the page keeps every module's columns; the page says so in one line, and the text is all there."""
    v = P.family(8, GRIDS, seed=21)[7]
    page, sizes = P.page_of(v, GRIDS)
    t = TEMPLATES[v.template]
    lay = compose_page(page, t, FACES, sizes)
    rng = random.Random(7)
    for _ in range(3):
        edited, what = P.late_edit(v, rng)
    assert what.startswith("s2 +")
    page2, sizes2 = P.page_of(edited, GRIDS)
    again = compose_page(page2, t, FACES, sizes2, previous=_arrangement(lay))
    cols = lambda lay_: {m["item"]: (m["col"], m["span"]) for m in lay_.figures["modules"]}  # noqa: E731
    assert cols(again) == cols(lay)
    said = [f.message for f in again.findings if f.code in ("stable", "re-planned")]
    assert said == ["kept the columns: s2 set in 3 columns across its 5 (变栏)"]
    s2 = next(m for m in again.figures["modules"] if m["item"] == "s2")
    assert (s2["span"], s2["body_columns"]) == (5, 3)
    from collections import Counter

    from test_pages import INVISIBLE, expected_chars

    item = next(s for s in page2.stories if s.id == "s2")  # every character of it once (s1 jumps: continue_to)
    got = Counter(ch for run in again.runs() if run.story == "s2" for ch in run.chars if ch not in INVISIBLE)
    assert got == expected_chars(item)
    assert again.figures["overflow_lines"] == again.figures["empty_rows"] == again.figures["overlaps"] == 0


def test_a_photo_placed_without_a_column_stands_at_the_right_edge():
    """The desk gives the 头条's first photo a size only (place: span 4, rows 20; family page 34 of seed
    22): the photo stands at the right edge of the story's module, under the headline, and the story's
    text starts at the module's top left and reads down around it (design rule reading-path). At the
    left, where a photo given no column used to go, the text would have read upwards: refused."""
    v = P.family(35, GRIDS, seed=22)[34]
    assert v.photo_place == (4, 20)
    page, sizes = P.page_of(v, GRIDS)
    lay = compose_page(page, TEMPLATES[v.template], FACES, sizes)
    from layout.base.primitives import Image

    im = next(i for i in lay.items if isinstance(i, Image) and i.block == "s1/p1")
    region = next(r for r in lay.regions if r.story == "s1")
    assert abs(im.x_pt + im.width_pt - (region.x_pt + region.width_pt)) < 0.01
    body = [r for r in lay.runs("body") if r.story == "s1"]
    first = max(body, key=lambda r: (r.y_pt, -r.x_pt))  # the top line (y grows upwards), leftmost
    assert abs(first.x_pt - region.x_pt) < 0.01
    at_left = replace(page, stories=tuple(
        replace(s, photos=(replace(s.photos[0], place=replace(s.photos[0].place, col=1)),) + s.photos[1:])
        if s.id == "s1" else s for s in page.stories))
    with pytest.raises(InputError, match="would read upwards"):
        compose_page(at_left, TEMPLATES[v.template], FACES, sizes)


def test_another_pages_arrangement_is_re_planned_not_a_crash():
    """The manifest beside the outputs is another page's (the desk reused an output folder): its
    modules name items this page does not have, so the page is planned afresh and says so — every
    way of keeping a shape (the rule's rows, the columns, other measures) gives up on it cleanly."""
    v = P.family(8, GRIDS, seed=21)[7]
    page, sizes = P.page_of(v, GRIDS)
    lay = compose_page(page, TEMPLATES[v.template], FACES, sizes)
    foreign = _arrangement(lay) + (stable.Kept("jianxun-2", "briefs", stable.Rect(0, 1, 0, 1)),)
    again = compose_page(page, TEMPLATES[v.template], FACES, sizes, previous=foreign)
    assert [f.message for f in again.findings if f.code == "re-planned"] == ["re-planned: jianxun-2 is gone"]


def test_a_briefs_block_takes_more_white_only_when_asked():
    """A 简讯 block fills a module exactly by white lines between its items, up to the template's
    modules.briefs_gap_rows each; the kept shape may give it one more (Sizing.more_white, KEEP_GAP_ROWS):
    every height of the usual gap stays, some more appear, and at such a height the block is composed
    with every item's characters once and its columns full."""
    from collections import Counter

    from layout.compose.boxes import briefs_rows, compose_briefs
    from layout.compose.sizing import KEEP_GAP_ROWS
    from layout.compose.story import Area, Kit

    v = P.family(8, GRIDS, seed=21)[7]
    page, sizes = P.page_of(v, GRIDS)
    t = TEMPLATES[v.template]
    b = next(s for s in page.stories if s.kind == "briefs")
    kit = Kit(t, FACES, sizes, dict(page.options))
    more_gap = t.briefs_gap_rows + KEEP_GAP_ROWS
    gained = []
    for span in (1, 2, 3, 4):
        usual = briefs_rows(b, kit, span, range(1, t.rows + 1))
        airier = briefs_rows(b, kit, span, range(1, t.rows + 1), more_gap)
        assert set(usual) <= set(airier)
        gained += [(span, r) for r in airier if r not in usual]
    # Heights where a wider white gap would break across a column's foot leave a line over: the kept
    # search only offers those where every line stands in its column (Sizing._briefs_fill).
    whole = [(span, rows) for span, rows in gained
             if not compose_briefs(b, Area(0, span, 0, rows), kit, more_gap).findings]
    assert whole
    span, rows = whole[0]
    with pytest.raises(InputError):  # the usual gap cannot fill it
        compose_briefs(b, Area(0, span, 0, rows), kit)
    block = compose_briefs(b, Area(0, span, 0, rows), kit, more_gap)
    got = Counter(ch for run in block.items if hasattr(run, "chars") for ch in run.chars if not ch.isspace())
    want = Counter(ch for text in [b.heading.text] + [item.text for item in b.items] for ch in text
                   if not ch.isspace())
    assert got == want


def test_the_kept_search_never_offers_a_briefs_height_that_leaves_a_line_over():
    """Family page 0 of seed 21: at 5 columns and 11 rows the wider white fills the 简讯 block's cells by
    count, but a two-line gap cannot break across a column's foot and a line is left over. The sizes
    the kept search is offered (Sizing.heights with more_white) leave it out; those it keeps compose
    with no finding."""
    from layout.compose.boxes import compose_briefs
    from layout.compose.sizing import KEEP_GAP_ROWS, Sizing
    from layout.compose.story import Area, Kit

    v = P.family(1, GRIDS, seed=21)[0]
    page, sizes = P.page_of(v, GRIDS)
    t = TEMPLATES[v.template]
    kit = Kit(t, FACES, sizes, dict(page.options))
    i, b = next((i, s) for i, s in enumerate(page.stories) if s.kind == "briefs")
    assert compose_briefs(b, Area(0, 5, 0, 11), kit, t.briefs_gap_rows + KEEP_GAP_ROWS).findings
    sizing = Sizing(page, t, kit)
    sizing.more_white = True
    offered = sizing.heights(i, 5, False)
    assert 11 not in offered
    for rows in offered:
        assert not sizing.compose(i, Area(0, 5, 0, rows)).findings


def test_a_story_a_late_edit_shortens_keeps_its_columns_over_a_filler():
    """The 头条 cut by a sixth late (family page 67 of seed 21, its first late edit): its text no longer
    fills its module at any measure and no neighbour can take the rows, so a filler of the page's pool
    (补白) stands under it in its own columns, its foot where the story's was; every module of the last
    build keeps its columns, the page says so in one line, and the story's text is all there."""
    v = P.family(68, GRIDS, seed=21)[67]
    page, sizes = P.page_of(v, GRIDS)
    t = TEMPLATES[v.template]
    lay = compose_page(page, t, FACES, sizes)
    edited, what = P.late_edit(v, random.Random(67))
    assert what.startswith("s1 -")
    page2, sizes2 = P.page_of(edited, GRIDS)
    again = compose_page(page2, t, FACES, sizes2, previous=_arrangement(lay))
    old = {m["item"]: m for m in lay.figures["modules"]}
    new = {m["item"]: m for m in again.figures["modules"]}
    assert all((new[k]["col"], new[k]["span"]) == (m["col"], m["span"]) for k, m in old.items())
    added = [m for k, m in new.items() if k not in old]
    assert len(added) == 1 and added[0]["kind"] == "filler"
    s1, filler = new["s1"], added[0]
    assert (filler["col"], filler["span"], filler["row"]) == (s1["col"], s1["span"], s1["row"] + s1["rows"])
    assert abs(filler["row"] + filler["rows"] - old["s1"]["row"] - old["s1"]["rows"]) <= 3
    said = [f.message for f in again.findings if f.code in ("stable", "re-planned")]
    assert len(said) == 1 and said[0].endswith("kept the columns: a filler (补白) under s1"), said
    assert any(f.code == "filler" and "late edit" in f.message for f in again.findings)
    from collections import Counter

    from test_pages import INVISIBLE, expected_chars

    item = next(s for s in page2.stories if s.id == "s1")
    got = Counter(ch for run in again.runs() if run.story == "s1" for ch in run.chars if ch not in INVISIBLE)
    assert got == expected_chars(item)
    assert again.figures["overflow_lines"] == again.figures["empty_rows"] == again.figures["overlaps"] == 0
