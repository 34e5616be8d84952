"""compose.modules: the modules of a page of several stories — which rectangle of the grid each item gets.

A modular page (模块式版面, docs/page-layout.md) gives every item — story, 简讯 block, 导读 box — one
rectangle of the basic grid, and the rectangles tile the free type area (what the reserved areas
leave) with no hole (开天窗). Items are laid out in order of importance, each at the top-left of what
is left of its region:

- across the full width of the region, the rest below it; or
- down one side of the region (a 简讯 column), the rest beside it; or
- at the top, narrower than the region, with the next few items stacked in the strip beside it and
  the rest below both.

Each item only takes a module it can fill exactly: a story's composition engine, a 简讯 block's
spacing, a 导读 box's padding (`Fits` answers, cheaply, which heights work at a width; a story's
heights come from the independent capacity bound and are confirmed by composing it — a height that
fails is struck and the search runs again). Among the tilings the cheapest wins (`_cost`): the 头条
widest and on top, no two stories side by side with their headlines at one height (撞题), 简讯 and
导读 narrow, photo stories near their natural size.

Rows here include the white line that parts a module from what stands below it (its rule is drawn
there); the item's own area is one row shorter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

SEPARATOR_ROWS = 1
HEAD_NARROW = 3.0  # × the share of the page's columns the 头条 leaves
HEAD_LOW = 4.0  # × the share of the free rows the 头条 takes beyond HEAD_SHARE: it leads, the others follow below
HEAD_SHARE = 0.6
BOX_WIDE = 0.6  # per column a 简讯 or 导读 block takes beyond two
STORY_NARROW = 0.4  # a story one column wide
OFF_NATURAL = 0.03  # per row a photo story's module is off its natural height


@dataclass(frozen=True)
class Rect:
    """A rectangle of the basic grid: columns [col, col + span), rows [row, row + rows)."""

    col: int
    span: int
    row: int
    rows: int


@dataclass(frozen=True)
class Module:
    """An item's rectangle, and whether a white line (and rule) parts it from what stands below."""

    item: int
    rect: Rect
    separated: bool


@dataclass(frozen=True)
class Fits:
    """What the search asks of an item: the module heights (rows, separator included) it may fill at
    a span, best first; and a cost of its own for a module (0 when indifferent)."""

    heights: Callable[[int, int, bool], list[int]]  # (item, span, separated) → rows
    cost: Callable[[int, int, int], float]  # (item, span, rows) → cost
    kind: Callable[[int], str]  # story | briefs | digest
    cells: Callable[[int], tuple[int, int]] | None = None  # item → (fewest, most) grid cells it may fill


