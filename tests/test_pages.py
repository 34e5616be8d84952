"""Pages of several items (issue 14): the module search on pages nobody tuned it to, checked from
what the layout shows, not from what the search says it did.

Generated pages (tests/pages.py: 2–6 stories, a 简讯 block, a 导读 box, no ad / a foot ad / a
half-width foot ad, the broadsheet and the tabloid, text sized to the page give or take a fifth) are
composed on the square test face. Each must either give a page where

- every story's characters (as a multiset) lie inside its own region,
- the regions and the reserved areas tile the type area column by column, parted by one white line
  (no hole, 开天窗; nothing covered twice),
- no two neighbouring stories have headlines side by side (撞题: their glyphs share a row, whatever
  their sizes), read from the headline glyphs,
- the 头条 stands at the top with the largest headline,
- every story's columns are filled exactly (the layout's own counts),

or be refused with the one-line copyfit error. The share built is the engine's measure; the sample
page and a generated six-story page are also built for real and read back from the PDF.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import random
import re
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT, fake_faces, run_make_pdf

import pages as P

from layout.compose import modules as M
from layout.compose.nearest import Nearest, nearest
from layout.compose.page import compose_page, free_layouts
from layout.base.errors import InputError
from layout.base.primitives import GlyphRun, Image
from layout.source.template import load_template
from layout.source.texts import item_text_fields

FACES = fake_faces()
TEMPLATES = {name: load_template(name) for name in P.TEMPLATES}
GRIDS = {name: P.Grid.of(t) for name, t in TEMPLATES.items()}
INVISIBLE = " \u3000\n\t"
HEADLINE_KINDS = ("kicker", "headline", "subtitle")
FLOOR = 0.4  # pages built / pages drawn below (seeded): 0.42 when this was written (200 drawn: 0.5)
SAMPLE = os.path.join(ROOT, "samples", "yaowen.yaml")


def expected_chars(item) -> Counter:
    """What an item prints, as a multiset: its texts, and the slash of each byline credit (文/…)."""
    got = Counter(ch for _, text in item_text_fields(item) for ch in text if ch not in INVISIBLE)
    if item.kind == "story":
        got["/"] += len(item.byline)
    return got


def check_page(page, t, lay) -> None:
    """Everything the layout of a page of several items must show; fails with what it found."""
    fig = lay.figures
    for key in ("overflow_lines", "empty_rows", "overlaps", "stranded_subheads"):
        assert fig.get(key, 0) == 0, (key, fig.get(key))
    regions = {r.story: r for r in lay.regions}
    ids = [s.id for s in page.stories] + list(fig.get("fillers", ()))
    assert [r.story for r in lay.regions if r.kind != "reserved"] == ids  # one region per item, in order
    _inside_own_region(lay, regions)
    _conserved(page, lay)
    _tiled(t, lay)
    _no_clash(page, lay, regions)
    _head_leads(page, lay, regions, t)


def _inside_own_region(lay, regions) -> None:
    for run in lay.runs():
        if not run.story:
            continue  # the 报眉
        r = regions[run.story]
        # Glyph origins; an opening bracket at a line start and punctuation at its end are set half
        # width, their blank half outside the measure (clreq 3.1.6), so half an em either side.
        left, right = run.x_pt + run.xs_pt[0], run.x_pt + run.xs_pt[-1]
        half = run.size_pt * 0.5
        assert r.x_pt - half - 0.01 <= left and right <= r.x_pt + r.width_pt + 0.01, (run.story, run.chars)
        assert r.y_pt - 0.01 <= run.y_pt <= r.y_pt + r.height_pt + 0.01, (run.story, run.chars)
    for im in lay.items:
        if isinstance(im, Image):
            r = regions[im.story]
            assert r.x_pt - 0.01 <= im.x_pt and im.x_pt + im.width_pt <= r.x_pt + r.width_pt + 0.01
            assert r.y_pt - 0.01 <= im.y_pt and im.y_pt + im.height_pt <= r.y_pt + r.height_pt + 0.01


def _conserved(page, lay) -> None:
    used = set(lay.figures.get("fillers", ()))
    for item in page.stories + tuple(f for f in page.fillers if f.id in used):
        got = Counter(ch for run in lay.runs() if run.story == item.id for ch in run.chars if ch not in INVISIBLE)
        want = expected_chars(item)
        assert got == want, (item.id, dict(want - got), dict(got - want))


def _tiled(t, lay) -> None:
    """Column by column, the regions (reserved areas too) run from the type area's top to its foot,
    parted by exactly one white line each, never overlapping."""
    top_y = t.page_height_pt - t.type_top_pt
    pitch = t.line_pitch_pt
    for c in range(t.columns):
        x = t.type_left_pt + c * (t.column_width_pt + t.gutter_pt) + t.column_width_pt / 2
        spans = sorted((round((top_y - (r.y_pt + r.height_pt)) / pitch), round((top_y - r.y_pt) / pitch))
                       for r in lay.regions if r.x_pt <= x <= r.x_pt + r.width_pt)
        assert spans and spans[0][0] == 0, (c, spans)
        assert spans[-1][1] == t.rows, (c, spans)
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            assert b0 - a1 in (0, M.SEPARATOR_ROWS), f"column {c + 1}: rows {a1}–{b0} hold nothing (开天窗)"


def _headline_box(lay, story: str) -> tuple[float, float, float] | None:
    runs = [r for r in lay.runs() if r.story == story and r.kind in HEADLINE_KINDS]
    if not runs:
        return None
    size = max(r.size_pt for r in runs)
    return (min(r.y_pt - 0.12 * r.size_pt for r in runs), max(r.y_pt + 0.88 * r.size_pt for r in runs), size)


def _no_clash(page, lay, regions) -> None:
    stories = [s.id for s in page.stories if s.kind == "story"]
    for i, a in enumerate(stories):
        for b in stories[i + 1:]:
            ra, rb = regions[a], regions[b]
            gap = min(abs(ra.x_pt + ra.width_pt - rb.x_pt), abs(rb.x_pt + rb.width_pt - ra.x_pt))
            facing = ra.y_pt < rb.y_pt + rb.height_pt and rb.y_pt < ra.y_pt + ra.height_pt
            if gap > 20 or not facing:
                continue
            ha, hb = _headline_box(lay, a), _headline_box(lay, b)
            level = ha[0] < hb[1] and hb[0] < ha[1]
            assert not level, f"撞题: {a} and {b} headlines share rows"


def _head_leads(page, lay, regions, t) -> None:
    lead = page.stories[0]
    if lead.kind != "story":
        return
    r = regions[lead.id]
    assert abs(r.y_pt + r.height_pt - (t.page_height_pt - t.type_top_pt)) < 0.5, "the 头条 is not at the top"
    size = _headline_box(lay, lead.id)[2]
    assert all(_headline_box(lay, s.id)[2] <= size for s in page.stories[1:] if s.kind == "story")


def judge(v: P.PageVariant) -> str:
    page, sizes = P.page_of(v, GRIDS)
    t = TEMPLATES[v.template]
    try:
        lay = compose_page(page, t, FACES, sizes)
    except InputError as e:
        message = e.line()
        assert "\n" not in message and "copyfit" in message, message
        return "refused"
    check_page(page, t, lay)
    return "built"


def test_generated_pages():
    """12 pages drawn uniformly (seeded): every one built passes every check, every other is refused
    with the one-line copyfit error, and the share built stays at what the engine reached."""
    rng = random.Random(14)
    tally = Counter(judge(P.random_page(rng, GRIDS)) for _ in range(12))
    share = tally["built"] / 12
    print(f"\n[pages] built {tally['built']} of 12 ({share:.0%})", file=sys.stderr)
    assert share >= FLOOR, dict(tally)


# ---------------------------------------------------------------- the search on hand-made problems


def _fits(heights: dict, kinds: dict | None = None, head=None) -> M.Fits:
    """Fits from a table: item → span → rows (separator included when separated)."""
    kinds = kinds or {}
    return M.Fits(lambda i, span, sep: [r + (1 if sep else 0) for r in heights[i].get(span, ())],
                  lambda i, span, rows: 0.0, lambda i: kinds.get(i, "story"), None, head)


def test_tiler_stacks_and_sets_side_by_side():
    """Two stories that only fit one above the other stack; three, the last two side by side under
    the first, only when one of them is a box: two stories side by side at one height is 撞题
    whatever their headlines' sizes."""
    stacked = M.tile((M.Rect(0, 4, 0, 20),), 2, _fits({0: {4: [9]}, 1: {4: [10]}}), 20, 4)
    assert [(m.rect.row, m.rect.rows) for m in stacked] == [(0, 10), (10, 10)]
    heights = {0: {4: [9]}, 1: {2: [10]}, 2: {2: [10]}}
    same = lambda i, span, rows: (24.0, 0, 3)  # noqa: E731
    assert M.tile((M.Rect(0, 4, 0, 20),), 3, _fits(heights, head=same), 20, 4) is None  # 撞题
    got = M.tile((M.Rect(0, 4, 0, 20),), 3, _fits(heights, {2: "briefs"}, head=same), 20, 4)
    assert sorted((m.rect.col, m.rect.span, m.rect.row) for m in got) == [(0, 2, 10), (0, 4, 0), (2, 2, 10)]
    sizes = lambda i, span, rows: ((44.0, 0, 4), (36.0, 0, 3), (24.0, 0, 3))[i]  # noqa: E731
    assert M.tile((M.Rect(0, 4, 0, 20),), 3, _fits(heights, head=sizes), 20, 4) is None  # sizes do not part them


