"""layout/compose, behaviour the other compose tests left unchecked (found by mutation testing, issue 22):
the rules that part a page's modules, the draft's overflow bar, the one-line proposals of the stable
rule, and the design rules' document. Square test face (fake metrics): exact and fast."""

from __future__ import annotations

import os

import pytest
from support import fake_faces, first_generated_page, sizes_of, with_story

import pages as P

from layout.base.errors import InputError
from layout.base.primitives import Box, Rule
from layout.compose import rules, stable
from layout.compose.modules import Rect
from layout.compose.page import compose_page
from layout.compose.story import Settings
from layout.source.load import load_page
from layout.source.template import load_template

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACES = fake_faces()
TEMPLATES = {name: load_template(name) for name in P.TEMPLATES}
EM_BOX_DESCENT = 0.12  # the CJK em box's share below the baseline (Noto CJK icfb)


def _first(seed: int, want, tries: int = 60):
    """The first generated page (seeded) whose layout `want` accepts: (variant, page, sizes, layout)."""
    return first_generated_page(seed, want, TEMPLATES, FACES, tries)


def _r(*xs: float) -> tuple:
    return tuple(round(x, 2) for x in xs)


def test_module_rules_run_down_each_inner_gutter_and_across_each_white_line():
    """Every module with another beside it to its right has a rule down the middle of the gutter from
    its top to the foot of its own rows; every module with a white line under it has a rule across
    its width in the middle of the white between its last line's em box and the next module's top.
    Nothing else is a module rule, and each is the template's weight."""
    v, page, _, lay = _first(7, lambda page, lay: len(page.news) >= 3)
    t = TEMPLATES[v.template]
    top = t.page_height_pt - t.type_top_pt
    pitch, gap = t.line_pitch_pt, t.line_pitch_pt - t.body_size_pt
    want = set()
    for m in lay.figures["modules"]:
        col, span, row, rows = m["col"] - 1, m["span"], m["row"] - 1, m["rows"]
        left = t.type_left_pt + col * (t.column_width_pt + t.gutter_pt)
        right = left + span * t.column_width_pt + (span - 1) * t.gutter_pt
        own = rows - (1 if m["separated"] else 0)
        if col + span < t.columns:
            x = right + t.gutter_pt / 2
            want.add(_r(x, top - row * pitch, x, top - (row + own) * pitch + gap))
        if m["separated"]:
            text_foot = top - (row + own) * pitch + gap
            next_top = top - (row + rows) * pitch
            y = (text_foot + next_top) / 2
            want.add(_r(left, y, right, y))
    drawn = [i for i in lay.items if isinstance(i, Rule) and i.kind == "module-rule"]
    assert any(m["col"] > 1 for m in lay.figures["modules"]) and any(m["separated"] for m in lay.figures["modules"])
    assert {_r(r.x0_pt, r.y0_pt, r.x1_pt, r.y1_pt) for r in drawn} == want and len(drawn) == len(want)
    assert {r.width_pt for r in drawn} == {t.module_rule_pt}


def test_the_draft_overflow_bar_covers_the_last_columns_foot():
    """--draft with text left over: a magenta bar one body column wide and two lines tall whose foot is
    the em-box foot of the last column's last line."""
    page, _ = load_page(os.path.join(ROOT, "article.yaml"))
    t = load_template(page.template, page.base_dir)
    longer = with_story(page, sections=page.stories[0].sections * 3)
    lay = compose_page(longer, t, FACES, sizes_of(longer), Settings(draft=True))
    bars = [i for i in lay.items if isinstance(i, Box) and i.kind == "overflow"]
    assert len(bars) == 1
    bar = bars[0]
    body = lay.runs("body")
    xs = sorted({round(r.x_pt, 2) for r in body})
    last = [r for r in body if round(r.x_pt, 2) == xs[-1]]
    column = xs[-1] - xs[-2] - t.gutter_pt  # the body columns' step less the gutter
    foot = min(r.y_pt for r in last) - EM_BOX_DESCENT * last[0].size_pt
    assert _r(bar.x_pt, bar.y_pt, bar.width_pt, bar.height_pt) == _r(xs[-1], foot, column, 2 * t.line_pitch_pt)
    assert bar.fill == (0.0, 1.0, 0.0, 0.0)  # magenta: no ink of the page is that colour


