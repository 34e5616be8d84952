"""Step 2 of setting a paragraph: where its lines break (total fit over the prepared sums).

Knuth–Plass style forward dynamic programme: every line costs a demerit (line_demerit), and the
paragraph's breaks are those of least total demerits. From each reachable start a only the ends b
between "fits with all its shrink" (a bisect on the narrowest-width sums) and "needs more than
`tol` expansion" are tried, so the work per character is a small constant. break_paragraph climbs
a ladder of tolerances and falls back to first fit when no rung works.

Decisions (docs/typography.md §2–3):
- No fitness classes: the sum of squared badness already evens adjustment across lines, and a
  fixed demerit on every expanded line keeps push-out the last resort and prefers solid lines.
- A 避头尾 violation, a break inside an over-long token and a 孤字 are allowed on the last rung
  only, at demerits above anything a legal line set costs, so they win only when nothing else fits.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from layout.text.cjk import BREAK_NEVER, BREAK_OK, BREAK_PROHIBITED, is_lonely_line
from layout.text.prepare import EPS, Prepared

if TYPE_CHECKING:
    from layout.text.options import ComposeOptions

INF = float("inf")
LINE_DEMERIT = 10.0  # Knuth–Plass line penalty: fewer lines when all else is equal
PROHIBITED_DEMERIT = 1e10  # a 避头尾 violation, only when nothing else fits
ORPHAN_DEMERIT = 1e9  # above any line the last rung admits ((10 + 100·4³)² ≈ 4e7)


class Breaks(NamedTuple):
    """Where a paragraph's lines end."""

    ends: list[int]  # ascending, the last is len(text): line i holds text[ends[i - 1]:ends[i]] (from 0)
    hanging: frozenset[int]  # the ends whose line's last mark (one of 、，。) hangs outside the measure


def line_demerit(ratio: float, surcharge: float = 0.0) -> float:
    """The demerit of one line set at adjustment `ratio` (≥ 0: the share of its shrink it gives
    up, or of its stretch at ratio 1 it takes), plus `surcharge` (the expansion demerit when the
    line is spread). Knuth–Plass: (line penalty + badness)², badness = 100·ratio³.

    The formula's one definition: ordinary lines, hanging lines and the last line all come here
    (the call costs the main loop less than the lines it no longer weighs, see _total_fit)."""
    return (LINE_DEMERIT + 100.0 * ratio * ratio * ratio) ** 2 + surcharge


SOLID_DEMERIT = line_demerit(0.0)  # a line that fits as it is


def set_demerit(diff: float, stretch: float, shrink: float, tol: float, surcharge: float) -> float | None:
    """The demerit of a line `diff` short of its measure (< 0: too long), with `stretch` and `shrink`
    to give, or None when it cannot be set at tolerance `tol`. The main loop of _total_fit weighs
    its lines inline (with prunes of its own); the hanging lines and break_to_count come here."""
    if diff > EPS:
        if stretch <= 0.0 or diff > tol * stretch + EPS:
            return None
        return line_demerit(diff / stretch, surcharge)
    if diff < -EPS:
        return None if shrink + diff < -EPS else line_demerit(-diff / shrink)
    return SOLID_DEMERIT


def break_paragraph(p: Prepared, measure: float, indent: float, opts: ComposeOptions) -> Breaks:
    """The paragraph's breaks, the last at len(p.text): total fit at the first tolerance that
    sets every line, the last rung also allowing what is otherwise forbidden; first fit if none does."""
    for rung, tol in enumerate(opts.tolerances):
        breaks = _total_fit(p, measure, indent, tol, rung == len(opts.tolerances) - 1, opts)
        if breaks is not None:
            return breaks
    return first_fit(p, measure, indent)


@dataclass(slots=True)
class _Pass:
    """One total-fit pass over a paragraph: its rules and the best lines found so far."""

    p: Prepared
    opts: ComposeOptions
    tol: float  # the most a line may be spread, as a ratio of its stretch
    last_resort: bool  # the ladder's last rung: 避头尾 violations, breaks inside over-long tokens, 孤字
    cost: list[float]  # least total demerits of a set of lines ending at offset b (INF: none found)
    prev: list[int]  # where the last of those lines starts
    hung: set[int]  # offsets whose best line ends with a hanging mark