def test_the_headline_band_is_asked_for_the_storys_own_rows():
    """A story above a separator fills its module less that row: its headline band (hence 撞题 with
    the story beside it, and the 头条's largest headline) is asked for those rows, the rows its
    composition is given — not for the module's, which may be another of its heights."""
    heights = {0: {4: [5]}, 1: {2: [9]}, 2: {2: [4]}, 3: {2: [14]}}  # 2: a 简讯 box under 1
    asked = []

    def head(i, span, rows):
        asked.append((i, span, rows))
        return ((44.0, 0, 4), (24.0, 0, 3), (22.0, 0, 3), (24.0, 9, 12))[i]

    got = M.tile((M.Rect(0, 4, 0, 20),), 4, _fits(heights, {2: "briefs"}, head=head), 20, 4)
    assert got is not None
    placed = {m.item: m for m in got}
    assert placed[1].separated and placed[1].rect.rows == 10
    assert (1, 2, 9) in asked and (1, 2, 10) not in asked


def test_tiler_forget_matches_a_fresh_search():
    """Striking a module size and forgetting it gives the tiling a fresh search without that size gives."""
    heights = {0: {4: [9, 12], 2: [19]}, 1: {2: [10, 7], 4: [3]}, 2: {2: [10, 7, 20]}}
    kinds = {2: "briefs"}
    tiler = M.Tiler(_fits(heights, kinds), 3, 4, 20)
    first = tiler.tile((M.Rect(0, 4, 0, 20),), (0, 1, 2), 20)
    assert first is not None
    m = first[1][0]
    heights[m.item][m.rect.span] = [r for r in heights[m.item][m.rect.span] if r + (1 if m.separated else 0) != m.rect.rows]
    tiler.forget(m.item, m.rect.span, m.rect.rows)
    again = tiler.tile((M.Rect(0, 4, 0, 20),), (0, 1, 2), 20)
    fresh = M.Tiler(_fits(heights, kinds), 3, 4, 20).tile((M.Rect(0, 4, 0, 20),), (0, 1, 2), 20)
    assert again == fresh and again is not None and again != first


