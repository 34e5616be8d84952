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
