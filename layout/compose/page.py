"""compose.page: a Page → PageLayout. The page's own furniture, and each story's block put in its place.

The page draws what belongs to no story — the 报眉 over the type area — and hands each story a
rectangle of the basic grid. A story composes itself there in its own coordinates
(`layout.compose.story`); this module moves the finished block into place by translation
(typst's `Frame::push_frame`, reportlab's frames), so a story's layout does not depend on where
on the page it stands. Pure: positions only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from layout.compose import blocks
from layout.compose.grid import Columns, Rows, basic_columns, rows as page_rows
from layout.compose.modules import SEPARATOR_ROWS, Module, Rect, collisions, holes, orders, tile
from layout.compose.sizing import Sizing
from layout.compose.story import Area, Kit, Settings, StoryBlock, compose_story
from layout.errors import InputError
from layout.model import Page
from layout.primitives import BLACK, Image, PageLayout, Rule, StoryRegion, moved
from layout.source.template import Template
from layout.source.meta import story_title
from layout.source.texts import folio_strings

GRID_CYAN = (1.0, 0.0, 0.0, 0.0)
GRID_MAGENTA = (0.0, 1.0, 0.0, 0.0)


def compose_page(page: Page, t: Template, faces: Mapping, photo_sizes: Mapping[tuple[str, str], tuple[int, int]],
                 settings: Settings = Settings(), memo=None) -> PageLayout:
    """The whole page: the 报眉, then every item in the module it is given (a page of one story and no
    reserved area — a 专版 — gives the story the whole type area and the template's headline).
    `memo`: results kept between builds (`Kit.memo`; the watch process's), or None."""
    basic, grid = basic_columns(t), page_rows(t)
    kit = Kit(t, faces, photo_sizes, dict(page.options), settings, memo)
    out = _Out(list(_folio(page, t, faces, basic, grid)))
    if len(page.stories) == 1 and not page.reserved and page.stories[0].kind == "story":
        story = page.stories[0]
        block = compose_story(story, Area(0, t.columns, 0, t.rows), kit)
        out.add(place(block, basic, grid), region(block, "story", story_title(story), basic, grid))
        out.figures = dict(block.figures)
    else:
        _modular(page, t, kit, basic, grid, out)
    overlay = tuple(_grid_overlay(t, basic, grid, out.frames)) if settings.grid else ()
    return PageLayout(t.page_width_pt, t.page_height_pt, (0.0, 0.0, t.page_width_pt, t.page_height_pt),
                      tuple(out.items), tuple(out.frames), overlay, tuple(out.findings), out.figures,
                      regions=tuple(out.regions))


@dataclass
class _Out:
    """What the page draws and reports, gathered as its blocks are placed."""

    items: list
    frames: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    def add(self, placed: StoryBlock, where: StoryRegion) -> None:
        self.items += placed.items
        self.frames += placed.frames
        self.findings += placed.findings
        self.regions.append(where)


MAX_STRIKES = 12  # story module sizes the bound allowed but the composition refused, before giving up


def _modular(page: Page, t: Template, kit: Kit, basic: Columns, grid: Rows, out: _Out) -> None:
    """A page of several items: the module search, each item composed in its module, rules between."""
    free = free_regions(page, t)
    sizing = Sizing(page, t, kit)
    modules = None
    kinds = [s.kind for s in page.stories]
    for _ in range(MAX_STRIKES + 1):
        modules = _best_tiling(free, kinds, sizing, t)
        if modules is None:
            raise InputError(f"copyfit: {sizing.why(free)}", page.source_file,
                             "cut a story, let one continue on another page (continue_to), or give the page fewer items")
        blocks_ = {}
        for m in modules:
            item = page.stories[m.item]
            area = Area(m.rect.col, m.rect.span, m.rect.row, m.rect.rows - (SEPARATOR_ROWS if m.separated else 0))
            try:
                blocks_[m.item] = sizing.compose(m.item, area)
            except InputError as e:
                if item.kind != "story" or "copyfit" not in e.what:
                    raise
                sizing.strike(m.item, m.rect.span, m.rect.rows)
                break
        else:
            break
    else:
        raise InputError(f"copyfit: the stories do not fill the modules the page search found ({MAX_STRIKES} tries)",
                         page.source_file, "cut or lengthen a story, or give the page fewer items")
    for m in modules:
        item, block = page.stories[m.item], blocks_[m.item]
        out.add(place(block, basic, grid), region(block, item.kind, item_title(item), basic, grid))
        out.figures[item.id] = block.figures
    for r in page.reserved:
        out.items += _reserved_items(r, t, basic, grid)
        out.regions.append(_reserved_region(r, t, basic, grid))
    out.items += _module_rules(modules, t, basic, grid)
    out.figures["modules"] = [{"item": page.stories[m.item].id, "col": m.rect.col + 1, "span": m.rect.span,
                               "row": m.rect.row + 1, "rows": m.rect.rows} for m in modules]
    kinds = lambda i: page.stories[i].kind  # noqa: E731
    out.figures["headline_collisions"] = len(collisions(modules, kinds))
    out.figures["holes"] = holes(modules, free)


def _best_tiling(free: tuple[Rect, ...], kinds: list[str], sizing: Sizing, t: Template) -> list[Module] | None:
    """The cheapest tiling over the item orders `orders` allows (boxes may move), modules numbered by
    the page's own item order."""
    best = None
    for order in orders(kinds):
        fits = sizing.fits(order)
        got = tile(free, len(order), fits, t.rows, t.columns)
        if got is not None:
            cost = sum(fits.cost(m.item, m.rect.span, m.rect.rows) for m in got)
            mods = [replace(m, item=order[m.item]) for m in got]
            if best is None or cost < best[0]:
                best = (cost, mods)
    return None if best is None else sorted(best[1], key=lambda m: m.item)


def item_title(item) -> str:
    """How the archive and the report name an item: a story's title, a block's heading."""
    return story_title(item) if item.kind == "story" else item.heading.text


def free_regions(page: Page, t: Template) -> tuple[Rect, ...]:
    """The type area the reserved areas leave, as rectangles in reading order: the full width above
    the highest area standing on the foot, then the columns beside each such area."""
    foot = [r for r in page.reserved]
    for r in foot:
        row = t.rows - r.rows if r.row < 0 else r.row
        if row + r.rows != t.rows or r.col < 0 or r.col + r.span > t.columns:
            raise InputError(f"reserved area {r.id!r} does not stand on the type area's foot inside its "
                             f"{t.columns} columns", str(r.source), "give row: null (or the row that ends at the foot)")
    top = min((t.rows - r.rows for r in foot), default=t.rows)
    regions = [Rect(0, t.columns, 0, top)]
    taken = sorted((r.col, r.col + r.span, t.rows - r.rows) for r in foot)
    col = 0
    for a, b, start in taken + [(t.columns, t.columns, t.rows)]:
        if a > col:
            regions.append(Rect(col, a - col, top, t.rows - top))
        col = max(col, b)
    overlapped = [(x, y) for x in taken for y in taken if x < y and x[1] > y[0]]
    if overlapped:
        raise InputError("two reserved areas overlap", page.source_file, "move one of them")
    # A reserved area taller than the lowest: the rows between its top and the common top are not free.
    for a, b, start in taken:
        if start < top:
            raise InputError("reserved areas of different heights", page.source_file, "give them one height")
    return tuple(r for r in regions if r.rows > 0 and r.span > 0)


def _reserved_items(r, t: Template, basic: Columns, grid: Rows) -> list:
    rect = _reserved_rect(r, t)
    x, w = basic.x_pt(rect.col), basic.width_pt(rect.span)
    y, h = grid.bottom_y(rect.row, rect.rows), grid.height_pt(rect.rows)
    if r.file is None:
        return []
    return [Image(x, y, w, h, r.file, "", r.id, story=r.id)]


def _reserved_rect(r, t: Template) -> Rect:
    return Rect(r.col, r.span, t.rows - r.rows if r.row < 0 else r.row, r.rows)


def _reserved_region(r, t: Template, basic: Columns, grid: Rows) -> StoryRegion:
    rect = _reserved_rect(r, t)
    return StoryRegion(r.id, "reserved", r.label, basic.x_pt(rect.col), grid.bottom_y(rect.row, rect.rows),
                       basic.width_pt(rect.span), grid.height_pt(rect.rows))


def _module_rules(modules: list[Module], t: Template, basic: Columns, grid: Rows) -> list:
    """The rules that part the modules: across a module's separator row, down the gutter at its right
    (where another module stands beside it)."""
    if t.module_rule_pt <= 0:
        return []
    out = []
    right_edge = t.columns
    for m in modules:
        r = m.rect
        x0, x1 = basic.x_pt(r.col), basic.x_pt(r.col) + basic.width_pt(r.span)
        if m.separated:
            y = grid.top_y(r.row + r.rows - 1) - grid.pitch_pt / 2 + grid.gap_pt / 2
            out.append(Rule(x0, y, x1, y, t.module_rule_pt, BLACK, "module-rule"))
        if r.col + r.span < right_edge:
            x = x1 + basic.gutter_pt / 2
            bottom = r.rows - (1 if m.separated else 0)
            out.append(Rule(x, grid.top_y(r.row), x, grid.bottom_y(r.row, bottom), t.module_rule_pt, BLACK,
                            "module-rule"))
    return out


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