def _random_problem(draw):
    """A small hand-made search problem: 2–4 items, each with a few heights at some spans of a page 4
    columns wide and 14 rows high; some stories (their headline bands at random rows, so 撞题 and the
    头条's checks take part), some boxes."""
    count = draw(st.integers(2, 4))
    heights = {i: {span: sorted(draw(st.sets(st.integers(2, 14), max_size=4)))
                   for span in draw(st.sets(st.integers(1, 4), min_size=1, max_size=4))} for i in range(count)}
    kinds = {i: draw(st.sampled_from(("story", "briefs"))) for i in range(1, count)}
    bands = {i: (draw(st.sampled_from((24.0, 30.0, 36.0))), draw(st.integers(0, 2))) for i in range(count)}

    def head(i, span, rows):
        size, top = bands[i]
        return size, top, top + 2

    return count, heights, kinds, head


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_reach_is_what_the_search_can_fill(data):
    """The heights `Tiler.reach` says a run of items may fill at a width are a necessary condition
    of the search's own answer: every rectangle the search fills has its height in the set, and with
    boxes only (no 撞题 to refuse one) the set is exactly the heights the search fills."""
    count, heights, kinds, head = _random_problem(data.draw)
    boxes = {i: "briefs" for i in range(count)}
    for kind in (kinds, boxes):
        tiler = M.Tiler(_fits(heights, kind, head if kind is kinds else None), count, 4, 14)
        for start in range(count):
            for end in range(start + 1, count + 1):
                run = tuple(range(start, end))
                for span in range(1, 5):
                    for foot in (False, True):
                        bits = tiler.reach(span, foot, run)
                        for rows in range(1, 15):
                            filled = bool(tiler.fill(span, rows, foot, run))
                            if filled or kind is boxes:
                                assert filled == bool((bits >> rows) & 1), (run, span, rows, foot)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_search_finds_the_same_tiling_without_reach(data):
    """`reach` only spares the search work: with it answering "any height" the search returns the
    same tiling (the same modules, the same cost, the same choice among equals)."""
    count, heights, kinds, head = _random_problem(data.draw)
    regions = data.draw(st.sampled_from(((M.Rect(0, 4, 0, 14),), (M.Rect(0, 4, 0, 8), M.Rect(0, 2, 8, 6)))))
    items = tuple(range(count))
    pruned = M.Tiler(_fits(heights, kinds, head), count, 4, 14).tile(regions, items, 14)
    every = _Unpruned(_fits(heights, kinds, head), count, 4, 14).tile(regions, items, 14)
    assert pruned == every


class _Unpruned(M.Tiler):
    """The search with `reach` answering "any height": what it was before reach."""

    def _reach(self, foot, items):
        return [self.mask] * (self.columns + 1)


def test_nearest_moves_the_lowest_ranked_story_the_fewest_rows():
    """Two stories stacked in a 4 × 20 area (the upper one's module a row taller, for its separator):
    9 + 1 and 11 rows do not tile it; the 二条 a row shorter does, a row longer does where it is 9 —
    the lowest-ranked story first, a cut before an addition; none where its text cannot give it, or
    where the page composed with the cut does not fill (the check the proposal must pass)."""
    def near(heights, chars=lambda i, rows, span: rows * 10, verify=lambda i, n: True):
        fits = _fits(heights)
        assert M.Tiler(fits, 2, 4, 20).tile((M.Rect(0, 4, 0, 20),), (0, 1), 20) is None
        search = lambda tiler: (lambda got: None if got is None else got[1])(  # noqa: E731
            tiler.tile((M.Rect(0, 4, 0, 20),), (0, 1), 20))
        return nearest(fits, 2, 4, 20, (), [1, 0], 2, search, chars, verify)

    assert near({0: {4: [9]}, 1: {4: [11]}}) == Nearest(1, 1, 4, 10)
    assert near({0: {4: [9]}, 1: {4: [9]}}) == Nearest(1, -1, 4, -10)
    assert near({0: {4: [9]}, 1: {4: [12]}}) == Nearest(1, 2, 4, 20)
    assert near({0: {4: [9]}, 1: {4: [11]}}, lambda i, rows, span: rows * 10 if i == 0 else None) == Nearest(0, 1, 4, 10)
    # VERIFIED (1) checks at most: the first candidate's check failing ends the search, told nothing
    assert near({0: {4: [9]}, 1: {4: [11]}}, verify=lambda i, n: i == 0) is None
    assert near({0: {4: [9]}, 1: {4: [11]}}, verify=lambda i, n: False) is None
    assert near({0: {4: [9]}, 1: {4: [15]}}) is None  # 5 rows off: no proposal of NEAR_ROWS rows


