"""Preflight figures on a composed page: body lines on the grid, with and without bleed."""

import dataclasses
import os

from support import fake_faces

from layout.compose.page import compose_page
from layout.output.marks import with_bleed
from layout.preflight.report import preflight
from layout.source.load import load_page
from layout.source.template import load_template

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACES = fake_faces()


def _page():
    page, _ = load_page(os.path.join(ROOT, "tests", "data", "mini-text.yaml"))
    t = load_template(page.template, page.base_dir)
    return page, t, compose_page(page, t, FACES, {})


def test_body_lines_on_the_grid_with_and_without_bleed():
    article, t, layout = _page()
    for lay in (layout, with_bleed(layout, 8.5, True)):
        assert preflight(article, t, lay, FACES, [], ()).figures["off_grid_lines"] == 0


def test_a_line_moved_off_its_row_is_counted():
    article, t, layout = _page()
    first = layout.runs("body")[0]
    moved = dataclasses.replace(first, y_pt=first.y_pt - 1.0)
    items = tuple(moved if i is first else i for i in layout.items)
    lay = dataclasses.replace(layout, items=items)
    assert preflight(article, t, lay, FACES, [], ()).figures["off_grid_lines"] == 1


def test_the_summary_of_a_page_of_one_story():
    article, t, layout = _page()
    report = preflight(article, t, layout, FACES, [], ())
    fig = report.figures
    body = report.summary().splitlines()[1]
    assert fig["body_lines"] > 0 and fig["body_columns"] == 2
    assert body.startswith(f"  body: {fig['body_lines']} lines in 2 columns of {fig['body_measure_chars']:g} "
                           "characters; bad line starts 0"), body


def _page_of_several():
    """The first generated page (seeded) with a 简讯 block and a 导读 box that composes on the test faces."""
    import random

    import pages as P
    from layout.base.errors import InputError

    grids = {name: P.Grid.of(load_template(name)) for name in P.TEMPLATES}
    rng = random.Random(22)
    for _ in range(300):
        v = P.random_page(rng, grids)
        if not (v.briefs and v.digest and len(v.stories) >= 3):
            continue
        page, sizes = P.page_of(v, grids)
        t = load_template(v.template)
        try:
            return page, t, compose_page(page, t, FACES, sizes)
        except InputError:
            continue
    raise AssertionError("no generated page with a 简讯 block and a 导读 box composes")


def test_the_summary_of_a_page_of_several_items():
    """Each story's lines, columns and measure, the 简讯 block's lines and the 导读 box; the stories' lines in
    all (issue 22: it said "262 lines in 0 columns of 0 characters")."""
    page, t, layout = _page_of_several()
    report = preflight(page, t, layout, FACES, [], ())
    fig = report.figures
    body = report.summary().splitlines()[1]
    stories = [s for s in page.stories if s.kind == "story"]
    assert body.startswith(f"  body: {fig['body_lines']} lines in {len(stories)} stories ("), body
    assert fig["body_lines"] == sum(fig[s.id]["body_lines"] for s in stories) > 0
    first, *rest = stories
    own = fig[first.id]
    assert (f"({first.id} {own['body_lines']} lines in {own['body_columns']} columns of "
            f"{own['body_measure_chars']:g} characters") in body, body
    for s in rest:
        own = fig[s.id]
        assert f", {s.id} {own['body_lines']} in {own['body_columns']} of {own['body_measure_chars']:g}" in body, body
    (briefs,) = [s for s in page.stories if s.kind == "briefs"]
    (digest,) = [s for s in page.stories if s.kind == "digest"]
    assert f"a 简讯 block of {fig[briefs.id]['briefs_lines']} lines ({briefs.id})" in body, body
    assert f"a 导读 box ({digest.id})" in body and "0 columns of 0" not in body, body
