"""Page composition on fake metrics: geometry without rendering, text conservation, copyfit, goldens."""

import dataclasses
import os

import pytest

from bitouwei import ends_badly, splits_a_unit, starts_badly
from support import GOLDEN, GOLDEN_CASES, fake_faces, golden_dump, sizes_of, with_options, with_story

from layout.compose.grid import rows as grid_rows
from layout.compose.page import compose_page
from layout.compose.story import Settings
from layout.base.errors import InputError
from layout.base.primitives import Image, dump
from layout.source.load import load_page
from layout.source.template import load_template

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACES = fake_faces()


def compose(page, t, settings=Settings()):
    return compose_page(page, t, FACES, sizes_of(page), settings)


def _load(path):
    page, _ = load_page(path)
    return page, load_template(page.template, page.base_dir)


@pytest.fixture(scope="module")
def page():
    p, t = _load(os.path.join(ROOT, "article.yaml"))
    return p.stories[0], t, compose(p, t)


def _cells_overlap(a, b):
    return (a.x_pt < b.x_pt + b.width_pt - 0.01 and b.x_pt < a.x_pt + a.width_pt - 0.01
            and a.y_pt < b.y_pt + b.height_pt - 0.01 and b.y_pt < a.y_pt + a.height_pt - 0.01)


def test_no_two_blocks_overlap(page):
    _, _, lay = page
    frames = [f for f in lay.frames]
    for i, a in enumerate(frames):
        for b in frames[i + 1:]:
            assert not _cells_overlap(a, b), (a.block, b.block)


def test_blocks_on_cell_boundaries_inside_the_type_area(page):
    _, t, lay = page
    g = grid_rows(t)
    left, right = t.type_left_pt, t.type_left_pt + t.type_width_pt
    for f in lay.frames:
        assert left - 0.01 <= f.x_pt and f.x_pt + f.width_pt <= right + 0.01, f.block
        assert f.y_pt >= g.bottom_y(0, t.rows) - 0.01, f.block
        top = f.y_pt + f.height_pt
        row = round((g.top_y_pt - top) / g.pitch_pt)
        assert abs(g.top_y(row) - top) < 0.01, f"{f.block} top off the row grid"
        assert abs(f.height_pt - g.height_pt(round((f.height_pt + g.gap_pt) / g.pitch_pt))) < 0.01, f.block


def test_body_baselines_on_the_grid_and_level_across_columns(page):
    _, t, lay = page
    g = grid_rows(t)
    body = lay.runs("body")
    assert body
    for r in body:
        assert abs(r.y_pt - g.baseline_y(r.row)) < 1e-6
    rows_by_col = {}
    for r in body:
        rows_by_col.setdefault(round(r.x_pt), set()).add(r.y_pt)
    ys = set().union(*rows_by_col.values())
    assert all(abs(((g.baseline_y(0) - y) / g.pitch_pt) % 1) < 1e-6 or
               abs(((g.baseline_y(0) - y) / g.pitch_pt) % 1 - 1) < 1e-6 for y in ys)


def test_body_text_conserved_in_reading_order(page):
    article, _, lay = page
    expected = "".join(t.text for t in article.lead)
    expected += "".join(p.text for s in article.sections for p in s.paragraphs)
    got = "".join(r.chars for r in lay.runs("body"))
    assert got == expected.replace(" ", "")


def test_page_is_full_with_no_stranded_subhead(page):
    _, _, lay = page
    fig = lay.figures
    assert fig["empty_rows"] == 0 and fig["overflow_lines"] == 0 and fig["overlaps"] == 0
    assert fig["stranded_subheads"] == 0


