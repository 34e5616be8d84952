"""compose.exact: whether any arrangement of modules fills the free type area — the proof behind a refusal.

The page search (compose.modules) looks only where a layout editor looks: the items in their order of
importance, each rectangle cut once across or down. When it finds nothing, the refusal should say
whether nothing *could* be found: does any arrangement of rectangles at all, each of a size its item
may fill, tile the free area exactly and keep the hard design rules (no 撞题, the 头条 leads)? This
module asks it. It places modules one at a time at the highest, then leftmost, cell still empty — a
tiling always has a module whose top-left corner is there, the cells above and to its left being
filled — so it meets every tiling, guillotine or not, in any order, once. Necessary conditions prune
it: the cells left between what the items left fill at their fewest and most, and each column's
empty rows the height of some stack of them; failed states (the skyline, the items left, the modules
a later one may stand beside) are remembered.

When it runs out of arrangements, none exists and the refusal says so, proven: the page needs a cut
or a jump, not a better search. Past its budget of steps (EXACT_STEPS) the answer is unknown.

Rows here include the separator line as in compose.modules: a module whose foot is the type area's
foot fills the heights `heights(item, span, False)` gives, any other `heights(item, span, True)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from layout.compose.modules import Module, Rect, bit_sums

# The steps (a skyline visited, with the items left, pruned or not) one question may take, at about
# 40 µs each: at most some 0.2 s of a refusal. Measured 2026-12-07 on the 300 pages of the generated
# family: of the 17 refusals proven within 30,000 steps, 6 took at most 3,000, 12 at most 5,000 and
# 15 at most 10,000; past this the answer is unknown (the refusal then says only that the search
# found no page). Counted by states passing the pruning instead, a budget of 1,000 took 0.6 s on the
# speed bench's refusals.
EXACT_STEPS = 5_000


class Unknown(Exception):
    """The question took its budget without an answer, or the free area is one it cannot ask about."""


@dataclass(frozen=True)
class Area:
    """The free type area as the rows each column has free: column c is free from tops[c] to floors[c]
    (the area's foot `bottom` where nothing stands on it)."""

    tops: tuple[int, ...]
    floors: tuple[int, ...]
    bottom: int

    @staticmethod
    def of(regions: tuple[Rect, ...], columns: int, bottom: int) -> "Area":
        """The area the regions cover, when each column's free rows are one run (Unknown otherwise)."""
        rows: list[list[tuple[int, int]]] = [[] for _ in range(columns)]
        for g in regions:
            for c in range(g.col, g.col + g.span):
                rows[c].append((g.row, g.row + g.rows))
        tops, floors = [], []
        for c, runs in enumerate(rows):
            runs.sort()
            if not runs:
                tops.append(0), floors.append(0)
                continue
            for (_, end), (start, _) in zip(runs, runs[1:]):
                if start != end:
                    raise Unknown(f"column {c + 1} has free rows in two runs")
            tops.append(runs[0][0]), floors.append(runs[-1][1])
        return Area(tuple(tops), tuple(floors), bottom)

    @property
    def cells(self) -> int:
        return sum(f - t for t, f in zip(self.tops, self.floors))


def arrangements(area: Area, items: tuple[int, ...], optional: tuple[int, ...],
                 heights: Callable[[int, int, bool], list[int]], cells: Callable[[int], tuple[int, float]],
                 fine: Callable[[tuple[Module, ...], Module], bool] = lambda placed, m: True,
                 steps: int = EXACT_STEPS) -> Iterator[list[Module]]:
    """Every tiling of `area` by modules of all `items` and any of the `optional` ones (fillers), each
    of a size its item fills (`heights`: item, span, separated → module rows) and each `fine` beside
    the modules placed before it (the hard design rules: 撞题, the 头条 leads); the modules sorted by
    item. Raises Unknown past `steps` steps (skylines visited)."""
    visited = [0]
    columns = len(area.tops)
    options: dict[tuple[int, int, bool], tuple[int, ...]] = {}
    lo = {i: cells(i)[0] for i in items + optional}
    hi = {i: cells(i)[1] for i in items + optional}
    failed: set = set()

    def sizes(item: int, span: int, separated: bool) -> tuple[int, ...]:
        key = (item, span, separated)
        got = options.get(key)
        if got is None:
            got = options[key] = tuple(sorted(set(heights(item, span, separated))))
        return got

    stacks: dict[frozenset[int], int] = {}
    reaches: dict = {}
    tall: dict[int, int] = {}

    def column(item: int) -> int:
        """The rows `item` may take in one column, at any span, as a bit set."""
        got = tall.get(item)
        if got is None:
            got = 0
            for span in range(1, columns + 1):
                for separated in (True, False):
                    for rows in sizes(item, span, separated):
                        got |= 1 << rows
            tall[item] = got
        return got

    def stack(left: frozenset[int]) -> int:
        """The heights a stack of some of the items `left` makes (each once), as a bit set."""
        got = stacks.get(left)
        if got is None:
            got = 1
            for item in left:
                got |= bit_sums(got, column(item))
            stacks[left] = got
        return got

    def fits_cells(sky: tuple[int, ...], need: frozenset[int], extra: frozenset[int]) -> bool:
        """Necessary: the cells left lie between the fewest and most the items left fill, and each
        column's empty rows are the height of a stack of them (the items a column meets stand one above
        the other, each once)."""
        left = sum(f - s for s, f in zip(sky, area.floors))
        least, most, can = reach(need, extra)
        return least <= left <= most and all((can >> (f - s)) & 1 for s, f in zip(sky, area.floors))

    def reach(need: frozenset[int], extra: frozenset[int]) -> tuple[int, float, int]:
        key = (need, extra)
        got = reaches.get(key)
        if got is None:
            got = reaches[key] = (sum(lo[i] for i in need), sum(hi[i] for i in need | extra), stack(need | extra))
        return got

    def walk(sky: tuple[int, ...], need: frozenset[int], extra: frozenset[int], placed: tuple) -> Iterator[list]:
        visited[0] += 1
        if visited[0] > steps:
            raise Unknown(f"more than {steps:,} steps")
        open_ = [c for c in range(columns) if sky[c] < area.floors[c]]
        if not open_:
            if not need:
                yield sorted(placed, key=lambda m: m.item)
            return
        if not fits_cells(sky, need, extra):
            return
        # What the rest of the search depends on: the skyline, the items left, and — for `fine` — the
        # modules a later one may stand beside (those reaching below a neighbouring column's skyline)
        # and the first item's (the 头条's, which every story is measured against).
        key = (sky, need, extra, tuple(m for m in placed if m.item == lead or _exposed(m, sky)))
        if key in failed:
            return
        top = min(sky[c] for c in open_)
        col = next(c for c in open_ if sky[c] == top)
        widest = 0
        while col + widest < columns and sky[col + widest] == top and area.floors[col + widest] > top:
            widest += 1
        found = False
        for item in sorted(need) + sorted(extra):
            rest_need, rest_extra = need - {item}, extra - {item}
            for span in range(widest, 0, -1):
                floor = min(area.floors[col:col + span])
                for separated in (True, False):
                    for rows in sizes(item, span, separated):
                        foot = top + rows
                        if foot > floor or (foot == area.bottom) == separated:
                            continue
                        new = sky[:col] + (foot,) * span + sky[col + span:]
                        module = Module(item, Rect(col, span, top, rows), separated)
                        if not fine(placed, module):
                            continue
                        for got in walk(new, rest_need, rest_extra, placed + (module,)):
                            found = True
                            yield got
        if not found:
            failed.add(key)

    lead = items[0] if items else None
    yield from walk(area.tops, frozenset(items), frozenset(optional), ())


def _exposed(m: Module, sky: tuple[int, ...]) -> bool:
    """Whether a module still has empty cells beside it (a later module may stand at its side)."""
    foot = m.rect.row + m.rect.rows
    return any(0 <= c < len(sky) and sky[c] < foot for c in (m.rect.col - 1, m.rect.col + m.rect.span))