class Tiler:
    """Tilings of a page's free regions by runs of its items, under one set of `Fits`.

    What fills a rectangle does not depend on where it stands — only on its size, whether its foot
    is the type area's, and which items fill it — so results are kept by those, with modules
    relative to the rectangle's top-left corner and moved into place by the caller. One result
    serves every position and every item order that runs the same items, which is what keeps the
    search small; `forget` drops what a struck module size may have changed."""

    def __init__(self, fits: Fits, count: int, columns: int, height: int, lead: int = 0):
        self.fits, self.columns, self.height, self.lead = fits, columns, height, lead
        self.kinds = [fits.kind(i) for i in range(count)]
        # Items fill a rectangle exactly only if its cells lie between their fewest and most:
        # a necessary condition that spares the search every rectangle of the wrong size.
        self.cells = [fits.cells(i) if fits.cells else (0, math.inf) for i in range(count)]
        self.memo: dict = {}
        self.own: dict = {}

    def forget(self, item: int) -> None:
        """Drop every result that item's module sizes went into (after one is struck)."""
        self.memo = {k: v for k, v in self.memo.items() if item not in k[3]}
        self.own = {k: v for k, v in self.own.items() if k[0] != item}

    def tile(self, regions: tuple[Rect, ...], items: tuple[int, ...], bottom: int
             ) -> tuple[float, list[Module]] | None:
        """The cheapest tiling of `regions` (in order) by `items` (in order) and its cost, or None.
        A module whose foot is not at row `bottom` is parted from what lies below it by a separator
        row. Two stories never stand side by side with their tops on one row (撞题)."""
        count = len(items)
        # Regions k… filled by items i…, the last region taking every item left, each region one at least.
        todo: dict[tuple[int, int], tuple[float, tuple[Module, ...]] | None] = {(len(regions), count): (0.0, ())}
        for k in range(len(regions) - 1, -1, -1):
            g = regions[k]
            for i in range(count - 1, -1, -1):
                best = None
                for j in ([count] if k == len(regions) - 1 else range(i + 1, count + 1)):
                    rest = todo.get((k + 1, j))
                    here = self.fill(g.span, g.rows, g.row + g.rows == bottom, items[i:j]) if rest is not None else None
                    if here is not None and (best is None or here[0] + rest[0] < best[0]):
                        best = (here[0] + rest[0], _moved(here[1], g.col, g.row) + rest[1])
                todo[(k, i)] = best
        got = todo.get((0, 0))
        return None if got is None else (got[0], sorted(got[1], key=lambda m: m.item))

    def fill(self, span: int, rows: int, foot: bool, items: tuple[int, ...]) -> tuple[float, tuple[Module, ...]] | None:
        """The cheapest way `items` fill a span × rows rectangle exactly (`foot`: its foot is the
        type area's, so what reaches it needs no separator)."""
        key = (span, rows, foot, items)
        got = self.memo.get(key, False)
        if got is not False:
            return got
        best = None
        if sum(self.cells[x][0] for x in items) <= span * rows <= sum(self.cells[x][1] for x in items):
            for cost, mods in self._ways(span, rows, foot, items):
                if cost < math.inf and (best is None or cost < best[0]):
                    best = (cost, mods)
        self.memo[key] = best
        return best

    def _heights(self, item: int, span: int, separated: bool) -> tuple[list[int], frozenset[int]]:
        key = (item, span, separated)
        got = self.own.get(key)
        if got is None:
            rows = self.fits.heights(item, span, separated)
            got = self.own[key] = (rows, frozenset(rows))
        return got

    def _ways(self, span: int, rows: int, foot: bool, items: tuple[int, ...]
              ) -> Iterator[tuple[float, tuple[Module, ...]]]:
        first, n = items[0], len(items)
        if n == 1:
            sep = not foot
            if rows in self._heights(first, span, sep)[1]:
                rect = Rect(0, span, 0, rows)
                yield self._cost(first, rect), (Module(first, rect, sep),)
            return
        # (a) across the full width at the top; the rest below
        for h in self._heights(first, span, True)[0]:
            if h < rows:
                rest = self.fill(span, rows - h, foot, items[1:])
                if rest is not None:
                    rect = Rect(0, span, 0, h)
                    yield self._cost(first, rect) + rest[0], (Module(first, rect, True),) + _moved(rest[1], 0, h)
        for w in range(1, span):
            for left in (True, False):
                x, rx = (0, w) if left else (span - w, 0)
                # (b) down one side, full height; the rest beside it
                sep = not foot
                if rows in self._heights(first, w, sep)[1]:
                    rest = self.fill(span - w, rows, foot, items[1:])
                    if rest is not None:
                        mod = Module(first, Rect(x, w, 0, rows), sep)
                        beside = _moved(rest[1], rx, 0)
                        yield self._cost(first, mod.rect) + self._collisions(mod, beside) + rest[0], (mod,) + beside
                # (c) at the top, w wide; items 1…k-1 stacked in the strip beside; the rest below
                for h in self._heights(first, w, True)[0]:
                    if h >= rows:
                        continue
                    mod = Module(first, Rect(x, w, 0, h), True)
                    for k in range(2, n):
                        strip = self.fill(span - w, h, False, items[1:k])
                        if strip is None:
                            continue
                        below = self.fill(span, rows - h, foot, items[k:])
                        if below is None:
                            continue
                        beside = _moved(strip[1], rx, 0)
                        yield (self._cost(first, mod.rect) + self._collisions(mod, beside) + strip[0] + below[0],
                               (mod,) + beside + _moved(below[1], 0, h))

    def _cost(self, item: int, r: Rect) -> float:
        cost = self.fits.cost(item, r.span, r.rows)
        if item == self.lead:
            cost += HEAD_NARROW * (1 - r.span / self.columns) + HEAD_LOW * max(0.0, r.rows / self.height - HEAD_SHARE)
        if self.kinds[item] != "story" and r.span > 2:
            cost += BOX_WIDE * (r.span - 2)
        if self.kinds[item] == "story" and r.span == 1:
            cost += STORY_NARROW
        return cost

    def _collisions(self, mod: Module, beside: tuple[Module, ...]) -> float:
        """撞题: `mod` and a story beside it, both stories, with their tops (their headlines) on one row;
        such a tiling is not taken at all (math.inf)."""
        if self.kinds[mod.item] != "story":
            return 0.0
        return math.inf if any(self.kinds[m.item] == "story" and m.rect.row == mod.rect.row for m in beside) else 0.0