def _with_text(story, chars: int):
    """`story` with `chars` characters more (< 0: fewer) at the end of its running text (its last
    paragraphs, across sections, as a sub-editor cuts from the end)."""
    runs = [list(story.lead)] + [list(sec.paragraphs) for sec in story.sections]
    if chars < 0:
        cut = -chars
        while cut:
            k = max(i for i, r in enumerate(runs) if r)
            last = runs[k][-1]
            if cut < len(last.text) - 1:
                runs[k][-1] = dataclasses.replace(last, text=last.text[:len(last.text) - cut - 1] + "。")
                cut = 0
            else:
                cut -= len(last.text)
                runs[k].pop()
    else:
        k = max(i for i, r in enumerate(runs) if r)
        pool = "".join(p.text for r in runs for p in r)
        last = runs[k][-1]
        runs[k][-1] = dataclasses.replace(last, text=last.text[:-1] + "，" + (pool * 4)[:chars - 1] + "。")
    sections = tuple(dataclasses.replace(sec, paragraphs=tuple(r)) for sec, r in zip(story.sections, runs[1:]))
    return dataclasses.replace(story, lead=tuple(runs[0]), sections=sections)


def _refused_family(count: int, seed: int):
    """(variant, page, photo sizes, the copyfit refusal's text) of each of the first `count` family
    pages drawn from `seed` that the search refuses, on fake metrics."""
    for v in P.family(count, GRIDS, seed=seed):
        page, sizes = P.page_of(v, GRIDS)
        try:
            compose_page(page, TEMPLATES[v.template], FACES, sizes)
        except InputError as e:
            yield v, page, sizes, e.what


def test_a_page_whose_heights_do_not_tile_is_told_the_cut_that_fills_it():
    """Generated pages refused because the heights their items fill do not tile the area are told the
    least cut (or addition) of one story that fills the page; done as told, the page builds — each of
    them, read from the pages the search makes, not from what the proposal says."""
    told = 0
    for v, page, sizes, what in _refused_family(120, 31):
        m = re.search(r"(cut|add) about (\d+) characters (?:from|to) (\S+) \(\d+ lines? in \d+ columns?\) and "
                      r"the page fills", what)
        if not m:
            continue
        told += 1
        chars = int(m.group(2)) * (-1 if m.group(1) == "cut" else 1)
        stories = tuple(_with_text(s, chars) if s.id == m.group(3) else s for s in page.stories)
        compose_page(dataclasses.replace(page, stories=stories), TEMPLATES[v.template], FACES, sizes)
        if told == 2:
            break
    assert told == 2


def test_free_layouts_of_an_l_shape():
    """Beside a half-width foot ad, the full-width part may end at any row from the module minimum to
    the ad's top; the columns beside the ad then run to the foot and those above it to the ad's top."""
    t = TEMPLATES["broadsheet"]
    free = (M.Rect(0, 8, 0, 80), M.Rect(4, 4, 80, t.rows - 80))
    cuts = free_layouts(free, t)
    assert cuts[0] == (M.Rect(0, 4, 0, 80), M.Rect(4, 4, 0, t.rows))
    assert cuts[-1] == (M.Rect(0, 8, 0, 80), M.Rect(4, 4, 80, t.rows - 80))
    for cut in cuts:
        assert sum(g.span * g.rows for g in cut) == 8 * 80 + 4 * (t.rows - 80)


def test_holes_and_collisions_read_modules():
    mods = [M.Module(0, M.Rect(0, 2, 0, 10), True), M.Module(1, M.Rect(2, 2, 0, 9), True)]
    assert M.holes(mods, (M.Rect(0, 4, 0, 10),)) == 2  # one row under the second, two columns wide
    head = lambda i, span, rows: (24.0, 0, 3)  # noqa: E731
    assert M.collisions(mods, lambda i: "story", head) == [(0, 1)]
    low = [mods[0], M.Module(1, M.Rect(2, 2, 3, 6), True)]  # its headline starts under the other's band
    assert M.collisions(low, lambda i: "story", head) == []
    art = lambda i, span, rows: (24.0, 4, 7) if i else (24.0, 0, 3)  # noqa: E731  (a photo above the second's)
    assert M.collisions(mods, lambda i: "story", art) == []
    assert M.collisions(mods, lambda i: "briefs" if i else "story", head) == []


# ---------------------------------------------------------------- real builds


def _pdf_chars(path: str) -> list[dict]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return list(pdf.pages[0].chars)


