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
# The steps (rectangle fills asked, past the `reach` check) one page's search may take, strikes and
# fillers included. Measured 2026-12-07 on the 300 pages of the generated family (real faces, the
# search unbounded): a page that builds takes at most 160,000 steps (0.65 s), a refusal at most
# 830,000 (a nine-item page with fillers, 2.2 s on a loaded machine). Beyond this bound, six times
# the most a built page took, the page is refused with what it needs said, and no page keeps
# --watch busy for more than a few seconds.
SEARCH_STEPS = 1_000_000
# How many ways to fill a rectangle the search keeps (`Tiler.ways`): the cheapest alone, as a layout
# editor tries the obvious arrangement first; and when that finds no page, the wider search keeps
# the WIDE_WAYS cheapest of different outline — which stories stand along the rectangle's left and
# right sides, and where — since 撞题 across a cut and the 头条's lead are judged only when the parts
# meet, and the cheapest part alone may be the one that clashes.
WAYS = 1
WIDE_WAYS = 4
# The steps the wider search may take: a second look, bounded. Measured 2026-12-07 on the generated
# family: the page it found took 565 steps; on the refusals it ran as long as the first search (up to
# 280,000 steps, doubling a slow refusal's time).
WIDE_STEPS = 30_000


class SearchExhausted(Exception):
    """The page's search took its SEARCH_STEPS without finding a tiling."""


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
    cost: Callable[[int, int, int], float]  # (item, span, the item's own rows: its module's less the separator) → cost
    kind: Callable[[int], str]  # story | briefs | digest
    cells: Callable[[int], tuple[int, int]] | None = None  # item → (fewest, most) grid cells it may fill
    # (item, span, the item's own rows: its module's less the separator) → (主题 size pt, first and
    # last-but-one row of its headline band from the module's top: below a photo that stands above
    # the headline, to the band's white rows)
    head: Callable[[int, int, int], tuple[float, int, int]] | None = None


