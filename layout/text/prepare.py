"""Step 1 of setting a paragraph: per-character arrays and their prefix sums, all in em.

The breaker (fit.py) weighs many candidate lines [a, b) per paragraph, so everything it needs to
measure one is made O(1) here, once per paragraph: each character's in-line width, shrink and
stretch go into prefix sums, and what changes at a line's two edges (a mark at a line end gets back
the blank it lent to the next mark, trailing spaces drop, an opener at a line start may give up its
blank, a Han–Latin gap at a line start drops) goes into corrected copies of those sums, indexed by
where a line ends or starts. The setter (setting.py) reads the per-character arrays of the lines
the breaker chose.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from itertools import accumulate
from operator import sub
from typing import TYPE_CHECKING

from layout.text import cjk
from layout.text.cjk import SPACE, STOP

if TYPE_CHECKING:
    from layout.text.options import ComposeOptions, Metrics

EPS = 1e-9
HL_MIN_EM = 0.125  # [clreq] reduction step 6: Han–Latin gap down to ⅛ em
HL_MAX_EM = 1.0 / 3.0  # [clreq] expansion step 2: "practically ≤ ⅓ em"


@dataclass(slots=True)
class Prepared:
    """Everything the breaker and the setter need about one paragraph, in em. Nothing here is
    changed after prepare() (not frozen only because a frozen __init__ costs a call per field).

    Offsets are between characters: offset i is the gap before text[i], 0 and len(text) the
    paragraph's edges. A sum list has len(text) + 1 entries, sum[i] covering text[:i], so a line
    [a, b) measures sum[b] − sum[a]; with its edges corrected, `…_at_end[b] − …_at_start[a]`.
    """

    text: str
    classes: str  # one class letter per character (cjk.class_string)
    advance: tuple[float, ...]  # each character's advance in the font
    left_blank: tuple[float, ...]  # blank a full-width mark may give up on its left (0 for the rest)
    right_blank: tuple[float, ...]  # … on its right
    removed_left: list[float]  # left blank already removed by adjacent-mark compression (cjk.pair_compression)
    removed_right: list[float]  # right blank already removed by it
    han_latin_gap: list[float]  # Han–Latin gap set before character i (option han_latin_space_em)
    break_kinds: bytearray  # cjk.BREAK_* of a break at offset i (between text[i-1] and text[i])
    forced_breaks: frozenset[int]  # offsets inside a token wider than the measure: breakable as a last resort
    may_stretch: bytearray  # 1 where expansion may go into the gap before character i
    adjustable: list[int]  # sorted offsets of characters with a removable blank, word spaces, Han–Latin gaps
    width_sum: list[float]  # prefix sums of in-line width (advance less compression, plus Han–Latin gaps)
    shrink_sum: list[float]  # prefix sums of what a line may give up when pushed in
    stretch_sum: list[float]  # prefix sums of stretch at ratio 1 (the gap before i counted at i)
    min_width_sum: list[float]  # prefix sums of width − shrink: the narrowest a line can be set
    width_sum_at_end: list[float]  # width_sum, shrink_sum, stretch_sum corrected for a line ending at b
    shrink_sum_at_end: list[float]
    stretch_sum_at_end: list[float]
    width_sum_at_start: list[float]  # width_sum, shrink_sum, min_width_sum corrected for a line starting at a
    shrink_sum_at_start: list[float]
    min_width_sum_at_start: list[float]
    end_width_gain_max: float  # the most a line-end correction adds to a line's width (≥ 0)
    end_min_width_drop_max: float  # the most a line-end correction takes off its narrowest width (≥ 0)


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


def prepare(text: str, metrics: Metrics, opts: ComposeOptions, measure_em: float | None,
            edges: bool = True) -> Prepared:
    """The arrays of `text` (non-empty). `measure_em` None: no token is too long (a single line);
    `edges` False: no line-edge corrections (a single unbroken line has no breaks to correct for)."""
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
                z[i] += max(0.0, hl[i] - HL_MIN_EM)

    adjustable = _adjustable(cs, hl, opts)
    g, gok = _stretch(cs, adv, hl, kinds, adjustable, opts)

    W = [0.0, *accumulate(w)]
    Z = [0.0, *accumulate(z)]
    F = [0.0, *accumulate(map(sub, w, z))]
    G = [0.0, *accumulate(g)]

    # Over-long tokens: a unit wider than the measure may be broken inside, reported.
    forced: set[int] = set()
    if measure_em is not None:
        for m in re.finditer(b"\x02+", kinds):
            s, e = m.span()
            if W[e] - W[s - 1] > measure_em + EPS:
                forced.update(i for i in range(s, e) if cs[i] != "S")

    if edges:
        ew, ez, eg = _end_corrections(cs, rb, rem_r, touched, adjustable, W, Z, G, opts)
        sw, sz = _start_corrections(cs, lb, rem_l, hl, touched, adjustable, opts)
        WE, ZE, GE = _plus(W, ew), _plus(Z, ez), _plus(G, eg)
        WS, ZS = _minus(W, sw), _minus(Z, sz)
        FS = _plus(_minus(F, sw), sz)  # F = W − Z, corrected alike
        ew_max = max(0.0, *ew.values()) if ew else 0.0
        fslack = max([0.0] + [ez.get(b, 0.0) - ew.get(b, 0.0) for b in ew.keys() | ez.keys()])
    else:
        WE, ZE, GE, WS, ZS, FS, ew_max, fslack = W, Z, G, W, Z, F, 0.0, 0.0
    return Prepared(
        text=text, classes=cs, advance=adv, left_blank=lb, right_blank=rb, removed_left=rem_l,
        removed_right=rem_r, han_latin_gap=hl, break_kinds=kinds, forced_breaks=frozenset(forced),
        may_stretch=gok, adjustable=adjustable, width_sum=W, shrink_sum=Z, stretch_sum=G, min_width_sum=F,
        width_sum_at_end=WE, shrink_sum_at_end=ZE, stretch_sum_at_end=GE, width_sum_at_start=WS,
        shrink_sum_at_start=ZS, min_width_sum_at_start=FS, end_width_gain_max=ew_max,
        end_min_width_drop_max=fslack)


def _adjustable(cs: str, hl: list[float], opts: ComposeOptions) -> list[int]:
    """Sorted offsets of the characters whose setting can change: marks, spaces, Han–Latin gaps."""
    adjustable_set = {m.start() for m in re.finditer("[OCPTMS]", cs)}
    if opts.han_latin_space_em > 0.0:
        adjustable_set.update(i for i in range(len(cs)) if hl[i])
    return sorted(adjustable_set)


def _stretch(cs: str, adv, hl: list[float], kinds: bytearray, adjustable: list[int],
             opts: ComposeOptions) -> tuple[list[float], bytearray]:
    """(stretch of the gap before each character at ratio 1, may_stretch)."""
    n = len(cs)
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
    # Word spaces and Han–Latin gaps stretch further than the inter-character unit.
    for m in re.finditer("S", cs):
        i = m.start()
        if gok[i] and i:
            g[i] += max(0.0, opts.word_space_max_em - adv[i])
    if opts.han_latin_space_em > 0.0:
        for i in adjustable:
            if gok[i] and i and hl[i] > 0.0:
                g[i] += max(0.0, HL_MAX_EM - hl[i])
    return g, gok


def _end_corrections(cs: str, rb, rem_r: list[float], touched: list[int], adjustable: list[int],
                     W: list[float], Z: list[float], G: list[float], opts: ComposeOptions):
    """What changes in width, shrink and stretch (dicts by offset b) when a line ends at b.

    After mark i the blank it lent to the next mark comes back, and its own right blank is kept,
    given up or made shrinkable per `line_end_half`; trailing spaces drop. Sparse: with the default
    settings only the marks that lent a blank (`touched`) have a correction, so only they are visited.
    """
    n = len(cs)
    end_mode, shrink_stop = opts.line_end_half, opts.shrink_stops
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
    return ew, ez, eg


def _start_corrections(cs: str, lb, rem_l: list[float], hl: list[float], touched: list[int],
                       adjustable: list[int], opts: ComposeOptions):
    """What a line starting at a gives up in width and shrink (dicts by offset a).

    The left blank compression removed at a comes back (there is no mark before it on the line),
    an opener's left blank follows `line_start_half`, and a Han–Latin gap before a drops.
    """
    start_mode = opts.line_start_half
    sw: dict[int, float] = {}
    sz: dict[int, float] = {}
    for a in touched if (start_mode == "auto" and opts.han_latin_space_em <= 0.0) else adjustable:
        w_a = rem_l[a] - hl[a]
        z_a = rem_l[a] - max(0.0, hl[a] - HL_MIN_EM)
        if lb[a] > 0.0 and cs[a] == "O":
            if start_mode == "always":
                w_a -= lb[a]
                z_a -= lb[a]
            elif start_mode == "never":
                z_a -= lb[a]
        if w_a or z_a:
            sw[a], sz[a] = w_a, z_a
    return sw, sz


def _plus(sums: list[float], corrections: dict[int, float]) -> list[float]:
    out = sums[:]
    for i, v in corrections.items():
        out[i] += v
    return out


def _minus(sums: list[float], corrections: dict[int, float]) -> list[float]:
    out = sums[:]
    for i, v in corrections.items():
        out[i] -= v
    return out
