"""compose.nearest: when the heights the page's items can fill do not tile its free area, the least cut
(or addition) of one story that lets them — what a layout editor asks the desk for before anything
else (docs/page-layout.md §2: cut or continue, the desk decides; design rule levers: the engine
proposes how many characters in which story).

A story `k` module rows shorter fills each of its heights less `k` at every width (its text is what
changes; its photos, headline and white stay the levers they were). The search is run with that
story's heights moved — the lowest-ranked story first, the fewest rows first, within a step budget
the trials share — and a tiling found so is only a candidate: the story's text is then cut (or
lengthened) by the characters those rows hold and the page searched and composed for real
(`verify`, the first candidate only: a check is a page search), so that a proposal the desk follows
gives a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from layout.base.model import Story
from layout.compose.modules import Fits, Module, SearchExhausted, Tiler

NEAR_ROWS = 3  # the most module rows a proposal moves one story by
# A refusal's proposal costs a few tenths of a second more: on the family's refusals whose heights
# do not tile, a trial that finds a tiling takes some hundreds of steps (a fruitless one all it may),
# a check a page search and its compositions. (With twice the steps and two checks, 10 of the family's
# 146 such refusals were told a proposal, and the speed bench's refusal took twice as long.)
BUDGET = 30_000  # search steps all the candidates' trials of one refusal share
CHECK_STEPS = 30_000  # search steps of one check
VERIFIED = 1  # candidates checked, at most


@dataclass(frozen=True)
class Nearest:
    """Story `item` with `chars` characters fewer (< 0: more) fills the page: `rows` module rows
    shorter (< 0: longer) in a module `span` wide."""

    item: int
    rows: int
    span: int
    chars: int


def shifted(fits: Fits, item: int, rows: int, least: int, columns: int) -> Fits:
    """`fits` with item `item` `rows` module rows shorter at every width (< 0: longer); heights under
    `least` module rows go."""
    def heights(i: int, span: int, separated: bool) -> list[int]:
        got = fits.heights(i, span, separated)
        return [r - rows for r in got if r - rows >= least] if i == item else got

    def own(f: Callable | None) -> Callable | None:  # asked for the story's rows: as it was at those before
        return None if f is None else (lambda i, span, n: f(i, span, n + rows if i == item else n))

    def cells(i: int) -> tuple[int, float]:
        lo, hi = fits.cells(i) if fits.cells else (0, float("inf"))
        return (max(1, lo - abs(rows) * columns), hi + abs(rows) * columns) if i == item else (lo, hi)

    return replace(fits, heights=heights, cost=own(fits.cost), head=own(fits.head), cells=cells)


def retexted(story: Story, chars: int) -> Story:
    """`story` with `chars` characters fewer at the end of its running text (< 0: that many more, its
    own text again, as a stand-in for what the desk would write): whole paragraphs go from the end
    while the cut is longer than they are, the last one left ends where the cut falls, with a 。."""
    runs = [list(story.lead)] + [list(sec.paragraphs) for sec in story.sections]
    filled = [k for k, r in enumerate(runs) if r]
    if not filled:
        return story
    if chars > 0:
        while chars:
            k = max((k for k, r in enumerate(runs) if r), default=None)
            if k is None:
                break
            last = runs[k][-1]
            if chars < len(last.text) - 1:
                runs[k][-1] = replace(last, text=last.text[:len(last.text) - chars - 1] + "。")
                chars = 0
            else:
                chars -= len(last.text)
                runs[k].pop()
    elif chars < 0:
        k = filled[-1]
        own = "".join(p.text for r in runs for p in r)
        last = runs[k][-1]
        runs[k][-1] = replace(last, text=last.text[:-1] + "，" + (own * (1 - chars // max(1, len(own))))[:-chars - 1] + "。")
    sections = tuple(replace(sec, paragraphs=tuple(r)) for sec, r in zip(story.sections, runs[1:]))
    return replace(story, lead=tuple(runs[0]), sections=sections)


def nearest(fits: Fits, count: int, columns: int, height: int, fixed: tuple[Module, ...], stories: Sequence[int],
            least: int, search: Callable[[Tiler], list[Module] | None], chars: Callable[[int, int, int], int | None],
            verify: Callable[[int, int], bool]) -> Nearest | None:
    """The first of `stories` (the lowest-ranked first), at the fewest rows (a cut before an addition),
    whose heights moved let `search` (the page's search on a Tiler) find a tiling, whose text can
    give those rows (`chars(item, rows, span)`: the characters they hold, None when the story would be
    left too short) and which `verify(item, chars)` confirms by composing the page with its text so
    cut; None when none does within BUDGET steps and VERIFIED compositions."""
    budget, tries = BUDGET, VERIFIED
    for k in range(1, NEAR_ROWS + 1):
        for item in stories:
            for rows in (k, -k):
                tiler = Tiler(shifted(fits, item, rows, least, columns), count, columns, height, fixed=fixed)
                tiler.budget = budget
                try:
                    found = search(tiler)
                except SearchExhausted:
                    return None
                budget -= tiler.steps
                if found is None:
                    continue
                span = next(m.rect.span for m in found if m.item == item)
                n = chars(item, rows, span)
                if n is None:
                    continue
                if verify(item, n):
                    return Nearest(item, rows, span, n)
                tries -= 1
                if not tries:
                    return None
    return None