def _read_back(pdf: str, manifest: str, page) -> None:
    """Every item's characters inside its region in the PDF, and the rest only the 报眉."""
    with open(manifest, encoding="utf-8") as fh:
        stories = {s["id"]: s["region_mm"] for s in json.load(fh)["stories"]}
    mm = 72 / 25.4
    got: dict[str, Counter] = {item.id: Counter() for item in page.stories}
    for c in _pdf_chars(pdf):
        if c["text"] in INVISIBLE:
            continue
        # The region nearest the glyph's centre: punctuation set half width at a line's edge has its
        # blank half (and so its centre) on the measure's edge (clreq 3.1.6).
        x, y = (c["x0"] + c["x1"]) / 2 / mm, (c["top"] + c["bottom"]) / 2 / mm
        near = {sid: max(r["x"] - x, x - r["x"] - r["width"], r["y"] - y, y - r["y"] - r["height"], 0.0)
                for sid, r in stories.items()}
        sid = min(near, key=near.get)
        if near[sid] <= 0.5 * c["size"] / mm and sid in got:
            got[sid][c["text"]] += 1
    for item in page.stories:
        want = expected_chars(item)
        assert got[item.id] == want, (item.id, dict(want - got[item.id]), dict(got[item.id] - want))


# 撞题 as the reader sees it, with thresholds this test sets (not the engine's): two story regions
# whose facing edges are at most NEIGHBOUR_MM apart (a gutter, not a column) and whose heights
# overlap are neighbours; a glyph at least HEAD_RATIO times the page's body size is a headline's
# (主题, 引题 or 副题); the two headlines' glyph bands may not overlap by more than SHARE_PT.
NEIGHBOUR_MM = 8.0
HEAD_RATIO = 1.3
SHARE_PT = 0.5


def pdf_zhuangti(pdf: str, manifest: str) -> list[tuple[str, str]]:
    """Pairs of neighbouring stories whose headline glyphs in the PDF share a row."""
    with open(manifest, encoding="utf-8") as fh:
        regions = {s["id"]: s["region_mm"] for s in json.load(fh)["stories"] if s["kind"] == "story"}
    chars = [c for c in _pdf_chars(pdf) if c["text"] not in INVISIBLE]
    body = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
    mm = 72 / 25.4
    bands: dict[str, tuple[float, float]] = {}
    for c in chars:
        if c["size"] < HEAD_RATIO * body:
            continue
        x, y = (c["x0"] + c["x1"]) / 2 / mm, (c["top"] + c["bottom"]) / 2 / mm
        for sid, r in regions.items():
            if r["x"] <= x <= r["x"] + r["width"] and r["y"] <= y <= r["y"] + r["height"]:
                lo, hi = bands.get(sid, (c["top"], c["bottom"]))
                bands[sid] = (min(lo, c["top"]), max(hi, c["bottom"]))
    assert set(bands) == set(regions), ("stories without a headline in the PDF", set(regions) - set(bands))
    out = []
    ids = sorted(regions)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            ra, rb = regions[a], regions[b]
            gap = min(abs(ra["x"] + ra["width"] - rb["x"]), abs(rb["x"] + rb["width"] - ra["x"]))
            facing = ra["y"] < rb["y"] + rb["height"] and rb["y"] < ra["y"] + ra["height"]
            (a0, a1), (b0, b1) = bands[a], bands[b]
            if gap <= NEIGHBOUR_MM and facing and a0 < b1 - SHARE_PT and b0 < a1 - SHARE_PT:
                out.append((a, b))
    return out


def _build(path: str, out: str, cache: str):
    from layout.source.load import load_page

    import pdfcheck

    pdf = os.path.join(out, "page.pdf")
    r = run_make_pdf([path, "-o", pdf, "-q"], cache)
    assert r.returncode == 0, r.stderr
    with open(os.path.join(out, "page.report.json"), encoding="utf-8") as fh:
        figures = json.load(fh)["figures"]
    assert figures["headline_collisions"] == 0 and figures["holes"] == 0
    page, _ = load_page(path)
    _read_back(pdf, os.path.join(out, "page.manifest.json"), page)
    assert not pdf_zhuangti(pdf, os.path.join(out, "page.manifest.json")), "撞题 in the PDF"
    counts = pdfcheck.check(pdf, template=page.template)["counts"]
    assert counts and not any(counts.values()), counts
    return page, figures


def test_sample_page_for_real(tmp_path, zhpaper_cache):
    """samples/yaowen.yaml with the real fonts: zero faults read back by tools/pdfcheck.py, every item's
    characters inside its own region of the PDF, no 撞题, no hole."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    page, figures = _build(SAMPLE, str(tmp_path), zhpaper_cache)
    kinds = [m["kind"] for m in figures["modules"]]
    assert kinds.count("story") == 4 and "briefs" in kinds


def test_six_story_page_for_real(tmp_path, zhpaper_cache):
    """A generated page of six stories, the first the engine builds from a seeded draw, for real."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    rng = random.Random(17)  # its first six-story draw builds (the search for one is not the test)
    while True:
        v = P.random_page(rng, GRIDS)
        if len(v.stories) == 6 and judge(v) == "built":
            break
    path = P.write(v, str(tmp_path / "in"), GRIDS)
    _build(path, str(tmp_path), zhpaper_cache)