class Tiler:
    """Tilings of a page's free regions by runs of its items, under one set of `Fits`.

    What fills a rectangle does not depend on where it stands — only on its size, whether its foot
    is the type area's, and which items fill it — so results are kept by those. One result serves
    every position and every item order that runs the same items, which is what keeps the search
    small; `forget` drops what a struck module size may have changed. A result is a cut tree (a
    module, or a cut across or down with a result on each side) with the story modules along its
    left and right edges, which is all a cut beside it needs to see 撞题; modules are made from the
    tree only for the tiling chosen."""

    def __init__(self, fits: Fits, count: int, columns: int, height: int, lead: int = 0,
                 fixed: tuple[Module, ...] = (), ways: int = WAYS):
        self.fits, self.columns, self.height, self.lead = fits, columns, height, lead
        self.ways = ways  # the ways to fill a rectangle kept, cheapest first (WAYS, WIDE_WAYS)
        # Ways the rules (撞题, the 头条 leads) turned down: with none, keeping the cheapest way alone
        # lost nothing, and a wider search would find no more.
        self.refused = 0
        self.fixed = fixed  # modules the desk pinned: the search tiles around them, and no 撞题 with them
        self.kinds = [fits.kind(i) for i in range(count)]
        # Items fill a rectangle exactly only if its cells lie between their fewest and most:
        # a necessary condition that spares the search every rectangle of the wrong size.
        # Asked for on the search's first use: a rebuild that keeps the last build's modules
        # (layout.compose.stable) needs no item's heights at every span.
        self._cells: list[tuple[int, float]] | None = None
        self.count = count
        self.memo: dict = {}
        self.own: dict = {}
        self.runs: dict = {}
        self.heads: dict = {}
        self.reaches: dict = {}
        self.mask = (1 << (height + 1)) - 1  # no rectangle is taller than the free area
        self.steps, self.budget = 0, SEARCH_STEPS

    @property
    def cells(self) -> list[tuple[int, float]]:
        """Each item's fewest and most grid cells (Fits.cells)."""
        if self._cells is None:
            fits = self.fits
            self._cells = [fits.cells(i) if fits.cells else (0, math.inf) for i in range(self.count)]
        return self._cells

    def forget(self, item: int, span: int, *rows: int) -> None:
        """Drop every result that uses a module size since struck (item `item`, `span` columns, any of
        `rows`). A result that does not use one is still the best (an option fewer cannot beat it), and
        one that found nothing still finds nothing, so only the results built on a struck module go."""
        leaves = {("m", item, span, r) for r in rows}
        used: dict[int, bool] = {}

        def uses(tree) -> bool:
            got = used.get(id(tree))
            if got is None:
                got = tree[:4] in leaves if tree[0] == "m" else uses(tree[-2]) or uses(tree[-1])
                used[id(tree)] = got
            return got

        self.memo = {k: v for k, v in self.memo.items() if not any(uses(way[1]) for way in v)}
        self.own = {k: v for k, v in self.own.items() if k[0] != item}
        self.reaches = {k: v for k, v in self.reaches.items() if item not in k[1]}

    def tile(self, regions: tuple[Rect, ...], items: tuple[int, ...], bottom: int
             ) -> tuple[float, list[Module]] | None:
        """The cheapest tiling of `regions` (in order) by `items` (in order) and its cost, or None.
        A module whose foot is not at row `bottom` is parted from what lies below it by a separator
        row. No two neighbouring stories' headlines stand side by side (撞题), and the 头条 leads."""
        count, most = len(items), self.ways
        # Regions k… filled by items i…, the last region taking every item left, each region one at least:
        # the `ways` cheapest, (cost, modules).
        todo: dict[tuple[int, int], list] = {(len(regions), count): [(0.0, ())]}
        for k in range(len(regions) - 1, -1, -1):
            g = regions[k]
            for i in range(count - 1, -1, -1):
                kept: list = []
                for j in ([count] if k == len(regions) - 1 else range(i + 1, count + 1)):
                    rests = todo.get((k + 1, j))
                    for here in self.fill(g.span, g.rows, g.row + g.rows == bottom, items[i:j]) if rests else ():
                        placed = None
                        for rest in rests:
                            if _beaten(kept, here[0] + rest[0], most):
                                break
                            placed = placed or tuple(_modules(here[1], g.col, g.row))
                            if _clashes(placed, rest[1] + self.fixed, self.kinds, self._head):  # side by side
                                self.refused += 1
                                continue
                            _keep(kept, (here[0] + rest[0], placed + rest[1]), most)
                todo[(k, i)] = kept
        for cost, modules in todo.get((0, 0), ()):
            if self.leads(modules + self.fixed):
                return cost, sorted(modules, key=lambda m: m.item)
            self.refused += 1
        return None

    def may_take(self, cuts: list[tuple[Rect, ...]], n: int, slots: tuple[int, ...]) -> bool:
        """Whether the page's items and `n` of the filler `slots` could fill the free area by their
        cell counts (the fewest and most grid cells each can fill): when they could not, a search
        with fillers is not worth its time."""
        cells = sum(g.span * g.rows for g in cuts[0])
        items = [i for i in range(len(self.kinds)) if i not in slots and i not in {m.item for m in self.fixed}]
        lo, hi = self._run_cells(tuple(items))
        more_lo, more_hi = self._run_cells(tuple(slots[:n]))
        return lo + more_lo <= cells <= hi + more_hi

    def leads(self, modules: tuple[Module, ...]) -> bool:
        """The 头条 (a story first on the page) has the widest story module and the largest headline
        (docs/page-layout.md §2: importance gives place and size)."""
        lead = self.lead
        own = next((m for m in modules if m.item == lead), None)
        if own is None or self.kinds[lead] != "story":
            return True
        size = self._head(lead, own.rect.span, own_rows(own))[0]
        return all(m.rect.span <= own.rect.span and self._head(m.item, m.rect.span, own_rows(m))[0] <= size
                   for m in modules if self.kinds[m.item] == "story")

    def fine(self, placed: tuple[Module, ...], m: Module) -> bool:
        """Whether module `m` may stand among the modules `placed` (and the pinned ones), themselves
        fine together: no 撞题 with them, and the 头条 still leads (only a story's module can break either)."""
        if self.kinds[m.item] != "story":
            return True
        others = placed + self.fixed
        if _clashes((m,), others, self.kinds, self._head):
            return False
        if m.item == self.lead:
            return self.leads(others + (m,))
        lead = next((x for x in others if x.item == self.lead), None)
        return lead is None or self.leads((lead, m))

    def fill(self, span: int, rows: int, foot: bool, items: tuple[int, ...]) -> tuple:
        """The cheapest ways (`ways` of them at most, each of its own outline) `items` fill a span × rows
        rectangle exactly (`foot`: its foot is the type area's, so what reaches it needs no separator),
        cheapest first: (cost, cut tree, left edge, right edge) each; () when there is none."""
        self.steps += 1
        if self.steps > self.budget:
            raise SearchExhausted
        key = (span, rows, foot, items)
        got = self.memo.get(key, False)
        if got is not False:
            return got
        lo, hi = self._run_cells(items)
        fits = lo <= span * rows <= hi and (self.reach(span, foot, items) >> rows) & 1
        got = self._ways(span, rows, foot, items) if fits else ()
        self.memo[key] = got
        return got

    def reach(self, span: int, foot: bool, items: tuple[int, ...]) -> int:
        """The heights at which `items` might fill a `span`-column rectangle exactly, as a bit set (bit
        r: r rows): each item's own heights, put together the ways `_ways` cuts — one run above
        the other (their rows add up) or beside it (both at the same rows). Only a necessary condition
        (撞题 and the 头条's checks come after), but worked out for every height at once, it spares
        the search each rectangle and each cut that nothing can fill: two in three of the rectangles
        the search used to work out, and nine in ten of the rectangles it asked for, were such."""
        return self._reach(foot, items)[span]

    def _reach(self, foot: bool, items: tuple[int, ...]) -> list[int]:
        """`reach` at every span (index: span, 0 … the page's columns), worked out together."""
        key = (foot, items)
        got = self.reaches.get(key)
        if got is not None:
            return got
        spans = range(1, self.columns + 1)
        got = [0] * (self.columns + 1)
        if len(items) == 1:
            for span in spans:
                bits = 0
                for rows in self._heights(items[0], span, not foot)[0]:
                    bits |= 1 << rows
                got[span] = bits & self.mask
        else:
            for k in range(1, len(items)):
                first, rest = items[:k], items[k:]
                tops, side, belows = self._reach(False, first), self._reach(foot, first), self._reach(foot, rest)
                for span in spans:
                    bits = bit_sums(tops[span], belows[span]) if tops[span] and belows[span] else 0
                    for w in range(1, span):
                        bits |= side[w] & belows[span - w]
                    got[span] |= bits & self.mask
        self.reaches[key] = got
        return got

    def _heights(self, item: int, span: int, separated: bool) -> tuple[list[int], frozenset[int]]:
        key = (item, span, separated)
        got = self.own.get(key)
        if got is None:
            rows = self.fits.heights(item, span, separated)
            got = self.own[key] = (rows, frozenset(rows))
        return got

    def _head(self, item: int, span: int, rows: int) -> tuple[float, int, int]:
        key = (item, span, rows)
        got = self.heads.get(key)
        if got is None:
            got = self.heads[key] = self.fits.head(item, span, rows) if self.fits.head else (1.0, 0, 1)
        return got

    def _ways(self, span: int, rows: int, foot: bool, items: tuple[int, ...]) -> tuple:
        """The cheapest guillotine cuts of the rectangle (of equal cost, the first found): the items split
        into a first run and the rest, the first run above the rest (across the full width) or beside
        it (down the full height, at the left or the right). See `fill`."""
        if len(items) == 1:
            item, sep = items[0], not foot
            if rows not in self._heights(item, span, sep)[1]:
                return ()
            edge = ((item, span, 0, rows, rows - SEPARATOR_ROWS if sep else rows),) if self.kinds[item] == "story" else ()
            return ((self._cost(item, span, rows, sep), ("m", item, span, rows, sep), edge, edge),)
        kept: list = []
        most, fill = self.ways, self.fill
        for k in range(1, len(items)):
            first, rest = items[:k], items[k:]
            # Each run fills its part only if the part's cells lie between the run's fewest and most:
            # cuts outside those are skipped here, before a call (most of the search's calls were such).
            lo_a, hi_a = self._run_cells(first)
            lo_b, hi_b = self._run_cells(rest)
            lefts, rights = self._reach(foot, first), self._reach(foot, rest)  # each run's heights by width
            tops, belows = self._reach(False, first)[span], rights[span]
            for h in self._cuts(span, rows, foot, first, rest):
                if not ((tops >> h) & 1 and (belows >> (rows - h)) & 1):
                    continue
                above = fill(span, h, False, first)
                for low in above and fill(span, rows - h, foot, rest):
                    for up in above:
                        cost = up[0] + low[0]
                        if _beaten(kept, cost, most):
                            break
                        _keep(kept, (cost, ("h", h, up[1], low[1]), up[2] + _lowered(low[2], h),
                                     up[3] + _lowered(low[3], h)), most, True)
            least = max(1, -(-lo_a // rows), span - _floor(hi_b, rows))
            widest = min(span - 1, _floor(hi_a, rows), span - -(-lo_b // rows))
            for w in range(least, widest + 1):
                if not ((lefts[w] >> rows) & 1 and (rights[span - w] >> rows) & 1):
                    continue
                sides = fill(w, rows, foot, first)
                for beside in sides and fill(span - w, rows, foot, rest):
                    for side in sides:
                        cost = side[0] + beside[0]
                        if _beaten(kept, cost, most):
                            break
                        if not self._edges_clash(side[3], beside[2]):  # the first run at the left
                            _keep(kept, (cost, ("v", w, True, side[1], beside[1]), side[2], beside[3]), most, True)
                        if not _beaten(kept, cost, most) and not self._edges_clash(beside[3], side[2]):  # … right
                            _keep(kept, (cost, ("v", span - w, False, side[1], beside[1]), beside[2], side[3]),
                                  most, True)
        return tuple(kept)

    def _edges_clash(self, left: tuple, right: tuple) -> bool:
        """撞题 across a vertical cut: a story along its left side and one along its right side whose
        modules face each other and whose headlines stand side by side."""
        for x in left:
            for y in right:
                if x[2] < y[2] + y[3] and y[2] < x[2] + x[3] and _heads_level(x, y, self._head):
                    self.refused += 1
                    return True
        return False

    def _cuts(self, span: int, rows: int, foot: bool, first: tuple[int, ...], rest: tuple[int, ...]) -> Iterator[int]:
        """Rows at which `first` may end, above `rest`: a single item's own heights, else whatever
        the cell counts of both runs allow."""
        if len(first) == 1:
            yield from (h for h in self._heights(first[0], span, True)[0] if h < rows)
            return
        if len(rest) == 1:
            yield from (rows - h for h in self._heights(rest[0], span, not foot)[0] if h < rows)
            return
        lo_a, hi_a = self._run_cells(first)
        lo_b, hi_b = self._run_cells(rest)
        lo = max(1, -(-lo_a // span), rows - hi_b // span if hi_b < math.inf else 1)
        hi = min(rows - 1, hi_a // span if hi_a < math.inf else rows - 1, rows - -(-lo_b // span))
        yield from range(lo, hi + 1)

    def _run_cells(self, run: tuple[int, ...]) -> tuple[int, float]:
        got = self.runs.get(run)
        if got is None:
            cells = self.cells
            got = self.runs[run] = (sum(cells[x][0] for x in run), sum(cells[x][1] for x in run))
        return got

    def _cost(self, item: int, span: int, rows: int, separated: bool) -> float:
        cost = self.fits.cost(item, span, rows - (SEPARATOR_ROWS if separated else 0))
        if item == self.lead:
            cost += HEAD_NARROW * (1 - span / self.columns) + HEAD_LOW * max(0.0, rows / self.height - HEAD_SHARE)
        if self.kinds[item] != "story" and span > 2:
            cost += BOX_WIDE * (span - 2)
        if self.kinds[item] == "story" and span == 1:
            cost += STORY_NARROW
        return cost


def _beaten(kept: list, cost: float, most: int) -> bool:
    """Whether a way of this cost cannot enter `kept` (the `most` cheapest, cheapest first)."""
    return len(kept) == most and cost >= kept[-1][0]


def _keep(kept: list, way: tuple, most: int, outline: bool = False) -> None:
    """Put `way` (cost first) into `kept`, the `most` cheapest ways, cheapest first and of equal cost
    the first found; with `outline`, one way per outline (its left and right edges), the cheapest."""
    if outline:
        same = next((n for n, w in enumerate(kept) if w[2] == way[2] and w[3] == way[3]), None)
        if same is not None:
            if kept[same][0] <= way[0]:
                return
            del kept[same]
    at = len(kept)
    while at and kept[at - 1][0] > way[0]:
        at -= 1
    kept.insert(at, way)
    del kept[most:]


def _lowered(edge: tuple, rows: int) -> tuple:
    return tuple((item, span, row + rows, n, own) for item, span, row, n, own in edge)


def _modules(tree: tuple, col: int, row: int) -> Iterator[Module]:
    """The modules of a cut tree whose rectangle's top-left corner is at (col, row)."""
    if tree[0] == "m":
        _, item, span, rows, sep = tree
        yield Module(item, Rect(col, span, row, rows), sep)
    elif tree[0] == "h":
        _, h, top, below = tree
        yield from _modules(top, col, row)
        yield from _modules(below, col, row + h)
    else:
        _, w, first_left, first, rest = tree
        yield from _modules(first, col if first_left else col + w, row)
        yield from _modules(rest, col + w if first_left else col, row)


def tile(regions: tuple[Rect, ...], count: int, fits: Fits, bottom: int, columns: int) -> list[Module] | None:
    """The cheapest tiling of `regions` by items 0…count-1 in that order (the 头条 first), or None."""
    height = max(g.row + g.rows for g in regions) - min(g.row for g in regions)
    got = Tiler(fits, count, columns, height).tile(regions, tuple(range(count)), bottom)
    return None if got is None else got[1]


def own_rows(m: Module) -> int:
    """The rows a module's item fills: its own, the separator under it left out."""
    return m.rect.rows - (SEPARATOR_ROWS if m.separated else 0)


def _heads_level(x: tuple, y: tuple, head) -> bool:
    """Two story modules (item, span, row, rows, the story's own rows — its module's less the
    separator) whose headline bands share a row (撞题, design rule zhuangti: whatever their sizes)."""
    _, ax, bx = head(x[0], x[1], x[4])
    _, ay, by = head(y[0], y[1], y[4])
    return x[2] + ax < y[2] + by and y[2] + ay < x[2] + bx


def _clashes(a, b, kinds, head) -> list[tuple[int, int]]:
    """Pairs of stories, one from `a` and one from `b`, whose modules touch across the gutter between
    them and whose headline bands share a row (docs/page-layout.md: 撞题 — headlines side by side at
    the same height in neighbouring modules; a 简讯 or 导读 box's title does not count)."""
    out = []
    for x in a:
        for y in b:
            if kinds[x.item] != "story" or kinds[y.item] != "story":
                continue
            rx, ry = x.rect, y.rect
            touching = rx.col + rx.span == ry.col or ry.col + ry.span == rx.col
            if not touching or rx.row >= ry.row + ry.rows or ry.row >= rx.row + rx.rows:
                continue
            if _heads_level((x.item, rx.span, rx.row, rx.rows, own_rows(x)),
                            (y.item, ry.span, ry.row, ry.rows, own_rows(y)), head):
                out.append((min(x.item, y.item), max(x.item, y.item)))
    return out


def collisions(modules: list[Module], kind: Callable[[int], str],
               head: Callable[[int, int, int], tuple[float, int, int]]) -> list[tuple[int, int]]:
    """Pairs of neighbouring story modules whose headlines collide (撞题), for the checks."""
    kinds = {m.item: kind(m.item) for m in modules}
    return sorted(set(_clashes(tuple(modules), tuple(modules), kinds, head)))


def holes(modules: list[Module], regions: tuple[Rect, ...]) -> int:
    """Grid cells of the regions no module covers (开天窗), and cells covered twice (as negative)."""
    want = {(c, r) for g in regions for c in range(g.col, g.col + g.span) for r in range(g.row, g.row + g.rows)}
    got: dict[tuple[int, int], int] = {}
    for m in modules:
        for c in range(m.rect.col, m.rect.col + m.rect.span):
            for r in range(m.rect.row, m.rect.row + m.rect.rows):
                got[(c, r)] = got.get((c, r), 0) + 1
    return len(want - set(got)) + sum(1 for v in got.values() if v > 1)


def bit_sums(a: int, b: int) -> int:
    """The bit set of every sum of a member of bit set `a` and one of `b`."""
    if a.bit_count() > b.bit_count():
        a, b = b, a
    out = 0
    while a:
        low = a & -a
        out |= b << (low.bit_length() - 1)
        a ^= low
    return out


def _floor(cells: float, rows: int) -> int:
    """The most columns `cells` grid cells fill at `rows` rows (no bound: more than any page has)."""
    return int(cells // rows) if cells < math.inf else 1 << 20


def orders(kinds: list[str], extra: tuple[int, ...] = (), skip: frozenset[int] = frozenset()) -> list[tuple[int, ...]]:
    """The item orders worth a tiling: the page's own, and each 简讯 / 导读 block moved to every other
    place after the first (stories keep their order of importance); with `extra` items (filler slots,
    numbered after the page's), each of them put in at every place after the first as well (a filler
    above a story lowers its headline out of its neighbour's rows). Items in `skip` (pinned by the
    desk) are in no order."""
    base = tuple(i for i in range(len(kinds)) if i not in skip)
    out = [base]
    for b in (i for i in base[1:] if kinds[i] != "story"):
        rest = tuple(i for i in base if i != b)
        for pos in range(1, len(base)):
            order = rest[:pos] + (b,) + rest[pos:]
            if order not in out:
                out.append(order)
    # A filler (补白) goes where a layout editor puts one: beside or under a box, or last on the page.
    for x in extra:
        out = list(dict.fromkeys(o[:pos] + (x,) + o[pos:] for o in out for pos in range(1, len(o) + 1)))
    return out
