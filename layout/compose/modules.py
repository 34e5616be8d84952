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


def tile(regions: tuple[Rect, ...], count: int, fits: Fits, bottom: int, columns: int) -> list[Module] | None:
    """The cheapest tiling of `regions` (in order) by items 0…count-1 (in order), or None. A module
    whose foot is not at row `bottom` is parted from what lies below it by a separator row. Two
    stories never stand side by side with their tops on one row (撞题)."""
    memo: dict = {}

    def separated(r: Rect, rows: int) -> bool:
        return r.row + rows < bottom

    def fill(r: Rect, i: int, j: int) -> tuple[float, tuple[Module, ...]] | None:
        """Fill `r` exactly with items i…j-1."""
        key = (r, i, j)
        if key in memo:
            return memo[key]
        memo[key] = None  # no cycles, but keep a failed branch from being retried
        best = None
        for cost, mods in _ways(r, i, j):
            if cost < math.inf and (best is None or cost < best[0]):
                best = (cost, mods)
        memo[key] = best
        return best

    def _ways(r: Rect, i: int, j: int) -> Iterator[tuple[float, tuple[Module, ...]]]:
        if j - i == 1:
            sep = separated(r, r.rows)
            if r.rows in fits.heights(i, r.span, sep):
                yield _module_cost(i, r), (Module(i, r, sep),)
            return
        # (a) across the full width at the top; the rest below
        for h in fits.heights(i, r.span, True):
            if h < r.rows:
                rest = fill(Rect(r.col, r.span, r.row + h, r.rows - h), i + 1, j)
                if rest is not None:
                    yield _module_cost(i, Rect(r.col, r.span, r.row, h)) + rest[0], \
                        (Module(i, Rect(r.col, r.span, r.row, h), True),) + rest[1]
        for w in range(1, r.span):
            for left in (True, False):
                x, rx = (r.col, r.col + w) if left else (r.col + r.span - w, r.col)
                # (b) down one side, full height; the rest beside it
                sep = separated(r, r.rows)
                if r.rows in fits.heights(i, w, sep):
                    rest = fill(Rect(rx, r.span - w, r.row, r.rows), i + 1, j)
                    if rest is not None:
                        mod = Module(i, Rect(x, w, r.row, r.rows), sep)
                        yield _module_cost(i, mod.rect) + _collisions(mod, rest[1]) + rest[0], (mod,) + rest[1]
                # (c) at the top, w wide; items i+1…k-1 stacked in the strip beside; the rest below
                for h in fits.heights(i, w, True):
                    if h >= r.rows:
                        continue
                    mod = Module(i, Rect(x, w, r.row, h), True)
                    for k in range(i + 2, j):
                        strip = fill(Rect(rx, r.span - w, r.row, h), i + 1, k)
                        if strip is None:
                            continue
                        below = fill(Rect(r.col, r.span, r.row + h, r.rows - h), k, j)
                        if below is None:
                            continue
                        yield (_module_cost(i, mod.rect) + _collisions(mod, strip[1]) + strip[0] + below[0],
                               (mod,) + strip[1] + below[1])

    height = max(g.row + g.rows for g in regions) - min(g.row for g in regions)

    def _module_cost(i: int, r: Rect) -> float:
        cost = fits.cost(i, r.span, r.rows)
        if i == 0:
            cost += HEAD_NARROW * (1 - r.span / columns) + HEAD_LOW * max(0.0, r.rows / height - HEAD_SHARE)
        if fits.kind(i) != "story" and r.span > 2:
            cost += BOX_WIDE * (r.span - 2)
        if fits.kind(i) == "story" and r.span == 1:
            cost += STORY_NARROW
        return cost

    def _collisions(mod: Module, beside: tuple[Module, ...]) -> float:
        """撞题: `mod` and a story beside it, both stories, with their tops (their headlines) on one row;
        such a tiling is not taken at all (math.inf)."""
        if fits.kind(mod.item) != "story":
            return 0.0
        return math.inf if any(fits.kind(m.item) == "story" and m.rect.row == mod.rect.row for m in beside) else 0.0

    def assign(k: int, i: int) -> tuple[float, tuple[Module, ...]] | None:
        """Regions k… filled by items i…count-1."""
        if k == len(regions):
            return (0.0, ()) if i == count else None
        best = None
        last = k == len(regions) - 1
        for j in ([count] if last else range(i + 1, count + 1)):
            here = fill(regions[k], i, j)
            if here is None:
                continue
            rest = assign(k + 1, j)
            if rest is not None and (best is None or here[0] + rest[0] < best[0]):
                best = (here[0] + rest[0], here[1] + rest[1])
        return best

    got = assign(0, 0)
    return None if got is None else sorted(got[1], key=lambda m: m.item)


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