def _total_fit(p: Prepared, measure: float, indent: float, tol: float, last_resort: bool,
               opts: ComposeOptions) -> Breaks | None:
    """Breaks of least total demerits, or None when no set of lines fits this tolerance."""
    n = len(p.text)
    fit = _Pass(p, opts, tol, last_resort, [INF] * (n + 1), [-1] * (n + 1), set())
    cost, prev, hung = fit.cost, fit.prev, fit.hung
    cost[0] = 0.0
    relax_last = _last_line_relaxation(fit)
    hangs = _hang_offsets(p) if opts.hanging else []
    relax_hanging = _hanging_relaxation(fit, hangs) if hangs else None
    reach = 1 if hangs else 0  # a hanging mark lets a line hold one more character
    # Locals: the loop over candidate ends is the hot spot of the whole composition.
    width, stretch = p.width_sum, p.stretch_sum
    width_at_end, shrink_at_end, stretch_at_end = p.width_sum_at_end, p.shrink_sum_at_end, p.stretch_sum_at_end
    width_at_start, shrink_at_start = p.width_sum_at_start, p.shrink_sum_at_start
    min_width, min_width_at_start = p.min_width_sum, p.min_width_sum_at_start
    kinds, forced = p.break_kinds, p.forced_breaks
    gain_max = p.end_width_gain_max  # bounds what a line end may add: the early stop below stays safe
    slack = p.end_min_width_drop_max + EPS  # … and what it may take off: the bisect below misses no line
    exp_dem = opts.expansion_demerits
    spread_floor = line_demerit(0.0, exp_dem)  # the least demerit of a spread line
    eps, solid, prohibited_dem, inf, demerit = EPS, SOLID_DEMERIT, PROHIBITED_DEMERIT, INF, line_demerit
    for a in range(n):
        ca = cost[a]
        if ca == inf:
            continue
        avail = measure if a else measure - indent
        wa = width_at_start[a]
        za = shrink_at_start[a]
        ga = stretch[a + 1]  # the gap before a line's first character does not stretch
        # The longest line from a that could fit pushed in as far as it goes.
        hi = bisect_right(min_width, min_width_at_start[a] + avail + slack, a + 1) + reach
        # A spread line from a is not weighed when even the least demerit it could have does not
        # beat what ends at b already (exact: rounded addition is monotone). Most spread lines
        # come after a better line to b; a pushed-in line is mostly the first offer, so it is not
        # worth the test.
        ca_spread = ca + spread_floor
        if hi >= n:  # a line from a can reach the paragraph's end
            hi = n - 1
            relax_last(a, ca, avail)
        for b in range(hi, a, -1):  # longest first
            k = kinds[b]
            if k and not (last_resort and (k == BREAK_PROHIBITED or b in forced)):
                continue
            diff = avail - (width_at_end[b] - wa)
            if diff > eps:  # short: spread
                st = stretch_at_end[b] - ga
                if diff > tol * st + eps:
                    # Shorter lines only get worse: stop once even the loosest bound fails.
                    if avail - (width[b] - wa + gain_max) > tol * (stretch[b] - ga) + eps:
                        break
                    continue
                if ca_spread >= cost[b]:
                    continue
                d = demerit(diff / st, exp_dem)
            elif diff < -eps:  # long: push in
                shrink = shrink_at_end[b] - za
                if shrink + diff < -eps:
                    continue
                d = demerit(-diff / shrink)
            else:
                d = solid
            if k:
                d += prohibited_dem
            c = ca + d
            if c < cost[b]:
                cost[b] = c
                prev[b] = a
                if hangs:
                    hung.discard(b)
        if hangs:
            relax_hanging(a, ca, avail, hi)
    if cost[n] == INF:
        return None
    return _trace(prev, hung, n)


def _last_line_relaxation(fit: _Pass) -> Callable[[int, float, float], None]:
    """relax(a, cost_a, avail): offer the paragraph's last line from a, `avail` em wide.

    It is ragged (as good as solid) unless it must be pushed in or `align_last` is "justify";
    a 孤字 is allowed on the last rung only. A closure over this pass's values, called for every
    start that can reach the paragraph's end.
    """
    p, opts, tol, last_resort, cost, prev = fit.p, fit.opts, fit.tol, fit.last_resort, fit.cost, fit.prev
    n = len(p.text)
    text = p.text
    width_n, shrink_n, stretch_n = p.width_sum[n], p.shrink_sum[n], p.stretch_sum[n]
    width_at_start, shrink_at_start, stretch = p.width_sum_at_start, p.shrink_sum_at_start, p.stretch_sum
    justify = opts.align_last == "justify"
    exp_dem = opts.expansion_demerits
    orphans = opts.avoid_orphans and n > 1

    def relax(a: int, ca: float, avail: float) -> None:
        diff = avail - (width_n - width_at_start[a])
        if diff < -EPS:
            shrink = shrink_n - shrink_at_start[a]
            if shrink + diff < -EPS:
                return
            d = line_demerit(-diff / shrink)
        elif justify and diff > EPS:
            st = stretch_n - stretch[a + 1]
            r = diff / st if st > 0.0 else INF
            if r <= tol:
                d = line_demerit(r, exp_dem)
            elif last_resort:
                d = PROHIBITED_DEMERIT
            else:
                return
        else:
            d = SOLID_DEMERIT
        if ca + d >= cost[n]:
            return  # no better than what ends there already (a 孤字 would only add to it)
        if orphans and a > 0 and is_lonely_line(text[a:]):
            if not last_resort:
                return
            d += ORPHAN_DEMERIT
        c = ca + d
        if c < cost[n]:
            cost[n] = c
            prev[n] = a

    return relax