def test_every_subhead_has_two_lines_under_it_in_its_column(page):
    _, t, lay = page
    g = grid_rows(t)
    body = lay.runs("body")
    for sub in {r.block for r in lay.runs("subhead")}:
        runs = [r for r in lay.runs("subhead") if r.block == sub]
        x = min(r.x_pt + r.xs_pt[0] for r in runs)
        y = min(r.y_pt for r in runs)
        below = [r for r in body if r.y_pt < y and abs(r.x_pt - runs[0].x_pt) < 200 and r.x_pt <= x]
        assert len([r for r in below if y - r.y_pt < 3.5 * g.pitch_pt]) >= 2, sub


def body_lines(lay) -> list[tuple[str, str]]:
    """(paragraph, text) of every body line in reading order (a line is one run or, where a fallback
    face draws some characters, several runs with the same origin)."""
    lines: list[list] = []
    for r in lay.runs("body"):
        if lines and lines[-1][0] == (r.block, r.x_pt, r.y_pt):
            lines[-1][1] += r.chars
        else:
            lines.append([(r.block, r.x_pt, r.y_pt), r.chars])
    return [(key[0], text) for key, text in lines]


def test_no_prohibited_line_edges(page):
    """避头尾 at the page's level (article.yaml: gb), judged by clreq §6.1.1–6.1.2 and GB/T 15834 §5.1 as
    written out in tests/bitouwei.py: no line starts or ends with a mark kept off that edge, and no
    —— or …… is split between two lines of a paragraph."""
    p, _ = _load(os.path.join(ROOT, "article.yaml"))
    level = p.option("strictness", "strict")
    lines = body_lines(page[2])
    assert len(lines) == page[2].figures["body_lines"] > 50
    for (para, text), (next_para, next_text) in zip(lines, lines[1:]):
        assert not ends_badly(text, level), text
        if next_para == para:
            assert not starts_badly(next_text, level), next_text
            assert not splits_a_unit(text, next_text), (text, next_text)


def test_every_photo_placed_with_its_caption(page):
    article, _, lay = page
    images = [i for i in lay.items if isinstance(i, Image)]
    assert [i.block for i in images] and {i.block for i in images} == {f"main/{p.id}" for p in article.photos}
    captions = "".join(r.chars for r in lay.runs("caption"))
    for p in article.photos:
        assert p.caption.text in captions


def test_copyfit_error_names_the_difference(tmp_path):
    p, t = _load(os.path.join(ROOT, "article.yaml"))
    longer = with_story(p, sections=p.stories[0].sections * 3)
    with pytest.raises(InputError) as e:
        compose(longer, t)
    assert "lines over" in str(e.value) and "copyfit" in str(e.value)


def test_draft_renders_overflow_anyway():
    p, t = _load(os.path.join(ROOT, "article.yaml"))
    longer = with_story(p, sections=p.stories[0].sections * 3)
    lay = compose(longer, t, Settings(draft=True))
    assert any(f.code == "overflow" for f in lay.findings)
    assert any(getattr(i, "kind", "") == "overflow" for i in lay.items)


def test_tabloid_fits_a_shorter_article():
    p, _ = _load(os.path.join(ROOT, "article.yaml"))
    story = p.stories[0]
    short = with_story(dataclasses.replace(p, template="tabloid"), sections=story.sections[:2],
                       photos=tuple(ph for ph in story.photos if ph.id in
                                    {"songjiang", "xingfuqu", "fengdian", "yitong", "changda", "dingdangniu"}))
    lay = compose(short, load_template("tabloid"))
    assert lay.figures["empty_rows"] == 0 and lay.figures["overflow_lines"] == 0
    assert abs(lay.width_pt - 765.35) < 0.1


def test_same_input_same_layout(page):
    _, t, lay = page
    p, _ = _load(os.path.join(ROOT, "article.yaml"))
    assert dump(compose(p, t)) == dump(lay)


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_golden_dump(name):
    """The layout of each small page is the reviewed one in tests/golden/ (only compared here: `make golden`
    rewrites them after a reviewed change)."""
    with open(os.path.join(GOLDEN, f"{name}.txt"), encoding="utf-8") as f:
        golden = f.read()
    assert golden_dump(name) == golden, f"layout of {name} changed; review the change and run `make golden`"