def _kept(*rects) -> tuple:
    return tuple(stable.Kept(f"s{i + 1}", "story", Rect(*r)) for i, r in enumerate(rects))


@pytest.mark.parametrize("chars, said", [(1, "cut about 1 characters from s2"), (26, "cut about 26 characters from s2"),
                                         (-1, "add about 1 characters to s2"), (0, "")])
def test_keeping_says_cut_for_text_over_and_add_for_text_short(chars, said):
    """Two modules stacked; s2's module is 10 rows and it now fills only 7: the proposal names s2 and
    the characters to_fill gives, cut when they are over (> 0), added when short."""
    kept = _kept((0, 4, 0, 10), (0, 4, 10, 10))
    items = {"s1": 0, "s2": 1}
    heights = lambda i, span, sep: [10] if i == 0 else [7]  # noqa: E731
    asked = []

    def to_fill(i, span, rows):
        asked.append((i, span, rows))
        return chars

    assert stable.keeping(kept, items, heights, 20, to_fill) == said
    assert asked == [(1, 4, 10)]  # s2 stands on the foot (row 20): all its 10 rows are its own


def test_the_design_rules_document_is_the_engines():
    """docs/design-rules.md is what the rules table gives (tools/gen_docs.py writes it)."""
    with open(os.path.join(ROOT, "docs", "design-rules.md"), encoding="utf-8") as fh:
        assert fh.read() == rules.markdown(), "docs/design-rules.md is stale: run python tools/gen_docs.py"


def test_a_story_that_fills_its_module_is_told_at_most_a_line_to_cut():
    """On a page that builds, each story fills its module: to_fill (what a proposal asks a story to
    lose or gain, an estimate from the capacity bound) asks at most one line's characters there — for
    the 二条 and below as for the 头条, each with its own rank's headline, not the 头条's; a module
    four rows shorter asks a cut of more than a line."""
    from layout.compose.sizing import Sizing
    from layout.compose.story import Kit

    v, page, sizes, lay = _first(7, lambda page, lay: len(page.news) >= 3)
    t = TEMPLATES[v.template]
    sizing = Sizing(page, t, Kit(t, FACES, sizes, dict(page.options)))
    index = {s.id: i for i, s in enumerate(page.stories)}
    checked = 0
    for m in lay.figures["modules"]:
        if m["kind"] != "story":
            continue
        i, own = index[m["item"]], m["rows"] - (1 if m["separated"] else 0)
        assert abs(sizing.to_fill(i, m["span"], own)) <= t.column_chars, m
        assert sizing.to_fill(i, m["span"], own - 4) > t.column_chars, m
        checked += sizing.rank[i] > 1
    assert checked >= 3


def test_the_kept_shape_search_takes_exactly_its_budget_of_steps(monkeypatch):
    """Two stacked modules that each fill one height: the search takes one step per module and one to
    close the page, three in all; a budget of three finds the shape, a budget of two gives up."""
    kept = _kept((0, 4, 0, 10), (0, 4, 10, 10))
    items = {"s1": 0, "s2": 1}
    cells = {(c, r) for c in range(4) for r in range(20)}
    heights = lambda i, span, sep: [10]  # noqa: E731  (s1 with its white line, s2 on the foot)
    cost = lambda i, span, rows: 0.0  # noqa: E731
    monkeypatch.setattr(stable, "NODES", 3)
    got = stable.keep(kept, items, cells, 20, heights, cost, lambda placed: True)
    assert got is not None and [(m.rect.row, m.rect.rows, m.separated) for m in got] == [(0, 10, True), (10, 10, False)]
    monkeypatch.setattr(stable, "NODES", 2)
    assert stable.keep(kept, items, cells, 20, heights, cost, lambda placed: True) is None


def test_an_ad_given_no_row_stands_on_the_foot():
    """A reserved area whose page file gives no row (row -1 after loading) stands on the type area's
    foot: the page is the one composed with that row written out, its reserved region included."""
    from dataclasses import replace

    from layout.base.primitives import dump

    v, page, sizes, lay = _first(5, lambda page, lay: bool(page.reserved))
    t = TEMPLATES[v.template]
    ad = page.reserved[0]
    assert ad.row == t.rows - ad.rows  # the generated page writes the foot's row out
    unsaid = compose_page(replace(page, reserved=(replace(ad, row=-1),) + page.reserved[1:]), t, FACES, sizes)
    assert dump(unsaid) == dump(lay)
    got = [r for r in unsaid.regions if r.story == ad.id]
    foot_y = t.page_height_pt - t.type_top_pt - t.rows * t.line_pitch_pt + (t.line_pitch_pt - t.body_size_pt)
    assert [(r.story, _r(r.x_pt, r.y_pt, r.width_pt, r.height_pt)) for r in unsaid.regions] == \
        [(r.story, _r(r.x_pt, r.y_pt, r.width_pt, r.height_pt)) for r in lay.regions]
    assert len(got) == 1 and _r(got[0].y_pt) == _r(foot_y)