def _hanging_relaxation(fit: _Pass, hangs: list[int]) -> Callable[[int, float, float, int], None]:
    """relax(a, cost_a, avail, hi): offer the lines from a that end with a hanging mark (at `hangs`).

    [clreq] #hanging_punctuation_marks_at_line_end: 、，。 after a Han or Latin character may sit
    outside the measure; the line before it is then measured without it, with no line-end
    correction (the mark takes its blank out with it). A closure over this pass's tables, like
    the last line's, so the main loop stays as it is when hanging is off.
    """
    p, tol, last_resort, cost, prev, hung = fit.p, fit.tol, fit.last_resort, fit.cost, fit.prev, fit.hung
    n = len(p.text)
    width, shrink_sum, stretch = p.width_sum, p.shrink_sum, p.stretch_sum
    width_at_start, shrink_at_start = p.width_sum_at_start, p.shrink_sum_at_start
    kinds = p.break_kinds
    exp_dem = fit.opts.expansion_demerits

    def relax(a: int, ca: float, avail: float, hi: int) -> None:
        wa, za, ga = width_at_start[a], shrink_at_start[a], stretch[a + 1]
        for b in hangs[bisect_left(hangs, a + 2) : bisect_right(hangs, min(hi + 1, n - 1))]:
            k = kinds[b]
            if k and not last_resort:
                continue
            d = set_demerit(avail - (width[b - 1] - wa), stretch[b - 1] - ga, shrink_sum[b - 1] - za, tol, exp_dem)
            if d is None:
                continue
            if k:
                d += PROHIBITED_DEMERIT
            c = ca + d
            if c < cost[b]:
                cost[b] = c
                prev[b] = a
                hung.add(b)

    return relax


def break_to_count(p: Prepared, measure: float, indent: float, opts: ComposeOptions, count: int) -> Breaks | None:
    """The breaks of least total demerits that make exactly `count` lines, or None (see break_to_counts)."""
    return break_to_counts(p, measure, indent, opts, (count,))[count]


def break_to_counts(p: Prepared, measure: float, indent: float, opts: ComposeOptions,
                    counts: tuple[int, ...]) -> dict[int, Breaks | None]:
    """For each of `counts`, the breaks of least total demerits that make exactly that many lines, or
    None; one dynamic programme serves them all (it finds every line count up to the largest).

    Knuth's looseness, for copyfit's last resort: a paragraph set one line shorter (more pushed in)
    or longer (more spread) than its best setting. Only what the first tolerance rung allows is
    taken — no 避头尾 violation, no break inside a token, no 孤字, no hanging — so the change is
    never visible as uneven spacing. A plain dynamic programme over (end, lines): it runs for a
    handful of paragraphs a page, never in the hot path.
    """
    n = len(p.text)
    out: dict[int, Breaks | None] = dict.fromkeys(counts)
    wanted = [c for c in counts if p.min_width_sum[n] <= c * measure - indent + EPS]  # else too much text
    if not wanted:
        return out
    count = max(wanted)
    tol = opts.tolerances[0]
    orphans = opts.avoid_orphans and n > 1
    best: list[dict[int, tuple[float, int]]] = [{} for _ in range(n + 1)]  # best[b][k]: (cost, start)
    best[0][0] = (0.0, -1)
    for a in range(n):
        if not best[a]:
            continue
        avail = measure if a else measure - indent
        hi = bisect_right(p.min_width_sum, p.min_width_sum_at_start[a] + avail + p.end_min_width_drop_max + EPS, a + 1)
        # Longest lines first: once a line is too loose to justify, every shorter one is too.
        for b in range(min(hi, n), a, -1):
            d = _line_cost(p, a, b, avail, tol, opts)
            if d is None:
                if b < n and _too_loose(p, a, b, avail, tol):
                    break
                continue
            if b == n and orphans and a > 0 and is_lonely_line(p.text[a:]):
                continue
            for k, (c, _) in best[a].items():
                if k < count and c + d < best[b].get(k + 1, (INF, 0))[0]:
                    best[b][k + 1] = (c + d, a)
    for c in wanted:
        if c not in best[n]:
            continue
        ends, b, k = [], n, c
        while b > 0:
            ends.append(b)
            b, k = best[b][k][1], k - 1
        ends.reverse()
        out[c] = Breaks(ends, frozenset())
    return out


