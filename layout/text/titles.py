"""Display lines: a headline's 主题 or a subhead set on one line, or broken where a reader expects.

A display line is set at its natural width (never justified) and never runs past its measure: when
the text does not fit on one line it breaks, best first,

  PHRASE  between the desk's phrases (对仗 halves; on one line they stand a 1-em space apart),
  CLAUSE  after a pause or stop mark, or before an opening quote or bracket,
  WORD    between two words (layout.text.words: jieba's dictionary), but never next to a
          bound particle (`NO_END`, `NO_START`) and never against 避头尾,

and never inside a word, a number or a Latin word. Among the breaks of the best kind the lines come
out as even as can be (a headline's lines are balanced, not filled). Whether a smaller size should
be tried first is the caller's choice (a headline steps down within its rank's range).

Sources: docs/page-layout.md §5 (Chinese headline breaks: never inside a word or a bound phrase,
no line starting with 的); ../shared/docs/typography.md §4.3 (对仗 phrases a 1-em space apart);
clreq §3.1.7 (避头尾, through layout.text.cjk.break_kinds).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from layout.text import cjk, words
from layout.text.linebreak import Line, set_line

PHRASE, CLAUSE, WORD = 0, 1, 2
KIND_NAMES = ("phrase", "clause", "word")

# A display line never ends with a word that binds to what follows (structural 的/之/地/得,
# prepositions and conjunctions), and never starts with one that binds to what precedes (particles,
# the plural 们). Breaking "改革开放的新路径" after 的 leaves a modifier hanging; before 的, a line
# opens on a particle. Source: 标题编排 practice as docs/page-layout.md §5 quotes it ("never inside a
# word or a bound phrase; no line starting with 的"); the lists are the project's (GB/T 15834 has
# none): the common single-character function words of 现代汉语.
NO_END = frozenset("的之地得和与及或并而把被将对向从在为于以让使给跟同")
NO_START = frozenset("的之地得了着过们吗呢吧啊嘛")
# After these a clause ends (GB/T 15834 §4.2–4.6: 逗号, 顿号, 分号, 冒号, 句号, 问号, 叹号).
_CLAUSE_END = frozenset("，、；：。？！")


@dataclass(frozen=True)
class Display:
    """A display text broken into lines: the lines (offsets into the phrases joined without
    spaces), the size they were set at and the worst kind of break used (-1: one line)."""

    lines: tuple[Line, ...]
    size_pt: float
    worst: int


def joined(phrases: tuple[str, ...]) -> str:
    return "".join(phrases)


@lru_cache(maxsize=4096)
def breaks(phrases: tuple[str, ...], strictness: str = "gb", with_words: bool = True) -> dict[int, int]:
    """Offset (into the joined text) → the kind of break allowed there; offsets not listed may not
    break. Without `words` only the phrase and clause breaks (no segmentation needed)."""
    text = joined(phrases)
    kinds = cjk.break_kinds(text, strictness)
    out: dict[int, int] = {}
    starts, pos = [], 0
    for ph in phrases:
        starts.append(pos)
        pos += len(ph)
    for s in starts[1:]:
        out[s] = PHRASE
    for at in range(1, len(text)):
        if at not in out and kinds[at] == cjk.BREAK_OK and (
                text[at - 1] in _CLAUSE_END or cjk.char_class(text[at]) == cjk.OPEN):
            out[at] = CLAUSE
    if with_words:
        for at in _word_ends(phrases, starts):
            before, after = text[at - 1], text[at]
            if at not in out and kinds[at] == cjk.BREAK_OK and before not in NO_END and after not in NO_START \
                    and not after.isspace():
                out[at] = WORD
    return out


def _word_ends(phrases: tuple[str, ...], starts: list[int]) -> list[int]:
    """Offsets (into the joined text) where a word ends inside a phrase (layout.text.words)."""
    return [s + at for s, inside in zip(starts, words.ends(phrases)) for at in inside]


def _pieces(phrases: tuple[str, ...], a: int, b: int) -> tuple[str, ...]:
    """The parts of the phrases that fall in [a, b) of the joined text, spaces at the edges dropped."""
    out, pos = [], 0
    for ph in phrases:
        lo, hi = max(a, pos), min(b, pos + len(ph))
        if lo < hi:
            out.append(ph[lo - pos:hi - pos])
        pos += len(ph)
    if out:  # one after the other: a single piece is both the first and the last
        out[0] = out[0].lstrip()
        out[-1] = out[-1].rstrip()
    return tuple(p for p in out if p)


def line_of(pieces: tuple[str, ...], metrics, size_pt: float, gap_em: float = 1.0, start: int = 0) -> Line:
    """Pieces on one line at their natural width, `gap_em` apart (a position, not a character, so the
    text stays the desk's)."""
    xs: list[float] = []
    advances: list[float] = []
    x = 0.0
    for i, piece in enumerate(pieces):
        if i:
            x += gap_em * size_pt
        ln = set_line(piece, metrics, size_pt)
        xs += [x + gx for gx in ln.xs_pt]
        advances += ln.advances_pt
        x += ln.width_pt
    chars = "".join(pieces)
    return Line(chars, tuple(xs), tuple(advances), start, start + len(chars), x, True)


def fit(phrases: tuple[str, ...], metrics, sizes: list[float], width_pt: float, lines: int,
        strictness: str = "gb", gap_em: float = 1.0) -> Display | None:
    """`phrases` on exactly `lines` lines that fit `width_pt`, at the largest of `sizes` (largest
    first) where any setting does, or None. Phrase and clause breaks are taken at any size before a
    word break is (a headline steps down rather than break a phrase); among the settings that fit at
    the size found, the best kind of break, then the most even lines. Widths are measured once at
    1 pt: a line's natural width grows with its size."""
    if lines == 1:
        unit = line_of(phrases, metrics, 1.0, gap_em).width_pt
        for size in sizes:
            if size * unit <= width_pt + 1e-6:
                return Display((line_of(phrases, metrics, size, gap_em),), size, -1)
        return None
    text = joined(phrases)
    units: dict[tuple[int, int], float] = {}

    def unit(a: int, b: int) -> float:
        got = units.get((a, b))
        if got is None:
            pieces = _pieces(phrases, a, b)
            got = units[(a, b)] = line_of(pieces, metrics, 1.0, gap_em).width_pt if pieces else -1.0
        return got

    for with_words in (False, True):
        allowed = breaks(phrases, strictness, with_words)
        found = []  # (widest at 1 pt, worst break, spread at 1 pt, cuts)
        for chosen in combinations(sorted(allowed), lines - 1):
            edges = (0,) + chosen + (len(text),)
            ws = [unit(a, b) for a, b in zip(edges, edges[1:])]
            if min(ws) > 0:
                found.append((max(ws), max(allowed[c] for c in chosen), max(ws) - min(ws), chosen))
        if not found:
            continue
        least = min(f[0] for f in found)
        for size in sizes:
            if size * least > width_pt + 1e-6:
                continue
            best = min((f for f in found if size * f[0] <= width_pt + 1e-6),
                       key=lambda f: (f[1], round(f[2] * size, 3), f[3]))
            edges = (0,) + best[3] + (len(text),)
            return Display(tuple(line_of(_pieces(phrases, a, b), metrics, size, gap_em, a)
                                 for a, b in zip(edges, edges[1:])), size, best[1])
    return None


def display(phrases: tuple[str, ...], metrics, size_pt: float, width_pt: float, max_lines: int = 2,
            strictness: str = "gb", gap_em: float = 1.0) -> Display | None:
    """`phrases` at `size_pt` in the fewest lines (at most `max_lines`) that fit `width_pt`, or None."""
    for n in range(1, max_lines + 1):
        got = fit(phrases, metrics, [size_pt], width_pt, n, strictness, gap_em)
        if got is not None:
            return got
    return None