@pytest.mark.parametrize("kind", ["pdf", "image"])
def test_an_ad_is_placed_from_the_page_files_folder_filling_its_area(kind):
    """An ad with a file: drawn over exactly its area (the foot ad's columns and rows on the grid), an
    ad PDF opened from the page file's folder (the build may run elsewhere), an image by its name as
    the page gives it (the image pipeline resolves it)."""
    from dataclasses import replace

    from layout.base.primitives import Image, PlacedPage

    v, page, sizes, lay = _first(5, lambda page, lay: bool(page.reserved))
    t = TEMPLATES[v.template]
    ad = replace(page.reserved[0], file="ads/shop.pdf" if kind == "pdf" else "ads/shop.jpg", file_kind=kind)
    page = replace(page, reserved=(ad,) + page.reserved[1:], base_dir="/srv/desk/p2")
    x = t.type_left_pt + ad.col * (t.column_width_pt + t.gutter_pt)
    w = ad.span * t.column_width_pt + (ad.span - 1) * t.gutter_pt
    h = ad.rows * t.line_pitch_pt - (t.line_pitch_pt - t.body_size_pt)
    y = t.page_height_pt - t.type_top_pt - t.rows * t.line_pitch_pt + (t.line_pitch_pt - t.body_size_pt)
    got = compose_page(page, t, FACES, sizes, ad_sizes={ad.id: (w, h, "TrimBox")})
    drawn = [i for i in got.items if isinstance(i, (PlacedPage, Image)) and i.block == ad.id]
    assert len(drawn) == 1
    assert _r(drawn[0].x_pt, drawn[0].y_pt, drawn[0].width_pt, drawn[0].height_pt) == _r(x, y, w, h)
    assert (drawn[0].file if kind == "pdf" else drawn[0].source) == \
        ("/srv/desk/p2/ads/shop.pdf" if kind == "pdf" else "ads/shop.jpg")
    assert isinstance(drawn[0], PlacedPage if kind == "pdf" else Image)


def test_a_digest_box_pads_within_the_templates_limit():
    """A 导读 box in a module taller than its entries need is padded, never past the template's
    digest_max_padding_rows; the report's figure says the padding and never a negative one."""
    v, page, sizes, lay = _first(11, lambda page, lay: any(m["kind"] == "digest" for m in lay.figures["modules"]))
    t = TEMPLATES[v.template]
    for m in lay.figures["modules"]:
        if m["kind"] == "digest":
            pad = lay.figures[m["item"]]["digest_padding_rows"]
            assert 0 <= pad <= t.digest_max_padding_rows, (pad, m)


def test_a_loosened_paragraph_is_said_shorter_or_longer_as_its_lines_went():
    """Each paragraph the arrangement set a line shorter (抠行) or longer (拉行) is named with its line
    counts, and the word agrees with them; the draw holds both kinds."""
    import re

    v, page, sizes, lay = _first(3, lambda page, lay: any(f.code == "loosened" and "shorter" in f.message
                                                          for f in lay.findings))
    said = set()
    for f in lay.findings:
        if f.code != "loosened":
            continue
        m = re.fullmatch(r"set one line (shorter|longer) \((\d+) → (\d+)\) so that the columns fill exactly", f.message)
        assert m, f.message
        before, after = int(m.group(2)), int(m.group(3))
        assert after == before + (-1 if m.group(1) == "shorter" else 1), f.message
        assert re.fullmatch(r"stories\[\d+\]\.(lead|sections\[\d+\]\.paragraphs)\[\d+\]", f.where), f.where
        said.add(m.group(1))
    assert said == {"shorter", "longer"}


