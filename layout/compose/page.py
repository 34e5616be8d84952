"""compose.page: a Page → PageLayout. The page's own furniture, and each story's block put in its place.

The page draws what belongs to no story — the 报眉 over the type area — and hands each story a
rectangle of the basic grid. A story composes itself there in its own coordinates
(`layout.compose.story`); this module moves the finished block into place by translation
(typst's `Frame::push_frame`, reportlab's frames), so a story's layout does not depend on where
on the page it stands. Pure: positions only.
"""

from __future__ import annotations

from collections.abc import Mapping

from layout.compose import blocks
from layout.compose.grid import Columns, Rows, basic_columns, rows as page_rows
from layout.compose.story import Area, Kit, Settings, StoryBlock, compose_story
from layout.model import Page
from layout.primitives import PageLayout, Rule, StoryRegion, moved
from layout.source.template import Template
from layout.source.meta import story_title
from layout.source.texts import folio_strings

GRID_CYAN = (1.0, 0.0, 0.0, 0.0)
GRID_MAGENTA = (0.0, 1.0, 0.0, 0.0)


def compose_page(page: Page, t: Template, faces: Mapping, photo_sizes: Mapping[tuple[str, str], tuple[int, int]],
                 settings: Settings = Settings()) -> PageLayout:
    """The whole page: 报眉, then every story in the area it is given."""
    basic, grid = basic_columns(t), page_rows(t)
    kit = Kit(t, faces, photo_sizes, dict(page.options), settings)
    items: list = list(_folio(page, t, faces, basic, grid))
    frames: list = []
    findings: list = []
    figures: dict = {}
    regions: list = []
    for story, area in zip(page.stories, areas(page, t)):
        block = compose_story(story, area, kit)
        placed = place(block, basic, grid)
        items += placed.items
        frames += placed.frames
        findings += placed.findings
        regions.append(region(block, "story", story_title(story), basic, grid))
        figures = dict(block.figures) if len(page.stories) == 1 else {**figures, block.story: block.figures}
    overlay = tuple(_grid_overlay(t, basic, grid, frames)) if settings.grid else ()
    return PageLayout(t.page_width_pt, t.page_height_pt, (0.0, 0.0, t.page_width_pt, t.page_height_pt),
                      tuple(items), tuple(frames), overlay, tuple(findings), figures, regions=tuple(regions))


def areas(page: Page, t: Template) -> list[Area]:
    """The grid area of each story: a page of one story gives it the whole type area."""
    if len(page.stories) != 1:
        raise NotImplementedError("pages of several stories are laid out by layout.compose.modules")
    return [Area(0, t.columns, 0, t.rows)]


def place(block: StoryBlock, basic: Columns, grid: Rows) -> StoryBlock:
    """`block` moved from its area's coordinates to the page's, every primitive marked as its story's."""
    a, sid = block.area, block.story
    dx, dy = basic.x_pt(a.col), grid.top_y(a.row)
    return StoryBlock(sid, a, tuple(moved(i, dx, dy, a.row, story=sid) for i in block.items),
                      tuple(moved(f, dx, dy, a.row, a.col, story=sid) for f in block.frames), block.findings,
                      block.figures)


def region(block: StoryBlock, kind: str, title: str, basic: Columns, grid: Rows) -> StoryRegion:
    """The module a placed block stands in, on the page, in pt."""
    a = block.area
    return StoryRegion(block.story, kind, title, basic.x_pt(a.col), grid.bottom_y(a.row, a.rows), basic.width_pt(a.span),
                       grid.height_pt(a.rows))


def _folio(page: Page, t: Template, faces: Mapping, basic: Columns, grid: Rows) -> tuple:
    e = page.edition
    style = blocks.FolioStyle(t.styles["folio"].size_pt, t.folio_baseline_above_pt, t.folio_rule_pt)
    return blocks.folio(folio_strings(e.paper, e.date, e.page, e.page_name, e.editor), faces["folio"], style,
                        basic.x0_pt, t.type_width_pt, grid.top_y(0))


def _grid_overlay(t: Template, basic: Columns, grid: Rows, frames: list) -> list:
    out = []
    top, bottom = grid.top_y(0), grid.bottom_y(0, t.rows)
    for c in range(basic.count):
        for x in (basic.x_pt(c), basic.x_pt(c) + basic.column_width_pt):
            out.append(Rule(x, top, x, bottom, 0.2, GRID_CYAN, "grid-column"))
    for r in range(t.rows):
        y = grid.baseline_y(r)
        out.append(Rule(basic.x0_pt, y, basic.x0_pt + t.type_width_pt, y, 0.1, GRID_MAGENTA, "grid-baseline"))
    for fr in frames:
        x0, y0, x1, y1 = fr.x_pt, fr.y_pt, fr.x_pt + fr.width_pt, fr.y_pt + fr.height_pt
        for a, b, c, d in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
            out.append(Rule(a, b, c, d, 0.6, GRID_CYAN, f"grid-frame-{fr.kind}"))
    return out