def _too_loose(p: Prepared, a: int, b: int, avail: float, tol: float) -> bool:
    """Whether the line [a, b), not the paragraph's last, falls short of `avail` by more than its
    stretch allows at tolerance `tol` (true of every shorter line from `a` as well)."""
    diff = avail - (p.width_sum_at_end[b] - p.width_sum_at_start[a])
    st = p.stretch_sum_at_end[b] - p.stretch_sum[a + 1]
    return diff > EPS and (st <= 0.0 or diff > tol * st + EPS)


def _line_cost(p: Prepared, a: int, b: int, avail: float, tol: float, opts: ComposeOptions) -> float | None:
    """The demerit of the line [a, b) `avail` em wide at tolerance `tol` with no rule bent (the
    paragraph's last line ragged), or None when it cannot be set so."""
    n = len(p.text)
    if b < n and p.break_kinds[b]:
        return None
    last = b == n
    diff = avail - ((p.width_sum[n] if last else p.width_sum_at_end[b]) - p.width_sum_at_start[a])
    if last and diff > EPS and opts.align_last != "justify":
        return SOLID_DEMERIT  # the paragraph's last line stays ragged
    stretch = (p.stretch_sum[n] if last else p.stretch_sum_at_end[b]) - p.stretch_sum[a + 1]
    shrink = (p.shrink_sum[n] if last else p.shrink_sum_at_end[b]) - p.shrink_sum_at_start[a]
    return set_demerit(diff, stretch, shrink, tol, opts.expansion_demerits)


def _hang_offsets(p: Prepared) -> list[int]:
    """Sorted break offsets b where text[b-1] may hang: one of 、，。 right after a Han or Latin
    character, not at the paragraph's end."""
    cs, n = p.classes, len(p.text)
    return [m.end() for m in re.finditer("[、，。]", p.text) if 0 < m.start() and cs[m.start() - 1] in "HLZ" and m.end() < n]


def _trace(prev: list[int], hung: set[int], n: int) -> Breaks:
    """The breaks of the best path to n."""
    ends = []
    b = n
    while b > 0:
        ends.append(b)
        b = prev[b]
    ends.reverse()
    return Breaks(ends, frozenset(hung.intersection(ends)))


def first_fit(p: Prepared, measure: float, indent: float) -> Breaks:
    """Greedy fallback: the longest line that fits, preferring ordinary breaks, then 避头尾
    violations, then any break (inside a token); at least one character per line."""
    n = len(p.text)
    cs, kinds = p.classes, p.break_kinds
    W, Z = p.width_sum, p.shrink_sum
    WE, ZE, WS, ZS = p.width_sum_at_end, p.shrink_sum_at_end, p.width_sum_at_start, p.shrink_sum_at_start
    breaks: list[int] = []
    a = 0
    while a < n:
        avail = measure - indent if a == 0 else measure
        hi = min(n, bisect_right(p.min_width_sum, p.min_width_sum_at_start[a] + avail + p.end_min_width_drop_max + EPS,
                                 a + 1))
        fits = [b for b in range(a + 1, hi + 1)
                if (WE[b] if b < n else W[n]) - WS[a] - ((ZE[b] if b < n else Z[n]) - ZS[a]) <= avail + EPS]
        chosen = None
        if fits and fits[-1] == n:
            chosen = n
        else:
            for allowed in ((BREAK_OK,), (BREAK_OK, BREAK_PROHIBITED), (BREAK_OK, BREAK_PROHIBITED, BREAK_NEVER)):
                cands = [b for b in fits if kinds[b] in allowed and not (b < n and cs[b] == "S")]
                if cands:
                    chosen = cands[-1]
                    break
        if chosen is None:
            chosen = a + 1
            while chosen < n and cs[chosen] == "S":
                chosen += 1
        breaks.append(chosen)
        a = chosen
    return Breaks(breaks, frozenset())