def test_fillers_are_tried_only_when_the_cells_could_add_up():
    """Two stories of 20–40 grid cells each and a filler slot of 5–10: a 4 × 10 area (40 cells) may be
    filled by the stories alone but not with the filler too (45 at the fewest); 4 × 22 (88 cells) only
    with the filler (80 + 10 at the most); 4 × 25 by neither."""
    from layout.compose import modules as M

    cells = {0: (20, 40), 1: (20, 40), 2: (5, 10)}
    fits = M.Fits(lambda i, span, sep: [], lambda i, span, rows: 0.0, lambda i: "story", lambda i: cells[i])
    tiler = M.Tiler(fits, 3, 4, 25)
    area = lambda rows: [(M.Rect(0, 4, 0, rows),)]  # noqa: E731
    assert tiler.may_take(area(10), 0, (2,)) and not tiler.may_take(area(10), 1, (2,))
    assert not tiler.may_take(area(22), 0, (2,)) and tiler.may_take(area(22), 1, (2,))
    assert not tiler.may_take(area(25), 0, (2,)) and not tiler.may_take(area(25), 1, (2,))


def test_a_filler_is_said_with_its_module():
    """A page that needed a filler (补白) says so in one line naming it and its module's size, as the
    modules the page reports show it, and why."""
    v, page, sizes, lay = _first(21, lambda page, lay: lay.figures.get("fillers"))
    said = [f for f in lay.findings if f.code == "filler"]
    assert [f.where for f in said] == lay.figures["fillers"]
    for f in said:
        m = next(m for m in lay.figures["modules"] if m["item"] == f.where)
        assert f.message == f"补白 {f.where} set ({m['span']} columns × {m['rows']} rows): " \
                            "the page's items alone fill no tiling"