@pytest.mark.parametrize("continue_to", [None, 5])
def test_a_story_too_long(tmp_path, zhpaper_cache, continue_to):
    """A 头条 far too long for the page: refused with the copyfit error naming the page; with
    continue_to it ends on （下转第5版） and the rest goes to a story file that a page 5 builds from,
    opening on （上接第2版） — every character of the story on one page or the other, once."""
    import yaml

    with open(SAMPLE, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    lead = doc["stories"][0]
    for section in lead["sections"]:
        section["paragraphs"] *= 5  # some 12,000 characters: more than the whole page holds
    if continue_to:
        lead["continue_to"] = continue_to
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink(os.path.join(ROOT, "samples", "assets"), folder / "assets")
    path = folder / "page.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    r = run_make_pdf([str(path), "-o", str(out / "page.pdf"), "-q"], zhpaper_cache)
    if not continue_to:
        assert r.returncode != 0 and "copyfit" in r.stderr and "Traceback" not in r.stderr, r.stderr
        # How many lines are over, and the story to cut named first.
        assert re.search(r"\d+ lines \(about \d+ characters\) too many; the least each needs: chengzhen \d+, ",
                         r.stderr), r.stderr
        assert not out.exists() or not os.listdir(out)
        return
    assert r.returncode == 0, r.stderr
    jump = out / "page.jump-chengzhen.yaml"
    assert jump.exists()
    text = "".join(c["text"] for c in _pdf_chars(str(out / "page.pdf")))
    assert f"（下转第{continue_to}版）" in text
    # Page 5: the continuation first, then the sample's other items but its 二条 (a story of its own
    # size would not leave the continuation's page a tiling).
    nxt = dict(doc, slug="next", edition=dict(doc["edition"], page=continue_to),
               stories=[{"id": "chengzhen", "file": str(jump), "continued_from": 2}]
               + [s for s in doc["stories"][1:] if s.get("id") != "qiuliang"])
    npath = folder / "next.yaml"
    npath.write_text(yaml.safe_dump(nxt, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = run_make_pdf([str(npath), "-o", str(out / "next.pdf"), "-q"], zhpaper_cache)
    assert r.returncode == 0, r.stderr
    # Story by story, as text: page 2's glyphs of each story, read column by column, then the jump
    # file's paragraphs, give the story's text — the jump file begins with exactly the character
    # after the last one page 2 prints, and the other stories are whole.
    template = load_template(doc["template"])
    for story in doc["stories"]:
        if "sections" not in story:
            continue
        source = _plain(story.get("lead", "") + "".join(p for s in story["sections"] for p in s["paragraphs"]))
        printed = story_body_text(str(out / "page.pdf"), str(out / "page.manifest.json"), story["id"], template)
        if story["id"] != "chengzhen":
            assert printed == source, story["id"]
            continue
        assert printed.endswith(f"（下转第{continue_to}版）")
        printed = printed[: -len(f"（下转第{continue_to}版）")]
        with open(jump, encoding="utf-8") as fh:
            rest = _plain("".join(p for s in yaml.safe_load(fh)["sections"] for p in s["paragraphs"]))
        assert source.startswith(printed) and len(printed) > 100, "page 2 does not print the story's opening"
        assert rest[:40] == source[len(printed):len(printed) + 40], (printed[-20:], rest[:20])
        assert printed + rest == source
    body = lambda pdf: "".join(c["text"] for c in _pdf_chars(pdf) if c["size"] < 12)  # noqa: E731
    first, second = body(str(out / "page.pdf")), body(str(out / "next.pdf"))
    assert "（上接第2版）" in second
    paragraphs = "".join(p for s in lead["sections"] for p in s["paragraphs"]).replace(" ", "").replace("　", "")
    both = Counter(first) + Counter(second)
    missing = Counter(paragraphs) - both
    assert not missing, dict(missing)


def _plain(text: str) -> str:
    return "".join(ch for ch in text if ch not in INVISIBLE)


def story_body_text(pdf: str, manifest: str, story: str, template) -> str:
    """A story's body text as the PDF prints it: the glyphs in its region in the page's body face and
    size (not headlines, subheads, captions or bylines), column by column, line by line."""
    with open(manifest, encoding="utf-8") as fh:
        regions = {s["id"]: s["region_mm"] for s in json.load(fh)["stories"]}
    chars = [c for c in _pdf_chars(pdf) if c["text"] not in INVISIBLE]
    face = lambda c: (c["fontname"].split("+")[-1], round(c["size"], 1))  # noqa: E731  (subset tag off)
    body = Counter(face(c) for c in chars).most_common(1)[0][0]
    mm = 72 / 25.4

    def nearest(c) -> str | None:
        # A mark hung at a line's end stands outside the measure: the nearest region, within an em.
        x, y = (c["x0"] + c["x1"]) / 2 / mm, (c["top"] + c["bottom"]) / 2 / mm
        far = {sid: max(r["x"] - x, x - r["x"] - r["width"], r["y"] - y, y - r["y"] - r["height"], 0.0)
               for sid, r in regions.items()}
        sid = min(far, key=far.get)
        return sid if far[sid] <= c["size"] / mm else None

    pitch = template.column_width_pt + template.gutter_pt
    mine = [c for c in chars if face(c) == body and nearest(c) == story]
    column = lambda c: int(((c["x0"] + c["x1"]) / 2 - template.type_left_pt) // pitch)  # noqa: E731
    return "".join(c["text"] for c in sorted(mine, key=lambda c: (column(c), round(c["top"], 1), c["x0"])))


def _hint_fits(page, what: str, hint: str) -> str:
    """The case of a copyfit refusal, after checking that its hint fits it."""
    kinds = {s.kind for s in page.stories}
    if "too many" in what or "more text than the whole type area" in what:
        assert hint.startswith("cut text") and "another page" in hint, hint
        assert ("continue_to" in hint) == any(s.kind == "story" and not s.continue_to for s in page.stories), hint
        case = "over"
    elif "too few" in what or "too little text for the smallest module" in what:
        assert hint.startswith("add text"), hint
        case = "short"
    else:
        assert "continue_to" not in hint and hint.startswith("lengthen or cut a story"), hint
        case = "shape with a box" if kinds & {"briefs", "digest"} else "shape"
    assert ("简讯" in hint) == (case == "shape with a box" and "briefs" in kinds), (case, hint)
    assert ("导读" in hint) == (case == "shape with a box" and "digest" in kinds), (case, hint)
    return case


def test_a_refused_page_is_told_what_can_help():
    """The copyfit refusal's hint fits the case (issue 22): too much text — cut, continue a story that does
    not yet (continue_to), move an item; too little — add; neither — lengthen or cut by a few lines, and
    move the 简讯 or 导读 block only when the page has one. Generated pages (seeded) until each case is met;
    the first of them with twice and four times its text for too much (issue 22: with four times, a story
    that fits no module was said to be "0 grid lines … too few")."""
    rng = random.Random(22)
    met = Counter()
    first = None
    for _ in range(20):
        v = P.random_page(rng, GRIDS)
        first = first or v
        page, sizes = P.page_of(v, GRIDS)
        try:
            compose_page(page, TEMPLATES[v.template], FACES, sizes)
        except InputError as e:
            met[_hint_fits(page, e.what, e.hint)] += 1
        if met["shape"] and met["shape with a box"]:
            break
    assert met["shape"] and met["shape with a box"], dict(met)
    for factor in (2, 4):  # more than the page holds; more than any module holds
        v = dataclasses.replace(first, stories=tuple(dataclasses.replace(s, chars=factor * s.chars)
                                                     for s in first.stories))
        page, sizes = P.page_of(v, GRIDS)
        with pytest.raises(InputError) as e:
            compose_page(page, TEMPLATES[v.template], FACES, sizes)
        assert _hint_fits(page, e.value.what, e.value.hint) == "over", e.value.what


def test_a_proposal_asks_only_what_the_page_can_give():
    """Too much for the page (the last lever, cut-or-jump, proposed): a cut never asks a story for more
    characters than it has; when no story's text can give what is over, the photos that take the room
    are named (the lowest-ranked stories' last photos first) or a story to move — on family pages of
    short stories with many photos, which the desk sends late in an evening."""
    seen = Counter()
    for _, page, _, what in _refused_family(60, 23):
        if "too many" not in what:
            continue
        stories = {s.id: s for s in page.stories if s.kind == "story"}
        cut = re.search(r"propose: cut about (\d+) characters from (s\d+)", what)
        drop = re.search(r"propose: drop \d+ photos? \(([^)]*)\)", what)
        if cut:
            s = stories[cut.group(2)]
            text = sum(len(p.text) for p in s.lead) + sum(len(p.text) for sec in s.sections for p in sec.paragraphs)
            assert int(cut.group(1)) < text, what
            seen["cut"] += 1
        elif drop:
            named = [x.split() for x in drop.group(1).split(", ")]
            assert all(sid in stories and pid in {ph.id for ph in stories[sid].photos} for sid, pid in named), what
            firsts = [(sid, pid) for sid, pid in named if pid == "p1"]
            assert not firsts or all(len(stories[sid].photos) == 1 or (sid, "p2") in {tuple(n) for n in named}
                                     for sid, _ in firsts), what  # a story's first photo goes after its others
            seen["drop"] += 1
        else:
            assert "propose: " in what and ("move s" in what or "continue_to" in what), what
            seen["other"] += 1
        if seen["cut"] >= 2 and seen["drop"] >= 2:
            break
    assert seen["cut"] and seen["drop"], dict(seen)


def test_the_page_search_is_bounded(monkeypatch):
    """A page whose search would run long is refused after SEARCH_STEPS steps with the same one-line
    copyfit error, saying the search stopped (issue 21: a refusal in about a second; issue 22: no
    input keeps --watch busy); the bound counts steps, not seconds, so the answer is reproducible."""
    v = P.family(1, GRIDS, seed=23)[0]
    page, sizes = P.page_of(v, GRIDS)
    monkeypatch.setattr(M, "SEARCH_STEPS", 50)
    with pytest.raises(InputError) as e:
        compose_page(page, TEMPLATES[v.template], FACES, sizes)
    assert e.value.what.startswith("copyfit: no tiling") and e.value.what.endswith("(the search stopped after 50 steps)")
    monkeypatch.setattr(M, "SEARCH_STEPS", 10**9)
    try:
        compose_page(page, TEMPLATES[v.template], FACES, sizes)
    except InputError as e2:
        assert "search stopped" not in e2.what


def _glyphs(region_mm: dict, head_top_pt: float, size: float = 30.0) -> list[dict]:
    """A story's glyphs as pdfplumber gives them: a headline of 4 at `head_top_pt`, 40 body glyphs."""
    mm = 72 / 25.4
    x = region_mm["x"] * mm + 2
    head = [{"text": "题", "size": size, "x0": x + k * size, "x1": x + (k + 1) * size,
             "top": head_top_pt, "bottom": head_top_pt + size} for k in range(4)]
    y = region_mm["y"] * mm + 100
    body = [{"text": "文", "size": 9.0, "x0": x + k * 9, "x1": x + k * 9 + 9, "top": y, "bottom": y + 9}
            for k in range(40)]
    return head + body


@pytest.mark.parametrize("gap_mm, b_top_pt, clash", [
    (4.0, 100.0, True),  # level, across a gutter: 撞题
    (4.0, 129.0, True),  # overlapping by 1 pt: still 撞题
    (4.0, 130.0, False),  # b's headline starts where a's ends
    (7.9, 100.0, True),  # within NEIGHBOUR_MM
    (20.0, 100.0, False),  # a column apart: not neighbours
])
def test_pdf_zhuangti_reads_the_glyph_bands(tmp_path, monkeypatch, gap_mm, b_top_pt, clash):
    a = {"x": 10.0, "y": 10.0, "width": 100.0, "height": 200.0}
    b = dict(a, x=a["x"] + a["width"] + gap_mm)
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"stories": [{"id": "a", "kind": "story", "region_mm": a},
                                                {"id": "b", "kind": "story", "region_mm": b}]}))
    monkeypatch.setattr(sys.modules[__name__], "_pdf_chars", lambda pdf: _glyphs(a, 100.0) + _glyphs(b, b_top_pt))
    assert pdf_zhuangti("unused.pdf", str(manifest)) == ([("a", "b")] if clash else [])


def test_the_wide_search_keeps_the_dearer_part_whose_headline_clears_its_neighbours():
    """The 二条 beside the 头条 clashes (撞题) at its cheaper height, and clears it at the dearer one,
    where a photo above its headline lowers the band: the search that keeps the cheapest way to fill
    each rectangle finds no page, the wider one (WIDE_WAYS) finds the dearer way."""
    heights = {0: {2: [20]}, 1: {2: [9, 11]}, 2: {2: [10, 8]}}
    bands = {(0, 20): (40.0, 0, 3), (1, 9): (30.0, 0, 3), (1, 11): (30.0, 5, 8)}
    head = lambda i, span, rows: bands.get((i, rows), (24.0, 0, 2))  # noqa: E731
    fits = M.Fits(lambda i, span, sep: [r + (1 if sep else 0) for r in heights[i].get(span, ())],
                  lambda i, span, rows: 1.0 if (i, rows) == (1, 11) else 0.0, lambda i: "story", None, head)
    area = (M.Rect(0, 4, 0, 20),)
    narrow = M.Tiler(fits, 3, 4, 20)
    assert narrow.tile(area, (0, 1, 2), 20) is None and narrow.refused  # 撞题 turned the cheapest down
    _, got = M.Tiler(fits, 3, 4, 20, ways=M.WIDE_WAYS).tile(area, (0, 1, 2), 20)
    assert [(m.item, m.rect.col, m.rect.row, m.rect.rows) for m in got] == [(0, 0, 0, 20), (1, 2, 0, 12), (2, 2, 12, 8)]
    # heights that tile nothing: no rule turned a way down, so a wider search is not worth asking
    nothing = M.Fits(lambda i, span, sep: [7], lambda i, span, rows: 0.0, lambda i: "story", None, head)
    quiet = M.Tiler(nothing, 3, 4, 20)
    assert quiet.tile(area, (0, 1, 2), 20) is None and quiet.refused == 0


def test_a_refusal_proven_finds_no_page_in_any_order_of_its_items():
    """A refusal that says no arrangement keeps the hard rules (layout.compose.exact: proven by trying
    every one) is one the page search cannot beat by any order of the items either: the wide search
    (WIDE_WAYS ways kept per rectangle) over every order of them, with the filler last or not at all,
    in each free layout, finds no tiling."""
    from itertools import permutations

    from layout.compose.page import free_regions
    from layout.compose.sizing import Sizing
    from layout.compose.story import Kit

    proven = [(v, page, sizes) for v, page, sizes, what in itertools.islice(_refused_family(40, 21), 6)
              if "proven by trying every one" in what]
    assert proven
    v, page, sizes = min(proven, key=lambda p: len(p[1].stories))
    t = TEMPLATES[v.template]
    sizing = Sizing(page, t, Kit(t, FACES, sizes, dict(page.options)))
    free = free_regions(page, t)
    items = tuple(i for i in range(len(sizing.items)) if i not in sizing.slots)
    assert len(items) <= 5
    tiler = M.Tiler(sizing.fits(), len(sizing.items), t.columns, t.rows, ways=M.WIDE_WAYS)  # item 0 leads
    for cut in free_layouts(free, t):
        for order in permutations(items):
            for filled in (order, order + sizing.slots):
                assert tiler.tile(cut, filled, t.rows) is None, filled
