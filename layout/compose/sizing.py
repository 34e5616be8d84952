"""compose.sizing: what each item of a page of several can fill, for the module search.

For every item — story, 简讯 block, 导读 box — and every span, the module heights it may fill
exactly, cheapest to ask first:

- a story's come from the independent capacity bound (layout.compose.bound) of its arrangement
  problem at that span and height, with the headline size its rank and span give
  (`modules.headlines`); the bound is a necessary condition, so a height it allows is confirmed by
  composing the story, and a refused one is struck;
- a 简讯 block's from its items' lines and the white lines it may put between them;
- a 导读 box's from its natural rows and the padding it may take.

A story on such a page has one body column per basic column of its module unless it says otherwise.
One Sizing serves one page; its caches are keyed by item, span and rows.
"""

from __future__ import annotations

from dataclasses import replace

from layout.compose.blocks import HeadStyle
from layout.compose.boxes import briefs_rows, compose_briefs, compose_digest, digest_rows
from layout.compose.bound import bound
from layout.compose.flow import stream_rows
from layout.compose.grid import rows as page_rows
from layout.compose.modules import OFF_NATURAL, SEPARATOR_ROWS, Fits, Rect
from layout.compose.story import Area, Kit, StoryBlock, compose_story, problem_for
from layout.errors import InputError
from layout.model import Page, Story
from layout.source.template import Template

HEAD_EXTRA_ROWS = 2  # white rows a module's headline band may take to make its story fit


class Sizing:
    """The module heights each item of `page` may fill, and the items composed in their modules."""

    def __init__(self, page: Page, t: Template, kit: Kit):
        self.page, self.t, self.kit = page, t, kit
        news = [i for i, s in enumerate(page.stories) if s.kind == "story"]
        self.rank = {i: k + 1 for k, i in enumerate(news)}
        self.struck: set[tuple[int, int, int]] = set()
        self._heights: dict = {}
        self._natural: dict = {}
        self._blocks: dict = {}

    def fits(self) -> Fits:
        """The search's view of the items, by their number on the page."""
        return Fits(self.heights, self.cost, lambda i: self.page.stories[i].kind, self.cells)

    def head(self, i: int, span: int, extra: int = 0) -> HeadStyle:
        return replace(HeadStyle.for_module(self.t.module_headline_pt(self.rank[i], span), self.t.styles),
                       extra_rows=extra)

    def story(self, i: int, span: int) -> Story:
        s = self.page.stories[i]
        return replace(s, body_columns=min(s.body_columns or span, span))

    def heights(self, i: int, span: int, separated: bool) -> list[int]:
        """Module rows (separator included) item i fills exactly at `span`, best first."""
        key = (i, span, separated)
        if key not in self._heights:
            sep = SEPARATOR_ROWS if separated else 0
            rows = [r + sep for r in self._rows_at(i, span)]
            self._heights[key] = sorted((r for r in rows if r >= self.t.module_min_rows),
                                        key=lambda r: abs(r - sep - self.natural(i, span)))
        return [r for r in self._heights[key] if (i, span, r) not in self.struck]

    def cells(self, i: int) -> tuple[int, int]:
        """The fewest and most grid cells (separator row included) item i fills at any span."""
        key = ("cells", i)
        if key not in self._heights:
            sizes = [(span, rows) for span in range(1, self.t.columns + 1) for rows in self._rows_at(i, span)]
            self._heights[key] = ((min(s * r for s, r in sizes), max(s * (r + SEPARATOR_ROWS) for s, r in sizes))
                                  if sizes else (1, 0))
        return self._heights[key]

    def _rows_at(self, i: int, span: int) -> dict[int, int]:
        """Item rows (no separator) item i fills at `span` → the white rows its headline band takes
        for it (stories; 0 for boxes)."""
        key = ("rows", i, span)
        if key in self._heights:
            return self._heights[key]
        item, t, kit = self.page.stories[i], self.t, self.kit
        most = t.rows
        out: dict[int, int] = {}
        if item.kind == "briefs":
            out = dict.fromkeys(briefs_rows(item, kit, span, range(1, most + 1)), 0)
        elif item.kind == "digest":
            need = digest_rows(item, kit, page_rows(t))
            out = dict.fromkeys(range(need, min(most, need + t.digest_max_padding_rows) + 1), 0)
        else:
            try:
                base = problem_for(self.story(i, span), t, kit.faces, kit.photo_sizes, kit.options,
                                   Area(0, span, 0, t.rows), self.head(i, span))
            except InputError:  # its headline does not fit this width: no module this narrow
                base = None
            if base is not None:
                self._natural[(i, span)] = self._natural_rows(base, span)
                for extra in range(HEAD_EXTRA_ROWS + 1):  # air around the headline, least first
                    p = replace(base, top_row=base.top_row + extra)
                    for r in range(p.top_row + t.min_run_lines, most + 1):
                        if r not in out and self._may_fill(item, replace(p, rows=r, memo={})):
                            out[r] = extra
        self._heights[key] = out
        return out

    @staticmethod
    def _may_fill(item: Story, p) -> bool:
        """Whether the bound lets the story fill an area: exactly, or cut for 转版 (it holds less)."""
        b = bound(p)
        if b.feasible:
            return True
        return bool(item.continue_to) and b.blocks_fit and b.leaves(4, b.need - 1)

    def natural(self, i: int, span: int) -> float:
        """Where a story's module would be with its photos at their natural size (boxes: anywhere)."""
        return self._natural.get((i, span), 0.0)

    @staticmethod
    def _natural_rows(p, span: int) -> float:
        """Headline band plus the text and the photos at their natural heights, spread over the columns."""
        area = stream_rows(p.stream)
        for ph in p.photos:
            s = max(1, min(span, round(span * 0.6)))
            w = s * p.col_width_pt + (s - 1) * p.gutter_pt
            area += s * ((w / ph.aspect + p.gap_pt) / p.pitch_pt + 2)
        if p.sidebar is not None:
            area += min(p.sidebar.rows.values()) + 1
        return p.top_row + area / p.columns

    def cost(self, i: int, span: int, rows: int) -> float:
        item = self.page.stories[i]
        if item.kind != "story" or not item.photos:
            return 0.0
        return OFF_NATURAL * abs(rows - self.natural(i, span))

    def strike(self, i: int, span: int, rows: int) -> None:
        """A module size the bound allowed but composing the story refused."""
        self.struck.add((i, span, rows))

    def compose(self, i: int, area: Area) -> StoryBlock:
        key = (i, area)
        if key not in self._blocks:
            item = self.page.stories[i]
            if item.kind == "briefs":
                block = compose_briefs(item, area, self.kit)
            elif item.kind == "digest":
                block = compose_digest(item, area, self.kit)
            else:
                extra = self._rows_at(i, area.span).get(area.rows, 0)
                block = compose_story(self.story(i, area.span), area, self.kit, self.head(i, area.span, extra))
            self._blocks[key] = block
        return self._blocks[key]

    def why(self, free: tuple[Rect, ...]) -> str:
        """Why no tiling works, in the desk's terms: what each item fills at the full width, against
        the free area."""
        width = max(r.span for r in free)
        rows = sum(r.rows * r.span for r in free) // width
        parts = []
        for i, item in enumerate(self.page.stories):
            got = list(self._rows_at(i, width))
            parts.append(f"{item.id} {min(got)}–{max(got)}" if got else f"{item.id} none")
        return (f"no tiling of the page's {len(self.page.stories)} items fills the free type area ({rows} rows at "
                f"{width} columns) exactly; rows each could fill at that width: {', '.join(parts)}")
