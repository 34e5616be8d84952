"""Paragraph → justified lines of positioned glyphs (total-fit breaking over font metrics).

Pipeline per paragraph, all in em until the last step:
  1. per-character arrays: class, advance, removable punctuation blanks, adjacent-mark compression
     (cjk.pair_compression), Han–Latin gaps, shrink and stretch capacities, break kinds;
  2. prefix sums of those, so any candidate line [a, b) is measured in O(1), with corrections at
     its two edges (a mark at a line edge gets its compressed blank back, trailing spaces drop);
  3. total-fit breaking (Knuth–Plass style forward dynamic programme) over a bounded window of
     candidate ends per start, with a tolerance ladder and a first-fit fallback;
  4. per chosen line: reduction in clreq's order (push-in) or expansion (push-out), then
     PlacedGlyphs in pt.

Decisions (see docs/typography.md §2–3):
- Line-end closing mark (GB/T 15834 §5.1.10 "shall be half width"): default `line_end_half="auto"`
  — the mark's blank half is the first thing removed when the line must shrink, but a line that
  fits solid keeps it, so columns stay on the character grid (纵横对齐, clreq #main_elements…);
  `"always"` follows §5.1.10 literally, `"never"` keeps marks full width.
- Line-start opening mark (clreq #h-compression_of_punctuation_marks_at_line_start, "may"):
  same three settings, default "auto" (its blank is shrinkable with bracket priority).
- No fitness classes: the sum of squared badness already evens adjustment across lines, and a
  fixed demerit on every expanded line keeps push-out the last resort and prefers solid lines.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

from layout.text import cjk
from layout.text.cjk import (
    BREAK_NEVER,
    BREAK_OK,
    BREAK_PROHIBITED,
    CLOSE,
    CONNECTOR,
    HAN,
    LATIN,
    LONG,
    MIDDLE,
    OPEN,
    PAUSE,
    SPACE,
    STOP,
)

_EPS = 1e-9
_INF = float("inf")
_HL_MIN_EM = 0.125  # [clreq] reduction step 6: Han–Latin gap down to ⅛ em
_HL_MAX_EM = 1.0 / 3.0  # [clreq] expansion step 2: "practically ≤ ⅓ em"
_LINE_DEMERIT = 10.0  # Knuth–Plass line penalty: fewer lines when all else is equal
_PROHIBITED_DEMERIT = 1e7  # a 避头尾 violation, only when nothing else fits
_ORPHAN_DEMERIT = 1e6


class Metrics(Protocol):
    def advance_em(self, ch: str) -> float: ...

    def halt_em(self, ch: str) -> tuple[float, float] | None: ...


@dataclass(frozen=True)
class ComposeOptions:
    indent_em: float = 2.0  # first-line indent, every paragraph ([clreq] #first_line_indents)
    han_latin_space_em: float = 0.0  # newspapers: none; 0.25 as an option ([clreq] mixed text)
    hanging: bool = False  # hang 、，。 outside the measure ([clreq] #hanging_punctuation…)
    strictness: str = "strict"  # "basic" | "gb" | "strict"
    align_last: str = "start"  # "start" | "center" | "justify"
    line_end_half: str = "auto"  # "auto" | "always" | "never" (module docstring)
    line_start_half: str = "auto"  # "auto" | "always" | "never"
    shrink_stops: bool = True  # [clreq] reduction step 7: 。？！ may go down to ½ em
    word_space_min_em: float = 0.25  # [clreq] reduction step 2
    word_space_max_em: float = 0.5  # [clreq] expansion step 1
    stretch_unit_em: float = 0.125  # inter-character expansion per gap counted as adjustment ratio 1
    tolerances: tuple[float, ...] = (1.0, 2.0, 4.0)  # ladder of maximum expansion ratios
    expansion_demerits: float = 20000.0  # > worst feasible shrink line: push-in before push-out
    avoid_orphans: bool = True  # no single Han character (± punctuation) alone on the last line


@dataclass(frozen=True, slots=True)
class PlacedGlyph:
    ch: str  # exactly one input character
    x_pt: float  # glyph origin from the line's left edge (placement adjustments applied)
    advance_pt: float  # width it occupies in this line, including the expansion after it


@dataclass(frozen=True)
class Line:
    glyphs: tuple[PlacedGlyph, ...]
    start: int  # [start, end) offsets into the paragraph text (dropped spaces included)
    end: int
    width_pt: float  # right edge of the set material from the left edge; == measure when justified
    last: bool  # paragraph's last line


@dataclass(frozen=True)
class TextFinding:
    code: str  # "prohibited-start" | "prohibited-end" | "forced-break" | "orphan" | "overlong-token" | "underfull"
    offset: int  # char offset in the paragraph
    message: str


@dataclass(frozen=True)
class ParagraphSetting:
    lines: tuple[Line, ...]
    findings: tuple[TextFinding, ...]


# ---------------------------------------------------------------------------------------------
# 1–2. Per-character arrays and prefix sums
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Prep:
    """Everything the breaker needs about one paragraph, in em. Lists are never mutated."""

    text: str
    cls: list[int]
    adv: list[float]
    lb: list[float]  # removable left blank (full-width marks only)
    rb: list[float]  # removable right blank
    rem_l: list[float]  # left blank removed by adjacent-mark compression
    rem_r: list[float]
    hl: list[float]  # Han–Latin gap before char i
    kinds: list[int]  # break kind at offset i (between i-1 and i)
    forced: frozenset[int]  # offsets inside over-long tokens, where a break is allowed as last resort
    gap_ok: list[bool]  # may expansion go into the gap before char i?
    W: list[float]  # prefix sums of in-line width
    Z: list[float]  # prefix sums of in-line shrink
    F: list[float]  # prefix sums of minimum width (W − Z)
    G: list[float]  # prefix sums of gap stretch (gap before i counted at i)
    ew: list[float]  # width correction when a line ends at offset b
    ez: list[float]
    eg: list[float]
    sw: list[float]  # width correction when a line starts at offset a
    sz: list[float]
    ew_max: float
    fslack: float


def _prepare(text: str, metrics: Metrics, opts: ComposeOptions, measure_em: float | None, edges: bool = True) -> _Prep:
    n = len(text)
    cls = [cjk.char_class(c) for c in text]
    adv_of: dict[str, float] = {}
    blanks_of: dict[str, tuple[float, float]] = {}
    punct = cjk.CJK_PUNCT_CLASSES
    for c, k in zip(text, cls):
        if c in adv_of:
            continue
        a = float(metrics.advance_em(c))
        adv_of[c] = a
        lb_c = rb_c = 0.0
        if k in punct and a >= 0.75:  # only full-width forms have a blank half to give up
            halt = metrics.halt_em(c)
            xp, xa = halt if halt is not None else cjk.HALT_FALLBACK_EM[k]
            lb_c, rb_c = max(0.0, -xp), max(0.0, xp - xa)
        blanks_of[c] = (lb_c, rb_c)
    adv = [adv_of[c] for c in text]
    lb = [blanks_of[c][0] for c in text]
    rb = [blanks_of[c][1] for c in text]
    rem_l, rem_r = cjk.pair_compression(text, cls, lb, rb)
    kinds = cjk.break_kinds(text, cls, opts.strictness)

    hl = [0.0] * n
    if opts.han_latin_space_em > 0.0:
        for i in range(1, n):
            p, q = cls[i - 1], cls[i]
            if (p == HAN and q == LATIN and cjk.is_han(text[i - 1])) or (p == LATIN and q == HAN and cjk.is_han(text[i])):
                hl[i] = opts.han_latin_space_em

    # Expansion never goes inside an unbreakable unit, next to a connector or solidus, or between
    # two compressed marks ([clreq] #procedures_for_inter-character_space_expansion).
    unit = opts.stretch_unit_em
    gap_ok = [False] * (n + 1)
    g = [0.0] * n
    for i in range(1, n):
        p, q = cls[i - 1], cls[i]
        if (kinds[i] == BREAK_NEVER and q != SPACE) or p == CONNECTOR or q == CONNECTOR:
            continue
        if p in punct and q in punct:
            continue
        gap_ok[i] = True
        s = unit
        if q == SPACE:
            s += max(0.0, opts.word_space_max_em - adv[i])
        if hl[i] > 0.0:
            s += max(0.0, _HL_MAX_EM - hl[i])
        g[i] = s

    shrink_stop = opts.shrink_stops
    wmin = opts.word_space_min_em
    w = [0.0] * n
    z = [0.0] * n
    for i in range(n):
        k = cls[i]
        w[i] = adv[i] - rem_l[i] - rem_r[i] + hl[i]
        s = lb[i] - rem_l[i]
        if k != STOP or shrink_stop:
            s += rb[i] - rem_r[i]
        if k == SPACE and adv[i] > wmin:
            s += adv[i] - wmin
        if hl[i] > _HL_MIN_EM:
            s += hl[i] - _HL_MIN_EM
        z[i] = s

    # Over-long tokens: a unit wider than the measure may be broken inside, reported.
    forced: set[int] = set()
    if measure_em is not None:
        i = 0
        while i < n:
            j = i + 1
            while j < n and kinds[j] == BREAK_NEVER and cls[j] != SPACE:
                j += 1
            if j - i > 1 and sum(w[i:j]) > measure_em + _EPS:
                forced.update(range(i + 1, j))
            i = j

    W = [0.0, *accumulate(w)]
    Z = [0.0, *accumulate(z)]
    F = [0.0, *accumulate(x - y for x, y in zip(w, z))]
    G = [0.0, *accumulate(g)]

    ew = [0.0] * (n + 1)
    ez = [0.0] * (n + 1)
    eg = [0.0] * (n + 1)
    sw = [0.0] * (n + 1)
    sz = [0.0] * (n + 1)
    if edges:
        end_mode, start_mode = opts.line_end_half, opts.line_start_half
        for b in range(1, n):
            e = b
            while e > 0 and cls[e - 1] == SPACE:
                e -= 1
            if e < b:  # trailing spaces are dropped at the break
                ew[b] = -(W[b] - W[e])
                ez[b] = -(Z[b] - Z[e])
                eg[b] = -(G[b] - G[e])
                continue
            last = b - 1
            r_full = rb[last]
            if r_full <= 0.0:
                continue
            shrinkable = cls[last] != STOP or shrink_stop
            ew[b] = rem_r[last]  # the blank lent to the next mark comes back at line end
            ez[b] = rem_r[last] if shrinkable else 0.0
            if end_mode == "always":
                ew[b] -= r_full
                ez[b] -= r_full if shrinkable else 0.0
            elif end_mode == "auto":
                ez[b] += 0.0 if shrinkable else r_full
            elif shrinkable:  # "never"
                ez[b] -= r_full
        for a in range(n):
            sw[a] = rem_l[a] - hl[a]
            sz[a] = rem_l[a] - max(0.0, hl[a] - _HL_MIN_EM)
            if lb[a] > 0.0 and cls[a] == OPEN:
                if start_mode == "always":
                    sw[a] -= lb[a]
                    sz[a] -= lb[a]
                elif start_mode == "never":
                    sz[a] -= lb[a]
    ew_max = max(ew) if ew else 0.0
    fslack = max([0.0] + [(z_ - w_) for w_, z_ in zip(ew, ez)])
    return _Prep(text, cls, adv, lb, rb, rem_l, rem_r, hl, kinds, frozenset(forced), gap_ok,
                 W, Z, F, G, ew, ez, eg, sw, sz, ew_max, fslack)


# ---------------------------------------------------------------------------------------------
# 3. Breaking
# ---------------------------------------------------------------------------------------------
def _orphan(p: _Prep, a: int) -> bool:
    """Last line [a, n) holds one Han character and otherwise only punctuation/spaces (孤字)."""
    han = 0
    for i in range(a, len(p.text)):
        k = p.cls[i]
        if k == HAN or k == cjk.OTHER:
            han += 1
            if han > 1:
                return False
        elif k == LATIN:
            return False
    return han == 1


def _total_fit(p: _Prep, measure: float, indent: float, tol: float, last_resort: bool, opts: ComposeOptions) -> list[int] | None:
    """Breaks [b1, …, n] of least total demerits, or None when no line set fits this tolerance."""
    n = len(p.text)
    W, Z, F, G = p.W, p.Z, p.F, p.G
    ew, ez, eg, sw, sz = p.ew, p.ez, p.eg, p.sw, p.sz
    kinds, forced = p.kinds, p.forced
    ew_max = p.ew_max
    fslack = p.fslack + _EPS
    exp_dem = opts.expansion_demerits
    orphans = opts.avoid_orphans and n > 1
    justify_last = opts.align_last == "justify"
    cost = [_INF] * (n + 1)
    prev = [-1] * (n + 1)
    cost[0] = 0.0
    for a in range(n):
        ca = cost[a]
        if ca == _INF:
            continue
        avail = measure - indent if a == 0 else measure
        wa = W[a] - sw[a]
        za = Z[a] - sz[a]
        ga = G[a + 1]
        hi = bisect_right(F, F[a] - sw[a] + sz[a] + avail + fslack, a + 1)
        b = n if hi > n else hi
        while b > a:
            nat = W[b] + ew[b] - wa
            diff = avail - nat
            if b == n:
                if diff < -_EPS:
                    shrink = Z[b] - za
                    if shrink + diff < -_EPS:
                        b -= 1
                        continue
                    bad = 100.0 * (-diff / shrink) ** 3
                    d = (_LINE_DEMERIT + bad) ** 2
                elif justify_last and diff > _EPS:
                    st = G[b] - ga
                    r = diff / st if st > 0.0 else _INF
                    d = (_LINE_DEMERIT + 100.0 * r**3) ** 2 + exp_dem if r <= tol else _INF
                    if d == _INF and not last_resort:
                        b -= 1
                        continue
                    if d == _INF:
                        d = _PROHIBITED_DEMERIT
                else:
                    d = _LINE_DEMERIT**2
                if orphans and a > 0 and _orphan(p, a):
                    if not last_resort:
                        b -= 1
                        continue
                    d += _ORPHAN_DEMERIT
            else:
                k = kinds[b]
                if diff > _EPS:
                    st = G[b] + eg[b] - ga
                    if diff > tol * st + _EPS:
                        # Shorter lines only get worse: stop once even the loosest bound fails.
                        if avail - (W[b] - wa + ew_max) > tol * (G[b] - ga) + _EPS:
                            break
                        b -= 1
                        continue
                    if k != BREAK_OK and not (last_resort and (k == BREAK_PROHIBITED or b in forced)):
                        b -= 1
                        continue
                    r = diff / st
                    d = (_LINE_DEMERIT + 100.0 * r * r * r) ** 2 + exp_dem
                else:
                    if k != BREAK_OK and not (last_resort and (k == BREAK_PROHIBITED or b in forced)):
                        b -= 1
                        continue
                    if diff < -_EPS:
                        shrink = Z[b] + ez[b] - za
                        if shrink + diff < -_EPS:
                            b -= 1
                            continue
                        r = -diff / shrink
                        d = (_LINE_DEMERIT + 100.0 * r * r * r) ** 2
                    else:
                        d = _LINE_DEMERIT * _LINE_DEMERIT
                if k != BREAK_OK:
                    d += _PROHIBITED_DEMERIT
            c = ca + d
            if c < cost[b]:
                cost[b] = c
                prev[b] = a
            b -= 1
    if cost[n] == _INF:
        return None
    breaks = []
    b = n
    while b > 0:
        breaks.append(b)
        b = prev[b]
    breaks.reverse()
    return breaks


def _first_fit(p: _Prep, measure: float, indent: float) -> list[int]:
    """Greedy fallback: the longest line that fits, preferring ordinary breaks, then 避头尾
    violations, then any break (inside a token); at least one character per line."""
    n = len(p.text)
    W, Z = p.W, p.Z
    breaks: list[int] = []
    a = 0
    while a < n:
        avail = measure - indent if a == 0 else measure
        za = Z[a] - p.sz[a]
        wa = W[a] - p.sw[a]
        hi = min(n, bisect_right(p.F, p.F[a] - p.sw[a] + p.sz[a] + avail + p.fslack + _EPS, a + 1))
        fits = [b for b in range(a + 1, hi + 1)
                if (W[b] + (p.ew[b] if b < n else 0.0) - wa) - (Z[b] + (p.ez[b] if b < n else 0.0) - za) <= avail + _EPS]
        chosen = None
        if fits and fits[-1] == n:
            chosen = n
        else:
            for allowed in ((BREAK_OK,), (BREAK_OK, BREAK_PROHIBITED), (BREAK_OK, BREAK_PROHIBITED, BREAK_NEVER)):
                cands = [b for b in fits if p.kinds[b] in allowed and not (b < n and p.cls[b] == SPACE)]
                if cands:
                    chosen = cands[-1]
                    break
        if chosen is None:
            chosen = a + 1
            while chosen < n and p.cls[chosen] == SPACE:
                chosen += 1
        breaks.append(chosen)
        a = chosen
    return breaks


# ---------------------------------------------------------------------------------------------
# 4. Setting one line
# ---------------------------------------------------------------------------------------------
def _set(p: _Prep, a: int, b: int, target: float | None, indent: float, size: float, opts: ComposeOptions,
         is_last_line: bool, edges: bool, tracking: float = 0.0) -> tuple[Line, bool]:
    """Place [a, b) (trailing spaces dropped at a break) and adjust it to `target` em (None: natural).
    Returns the Line and whether it fell short of the target (no place to put the expansion)."""
    text, cls, adv = p.text, p.cls, p.adv
    n = len(text)
    e = b
    if b < n:
        while e > a and cls[e - 1] == SPACE:
            e -= 1
    m = e - a
    left = [p.rem_l[i] for i in range(a, e)]
    right = [p.rem_r[i] for i in range(a, e)]
    gaps = [p.hl[i] if i > a else 0.0 for i in range(a, e)]  # gap before each glyph
    lcap = [p.lb[i] - p.rem_l[i] for i in range(a, e)]
    rcap = [p.rb[i] - p.rem_r[i] for i in range(a, e)]
    shrink_stop = opts.shrink_stops
    if m and edges:
        if left[0] > 0.0:  # the blank lent to the previous line's mark comes back
            lcap[0] += left[0]
            left[0] = 0.0
        if cls[a] == OPEN and p.lb[a] > 0.0:
            if opts.line_start_half == "always":
                left[0] += lcap[0]
                lcap[0] = 0.0
            elif opts.line_start_half == "never":
                lcap[0] = 0.0
        j = m - 1
        if e == b and b < n and p.rb[e - 1] > 0.0:
            rcap[j] += right[j]
            right[j] = 0.0
            if opts.line_end_half == "always":
                right[j] += rcap[j]
                rcap[j] = 0.0
            elif opts.line_end_half == "never":
                rcap[j] = 0.0
    end_mark = m - 1 if (m and e == b and b < n and edges) else -1

    width = sum(adv[a + i] - left[i] - right[i] + gaps[i] for i in range(m)) + indent + tracking * max(0, m - 1)
    extra_after = [tracking] * m
    if m:
        extra_after[-1] = 0.0
    short = False
    if target is not None and m:
        diff = target - width
        if diff < -_EPS:
            need = -diff
            # [clreq] #procedures_for_inter-character_spacing_reduction, steps 1–7 in order.
            wmin = opts.word_space_min_em
            for step in range(1, 8):
                items: list[tuple[str, int, float]] = []
                for i in range(m):
                    k = cls[a + i]
                    if step == 1 and i == end_mark and rcap[i] > 0.0:
                        items.append(("r", i, rcap[i]))
                    elif step == 2 and k == SPACE and adv[a + i] - left[i] > wmin:
                        items.append(("s", i, adv[a + i] - left[i] - wmin))
                    elif step == 3 and k == MIDDLE:
                        if lcap[i] > 0.0:
                            items.append(("l", i, lcap[i]))
                        if rcap[i] > 0.0:
                            items.append(("r", i, rcap[i]))
                    elif step == 4 and k == OPEN and lcap[i] > 0.0:
                        items.append(("l", i, lcap[i]))
                    elif step == 4 and k == CLOSE and rcap[i] > 0.0 and i != end_mark:
                        items.append(("r", i, rcap[i]))
                    elif step == 5 and k == PAUSE and rcap[i] > 0.0 and i != end_mark:
                        items.append(("r", i, rcap[i]))
                    elif step == 6 and gaps[i] > _HL_MIN_EM:
                        items.append(("g", i, gaps[i] - _HL_MIN_EM))
                    elif step == 7 and k == STOP and rcap[i] > 0.0 and i != end_mark and shrink_stop:
                        items.append(("r", i, rcap[i]))
                cap = sum(c for _, _, c in items)
                if cap <= 0.0:
                    continue
                frac = min(1.0, need / cap)
                for what, i, c in items:
                    amount = c * frac
                    if what == "r":
                        right[i] += amount
                        rcap[i] -= amount
                    elif what == "l":
                        left[i] += amount
                        lcap[i] -= amount
                    elif what == "s":
                        left[i] += amount  # a space shrinks from its advance; no placement change below
                    else:
                        gaps[i] -= amount
                need -= cap * frac
                if need <= _EPS:
                    break
            if need > _EPS and m > 1:
                # Nothing left to reduce (headline set tighter than its marks allow): condense evenly.
                each = need / (m - 1)
                for i in range(m - 1):
                    extra_after[i] -= each
        elif diff > _EPS:
            remaining = diff
            # [clreq] expansion step 1: word spaces up to the maximum, equally.
            spaces = [i for i in range(m) if cls[a + i] == SPACE and adv[a + i] < opts.word_space_max_em]
            if spaces:
                cap = sum(opts.word_space_max_em - adv[a + i] for i in spaces)
                frac = min(1.0, remaining / cap)
                for i in spaces:
                    extra_after[i] += (opts.word_space_max_em - adv[a + i]) * frac
                remaining -= cap * frac
            # Step 2: Han–Latin gaps up to ⅓ em.
            hls = [i for i in range(1, m) if gaps[i] > 0.0 and gaps[i] < _HL_MAX_EM]
            if remaining > _EPS and hls:
                cap = sum(_HL_MAX_EM - gaps[i] for i in hls)
                frac = min(1.0, remaining / cap)
                for i in hls:
                    gaps[i] += (_HL_MAX_EM - gaps[i]) * frac
                remaining -= cap * frac
            # Step 3: equal inter-character spacing over the gaps that may take it.
            if remaining > _EPS:
                open_gaps = [i for i in range(1, m) if p.gap_ok[a + i]] or list(range(1, m))
                if open_gaps:
                    each = remaining / len(open_gaps)
                    for i in open_gaps:
                        extra_after[i - 1] += each
                else:
                    short = True
    # Placement: a removed left blank moves the glyph origin left; everything after a glyph
    # (its advance, the Han–Latin gap and expansion that follow it) is the width it occupies.
    x = indent
    glyphs = []
    for i in range(m):
        ch = text[a + i]
        if cls[a + i] == SPACE:
            a_em = adv[a + i] - left[i] + extra_after[i]
            place = 0.0
        else:
            a_em = adv[a + i] - left[i] - right[i] + extra_after[i]
            place = -left[i]
        if i + 1 < m:
            a_em += gaps[i + 1]
        glyphs.append(PlacedGlyph(ch, (x + place) * size, a_em * size))
        x += a_em
    return Line(tuple(glyphs), a, b, x * size, is_last_line), short


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
_ALIGN_LAST = ("start", "center", "justify")
_EDGE_MODES = ("auto", "always", "never")


def _check(opts: ComposeOptions) -> None:
    if opts.align_last not in _ALIGN_LAST:
        raise ValueError(f"align_last must be one of {_ALIGN_LAST}, not {opts.align_last!r}")
    if opts.line_end_half not in _EDGE_MODES or opts.line_start_half not in _EDGE_MODES:
        raise ValueError(f"line_end_half/line_start_half must be one of {_EDGE_MODES}")
    if opts.strictness not in cjk.STRICTNESS_LEVELS:
        raise ValueError(f"strictness must be one of {cjk.STRICTNESS_LEVELS}, not {opts.strictness!r}")


def compose_paragraph(text: str, metrics: Metrics, size_pt: float, measure_pt: float,
                      options: ComposeOptions = ComposeOptions()) -> ParagraphSetting:
    """Break one paragraph into lines of `measure_pt`, justified, with clreq punctuation handling.

    Every line but the last is exactly `measure_pt` wide (±0.05 pt) unless a finding says why not.
    """
    _check(options)
    if size_pt <= 0 or measure_pt <= 0:
        raise ValueError("size_pt and measure_pt must be positive")
    if not text:
        return ParagraphSetting((), ())
    measure = measure_pt / size_pt
    indent = options.indent_em
    p = _prepare(text, metrics, options, measure)
    n = len(text)
    breaks = None
    for rung, tol in enumerate(options.tolerances):
        breaks = _total_fit(p, measure, indent, tol, rung == len(options.tolerances) - 1, options)
        if breaks is not None:
            break
    if breaks is None:
        breaks = _first_fit(p, measure, indent)

    findings: list[TextFinding] = []
    lines: list[Line] = []
    a = 0
    for b in breaks:
        last = b == n
        target = None if (last and options.align_last != "justify") else measure
        line_indent = indent if a == 0 else 0.0
        line, short = _set(p, a, b, target, line_indent, size_pt, options, last, True)
        if target is None and line.width_pt > measure_pt + 0.005:
            # A last line that only fits by reduction is reduced like any other line.
            line, short = _set(p, a, b, measure, line_indent, size_pt, options, last, True)
        if last and options.align_last == "center" and line.width_pt < measure_pt - 0.005:
            shift = (measure_pt - line.width_pt) / 2.0
            line = Line(tuple(PlacedGlyph(g.ch, g.x_pt + shift, g.advance_pt) for g in line.glyphs),
                        line.start, line.end, line.width_pt + shift, True)
        if short:
            findings.append(TextFinding("underfull", a, f"line at {a} cannot be spread to the measure"))
        lines.append(line)
        if not last:
            findings.extend(_break_findings(p, b, options.strictness))
        a = b
    if options.avoid_orphans and len(lines) > 1 and _orphan(p, lines[-1].start):
        findings.append(TextFinding("orphan", lines[-1].start,
                                    f"孤字: last line holds a single character {text[lines[-1].start:]!r}"))
    return ParagraphSetting(tuple(lines), tuple(findings))


def _break_findings(p: _Prep, b: int, strictness: str) -> list[TextFinding]:
    kind = p.kinds[b]
    text = p.text
    if kind == BREAK_OK:
        return []
    if b in p.forced:
        return [TextFinding("overlong-token", b, f"token wider than the measure broken at {b}: "
                            f"{text[max(0, b - 8):b]!r} | {text[b:b + 8]!r}")]
    if kind == BREAK_NEVER:
        return [TextFinding("forced-break", b, f"no legal break fits; forced at {b}: "
                            f"{text[max(0, b - 8):b]!r} | {text[b:b + 8]!r}")]
    if cjk.prohibited_at_start(text[b], strictness):
        return [TextFinding("prohibited-start", b, f"{text[b]!r} starts a line (避头): nothing else fits")]
    return [TextFinding("prohibited-end", b - 1, f"{text[b - 1]!r} ends a line (避尾): nothing else fits")]


def set_line(text: str, metrics: Metrics, size_pt: float, width_pt: float | None = None,
             tracking_em: float = 0.0) -> Line:
    """One unbroken line (headline, subhead, 报眉): natural width with adjacent-mark compression and
    `tracking_em` between characters; given `width_pt`, spread (均排/疏排) or reduced to exactly it."""
    if size_pt <= 0:
        raise ValueError("size_pt must be positive")
    opts = ComposeOptions(indent_em=0.0)
    if not text:
        return Line((), 0, 0, 0.0, True)
    p = _prepare(text, metrics, opts, None, edges=False)
    n = len(text)
    target = None if width_pt is None else width_pt / size_pt
    if target is not None and n == 1:
        # A single character spread to a width: centred in the cell it is given.
        adv_em = p.adv[0]
        g = PlacedGlyph(text, (target - adv_em) / 2.0 * size_pt, target * size_pt)
        return Line((g,), 0, 1, target * size_pt, True)
    line, _ = _set(p, 0, n, target, 0.0, size_pt, opts, True, False, tracking_em)
    return line
