"""An independent bound on what a story's area can hold, from each block's own possible sizes.

It does not look at the arrangement search's plans or at where blocks go: it asks only which total
areas (in column-rows) the blocks could cover, each photo at any span and frame height the template
allows (crop bound, smallest frame, narrowest frame, the area's height), the sidebar at any width
and padding (the lead photo no smaller than the template's lead minimum). A story can be fitted only
if some total leaves exactly the rows its text takes (subheads may add their white rows, and each
paragraph that can be set a line longer or shorter may gain or lose one), so when no total does, the
copyfit refusal is right. It is a necessary condition, not a sufficient one: it ignores how the
blocks pack, so the search may still find no page where the bound allows one — tests count those.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from layout.compose.heights import subheads
from layout.compose.problem import SPACER_ROWS, Problem, frame_range, lead_min_rows
from layout.compose.arrange import why as arrange_why
from layout.compose.flow import stream_rows


@dataclass(frozen=True)
class Bound:
    """What the blocks can leave for text: every possible total of free rows (bit k of `reach` set:
    the blocks can cover exactly k of the `area`'s column-rows, leaving area - k), and what the text
    takes (`need`, plus up to `flex` white rows above subheads)."""

    reach: int
    area: int
    need: int
    flex: int
    blocks_fit: bool  # every block can be framed somewhere in the area at all
    down: int = 0  # lines the body may lose, paragraphs set a line shorter (抠行)
    up: int = 0  # lines it may gain, paragraphs set a line longer (拉行)

    @property
    def free(self) -> frozenset[int]:
        """Rows of text some choice of block sizes leaves."""
        return frozenset(self.area - k for k in range(self.area + 1) if self.reach >> k & 1)

    @property
    def least(self) -> int:
        return self.area - (self.reach.bit_length() - 1) if self.reach else 0

    @property
    def most(self) -> int:
        return self.area - ((self.reach & -self.reach).bit_length() - 1) if self.reach else 0

    def leaves(self, lo: int, hi: int) -> bool:
        """Whether some choice of block sizes leaves between lo and hi rows of text."""
        lo, hi = max(lo, 0), min(hi, self.area)
        if lo > hi:
            return False
        covered_lo = self.area - hi  # leaving hi rows means covering area - hi
        return bool(self.reach >> covered_lo & ((1 << (hi - lo + 1)) - 1))

    @property
    def feasible(self) -> bool:
        return self.blocks_fit and self.leaves(self.need - self.down, self.need + self.flex + self.up)


def photo_ranges(p: Problem, photo: int, min_rows: int) -> list[tuple[int, int, int]]:
    """The areas (column-rows, caption and white line included) a photo can take, as runs: at each
    span it may take, (span, first area, how many) — the areas span × (rows + caption + white line)
    for every frame height from the least to the most its frame range (crop bound, area range,
    narrowest width) and the area allow."""
    out = []
    caption_rows = p.photos[photo].caption_rows
    for span in range(1, p.columns + 1):
        lo, hi = frame_range(p, photo, span)
        cap = caption_rows[span]
        lo = max(lo, min_rows)
        hi = min(hi, p.body_rows - cap - SPACER_ROWS)
        if hi >= lo:
            out.append((span, span * (lo + cap + SPACER_ROWS), hi - lo + 1))
    return out


def photo_areas(p: Problem, photo: int, min_rows: int) -> set[int]:
    """Every area a photo can take at some span (`photo_ranges`, spelt out)."""
    return {first + span * k for span, first, n in photo_ranges(p, photo, min_rows) for k in range(n)}


def _spread(bits: int, step: int, count: int) -> int:
    """OR of `bits` shifted by step × k for k in [0, count): doubling blocks, log(count) shifts."""
    out, shift, block, size = 0, 0, bits, 1
    while count:
        if count & 1:
            out |= block << shift
            shift += size * step
        count >>= 1
        if count:
            block |= block << (size * step)
            size *= 2
    return out


def sidebar_areas(p: Problem) -> set[int]:
    s = p.sidebar
    out: set[int] = set()
    for w, rows in s.rows.items():
        if w < p.columns or p.columns == 1:
            out.update(w * (rows + pad + SPACER_ROWS) for pad in range(s.max_pad + 1))
    return out


def bound(p: Problem) -> Bound:
    area = p.columns * p.body_rows - sum(c.rows * c.span for c in p.fixed)
    if area < 0 or any(c.row + c.rows > p.rows + SPACER_ROWS for c in p.fixed):
        # a block the desk placed lies below this area's foot: no page this short holds it
        return Bound(0, 0, stream_rows(p.stream), 0, False)
    reach = 1  # bit k set: the blocks so far can cover exactly k column-rows
    mask = (1 << (area + 1)) - 1
    fit = True
    # The template's rule for the lead photo (the first of the lead group) holds for every page.
    lead = next((i for i, ph in enumerate(p.photos) if ph.group == "lead"), None)
    for i, ph in enumerate(p.photos):
        runs = photo_ranges(p, i, lead_min_rows(p) if i == lead else p.limits.photo_min_rows)
        if not runs:
            fit = False
            continue
        nxt = 0
        for span, first, n in runs:
            nxt |= _spread(reach, span, n) << first
        reach = nxt & mask
    # The photos' frames take at most the photo-share of the area (design rule photo-share): their
    # total, captions and white lines at their largest added, caps what they can cover.
    art = int(p.limits.photo_share * p.columns * p.rows)
    art += sum(max(span * (ph.caption_rows[span] + SPACER_ROWS) for span in range(1, p.columns + 1))
               for ph in p.photos)
    reach &= (1 << (min(art, area) + 1)) - 1
    if p.sidebar is not None:
        sizes = sidebar_areas(p)
        if not sizes:
            fit = False
        else:
            nxt = 0
            for a in sizes:
                nxt |= reach << a
            reach = nxt & mask
    down = sum(1 for _, d, _ in p.loose if d < 0)
    return Bound(reach, area, stream_rows(p.stream), subheads(p) * p.limits.subhead_extra_rows, fit and bool(reach),
                 down, len(p.loose) - down)


def why(b: Bound, p: Problem) -> str:
    """Why the bound refuses, in the desk's terms (as arrange.why words the search's refusals)."""
    chars = round(p.col_width_pt / (p.pitch_pt - p.gap_pt))
    if not b.blocks_fit:
        return arrange_why(p, [])  # names a block that cannot fit even alone
    fewest, most = b.need - b.down, b.need + b.flex + b.up
    if fewest > b.most:
        return (f"the body text needs {b.need} lines but the area holds at most {b.most}: {fewest - b.most} lines "
                f"over (about {(fewest - b.most) * chars} characters) even with every paragraph that can set a line "
                f"shorter; every photo is at its smallest span and height within the crop bound — cut text, drop a "
                f"photo, or change body_columns")
    if most < b.least:
        return (f"the body text needs {b.need} lines but the area leaves at least {b.least}: {b.least - most} lines "
                f"short (about {(b.least - most) * chars} characters) even with every paragraph that can set a line "
                f"longer; every photo is at its largest within the crop bound, the sidebar and the subheads at their "
                f"most white space — add text or a photo")
    return (f"the body text needs {b.need} lines; no choice of photo and sidebar sizes within the crop bounds leaves "
            f"exactly that many — lengthen or shorten the text by a line or two, or place a photo")


def body_window(p: Problem, jump: bool = False) -> tuple[int, int]:
    """The body heights (rows under the headline band) worth asking the bound about: where the text's
    lines lie between what the area leaves with every block at its largest and at its smallest (block
    sizes taken over any height, so the window is never too narrow). A story that may jump (转版)
    holds less than its text, so any height up to the largest is worth asking."""
    least = most = 0
    for i, ph in enumerate(p.photos):
        runs = photo_ranges(replace(p, rows=10**6, memo={}), i, p.limits.photo_min_rows)
        if not runs:
            continue
        least += min(first for _, first, _ in runs)
        most += max(first + span * (n - 1) for span, first, n in runs)
    if p.sidebar is not None:
        sizes = sidebar_areas(p)
        least += min(sizes, default=0)
        most += max(sizes, default=0)
    fixed = sum(c.rows * c.span for c in p.fixed)
    need = stream_rows(p.stream)
    down = sum(1 for _, d, _ in p.loose if d < 0)
    up = len(p.loose) - down
    flex = subheads(p) * p.limits.subhead_extra_rows
    lo = 0 if jump else -(-(need - down + least + fixed) // p.columns)
    hi = (need + flex + up + most + fixed) // p.columns
    return lo, hi