def tile(regions: tuple[Rect, ...], count: int, fits: Fits, bottom: int, columns: int) -> list[Module] | None:
    """The cheapest tiling of `regions` by items 0…count-1 in that order (the 头条 first), or None."""
    height = max(g.row + g.rows for g in regions) - min(g.row for g in regions)
    got = Tiler(fits, count, columns, height).tile(regions, tuple(range(count)), bottom)
    return None if got is None else got[1]


def _moved(mods: tuple[Module, ...], col: int, row: int) -> tuple[Module, ...]:
    if not col and not row:
        return mods
    return tuple(Module(m.item, Rect(m.rect.col + col, m.rect.span, m.rect.row + row, m.rect.rows), m.separated)
                 for m in mods)


def collisions(modules: list[Module], kind: Callable[[int], str]) -> list[tuple[int, int]]:
    """Pairs of story modules side by side whose tops are on one row (撞题), for the checks."""
    out = []
    for a in modules:
        for b in modules:
            if a.item < b.item and kind(a.item) == kind(b.item) == "story" and a.rect.row == b.rect.row:
                touching = a.rect.col + a.rect.span == b.rect.col or b.rect.col + b.rect.span == a.rect.col
                if touching:
                    out.append((a.item, b.item))
    return out


def holes(modules: list[Module], regions: tuple[Rect, ...]) -> int:
    """Grid cells of the regions no module covers (开天窗), and cells covered twice (as negative)."""
    want = {(c, r) for g in regions for c in range(g.col, g.col + g.span) for r in range(g.row, g.row + g.rows)}
    got: dict[tuple[int, int], int] = {}
    for m in modules:
        for c in range(m.rect.col, m.rect.col + m.rect.span):
            for r in range(m.rect.row, m.rect.row + m.rect.rows):
                got[(c, r)] = got.get((c, r), 0) + 1
    return len(want - set(got)) + sum(1 for v in got.values() if v > 1)


def orders(kinds: list[str]) -> list[tuple[int, ...]]:
    """The item orders worth a tiling: the page's own, and each 简讯 / 导读 block moved to every other
    place after the 头条 (stories keep their order of importance)."""
    base = tuple(range(len(kinds)))
    out = [base]
    for b in (i for i, k in enumerate(kinds) if k != "story" and i > 0):
        rest = tuple(i for i in base if i != b)
        for pos in range(1, len(kinds)):
            order = rest[:pos] + (b,) + rest[pos:]
            if order not in out:
                out.append(order)
    return out
