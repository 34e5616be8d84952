"""Paragraph → justified lines of positioned glyphs (total-fit breaking over font metrics).

Pipeline per paragraph, all in em until the last step:
  1. per-character arrays: class, advance, removable punctuation blanks, adjacent-mark compression
     (cjk.pair_compression), Han–Latin gaps, shrink and stretch capacities, break kinds;
  2. prefix sums of those, so any candidate line [a, b) is measured in O(1), with corrections at
     its two edges (a mark at a line edge gets its compressed blank back, trailing spaces drop);
  3. total-fit breaking (Knuth–Plass style forward dynamic programme) over a bounded window of
     candidate ends per start, with a tolerance ladder and a first-fit fallback;
  4. per chosen line: reduction in clreq's order (push-in) or expansion (push-out), then the
     Line's columns (characters, x positions, advances) in pt.

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

import re
import weakref
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add, sub
from typing import Protocol

from layout.text import cjk
from layout.text.cjk import BREAK_NEVER, BREAK_OK, BREAK_PROHIBITED, SPACE, STOP

_EPS = 1e-9
_INF = float("inf")
_HL_MIN_EM = 0.125  # [clreq] reduction step 6: Han–Latin gap down to ⅛ em
_HL_MAX_EM = 1.0 / 3.0  # [clreq] expansion step 2: "practically ≤ ⅓ em"
_LINE_DEMERIT = 10.0  # Knuth–Plass line penalty: fewer lines when all else is equal
_PROHIBITED_DEMERIT = 1e10  # a 避头尾 violation, only when nothing else fits
_ORPHAN_DEMERIT = 1e9  # above any line the last rung admits ((10 + 100·4³)² ≈ 4e7)


class Metrics(Protocol):
    def advance_em(self, ch: str) -> float: ...

    def halt_em(self, ch: str) -> tuple[float, float] | None: ...


@dataclass(frozen=True)
class ComposeOptions:
    """How paragraphs are set (clreq choices; every default is the newspaper's)."""

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
    avoid_orphans: bool = True  # no 孤字 on a paragraph's last line (cjk.is_lonely_line)


@dataclass(frozen=True, slots=True)
class PlacedGlyph:
    """One character of a set line and where it stands."""

    ch: str  # exactly one input character
    x_pt: float  # glyph origin from the line's left edge (placement adjustments applied)
    advance_pt: float  # width it occupies in this line, including the expansion after it


@dataclass(frozen=True)
class Line:
    """A set line, stored by column (the renderer draws runs of characters at x positions, so
    per-glyph objects would only be built to be taken apart again); `glyphs` gives the rows."""

    chars: str  # the line's characters: input text, trailing spaces at a break dropped
    xs_pt: tuple[float, ...]  # glyph origins from the line's left edge (placement adjustments applied)
    advances_pt: tuple[float, ...]  # width each occupies in this line, including the expansion after it
    start: int  # [start, end) offsets into the paragraph text (dropped spaces included)
    end: int
    width_pt: float  # right edge of the set material from the left edge; == measure when justified
    last: bool  # paragraph's last line

    @property
    def glyphs(self) -> tuple[PlacedGlyph, ...]:
        return tuple(map(PlacedGlyph, self.chars, self.xs_pt, self.advances_pt))

    def shifted(self, dx_pt: float) -> "Line":
        """The same line moved `dx_pt` to the right (its right edge too)."""
        return Line(self.chars, tuple(x + dx_pt for x in self.xs_pt), self.advances_pt, self.start, self.end,
                    self.width_pt + dx_pt, self.last)


@dataclass(frozen=True)
class TextFinding:
    """Something the desk should know about a paragraph's setting (a rule bent because nothing else fit)."""

    code: str  # "prohibited-start" | "prohibited-end" | "forced-break" | "orphan" | "overlong-token" | "underfull"
    offset: int  # char offset in the paragraph
    message: str


@dataclass(frozen=True)
class ParagraphSetting:
    """A paragraph set as lines, with its findings."""

    lines: tuple[Line, ...]
    findings: tuple[TextFinding, ...]


# ---------------------------------------------------------------------------------------------
# 1–2. Per-character arrays and prefix sums
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Prep:
    """Everything the breaker needs about one paragraph, in em. Lists are never mutated."""

    text: str
    cs: str  # class letters (cjk.class_string)
    adv: tuple[float, ...]
    lb: tuple[float, ...]  # removable left blank (full-width marks only)
    rb: tuple[float, ...]  # removable right blank
    rem_l: list[float]  # left blank removed by adjacent-mark compression
    rem_r: list[float]
    hl: list[float]  # Han–Latin gap before char i
    kinds: bytearray  # break kind at offset i (between i-1 and i)
    forced: frozenset[int]  # offsets inside over-long tokens, where a break is allowed as last resort
    gok: bytearray  # 1 where expansion may go into the gap before char i
    adjustable: list[int]  # sorted offsets with a removable blank, a space or a Han–Latin gap
    W: list[float]  # prefix sums of in-line width
    Z: list[float]  # prefix sums of in-line shrink
    G: list[float]  # prefix sums of gap stretch (gap before i counted at i)
    WE: list[float]  # W, Z, G plus the corrections when a line ends at offset b
    ZE: list[float]
    GE: list[float]
    WS: list[float]  # W, Z, F (= W − Z) minus the corrections when a line starts at offset a
    ZS: list[float]
    FS: list[float]
    F: list[float]
    ew_max: float
    fslack: float


_CHAR_CACHE: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()
_Row = tuple[float, float, float, float, str, str]


def _char_row(metrics: Metrics, c: str, shrink_stop: bool, wmin: float) -> _Row:
    """(advance, removable left blank, removable right blank, in-line shrink, class letter,
    prohibition letter) of one character, in em."""
    k = cjk.char_class(c)
    a = float(metrics.advance_em(c))
    lb_c = rb_c = 0.0
    if k in cjk.CJK_PUNCT_CLASSES and a >= 0.75:  # only full-width forms have a blank half to give up
        halt = metrics.halt_em(c)
        xp, xa = halt if halt is not None else cjk.HALT_FALLBACK_EM[k]
        lb_c, rb_c = max(0.0, -xp), max(0.0, xp - xa)
    z = lb_c + (rb_c if (k != STOP or shrink_stop) else 0.0) + (a - wmin if k == SPACE and a > wmin else 0.0)
    return a, lb_c, rb_c, z, cjk.CLASS_LETTERS[k], cjk.rule_letter(c)


def _char_rows(metrics: Metrics, text: str, shrink_stop: bool, wmin: float) -> list[_Row]:
    """The _char_row of every character of `text`.

    Memoised per metrics object (a face's metrics do not change while it is alive): asking the
    font about the same hundred characters for every paragraph was most of the set-up cost, and
    one lookup per character that brings all six values is cheaper than one per value.
    """
    try:
        per_metrics = _CHAR_CACHE.setdefault(metrics, {})
    except TypeError:  # not weak-referenceable or unhashable: no memo
        per_metrics = {}
    table = per_metrics.get((shrink_stop, wmin))
    if table is None:
        table = per_metrics[(shrink_stop, wmin)] = {}
    try:
        return list(map(table.__getitem__, text))
    except KeyError:
        for c in set(text).difference(table):
            table[c] = _char_row(metrics, c, shrink_stop, wmin)
        return list(map(table.__getitem__, text))


_PUNCT_PAIR_RE = re.compile("(?<=[OCPTM])[OCPTM]")
_HL_RE = re.compile("(?=HL|LH)")


def _prepare(text: str, metrics: Metrics, opts: ComposeOptions, measure_em: float | None,
             edges: bool = True) -> _Prep:
    n = len(text)
    shrink_stop = opts.shrink_stops
    adv, lb, rb, z0, letters, rules = zip(*_char_rows(metrics, text, shrink_stop, opts.word_space_min_em))
    cs = "".join(letters)
    rem_l, rem_r, touched = cjk.pair_compression(text, lb, rb, cs)
    kinds = cjk.break_kinds(text, opts.strictness, cs, "".join(rules))

    w = list(adv)
    z = list(z0)
    for i in touched:
        w[i] -= rem_l[i] + rem_r[i]
        z[i] -= rem_l[i] + (rem_r[i] if (cs[i] != "T" or shrink_stop) else 0.0)

    hl = [0.0] * n
    if opts.han_latin_space_em > 0.0:
        for m in _HL_RE.finditer(cs):
            i = m.start() + 1
            if cjk.is_han(text[i - 1] if cs[i - 1] == "H" else text[i]):
                hl[i] = opts.han_latin_space_em
                w[i] += hl[i]
                z[i] += max(0.0, hl[i] - _HL_MIN_EM)

    # Expansion never goes inside an unbreakable unit, next to a connector or solidus, or between
    # two compressed marks ([clreq] #procedures_for_inter-character_space_expansion).
    unit = opts.stretch_unit_em
    g = [unit] * n
    gok = bytearray(b"\x01") * (n + 1)
    closed = [0, n]
    for m in re.finditer(b"\x02", kinds):
        if cs[m.start()] != "S":
            closed.append(m.start())
    for m in re.finditer("G", cs):
        closed.append(m.start())
        closed.append(m.start() + 1)
    closed.extend(m.start() for m in _PUNCT_PAIR_RE.finditer(cs))
    for i in closed:
        if i < n:
            g[i] = 0.0
        gok[i] = 0
    adjustable_set = {m.start() for m in re.finditer("[OCPTMS]", cs)}
    if opts.han_latin_space_em > 0.0:
        adjustable_set.update(i for i in range(n) if hl[i])
    adjustable = sorted(adjustable_set)
    # Word spaces and Han–Latin gaps stretch further than the inter-character unit.
    for m in re.finditer("S", cs):
        i = m.start()
        if gok[i] and i:
            g[i] += max(0.0, opts.word_space_max_em - adv[i])
    if opts.han_latin_space_em > 0.0:
        for i in adjustable:
            if gok[i] and i and hl[i] > 0.0:
                g[i] += max(0.0, _HL_MAX_EM - hl[i])

    W = [0.0, *accumulate(w)]
    Z = [0.0, *accumulate(z)]
    F = [0.0, *accumulate(map(sub, w, z))]
    G = [0.0, *accumulate(g)]

    # Over-long tokens: a unit wider than the measure may be broken inside, reported.
    forced: set[int] = set()
    if measure_em is not None:
        for m in re.finditer(b"\x02+", kinds):
            s, e = m.span()
            if W[e] - W[s - 1] > measure_em + _EPS:
                forced.update(i for i in range(s, e) if cs[i] != "S")

    if edges:
        WE, ZE, GE, WS, ZS, FS, ew_max, fslack = _edge_rows(cs, lb, rb, rem_l, rem_r, hl, touched, adjustable,
                                                                  W, Z, F, G, opts)
    else:  # a single unbroken line: no edge corrections
        WE, ZE, GE, WS, ZS, FS, ew_max, fslack = W, Z, G, W, Z, F, 0.0, 0.0
    return _Prep(text, cs, adv, lb, rb, rem_l, rem_r, hl, kinds, frozenset(forced), gok, adjustable,
                 W, Z, G, WE, ZE, GE, WS, ZS, FS, F, ew_max, fslack)


def _edge_rows(cs: str, lb, rb, rem_l, rem_r, hl, touched: list[int], adjustable: list[int],
               W, Z, F, G, opts: ComposeOptions):
    """Prefix sums corrected for a line that ends at b (WE, ZE, GE) or starts at a (WS, ZS, FS),
    with the largest end correction to width (ew_max) and to minimum width (fslack).

    At a line end after mark i the blank it lent to the next mark comes back and its own right
    blank is kept, given up or made shrinkable per `line_end_half`; trailing spaces drop. At a
    line start an opener's left blank follows `line_start_half`, and a Han–Latin gap drops.
    Corrections are sparse: with the default settings only the marks that lent a blank
    (`touched`) have one, so only they are visited.
    """
    n = len(cs)
    end_mode, start_mode, shrink_stop = opts.line_end_half, opts.line_start_half, opts.shrink_stops
    ew: dict[int, float] = {}
    ez: dict[int, float] = {}
    eg: dict[int, float] = {}
    for i in touched if (end_mode == "auto" and shrink_stop) else adjustable:
        r_full = rb[i]
        if i + 1 >= n or r_full <= 0.0:
            continue
        shrinkable = cs[i] != "T" or shrink_stop
        w_b = rem_r[i]  # the blank lent to the next mark comes back at line end
        z_b = rem_r[i] if shrinkable else 0.0
        if end_mode == "always":
            w_b -= r_full
            z_b -= r_full if shrinkable else 0.0
        elif end_mode == "auto":
            z_b += 0.0 if shrinkable else r_full
        elif shrinkable:  # "never"
            z_b -= r_full
        ew[i + 1], ez[i + 1] = w_b, z_b
    for m in re.finditer("S+", cs):
        s, b = m.span()
        if b < n:  # trailing spaces are dropped at the break
            ew[b], ez[b], eg[b] = -(W[b] - W[s]), -(Z[b] - Z[s]), -(G[b] - G[s])
    sw: dict[int, float] = {}
    sz: dict[int, float] = {}
    for a in touched if (start_mode == "auto" and opts.han_latin_space_em <= 0.0) else adjustable:
        w_a = rem_l[a] - hl[a]
        z_a = rem_l[a] - max(0.0, hl[a] - _HL_MIN_EM)
        if lb[a] > 0.0 and cs[a] == "O":
            if start_mode == "always":
                w_a -= lb[a]
                z_a -= lb[a]
            elif start_mode == "never":
                z_a -= lb[a]
        if w_a or z_a:
            sw[a], sz[a] = w_a, z_a
    WE, ZE, GE = W[:], Z[:], G[:]
    for b, v in ew.items():
        WE[b] += v
    for b, v in ez.items():
        ZE[b] += v
    for b, v in eg.items():
        GE[b] += v
    WS, ZS, FS = W[:], Z[:], F[:]
    for a, v in sw.items():
        WS[a] -= v
        FS[a] -= v
    for a, v in sz.items():
        ZS[a] -= v
        FS[a] += v
    ew_max = max(0.0, *ew.values()) if ew else 0.0
    fslack = max([0.0] + [ez.get(b, 0.0) - ew.get(b, 0.0) for b in ew.keys() | ez.keys()])
    return WE, ZE, GE, WS, ZS, FS, ew_max, fslack


# ---------------------------------------------------------------------------------------------
# 3. Breaking
# ---------------------------------------------------------------------------------------------
def _total_fit(p: _Prep, measure: float, indent: float, tol: float, last_resort: bool,
               opts: ComposeOptions) -> list[int] | None:
    """Breaks [b1, …, n] of least total demerits, or None when no line set fits this tolerance.

    Forward dynamic programme: from each reachable start a, only ends b between "fits with all
    shrink" (bisect on the minimum-width prefix sums) and "needs more than `tol` expansion" are
    tried, so the work per character is a small constant.
    """
    n = len(p.text)
    W, G, F = p.W, p.G, p.F
    WE, ZE, GE, WS, ZS, FS = p.WE, p.ZE, p.GE, p.WS, p.ZS, p.FS
    kinds, forced = p.kinds, p.forced
    ew_max = p.ew_max
    fslack = p.fslack + _EPS
    exp_dem = opts.expansion_demerits
    orphans = opts.avoid_orphans and n > 1
    justify_last = opts.align_last == "justify"
    solid = _LINE_DEMERIT * _LINE_DEMERIT
    eps, line_dem, prohibited_dem, inf = _EPS, _LINE_DEMERIT, _PROHIBITED_DEMERIT, _INF  # locals: the loop is hot
    cost = [_INF] * (n + 1)
    prev = [-1] * (n + 1)
    cost[0] = 0.0
    first = measure - indent
    # [clreq] #hanging_punctuation_marks_at_line_end: 、，。 after a Han or Latin character may sit
    # outside the measure; the line before it is then measured without it.
    hang_at = _hang_offsets(p) if opts.hanging else frozenset()
    hung = set()
    for a in range(n):
        ca = cost[a]
        if ca == inf:
            continue
        avail = measure if a else first
        wa = WS[a]
        za = ZS[a]
        ga = G[a + 1]
        hi = bisect_right(F, FS[a] + avail + fslack, a + 1) + (1 if hang_at else 0)
        if hi >= n:
            hi = n - 1
            # The paragraph's last line: ragged, shrunk only if it must be.
            diff = avail - (W[n] - wa)
            d = solid
            if diff < -eps:
                shrink = p.Z[n] - za
                d = _INF if shrink + diff < -eps else (_LINE_DEMERIT + 100.0 * (-diff / shrink) ** 3) ** 2
            elif justify_last and diff > eps:
                st = G[n] - ga
                r = diff / st if st > 0.0 else _INF
                d = (_LINE_DEMERIT + 100.0 * r**3) ** 2 + exp_dem if r <= tol else (_PROHIBITED_DEMERIT if last_resort else _INF)
            if d != _INF and orphans and a > 0 and cjk.is_lonely_line(p.text[a:]):
                d = d + _ORPHAN_DEMERIT if last_resort else _INF
            c = ca + d
            if c < cost[n]:
                cost[n] = c
                prev[n] = a
        for b in range(hi, a, -1):
            k = kinds[b]
            if k and not (last_resort and (k == BREAK_PROHIBITED or b in forced)):
                continue
            diff = avail - (WE[b] - wa)
            if diff > eps:
                st = GE[b] - ga
                if diff > tol * st + eps:
                    # Shorter lines only get worse: stop once even the loosest bound fails.
                    if avail - (W[b] - wa + ew_max) > tol * (G[b] - ga) + eps:
                        break
                    continue
                r = diff / st
                d = (line_dem + 100.0 * r * r * r) ** 2 + exp_dem
            elif diff < -eps:
                shrink = ZE[b] - za
                if shrink + diff < -eps:
                    continue
                r = -diff / shrink
                d = (line_dem + 100.0 * r * r * r) ** 2
            else:
                d = solid
            if k:
                d += prohibited_dem
            c = ca + d
            if c < cost[b]:
                cost[b] = c
                prev[b] = a
                if hang_at:
                    hung.discard(b)
        if hang_at:
            for b in range(min(hi + 1, n - 1), a + 1, -1):
                if b not in hang_at or (kinds[b] and not last_resort):
                    continue
                diff = avail - (W[b - 1] - wa)
                if diff > eps:
                    st = G[b - 1] - ga
                    if st <= 0.0 or diff > tol * st + eps:
                        continue
                    r = diff / st
                    d = (line_dem + 100.0 * r * r * r) ** 2 + exp_dem
                elif diff < -eps:
                    shrink = p.Z[b - 1] - za
                    if shrink + diff < -eps:
                        continue
                    r = -diff / shrink
                    d = (line_dem + 100.0 * r * r * r) ** 2
                else:
                    d = solid
                if kinds[b]:
                    d += prohibited_dem
                c = ca + d
                if c < cost[b]:
                    cost[b] = c
                    prev[b] = a
                    hung.add(b)
    if cost[n] == _INF:
        return None
    breaks = []
    b = n
    while b > 0:
        breaks.append(b)
        b = prev[b]
    breaks.reverse()
    return [-b if b in hung else b for b in breaks]


def _hang_offsets(p: _Prep) -> frozenset[int]:
    """Break offsets b where text[b-1] may hang: one of 、，。 right after a Han or Latin character."""
    cs, n = p.cs, len(p.text)
    return frozenset(m.end() for m in re.finditer("[、，。]", p.text) if 0 < m.start() and cs[m.start() - 1] in "HLZ" and m.end() < n)


def _first_fit(p: _Prep, measure: float, indent: float) -> list[int]:
    """Greedy fallback: the longest line that fits, preferring ordinary breaks, then 避头尾
    violations, then any break (inside a token); at least one character per line."""
    n = len(p.text)
    breaks: list[int] = []
    a = 0
    while a < n:
        avail = measure - indent if a == 0 else measure
        hi = min(n, bisect_right(p.F, p.FS[a] + avail + p.fslack + _EPS, a + 1))
        fits = [b for b in range(a + 1, hi + 1)
                if (p.WE[b] if b < n else p.W[n]) - p.WS[a] - ((p.ZE[b] if b < n else p.Z[n]) - p.ZS[a]) <= avail + _EPS]
        chosen = None
        if fits and fits[-1] == n:
            chosen = n
        else:
            for allowed in ((BREAK_OK,), (BREAK_OK, BREAK_PROHIBITED), (BREAK_OK, BREAK_PROHIBITED, BREAK_NEVER)):
                cands = [b for b in fits if p.kinds[b] in allowed and not (b < n and p.cs[b] == "S")]
                if cands:
                    chosen = cands[-1]
                    break
        if chosen is None:
            chosen = a + 1
            while chosen < n and p.cs[chosen] == "S":
                chosen += 1
        breaks.append(chosen)
        a = chosen
    return breaks


# ---------------------------------------------------------------------------------------------
# 4. Setting one line
# ---------------------------------------------------------------------------------------------
# [clreq] #procedures_for_inter-character_spacing_reduction, steps 2–7 by class letter
# (step 1, the line-end mark, and step 6, Han–Latin gaps, are positional).
_REDUCTION_STEP = {"S": 2, "M": 3, "O": 4, "C": 4, "P": 5, "T": 7}


def _set(p: _Prep, a: int, b: int, target: float | None, indent: float, size: float, opts: ComposeOptions,
         is_last_line: bool, edges: bool, tracking: float = 0.0) -> tuple[Line, bool]:
    """Place [a, b) (trailing spaces dropped at a break) and adjust it to `target` em (None: natural).
    Returns the Line and whether it fell short of the target (no place to put the expansion).

    Adjustments are sparse: blanks and Han–Latin gaps exist only at the line's `spots` (marks,
    spaces, gaps), so they are kept in dicts by offset within the line; the per-gap `extra`
    (tracking, expansion, condensing) is a list only when a line has any.
    """
    text, cs, adv = p.text, p.cs, p.adv
    n = len(text)
    e = b
    if b < n:
        while e > a and cs[e - 1] == "S":
            e -= 1
    m = e - a
    if m == 0:
        return Line("", (), (), a, b, indent * size, is_last_line), False
    lo = bisect_right(p.adjustable, a - 1)
    hi = bisect_right(p.adjustable, e - 1)
    spots = [i - a for i in p.adjustable[lo:hi]]  # offsets within the line, ascending
    # Every mark with a removable blank is a spot, so these dicts hold all non-zero values, in
    # offset order (sums over them equal sums over the dense rows).
    left: dict[int, float] = {}  # blank removed before glyph i
    right: dict[int, float] = {}  # blank removed after glyph i
    rem_l, rem_r = p.rem_l, p.rem_r
    for i in spots:
        left[i] = rem_l[a + i]
        right[i] = rem_r[a + i]
    gap_after: dict[int, float] = {}  # Han–Latin gap after glyph i
    if opts.han_latin_space_em > 0.0:
        gap_after = {i - 1: p.hl[a + i] for i in spots if i and p.hl[a + i]}
    # What the line's edge marks may still give up (the rest of the spots' capacities are only
    # needed when the line must shrink, and are worked out there).
    edge_lcap: dict[int, float] = {}
    edge_rcap: dict[int, float] = {}
    extra: list[float] | None = None  # added after glyph i
    if tracking:
        extra = [tracking] * m
        extra[-1] = 0.0
    end_mark = -1
    if edges:
        if spots and spots[0] == 0:
            cap = (p.lb[a] - left[0]) + left[0]  # the blank lent to the previous line's mark comes back
            left[0] = 0.0
            if cs[a] == "O" and p.lb[a] > 0.0:
                if opts.line_start_half == "always":
                    left[0] += cap
                    cap = 0.0
                elif opts.line_start_half == "never":
                    cap = 0.0
            edge_lcap[0] = cap
        j = m - 1
        if e == b and b < n and p.rb[e - 1] > 0.0:
            end_mark = j
            cap = (p.rb[e - 1] - right[j]) + right[j]
            right[j] = 0.0
            if opts.line_end_half == "always":
                right[j] += cap
                cap = 0.0
            elif opts.line_end_half == "never":
                cap = 0.0
            edge_rcap[j] = cap
    width = (indent + sum(adv[a:e]) - sum(left.values()) - sum(right.values()) + sum(gap_after.values())
             + tracking * (m - 1))
    short = False
    if target is not None:
        diff = target - width
        if diff < -_EPS:
            need = -diff
            wmin = opts.word_space_min_em
            lcap = {i: edge_lcap[i] if i in edge_lcap else p.lb[a + i] - left[i] for i in spots}
            rcap = {i: edge_rcap[i] if i in edge_rcap else p.rb[a + i] - right[i] for i in spots}
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
                if gap_after.get(i - 1, 0.0) > _HL_MIN_EM:
                    steps.setdefault(6, []).append(("g", i - 1, gap_after[i - 1] - _HL_MIN_EM))
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
                if need <= _EPS:
                    break
            if need > _EPS and m > 1:
                # Nothing left to reduce (a headline set tighter than its marks allow): condense evenly.
                each = need / (m - 1)
                if extra is None:
                    extra = [0.0] * m
                for i in range(m - 1):
                    extra[i] -= each
        elif diff > _EPS:
            remaining = diff
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
            hls = [i for i, g_ in gap_after.items() if 0.0 < g_ < _HL_MAX_EM]
            if remaining > _EPS and hls:
                cap = sum(_HL_MAX_EM - gap_after[i] for i in hls)
                frac = min(1.0, remaining / cap)
                for i in hls:
                    gap_after[i] += (_HL_MAX_EM - gap_after[i]) * frac
                remaining -= cap * frac
            # Step 3: equal inter-character spacing over the gaps that may take it.
            if remaining > _EPS:
                if m > 1:
                    go = p.gok[a + 1 : e]
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
                    short = True
    # What each glyph occupies: its advance less removed blanks, plus the expansion and the
    # Han–Latin gap after it. Written out only where something is non-zero; the sum
    # w − l − r + x + g equals w + x exactly when l, r and g are 0.
    occupied = list(adv[a:e]) if extra is None else list(map(add, adv[a:e], extra))
    for i in (left.keys() | gap_after.keys()) if gap_after else left:  # right has left's keys
        l_, r_, g_ = left.get(i, 0.0), right.get(i, 0.0), gap_after.get(i, 0.0)
        if l_ or r_ or g_:
            occupied[i] = adv[a + i] - l_ - r_ + (0.0 if extra is None else extra[i]) + g_
    pens = list(accumulate(occupied, initial=indent))
    scale = float(size).__mul__  # float's own method: an int size would return NotImplemented
    xs = list(map(scale, pens))
    width_pt = xs.pop()
    # A removed left blank moves the glyph origin left (spaces never have one).
    for i, l_ in left.items():
        if l_:
            xs[i] = (pens[i] - l_) * size
    return Line(text[a:e], tuple(xs), tuple(map(scale, occupied)), a, b, width_pt, is_last_line), short


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
        hang = b < 0
        b = -b if hang else b
        last = b == n
        target = None if (last and options.align_last != "justify") else measure
        line_indent = indent if a == 0 else 0.0
        if hang:
            # The mark hangs outside the measure at half width; width_pt stays the measure.
            body, short = _set(p, a, b - 1, target, line_indent, size_pt, options, last, True)
            line = Line(body.chars + text[b - 1], body.xs_pt + (body.width_pt,),
                        body.advances_pt + ((p.adv[b - 1] - p.rb[b - 1]) * size_pt,), a, b, body.width_pt, last)
        else:
            line, short = _set(p, a, b, target, line_indent, size_pt, options, last, True)
        if target is None and line.width_pt > measure_pt + 0.005:
            # A last line that only fits by reduction is reduced like any other line.
            line, short = _set(p, a, b, measure, line_indent, size_pt, options, last, True)
        if last and options.align_last == "center" and line.width_pt < measure_pt - 0.005:
            line = line.shifted((measure_pt - line.width_pt) / 2.0)
        if short:
            findings.append(TextFinding("underfull", a, f"line at {a} cannot be spread to the measure"))
        lines.append(line)
        if not last:
            findings.extend(_break_findings(p, b, options.strictness))
        a = b
    if options.avoid_orphans and len(lines) > 1 and cjk.is_lonely_line(lines[-1].chars):
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
        return Line("", (), (), 0, 0, 0.0, True)
    p = _prepare(text, metrics, opts, None, edges=False)
    n = len(text)
    target = None if width_pt is None else width_pt / size_pt
    if target is not None and n == 1:
        # A single character spread to a width: centred in the cell it is given.
        adv_em = p.adv[0]
        return Line(text, ((target - adv_em) / 2.0 * size_pt,), (target * size_pt,), 0, 1, target * size_pt, True)
    line, _ = _set(p, 0, n, target, 0.0, size_pt, opts, True, False, tracking_em)
    return line
