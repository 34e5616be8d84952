"""Heights: a plan's levers (each tier's frame rows, the sidebar's padding, the white rows above
subheads, the lines loosened paragraphs gain or lose) and the exact heights that leave the text its
rows. Text capacity is linear in the levers, so a small depth-first search with reachability bitsets
finds the exact fills, cheapest first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from layout.compose import score
from layout.compose.flow import Subhead
from layout.compose.problem import SPACER_ROWS, Heights, Plan, Problem, Side, Tier
from layout.compose.tiers import caption_rows, tier_ranges


@dataclass(frozen=True)
class Lever:
    """One height the search may set: each unit of it takes `coef` rows of text away; `values` maps
    each allowed value to its cost. In each of the columns `cols` it stacks `unit_rows` rows per unit
    on top of `const_rows` (captions, white lines, the sidebar's own rows)."""

    coef: int
    values: dict[int, float]
    cols: tuple[int, ...] = ()
    unit_rows: int = 0
    const_rows: int = 0

    @cached_property
    def low(self) -> int:
        return min(self.values)

    @cached_property
    def high(self) -> int:
        return max(self.values)

    @cached_property
    def cheapest(self) -> float:
        return min(self.values.values())


@dataclass(frozen=True)
class Levers:
    """A plan's levers in solving order — the tiers' (top to foot), the sidebar padding, the subhead
    white rows — and the text rows the plan leaves with every lever at 0."""

    tiers: tuple[Lever, ...]
    pad: Lever
    flex: Lever
    base: int
    shape: tuple[int, ...]  # levers per tier, to turn a solution back into Heights
    # Lines loosened paragraphs add (value − down: the lever's values are shifted to be ≥ 0, like the
    # others, so that one bitset shift per value still works).
    loose: Lever = Lever(1, {0: 0.0})
    down: int = 0

    def heights(self, values: list[int]) -> Heights:
        out, k = [], 0
        for n in self.shape:
            out.append(tuple(values[k:k + n]))
            k += n
        return Heights(tuple(out), values[k], values[k + 1], values[k + 2] - self.down)


def tier_levers(p: Problem, tier: Tier, lead: bool) -> tuple[tuple[Lever, ...], int] | None:
    """A tier's levers and the column-rows it takes at heights 0 (captions, white lines); None when
    it cannot frame its photos. Worked out once per tier."""
    return p.once(("levers", tier, lead), lambda: _tier_levers(p, tier, lead))


def _tier_levers(p: Problem, tier: Tier, lead: bool) -> tuple[tuple[Lever, ...], int] | None:
    ranges = tier_ranges(p, tier, lead)
    if ranges is None:
        return None
    if tier.ragged:
        out, area = [], 0
        for i, col, s, rg in zip(tier.photos, tier.cols, tier.spans, ranges):
            const = p.photos[i].caption_rows[s] + SPACER_ROWS
            out.append(Lever(s, rg, tuple(range(col, col + s)), 1, const))
            area += s * const
        return tuple(out), area
    cols = tuple(sorted({c for col, s in zip(tier.cols, tier.spans) for c in range(col, col + s)}))
    const = sum(caption_rows(p, tier)) + SPACER_ROWS * tier.height
    return (Lever(tier.width * tier.height, ranges[0], cols, tier.height, const),), tier.width * const


def levers(p: Problem, plan: Plan) -> Levers | None:
    """The plan's levers, or None when some tier cannot frame its photos within the crop bound.

    Text capacity is linear: base − Σ lever.coef × value (a white row above a subhead adds a row to
    the text instead)."""
    tiers, shape = [], []
    base = p.columns * p.body_rows - sum(c.rows * c.span for c in p.fixed)
    for k, tier in enumerate(plan.tiers):
        got = tier_levers(p, tier, lead=k == 0 and bool(plan.top))
        if got is None:
            return None
        shape.append(len(got[0]))
        tiers += got[0]
        base -= got[1]
    pad, box = side_lever(p, plan.side)
    base -= box
    down, loose = loose_lever(p)
    return Levers(tuple(tiers), pad, flex_lever(p), base, tuple(shape), loose, down)


def side_lever(p: Problem, side: Side | None) -> tuple[Lever, int]:
    """The sidebar's padding lever and the column-rows its box takes at padding 0. Once per place."""
    return p.once(("side-lever", side), lambda: _side_lever(p, side))


def _side_lever(p: Problem, side: Side | None) -> tuple[Lever, int]:
    if side is None:
        return Lever(1, {0: 0.0}), 0
    box = p.sidebar.rows[side.width] + SPACER_ROWS
    first = 0 if side.edge == "left" else p.columns - side.width
    pad = Lever(side.width, {k: score.pad_cost(k) for k in range(p.sidebar.max_pad + 1)},
                tuple(range(first, first + side.width)), 1, box)
    return pad, side.width * box


def flex_lever(p: Problem) -> Lever:
    """White rows above subheads (once per problem)."""
    return p.once(("flex-lever",), lambda: Lever(1, {k: score.flex_cost(k)
                                                     for k in range(subheads(p) * p.limits.subhead_extra_rows + 1)}))


def loose_lever(p: Problem) -> tuple[int, Lever]:
    """The loosening lever: d lines gained (d > 0) or lost (d < 0) cost the d cheapest paragraphs
    that can; values shifted by the most lines the body can lose. Worked out once per problem."""
    return p.once(("loose", p.loose), lambda: _loose_lever(p))


def _loose_lever(p: Problem) -> tuple[int, Lever]:
    costs = {-1: [c for _, d, c in p.loose if d < 0], 1: [c for _, d, c in p.loose if d > 0]}
    down = len(costs[-1])
    values = {down: 0.0}
    for sign, cs in costs.items():
        total = 0.0
        for k, c in enumerate(sorted(cs), 1):
            total += c
            values[down + sign * k] = total
    return down, Lever(1, values)


LOOSE_CHOICES = 4  # sets of paragraphs tried for one number of loosened lines (where a line moves decides 背题)


def loosened(p: Problem, d: int) -> Iterator[tuple[tuple, tuple[tuple[int, int], ...], float]]:
    """The stream with |d| paragraphs set a line longer (d > 0) or shorter: the cheapest that can,
    then the same with one of them swapped for the next cheapest that can — the line gained or lost
    moves through the columns, which changes where subheads fall. Each with which paragraphs they
    are and what the set costs beyond the cheapest (the lever counted the cheapest)."""
    if not d:
        yield p.stream, (), 0.0
        return
    sign = 1 if d > 0 else -1
    ranked = sorted((c, i) for i, delta, c in p.loose if delta == sign)
    n = abs(d)
    sets = [ranked[:n]] + [ranked[:n - 1] + [extra] for extra in ranked[n:n + LOOSE_CHOICES - 1]]
    least = sum(c for c, _ in ranked[:n])
    for chosen in sets:
        picks = tuple(sorted((i, sign) for _, i in chosen))
        stream = list(p.stream)
        for i, delta in picks:
            stream[i] = replace(stream[i], lines=stream[i].lines + delta)
        yield tuple(stream), picks, sum(c for c, _ in chosen) - least


def subheads(p: Problem) -> int:
    return sum(1 for piece in p.stream if isinstance(piece, Subhead))


def capacity_span(lv: Levers) -> tuple[int, int]:
    """The least and most rows (text plus subhead white rows) the plan can hold."""
    most = lv.base - sum(x.coef * x.low for x in lv.tiers)
    least = lv.base - sum(x.coef * x.high for x in lv.tiers) - lv.pad.coef * lv.pad.high
    return least, most


def text_span(lv: Levers, need: int) -> tuple[int, int]:
    """The least and most rows the text itself may take: its lines less or more what loosening can
    change, plus the white rows subheads may gain."""
    return need - lv.down, need + lv.loose.high - lv.down + lv.flex.high


def _reach(levers_: tuple[Lever, ...], target: int) -> list[int]:
    """suffix[k]: bit t set when the levers from k on can take exactly t rows (t ≤ target)."""
    mask = (1 << (target + 1)) - 1
    suffix = [0] * (len(levers_) + 1)
    suffix[-1] = 1
    for k in range(len(levers_) - 1, -1, -1):
        x, bits = levers_[k], 0
        for v in x.values:
            bits |= suffix[k + 1] << (x.coef * v)
        suffix[k] = bits & mask
    return suffix


LOOSE_TRIES = 4  # numbers of loosened lines tried per plan, the cheapest the other levers can make up


def exact_heights(p: Problem, lv: Levers, need: int, keep: int = 24, budget: int = 3000,
                  spent: list[int] | None = None) -> list[tuple[float, Heights]]:
    """Heights that leave exactly `need` rows of text and stack no column past the area's foot,
    cheapest first.

    For each number of lines loosening may gain or lose, cheapest first, a depth-first search over
    the other levers in order (the lead tier first), each lever's values cheapest first. Two prunes
    keep it small: reachability bitsets say whether the levers still to set can make up the rest of
    the total exactly (one shift), and each column's stack so far plus the least the levers still to
    set add to it must stay within the area. Every value of the first lever gets its own share of the
    node budget, so the solutions vary in the lead photo's height; each number of loosened lines has
    a budget of its own, so a plan that fits only with a line more or less is still found."""
    levers_ = lv.tiers + (lv.pad, lv.flex)
    targets = {v: lv.base - need + lv.down - v for v in lv.loose.values}  # what the other levers take, v − down loosened
    top = max(targets.values())
    if top < 0:
        return []
    suffix = _reach(levers_, top)
    # The numbers of loosened lines the other levers can make up exactly, cheapest first.
    tries = [v for v in sorted(lv.loose.values, key=lv.loose.values.get)
             if targets[v] >= 0 and suffix[0] >> targets[v] & 1][:LOOSE_TRIES]
    n, height, run = len(levers_), p.body_rows, p.limits.min_run
    stack0 = [0] * p.columns  # every column's constant rows: fixed blocks, captions, white lines
    for c in p.fixed:
        for col in range(c.col, c.col + c.span):
            stack0[col] += c.rows
    least = [[0] * p.columns for _ in range(n + 1)]  # least[k][c]: the least levers k… add to column c
    for k in range(n - 1, -1, -1):
        x = levers_[k]
        least[k] = least[k + 1][:]
        for c in x.cols:
            stack0[c] += x.const_rows
            least[k][c] += x.unit_rows * min(x.values)
    order = [sorted(x.values, key=x.values.get) for x in levers_]
    # The photos' frames take at most the photo-share of the area (design rule photo-share): the
    # tier levers come first, and each unit of one is `coef` column-rows of frame.
    tiers_n = len(lv.tiers)
    art_cap = p.limits.photo_share * p.columns * p.rows
    least_art = [0] * (n + 1)
    for k in range(min(tiers_n, n) - 1, -1, -1):
        least_art[k] = least_art[k + 1] + levers_[k].coef * levers_[k].low
    out: list[tuple[float, list[int]]] = []
    nodes = [0, 0]  # nodes used, node cap of the current branch

    def dfs(k: int, left: int, stack: list[int], chosen: list[int], cost: float, art: int) -> bool:
        if k == n:
            if all(s == height or s <= height - run for s in stack):
                out.append((cost, chosen))
                return True
            return False
        x = levers_[k]
        for v in order[k]:
            if nodes[0] >= nodes[1]:
                return False
            nodes[0] += 1
            rem = left - x.coef * v
            if rem < 0 or not suffix[k + 1] >> rem & 1:
                continue
            more = art + x.coef * v if k < tiers_n else art
            if more + least_art[k + 1] > art_cap:
                continue
            new = stack
            if x.unit_rows:
                new = stack[:]
                for c in x.cols:
                    new[c] += x.unit_rows * v
                if any(new[c] + least[k + 1][c] > height for c in x.cols):
                    continue
            if dfs(k + 1, rem, new, chosen + [v], cost + x.values[v], more):
                return True  # the cheapest completion for this branch; the next value of lever 0 is another
        return False

    first = levers_[0]
    share = max(150, budget // max(1, len(first.values)))
    for loose in tries:
        target = targets[loose]
        found, ceiling = len(out), nodes[0] + budget
        for v0 in order[0]:
            if len(out) - found >= keep or nodes[0] >= ceiling:
                break
            rem = target - first.coef * v0
            if rem < 0 or not suffix[1] >> rem & 1:
                continue
            art = first.coef * v0 if tiers_n else 0
            if art + least_art[1] > art_cap:
                continue
            stack = stack0[:]
            for c in first.cols:
                stack[c] += first.unit_rows * v0
            if any(stack[c] + least[1][c] > height for c in range(p.columns)):
                continue
            nodes[1] = min(ceiling, nodes[0] + share)
            dfs(1, rem, stack, [v0], first.values[v0] + lv.loose.values[loose], art)
        for k in range(found, len(out)):
            out[k] = (out[k][0], out[k][1] + [loose])
    if spent is not None:
        spent[0] += nodes[0]
    best = sorted(out, key=lambda c: c[0])[:keep]
    return [(c, lv.heights(ch)) for c, ch in best]