@pytest.mark.parametrize("place, said", [
    ("{col: 9, span: 1, grid: body}", "col 9 + span 1 runs past the 4 body columns (hint: columns count from 1 to 4)"),
    ("{col: 2, span: 1, row: 2, grid: body}", "row 2 is inside the headline band"),
])
def test_a_photo_placed_off_the_grid_is_refused_where_the_file_places_it(tmp_path, place, said):
    """article.yaml (four body columns) with its first photo placed past the columns, or inside the
    headline band: one line naming the file, the line of `place:` and the field, and what is wrong."""
    with open(os.path.join(ROOT, "article.yaml"), encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    at = lines.index("  - id: songjiang") + 1
    lines.insert(at, f"    place: {place}")
    path = tmp_path / "article.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    os.symlink(os.path.join(ROOT, "assets"), tmp_path / "assets")
    page, _ = load_page(str(path))
    t = load_template(page.template, page.base_dir)
    with pytest.raises(InputError) as e:
        compose_page(page, t, FACES, sizes_of(page))
    line = e.value.line()
    assert line.startswith(f"{path}:{at + 1}:") and "photos[0].place" in line and said in line, line


def test_every_line_of_a_box_belongs_to_one_of_its_blocks():
    """Each glyph run of a 简讯 block or a 导读 box names the block it belongs to — its heading bar's
    `<id>/heading`, its entries their fields: the archive's text blocks (ALTO) are read by it."""
    v, page, sizes, lay = _first(11, lambda page, lay: {"digest", "briefs"} <= {m["kind"] for m in lay.figures["modules"]})
    boxes = {m["item"]: m["kind"] for m in lay.figures["modules"] if m["kind"] in ("digest", "briefs")}
    runs = [r for r in lay.runs() if r.story in boxes]
    assert {boxes[r.story] for r in runs if r.kind == "heading"} == {"digest", "briefs"}
    for r in runs:
        assert r.block == f"{r.story}/heading" if r.kind == "heading" else isinstance(r.block, str) and r.block, r


def test_a_photo_above_the_headline_is_first_tried_at_its_natural_height():
    """The photo-above-headline lever tries the first photo's frame first at the height nearest the
    photo's own at the full width of the story's body columns (w / aspect, a frame of r rows being
    r × pitch − gap tall), then a row shorter and a row taller, each within its frame range."""
    from layout.compose.problem import frame_range
    from layout.compose.sizing import Sizing
    from layout.compose.story import Area, Kit, problem_for

    v, page, sizes, lay = _first(7, lambda page, lay: sum(1 for s in page.news if s.photos) >= 2)
    t = TEMPLATES[v.template]
    sizing = Sizing(page, t, Kit(t, FACES, sizes, dict(page.options)))
    tried = 0
    for i, s in enumerate(page.stories):
        if s.kind != "story" or not s.photos or s.photos[0].place is not None:
            continue
        for span in range(2, t.columns + 1):
            for n in sizing.body_options(i, span):
                try:
                    base = problem_for(sizing.story(i, span, n), t, FACES, sizes, dict(page.options),
                                       Area(0, span, 0, t.rows), sizing.head(i, span), None, sizing.rank[i])
                except InputError:
                    continue
                got = sizing.art_frames(i, span, n, base)
                lo, hi = frame_range(base, 0, base.columns)
                if not got:
                    assert lo > hi
                    continue
                w = base.columns * base.col_width_pt + (base.columns - 1) * base.gutter_pt
                natural = w / base.photos[0].aspect
                best = min(range(1, t.rows + 1), key=lambda r: abs(r * base.pitch_pt - base.gap_pt - natural))
                best = min(max(best, lo), hi)
                assert got == tuple(r for r in (best, best - 1, best + 1) if lo <= r <= hi), (i, span, n)
                tried += 1
    assert tried >= 6


def test_a_sidebar_that_stands_at_no_width_leaves_the_text_its_own_window():
    """The body heights worth asking about: a sidebar whose only width is the whole area (no column
    left for the text beside it) adds no block to the window — it is the text's alone, as with no
    sidebar; one that fits a column beside the text widens it."""
    from dataclasses import replace

    from layout.compose.bound import body_window
    from layout.compose.problem import SidebarSpec
    from test_arrange import problem

    bare = problem(columns=4)
    whole = replace(bare, sidebar=SidebarSpec({4: 12}, 8, {4: 0}))
    beside = replace(bare, sidebar=SidebarSpec({1: 12}, 8, {1: 0}))
    assert body_window(whole) == body_window(bare)
    lo, hi = body_window(beside)
    assert lo > body_window(bare)[0] and hi > body_window(bare)[1]


def test_a_kicker_a_little_too_long_is_set_smaller_on_one_line_not_broken():
    """引题 / 副题 / byline: one line at its size, else a little smaller on one line, and only then
    broken. On the square face a 12-character kicker at 16 pt is 192 pt: in a 200 pt band (its fill
    short of that) it is set on one line a little smaller; in two phrases in a 100 pt band it breaks."""
    from layout.compose import blocks

    face = FACES["kicker"]
    roomy = blocks._side_lines("一二三四五六七八九十甲乙", face, 16.0, 400.0, "kicker")
    assert len(roomy) == 1 and roomy[0][2] == 16.0
    tight = blocks._side_lines("一二三四五六七八九十甲乙", face, 16.0, 200.0, "kicker")
    assert len(tight) == 1 and 16.0 * blocks.SIDE_LEAST <= tight[0][2] < 16.0
    assert tight[0][0].width_pt <= blocks.TITLE_FILL * 200.0 + 1e-6
    narrow = blocks._side_lines(("一二三四五六", "七八九十甲乙"), face, 16.0, 100.0, "kicker")
    assert len(narrow) >= 2 and all(ln.width_pt <= blocks.TITLE_FILL * 100.0 + 1e-6 for ln, *_ in narrow)


def test_the_page_option_copyfit_false_reports_the_difference_instead_of_fitting():
    """article.yaml a section longer: copyfit fits it exactly; the page file's `copyfit: false` keeps
    the photos' natural heights and reports the lines over, the finding and the figure agreeing."""
    from support import with_options

    page, _ = load_page(os.path.join(ROOT, "article.yaml"))
    t = load_template(page.template, page.base_dir)
    longer = with_story(page, sections=page.stories[0].sections + page.stories[0].sections[:1])
    fitted = compose_page(longer, t, FACES, sizes_of(longer))
    assert fitted.figures["overflow_lines"] == 0 and fitted.figures["empty_rows"] == 0
    loose = with_options(longer, copyfit=False)
    told = compose_page(loose, t, FACES, sizes_of(loose))
    over = told.figures["overflow_lines"]
    assert over > 0
    assert [f.message for f in told.findings if f.code == "overflow"] == [f"{over} lines of body text do not fit"]


def test_a_photo_the_desk_cropped_is_framed_by_its_crop():
    """A photo given crop: (its left half) is framed at about the half's aspect — within the template's
    crop bound of it, and so far from the whole image's (twice as wide) that the bound rules it out."""
    from dataclasses import replace

    page, _ = load_page(os.path.join(ROOT, "article.yaml"))
    t = load_template(page.template, page.base_dir)
    story = page.stories[0]
    ph = story.photos[0]
    cropped = with_story(page, photos=(replace(ph, crop=(0.0, 0.0, 0.5, 1.0), framed=True),) + story.photos[1:])
    sizes = sizes_of(cropped)
    w, h = sizes[(story.id, ph.id)]
    lay = compose_page(cropped, t, FACES, sizes)
    frame = next(f for f in lay.frames if f.kind == "photo" and f.block.endswith(ph.id))
    got = frame.width_pt / frame.height_pt
    half = 0.5 * w / h
    assert 1 / t.max_aspect_change - 1e-6 <= got / half <= t.max_aspect_change + 1e-6, (got, half)
    assert not 1 / t.max_aspect_change <= got / (2 * half) <= t.max_aspect_change


def test_a_story_continued_from_another_page_opens_with_the_jump_line_and_no_indent():
    """转版: a story continued from page 2 opens with （上接第2版） set flush right, then the paragraph
    cut on page 2 goes on without a first-line indent; the same story not continued is indented."""
    from layout.compose.grid import rows as grid_rows
    from layout.compose.story import Kit, set_body

    page, _ = load_page(os.path.join(ROOT, "article.yaml"))
    t = load_template(page.template, page.base_dir)
    measure = 243.0
    kit = Kit(t, FACES, sizes_of(page), dict(page.options))
    plain = set_body(page.stories[0], kit, measure, grid_rows(t))
    on = set_body(with_story(page, continued_from=2).stories[0], kit, measure, grid_rows(t))
    jump = on.lines[0][0]
    assert jump.chars == "（上接第2版）" and len(on.lines[0]) == 1
    assert abs(jump.xs_pt[-1] + jump.advances_pt[-1] - measure) < 0.01
    assert plain.lines[0][0].xs_pt[0] > 0.0 and on.lines[1][0].xs_pt[0] == 0.0
    assert "".join(ln.chars for ln in on.lines[1]) == "".join(ln.chars for ln in plain.lines[0])


def test_the_exact_heights_search_counts_its_nodes_within_its_budget():
    """The heights search of each plan takes nodes within its budget per number of loosened lines
    (LOOSE_TRIES of them), reports what it took (`spent`, the arrangement's bound on work), and finds
    no more heights with a small budget than with one it never reaches."""
    from layout.compose import arrange, heights
    from layout.compose.flow import stream_rows
    from test_arrange import problem

    p = problem(photos=((2.0, "lead"), (1.5, "lead"), (1.5, "end"), (1.33, "end")), sidebar_rows=20, lines=220)
    need = stream_rows(p.stream)
    total = 0
    for plan, lv in arrange.survey(p)[:20]:
        spent = [0]
        small = heights.exact_heights(p, lv, need, budget=150, spent=spent)
        assert spent[0] <= 150 * heights.LOOSE_TRIES + 150, spent
        total += spent[0]
        big = heights.exact_heights(p, lv, need, budget=10**6)
        assert len(small) <= len(big)
    assert total > 0


def test_loosened_streams_cheapest_first_with_what_each_costs_beyond_it():
    """Paragraphs 0, 2, 4 of a stream may go a line longer at 0.5, 0.3, 0.9 and paragraph 4 a line
    shorter at 0.2: no change is the stream itself at no cost; one line longer is paragraph 2 first
    (nothing beyond the cheapest), then 0 (0.2 dearer), then 4 (0.6); one shorter is paragraph 4."""
    from dataclasses import replace

    from layout.compose import heights
    from test_arrange import problem

    p = replace(problem(lines=30, subheads=2), loose=((0, 1, 0.5), (2, 1, 0.3), (4, 1, 0.9), (4, -1, 0.2)))
    lines = [getattr(x, "lines", None) for x in p.stream]
    assert list(heights.loosened(p, 0)) == [(p.stream, (), 0.0)]
    longer = list(heights.loosened(p, 1))
    assert [(picks, round(cost, 6)) for _, picks, cost in longer][:3] == [(((2, 1),), 0.0), (((0, 1),), 0.2),
                                                                          (((4, 1),), 0.6)][:len(longer)]
    assert len(longer) == min(3, heights.LOOSE_CHOICES)
    for stream, picks, _ in longer:
        (i, _), = picks
        assert [getattr(x, "lines", None) for x in stream] == [n + (k == i) if n is not None else None
                                                                for k, n in enumerate(lines)]
    (stream, picks, cost), = heights.loosened(p, -1)
    assert picks == ((4, -1),) and cost == 0.0 and stream[4].lines == lines[4] - 1


def test_a_photo_has_no_frame_at_a_span_narrower_than_its_least_width():
    """A photo whose narrowest width is two columns (photo-min-span) has no frame height at one column
    — not even one row — and at two columns the heights within its crop bound: a 1.5 photo across
    two 243 pt columns and a gutter (495 pt) is 330 pt tall, and ×/÷ 1.4 keeps it 236–462 pt."""
    from dataclasses import replace

    from layout.compose.problem import PhotoSpec, frame_range
    from test_arrange import problem

    p = problem(photos=((1.5, "lead"),))
    two = p.col_width_pt * 2 + p.gutter_pt
    p = replace(p, photos=(PhotoSpec("ph0", 1.5, {1: 1, 2: 1}, "lead", 1.4, two, None),))
    lo, hi = frame_range(p, 0, 1)
    assert lo > hi
    lo, hi = frame_range(p, 0, 2)
    tall = lambda r: r * p.pitch_pt - p.gap_pt  # noqa: E731  (a frame of r rows)
    assert tall(lo) >= two / 1.5 / 1.4 - 1e-6 > tall(lo - 1)
    assert tall(hi) <= two / 1.5 * 1.4 + 1e-6 < tall(hi + 1)


def test_photos_leave_their_group_only_when_the_other_group_is_empty():
    """Plans keep the article's photo groups — the lead group at the top, the end group at the foot —
    when both have photos; when every photo is in the end group, the first may lead (moved), but only
    then (regroup passes aside)."""
    from layout.compose import plans
    from test_arrange import problem

    both = problem(photos=((1.5, "lead"), (1.5, "end"), (1.5, "end")))
    got = list(plans.plans(both))
    assert got and all(pl.moved == 0 for pl in got)
    assert all(both.photos[i].group == "lead" for pl in got for t in pl.top for i in t.photos)
    assert all(both.photos[i].group == "end" for pl in got for t in pl.foot for i in t.photos)
    ends = problem(photos=((1.5, "end"), (1.5, "end"), (1.5, "end")))
    moved = {pl.moved for pl in plans.plans(ends)}
    assert 0 in moved and moved - {0}


def test_a_photo_placed_without_rows_is_framed_at_its_own_aspect(tmp_path):
    """article.yaml with its first photo placed by the desk at body columns 3–4 and no rows: the frame
    is the two columns wide and as tall as the photo at that width, to the nearest row (a frame of r
    rows is r × pitch − gap tall), not less than the template's least photo rows."""
    with open(os.path.join(ROOT, "article.yaml"), encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    lines.insert(lines.index("  - id: songjiang") + 1, "    place: {col: 3, span: 2, row: 40, grid: body}")
    path = tmp_path / "article.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    os.symlink(os.path.join(ROOT, "assets"), tmp_path / "assets")
    page, _ = load_page(str(path))
    page = with_story(page, photos=page.stories[0].photos[:1])  # the hand-placed one alone
    t = load_template(page.template, page.base_dir)
    sizes = sizes_of(page)
    lay = compose_page(page, t, FACES, sizes, Settings(copyfit=False))
    frame = next(f for f in lay.frames if f.kind == "photo" and f.block.endswith("songjiang"))
    w, h = sizes[(page.stories[0].id, "songjiang")]
    text = [f for f in lay.frames if f.kind == "text"]
    xs = sorted({round(f.x_pt, 2) for f in text})
    column, gutter = text[0].width_pt, xs[1] - xs[0] - text[0].width_pt
    assert len(xs) == 4 and abs(frame.x_pt - xs[2]) < 0.01 and abs(frame.width_pt - (2 * column + gutter)) < 0.01
    rows = round((frame.height_pt + t.line_pitch_pt - t.body_size_pt) / t.line_pitch_pt)
    natural = frame.width_pt * h / w
    best = min(range(1, t.rows), key=lambda r: abs(r * t.line_pitch_pt - (t.line_pitch_pt - t.body_size_pt) - natural))
    assert rows == max(t.photo_min_rows, best), (rows, best)
