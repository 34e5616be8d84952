"""Step 3 of setting a paragraph: one line's glyph positions.

A line [a, b) that the breaker chose (or a headline) is placed from the prepared arrays: each
glyph's advance less the blanks adjacent-mark compression removed, plus Han–Latin gaps; the marks
at its two edges get their blanks back or give them up (line_end_half, line_start_half); then it is
adjusted to its target width by reduction in clreq's order (push-in) or expansion (push-out), and
written out as columns: x positions and advances in pt.

Adjustments are sparse: blanks and Han–Latin gaps exist only at the line's `spots` (marks, spaces,
gaps), so they are kept in dicts by offset within the line; the per-gap `extra` (tracking,
expansion, condensing) is a list only when a line has any. Every mark with a removable blank is a
spot, so the dicts hold all non-zero values, in offset order: sums over them equal sums over the
dense rows.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import TYPE_CHECKING

from layout.text.prepare import EPS, HL_MAX_EM, HL_MIN_EM, Prepared

if TYPE_CHECKING:
    from layout.text.options import ComposeOptions

# [clreq] #procedures_for_inter-character_spacing_reduction, steps 2–7 by class letter
# (step 1, the line-end mark, and step 6, Han–Latin gaps, are positional).
_REDUCTION_STEP = {"S": 2, "M": 3, "O": 4, "C": 4, "P": 5, "T": 7}

# A line's columns: (characters, x positions in pt, advances in pt, right edge in pt, short), where
# short says it fell short of its target (nowhere to put the expansion).
SetSpan = tuple[str, tuple[float, ...], tuple[float, ...], float, bool]


@dataclass(slots=True)
class LineStyle:
    """What is the same for every line of one paragraph (or for one headline); not changed once
    made (not frozen only because a frozen __init__ costs a call per field)."""

    p: Prepared
    opts: ComposeOptions
    size: float  # pt per em
    edges: bool  # lines end at breaks: the marks at a line's edges follow line_end_half/line_start_half
    tracking: float = 0.0  # em added between characters (headlines)


def set_span(style: LineStyle, a: int, b: int, target: float | None, indent: float) -> SetSpan:
    """Place text[a:b] (trailing spaces dropped when b is a break) after `indent` em and adjust it
    to `target` em (None: its natural width)."""
    p = style.p
    text, cs, adv = p.text, p.classes, p.advance
    e = b
    if b < len(text):
        while e > a and cs[e - 1] == "S":
            e -= 1
    m = e - a
    if m == 0:
        return "", (), (), indent * style.size, False
    lo = bisect_right(p.adjustable, a - 1)
    hi = bisect_right(p.adjustable, e - 1)
    spots = [i - a for i in p.adjustable[lo:hi]]  # offsets within the line, ascending
    left: dict[int, float] = {}  # blank removed before glyph i
    right: dict[int, float] = {}  # blank removed after glyph i
    rem_l, rem_r = p.removed_left, p.removed_right
    for i in spots:
        left[i] = rem_l[a + i]
        right[i] = rem_r[a + i]
    gap_after: dict[int, float] = {}  # Han–Latin gap after glyph i
    if style.opts.han_latin_space_em > 0.0:
        gap_after = {i - 1: p.han_latin_gap[a + i] for i in spots if i and p.han_latin_gap[a + i]}
    start_cap = end_cap = None  # what the marks at the line's edges may still give up
    if style.edges:
        if spots and spots[0] == 0:
            start_cap = _line_start_mark(style, a, left)
        if e == b and b < len(text) and p.right_blank[e - 1] > 0.0:  # a mark (hence a spot) at a break
            end_cap = _line_end_mark(style, e, m - 1, right)
    extra: list[float] | None = None  # added after glyph i
    tracking = style.tracking
    if tracking:
        extra = [tracking] * m
        extra[-1] = 0.0
    width = (indent + sum(adv[a:e]) - sum(left.values()) - sum(right.values()) + sum(gap_after.values())
             + tracking * (m - 1))
    short = False
    if target is not None:
        diff = target - width
        if diff < -EPS:
            need = _push_in(style, a, spots, -diff, left, right, gap_after, start_cap, end_cap)
            if need > EPS and m > 1:
                # Nothing left to reduce (a headline set tighter than its marks allow): condense evenly.
                each = need / (m - 1)
                if extra is None:
                    extra = [0.0] * m
                for i in range(m - 1):
                    extra[i] -= each
        elif diff > EPS:
            extra, short = _push_out(style, a, e, spots, diff, gap_after, extra)
    return (text[a:e], *_columns(adv[a:e], indent, style.size, left, right, gap_after, extra), short)


def _line_start_mark(style: LineStyle, a: int, left: dict[int, float]) -> float:
    """The line's first glyph at a, a spot (a mark, most often): set its left blank in `left`, and
    return what it may still give up if the line must shrink.

    The blank compression took for the mark before it comes back (that mark is on the previous
    line); an opener's blank is then kept, removed or left shrinkable per `line_start_half`.
    """
    p, mode = style.p, style.opts.line_start_half
    cap = (p.left_blank[a] - left[0]) + left[0]
    left[0] = 0.0
    if p.classes[a] == "O" and p.left_blank[a] > 0.0:
        if mode == "always":
            left[0] += cap
            cap = 0.0
        elif mode == "never":
            cap = 0.0
    return cap


def _line_end_mark(style: LineStyle, e: int, j: int, right: dict[int, float]) -> float:
    """The line's last glyph j, a mark ending at a break e: set its right blank in `right`, and
    return what it may still give up if the line must shrink.

    The blank it lent to the next mark comes back; it is then kept, removed or left shrinkable
    per `line_end_half` (GB/T 15834 §5.1.10, see linebreak's module docstring).
    """
    p, mode = style.p, style.opts.line_end_half
    cap = (p.right_blank[e - 1] - right[j]) + right[j]
    right[j] = 0.0
    if mode == "always":
        right[j] += cap
        cap = 0.0
    elif mode == "never":
        cap = 0.0
    return cap


def _push_in(style: LineStyle, a: int, spots: list[int], need: float, left: dict[int, float],
             right: dict[int, float], gap_after: dict[int, float], start_cap: float | None,
             end_cap: float | None) -> float:
    """Reduce the line by `need` em in clreq's order, recording what goes in `left`, `right` and
    `gap_after`; returns what could not be taken (0 up to rounding when the marks sufficed).

    Each step takes from all its items in proportion to what each can give, so a step that is
    not used up shares the reduction evenly. `start_cap`/`end_cap` are what the edge marks may still
    give up (None: no mark there); the line-end mark goes first (step 1).
    """
    p, opts = style.p, style.opts
    cs, adv = p.classes, p.advance
    wmin = opts.word_space_min_em
    lcap = {i: p.left_blank[a + i] - left[i] for i in spots}
    rcap = {i: p.right_blank[a + i] - right[i] for i in spots}
    end_mark = -1
    if start_cap is not None:
        lcap[0] = start_cap
    if end_cap is not None:
        end_mark = spots[-1]
        rcap[end_mark] = end_cap
    steps: dict[int, list[tuple[str, int, float]]] = {}
    for i in spots:
        c = cs[a + i]
        if i == end_mark and rcap[i] > 0.0:
            steps.setdefault(1, []).append(("r", i, rcap[i]))
        elif c == "S":
            if adv[a + i] > wmin:
                steps.setdefault(2, []).append(("s", i, adv[a + i] - wmin))
        elif c in _REDUCTION_STEP and (c != "T" or opts.shrink_stops):
            st = _REDUCTION_STEP[c]
            if lcap[i] > 0.0:
                steps.setdefault(st, []).append(("l", i, lcap[i]))
            if rcap[i] > 0.0:
                steps.setdefault(st, []).append(("r", i, rcap[i]))
        if gap_after.get(i - 1, 0.0) > HL_MIN_EM:
            steps.setdefault(6, []).append(("g", i - 1, gap_after[i - 1] - HL_MIN_EM))
    for st in sorted(steps):
        items = steps[st]
        cap = sum(c for _, _, c in items)
        frac = min(1.0, need / cap)
        for what, i, c in items:
            amount = c * frac
            if what == "l":
                left[i] += amount
            elif what == "g":
                gap_after[i] -= amount
            else:  # a mark's blank, or a space giving up advance (it has no ink to place)
                right[i] += amount
        need -= cap * frac
        if need <= EPS:
            break
    return need


def _push_out(style: LineStyle, a: int, e: int, spots: list[int], remaining: float,
              gap_after: dict[int, float], extra: list[float] | None) -> tuple[list[float], bool]:
    """Spread the line by `remaining` em in clreq's order: (extra after each glyph, short), with
    Han–Latin gaps widened in `gap_after`; short when a single glyph has no gap to take it."""
    p, opts = style.p, style.opts
    cs, adv = p.classes, p.advance
    m = e - a
    if extra is None:
        extra = [0.0] * m
    # [clreq] expansion step 1: word spaces up to the maximum, equally.
    wmax = opts.word_space_max_em
    spaces = [i for i in spots if cs[a + i] == "S" and adv[a + i] < wmax]
    if spaces:
        cap = sum(wmax - adv[a + i] for i in spaces)
        frac = min(1.0, remaining / cap)
        for i in spaces:
            extra[i] += (wmax - adv[a + i]) * frac
        remaining -= cap * frac
    # Step 2: Han–Latin gaps up to ⅓ em.
    hls = [i for i, g_ in gap_after.items() if 0.0 < g_ < HL_MAX_EM]
    if remaining > EPS and hls:
        cap = sum(HL_MAX_EM - gap_after[i] for i in hls)
        frac = min(1.0, remaining / cap)
        for i in hls:
            gap_after[i] += (HL_MAX_EM - gap_after[i]) * frac
        remaining -= cap * frac
    # Step 3: equal inter-character spacing over the gaps that may take it.
    if remaining > EPS:
        if m > 1:
            go = p.may_stretch[a + 1 : e]
            count = sum(go)
            if count:
                each = remaining / count
                extra = [x_ + each * ok for x_, ok in zip(extra, go)]
                extra.append(0.0)
            else:  # only unbreakable units on the line: spread over every gap (均排)
                each = remaining / (m - 1)
                for i in range(m - 1):
                    extra[i] += each
        else:
            return extra, True
    return extra, False


def _columns(adv: tuple[float, ...], indent: float, size: float, left: dict[int, float], right: dict[int, float],
             gap_after: dict[int, float], extra: list[float] | None) -> tuple[tuple[float, ...], tuple[float, ...], float]:
    """(x positions, advances, right edge) in pt of glyphs with advances `adv` (em) after `indent`."""
    # What each glyph occupies: its advance less removed blanks, plus the expansion and the
    # Han–Latin gap after it. Written out only where something is non-zero; the sum
    # w − l − r + x + g equals w + x exactly when l, r and g are 0.
    occupied = list(adv) if extra is None else list(map(add, adv, extra))
    for i in (left.keys() | gap_after.keys()) if gap_after else left:  # right has left's keys
        l_, r_, g_ = left.get(i, 0.0), right.get(i, 0.0), gap_after.get(i, 0.0)
        if l_ or r_ or g_:
            occupied[i] = adv[i] - l_ - r_ + (0.0 if extra is None else extra[i]) + g_
    pens = list(accumulate(occupied, initial=indent))
    xs = [x * size for x in pens]
    width_pt = xs.pop()
    # A removed left blank moves the glyph origin left (spaces never have one).
    for i, l_ in left.items():
        if l_:
            xs[i] = (pens[i] - l_) * size
    return tuple(xs), tuple([w * size for w in occupied]), width_pt