def test_flow_order_threads_columns_in_the_given_order():
    p, t = _load(os.path.join(ROOT, "tests", "data", "mini-text.yaml"))
    normal, swapped = compose(p, t), compose(with_options(p, flow_order=(2, 1)), t)
    first = lambda lay: lay.runs("body")[0]
    assert first(swapped).x_pt > first(normal).x_pt  # the text now starts in the right-hand column
    with pytest.raises(InputError, match="flow_order"):
        compose(with_options(p, flow_order=(1, 1)), t)


@pytest.mark.parametrize("columns", [5])
def test_variable_columns_bianlan_fit_the_page(columns):
    """The page in five body columns (变栏): each 1.6 basic columns wide, wide enough for a photo one
    column wide (design rule photo-min-span); in six (1.33 basic columns) its eleven photos would
    each need two columns, and the page is refused (test_six_body_columns_are_too_narrow_for_its_photos)."""
    p, t = _load(os.path.join(ROOT, "article.yaml"))
    lay = compose(with_story(p, body_columns=columns), t)
    assert lay.figures["body_columns"] == columns
    assert lay.figures["empty_rows"] == 0 and lay.figures["overflow_lines"] == 0 and lay.figures["overlaps"] == 0


def test_six_body_columns_are_too_narrow_for_its_photos():
    p, t = _load(os.path.join(ROOT, "article.yaml"))
    with pytest.raises(InputError, match="copyfit") as e:
        compose(with_story(p, body_columns=6), t)
    assert "\n" not in e.value.line()


def test_photo_credit_set_flush_right_under_the_caption():
    from layout.base.model import Text

    p, t = _load(os.path.join(ROOT, "tests", "data", "mini-photo.yaml"))
    photo = dataclasses.replace(p.stories[0].photos[0], credit=Text("本报记者 焦海洋 摄"))
    lay = compose(with_story(p, photos=(photo,)), t)
    frame = next(f for f in lay.frames if f.kind == "photo")
    caption, credit = sorted(lay.runs("caption"), key=lambda r: -r.y_pt)
    assert caption.chars == "幸福渠" and credit.chars == "本报记者焦海洋摄"
    assert credit.row == caption.row + 1
    right = credit.x_pt + credit.xs_pt[-1] + 9.0  # the last glyph is one 9 pt em wide
    assert abs(right - (frame.x_pt + frame.width_pt)) < 0.01


@pytest.mark.parametrize("copyfit, draft", [(False, False), (True, False), (True, True)])
def test_a_sidebar_too_long_for_the_page_is_an_error_not_a_frame_off_the_page(copyfit, draft):
    """Found by tests/test_fuzz.py: with `copyfit: false` a sidebar taller than the body grid was
    placed with its box running 11.8 pt past the foot of the page. Every frame of an accepted
    page lies on the page; a block that cannot is a one-line input error naming it."""
    from layout.base.model import Text

    p, t = _load(os.path.join(ROOT, "tests", "data", "mini-sidebar.yaml"))
    sidebar = p.stories[0].sidebar
    long = dataclasses.replace(sidebar, items=(Text("全国食品工业强区" * 40),) + sidebar.items[1:])
    page = with_options(with_story(p, sidebar=long), copyfit=copyfit)
    with pytest.raises(InputError) as e:
        compose(page, t, Settings(draft=draft))
    msg = str(e.value)
    assert "\n" not in msg
    # The block that cannot fit even alone is named, at its place (issue 22).
    assert "copyfit: the sidebar needs at least" in msg and "mini-sidebar.yaml:" in msg and " sidebar:" in msg, msg
    lay = compose(with_options(p, copyfit=False), t)  # the control: the sidebar as it was fits
    assert any(f.kind == "sidebar" for f in lay.frames)
    for f in lay.frames:
        assert 0 <= f.y_pt and f.y_pt + f.height_pt <= lay.height_pt, f
