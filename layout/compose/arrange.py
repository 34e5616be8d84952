"""The arrangement search: where a story's blocks go on its grid, and how tall, so that the body text
fills the columns exactly.

Below the headline band a story's area is C body columns × H rows. The blocks are the photos (each
with its caption under it) and the sidebar; the body text threads through the column runs that are
left, column after column. A candidate page is a *plan* — the structure a layout editor sketches
first — and its *heights*, which they then adjust until the text fits:

- the sidebar: none, or at the top or the foot of the leftmost or rightmost one or two columns;
- the top group (the lead-group photos, article order): the lead photo alone across `lead span`
  columns at one edge of the columns the sidebar leaves, the other photos under it in tiers inside
  its columns;
- the foot group (the end-group photos): tiers standing on the area's foot, read top to bottom;
- a tier is a row of photos of one frame height, each photo's span chosen for least crop (a
  justified gallery), or two rows beside one tall photo (a portrait beside two rows of smaller
  ones); the tier next to the text may leave columns to it, and its photos may each take their own
  height (ragged), the text starting under each;
- heights: each tier's frame rows (each ragged photo's), the sidebar's padding rows, a white row
  above as many subheads as needed, and lines the body gains or loses by setting paragraphs a line
  longer or shorter (抠行 / 拉行: Knuth's looseness within the first tolerance, so the spacing change
  is not visible; `Problem.loose` lists which paragraphs can, and what each costs).

Blocks stack from the top and from the foot of each column without gaps, so a column holds at most
one run of text: the body reads column after column and never jumps back, and a run shorter than
`min_run` lines (碎栏) is not allowed. The crop bound (`max_aspect_change`) is hard.

Text capacity is linear in the heights, so a plan's exact fills are found by a small search
(`exact_heights`); candidates are then tried cheapest first (layout.compose.score) until one threads
the text with no subhead stranded at a column foot (背题). Pure and cheap: no text is set here; the
stream is line counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from layout.compose import score
from layout.compose.flow import Flow, Region, Subhead, flow, stream_rows

SPACER_ROWS = 1  # white line between a block and the body text (and between stacked blocks)
MAX_PER_ROW = 4  # a row of more photos reads as a contact sheet
TALL_ASPECT = 1.2  # only a photo narrower than this stands through two rows of a tier
TRIES = 300  # threadings tried per story after a page was found, looking for a better one
SEARCH_NODES = 40_000  # height-search nodes one story may spend over all its plans (bounds the worst case)


@dataclass(frozen=True)
class Cell:
    """A block placed on the body grid: columns [col, col + span), rows [row, row + rows)."""

    block: str
    kind: str  # photo | sidebar
    col: int  # body columns
    span: int
    row: int
    rows: int  # including caption lines and the spacer row
    frame_rows: int = 0  # photo: the image frame; sidebar: the box
    caption_rows: int = 0
    spacer_top: bool = False  # foot blocks keep their white line above the frame


@dataclass(frozen=True)
class PhotoSpec:
    """What arranging needs of a photo: its aspect, its caption's lines at each span, its group."""

    block: str
    aspect: float  # width / height of the (oriented) source
    caption_rows: Mapping[int, int]  # span → caption lines at that width
    group: str = "lead"  # lead: after the lead paragraph (top); end: after the body (foot)


@dataclass(frozen=True)
class SidebarSpec:
    """The sidebar's box rows (padding 0) at each width in body columns it may take."""

    rows: Mapping[int, int]
    max_pad: int
    wrapped: Mapping[int, int]  # width → item lines beyond one per item


@dataclass(frozen=True)
class Limits:
    """The template's bounds on the levers."""

    max_aspect_change: float  # crop bound: a frame's aspect within this factor of the photo's
    photo_min_rows: int
    lead_min_rows: int
    photo_min_width_pt: float
    min_run: int = 3  # shortest run of text in a column (碎栏 below)
    subhead_extra_rows: int = 1  # white rows a subhead may gain


@dataclass(frozen=True)
class Problem:
    """Everything arranging needs, in grid units."""

    columns: int
    rows: int  # rows of the area
    top_row: int  # first row under the headline band
    stream: tuple  # flow pieces (Para, Subhead)
    photos: tuple[PhotoSpec, ...]  # placed automatically, article order
    sidebar: SidebarSpec | None  # placed automatically; None = none (or placed by hand)
    fixed: tuple[Cell, ...]  # blocks the desk placed by hand
    order: tuple[int, ...]  # the body columns in the order the text threads through them
    col_width_pt: float
    gutter_pt: float
    pitch_pt: float
    gap_pt: float
    limits: Limits
    # Paragraphs that can be set a line shorter (−1) or longer (+1): (stream index, delta, cost), cheapest first.
    loose: tuple[tuple[int, int, float], ...] = ()
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # tier and crop tables, by key

    @property
    def body_rows(self) -> int:
        return self.rows - self.top_row


@dataclass(frozen=True)
class Side:
    """Where the sidebar stands: edge, width in body columns, top or foot."""

    edge: str  # left | right
    width: int
    at: str  # top | foot


@dataclass(frozen=True)
class Tier:
    """Photos in one row, or in two rows beside one tall photo. Photo k stands at column `cols[k]`,
    `spans[k]` columns wide, starting in row `starts[k]` (0 or 1); `tall[k]` marks the photo through
    both rows, whose frame is 2h plus the upper row's caption lines and a white line. All frames of a
    tier share one height h unless the tier is `ragged` (one row next to the text, each photo its
    own height)."""

    photos: tuple[int, ...]
    cols: tuple[int, ...]
    spans: tuple[int, ...]
    starts: tuple[int, ...]
    tall: tuple[bool, ...]
    width: int  # columns the tier covers
    height: int  # rows: 1 or 2
    ragged: bool = False

    @staticmethod
    def row(photos: tuple[int, ...], spans: tuple[int, ...], col: int = 0, ragged: bool = False) -> "Tier":
        cols = tuple(col + sum(spans[:k]) for k in range(len(spans)))
        n = len(photos)
        return Tier(photos, cols, spans, (0,) * n, (False,) * n, sum(spans), 1, ragged)

    def moved(self, dcol: int) -> "Tier":
        if not dcol:
            return self
        return Tier(self.photos, tuple(c + dcol for c in self.cols), self.spans, self.starts, self.tall, self.width,
                    self.height, self.ragged)

    @property
    def levers(self) -> int:
        """How many heights the tier has: one, or one per photo when ragged."""
        return len(self.photos) if self.ragged else 1


@dataclass(frozen=True)
class Plan:
    """The discrete structure of a candidate page (see the module docstring). `top[0]` holds the lead
    photo alone; the top tiers under it stay inside its columns; `foot` lists the foot tiers from the
    top one down."""

    side: Side | None
    top: tuple[Tier, ...]
    foot: tuple[Tier, ...]
    moved: int = 0  # photos set outside their group (top ↔ foot)

    @property
    def tiers(self) -> tuple[Tier, ...]:
        return self.top + self.foot


@dataclass(frozen=True)
class Heights:
    """The free heights of one candidate, in rows: each tier's frame rows (one per photo of a ragged
    tier; top tiers, then foot tiers), the sidebar's padding, and the white rows added above subheads."""

    tiers: tuple[tuple[int, ...], ...] = ()
    pad: int = 0
    flex: int = 0
    loose: int = 0  # lines the body gains (+) or loses (−) by loosened paragraphs


@dataclass(frozen=True)
class Arrangement:
    """A candidate page: plan, heights, placed cells, the text regions left and how the text flows."""

    plan: Plan | None
    heights: Heights
    cells: tuple[Cell, ...]
    regions: tuple[Region, ...]
    flow: Flow
    stream: tuple  # the stream as flowed (subheads with their white rows, loosened paragraphs' lines)
    cost: float
    loosened: tuple[tuple[int, int], ...] = ()  # (stream index, delta) of the paragraphs set a line off


# ---------------------------------------------------------------- photo geometry


def width_pt(p: Problem, span: int) -> float:
    return span * p.col_width_pt + (span - 1) * p.gutter_pt


def frame_height_pt(p: Problem, rows: int) -> float:
    return rows * p.pitch_pt - p.gap_pt


def crop_range(p: Problem, aspect: float, span: int) -> tuple[int, int]:
    """Frame rows whose aspect stays within the crop bound of the photo's aspect at `span` columns."""
    w, k = width_pt(p, span), p.limits.max_aspect_change
    lo = math.ceil((w / (aspect * k) + p.gap_pt) / p.pitch_pt - 1e-9)
    hi = math.floor((w * k / aspect + p.gap_pt) / p.pitch_pt + 1e-9)
    return lo, hi


def crop_cost(p: Problem, aspect: float, span: int, rows: int) -> float:
    return abs(math.log(width_pt(p, span) / frame_height_pt(p, rows) / aspect))


def min_span(p: Problem) -> int:
    """The narrowest span a photo may take (never narrower than the template's smallest frame)."""
    lo = 1
    while lo < p.columns and width_pt(p, lo) < p.limits.photo_min_width_pt - 1e-6:
        lo += 1
    return lo


def lead_min_rows(p: Problem) -> int:
    """The lead photo's smallest frame: the template's, or a third of the area when that is less."""
    return max(p.limits.photo_min_rows, min(p.limits.lead_min_rows, p.body_rows // 3))


# ---------------------------------------------------------------- tiers


def caption_rows(p: Problem, tier: Tier) -> tuple[int, ...]:
    """Caption lines under each row of a tier: the most any photo ending in that row needs (a row's
    frames and captions align; a ragged tier's photos each keep their own, see `photo_caption`)."""
    caps = [0] * tier.height
    for i, s, r, t in zip(tier.photos, tier.spans, tier.starts, tier.tall):
        end = tier.height - 1 if t else r
        caps[end] = max(caps[end], p.photos[i].caption_rows[s])
    return tuple(caps)


def frame_rows(tier: Tier, caps: tuple[int, ...], k: int, h: int) -> int:
    """Photo k's frame rows in an aligned `tier` at frame height h."""
    return 2 * h + caps[0] + SPACER_ROWS if tier.tall[k] else h


def crop_table(p: Problem, photo: int, span: int) -> tuple[int, int, dict[int, float]]:
    """(lo, hi, rows → crop cost) of a photo at a span within the crop bound, worked out once."""
    key = ("crop", photo, span)
    got = p.memo.get(key)
    if got is None:
        aspect = p.photos[photo].aspect
        lo, hi = crop_range(p, aspect, span)
        got = p.memo[key] = (lo, hi, {r: crop_cost(p, aspect, span, r) for r in range(max(lo, 1), hi + 1)})
    return got


def photo_range(p: Problem, photo: int, span: int, lo: int, hi: int, weight: float = 1.0) -> dict[int, float] | None:
    """Frame rows in [lo, hi] within the crop bound for one photo, each with its weighted crop cost."""
    a, b, table = crop_table(p, photo, span)
    lo, hi = max(lo, a), min(hi, b)
    if lo > hi:
        return None
    return {r: weight * table[r] for r in range(lo, hi + 1)}


def tier_ranges(p: Problem, tier: Tier, lead: bool) -> tuple[dict[int, float], ...] | None:
    """The heights of a tier's levers, each value with its crop cost (one lever, or one per photo of
    a ragged tier); None when no height frames every photo within the crop bound. Worked out once
    per tier."""
    key = ("tier", tier, lead)
    if key not in p.memo:
        p.memo[key] = _tier_ranges(p, tier, lead)
    return p.memo[key]


def _tier_ranges(p: Problem, tier: Tier, lead: bool) -> tuple[dict[int, float], ...] | None:
    lim = p.limits
    weight = score.LEAD_WEIGHT if lead else 1.0
    lo = lead_min_rows(p) if lead else lim.photo_min_rows
    if tier.ragged:
        out = []
        for i, s in zip(tier.photos, tier.spans):
            cap = p.photos[i].caption_rows[s]
            rg = photo_range(p, i, s, lo, p.body_rows - cap - SPACER_ROWS - lim.min_run, weight)
            if rg is None:
                return None
            out.append(rg)
        return tuple(out)
    caps = caption_rows(p, tier)
    hi = (p.body_rows - sum(caps) - SPACER_ROWS * tier.height - lim.min_run) // tier.height
    tables = []
    for k, (i, s) in enumerate(zip(tier.photos, tier.spans)):
        a, b, table = crop_table(p, i, s)
        tables.append(table)
        if tier.tall[k]:
            extra = caps[0] + SPACER_ROWS
            a, b = -(-(a - extra) // 2), (b - extra) // 2
        lo, hi = max(lo, a), min(hi, b)
    if lo > hi:
        return None
    out = {}
    for h in range(lo, hi + 1):
        out[h] = weight * sum(table[frame_rows(tier, caps, k, h)] for k, table in enumerate(tables))
    return (out,)


def tier_area(p: Problem, tier: Tier, heights: tuple[int, ...]) -> int:
    """Column-rows the tier takes at the given heights."""
    if tier.ragged:
        return sum(s * (h + p.photos[i].caption_rows[s] + SPACER_ROWS)
                   for i, s, h in zip(tier.photos, tier.spans, heights))
    return tier.width * sum(heights[0] + c + SPACER_ROWS for c in caption_rows(p, tier))


# ---------------------------------------------------------------- plans


@lru_cache(maxsize=4096)
def compositions(total: int, parts: int, least: int) -> tuple[tuple[int, ...], ...]:
    """Every way to write `total` as `parts` ordered spans of at least `least`."""
    if parts == 1:
        return ((total,),) if total >= least else ()
    return tuple((first,) + rest for first in range(least, total - least * (parts - 1) + 1)
                 for rest in compositions(total - first, parts - 1, least))


RowTable = dict[tuple[int, int], tuple[float, tuple[int, ...]]]  # (frame rows, caption lines) → (crop, spans)


def _row_table(p: Problem, photos: tuple[int, ...], width: int) -> RowTable:
    """For a row of `photos` exactly `width` columns wide sharing one frame height: the least crop at
    each (height, caption lines) and the spans that give it. Worked out once per row and width, from
    the photos' crop tables, without building a Tier per composition."""
    key = ("row", photos, width)
    if key in p.memo:
        return p.memo[key]
    out: RowTable = {}
    least = min_span(p)
    for spans in compositions(width, len(photos), least):
        lo, hi, cap, tables = p.limits.photo_min_rows, p.body_rows, 0, []
        for i, s in zip(photos, spans):
            a, b, table = crop_table(p, i, s)
            lo, hi = max(lo, a), min(hi, b)
            cap = max(cap, p.photos[i].caption_rows[s])
            tables.append(table)
        for h in range(lo, hi + 1):
            c = sum(t[h] for t in tables)
            if c < out.get((h, cap), (math.inf,))[0]:
                out[(h, cap)] = (c, spans)
    p.memo[key] = out
    return out


def _best_own(p: Problem, photo: int, span: int, area_weight: float) -> float | None:
    """A photo at its own best height (a ragged tier): least crop plus `area_weight` per column-row."""
    lo, hi, table = crop_table(p, photo, span)
    lo, hi = max(lo, p.limits.photo_min_rows), min(hi, p.body_rows)
    if lo > hi:
        return None
    cap = p.photos[photo].caption_rows[span] + SPACER_ROWS
    return min(table[h] + area_weight * span * (h + cap) for h in range(lo, hi + 1))


def _cheapest_row(p: Problem, photos: tuple[int, ...], width: int, ragged: bool,
                  area_weight: float) -> tuple[float, Tier] | None:
    """The one-row tier of `photos` exactly `width` columns wide with the least crop (and area); a
    ragged one pays for its uneven feet. Once per problem: every split of the photos into top and
    foot groups, and every sidebar place of the same width, asks again for the same runs."""
    key = ("cheapest-row", photos, width, ragged, area_weight)
    if key not in p.memo:
        p.memo[key] = _row_tier(p, photos, width, ragged, area_weight)
    return p.memo[key]


def _row_tier(p: Problem, photos: tuple[int, ...], width: int, ragged: bool,
              area_weight: float) -> tuple[float, Tier] | None:
    if ragged:
        best = None
        for spans in compositions(width, len(photos), min_span(p)):
            parts = [_best_own(p, i, s, area_weight) for i, s in zip(photos, spans)]
            if None not in parts:
                c = sum(parts) + (score.RAGGED if len(photos) > 1 else 0.0)
                if best is None or c < best[0]:
                    best = (c, spans)
        return None if best is None else (best[0], Tier.row(photos, best[1], ragged=True))
    best = None
    for (h, cap), (c, spans) in _row_table(p, photos, width).items():
        c += area_weight * width * (h + cap + SPACER_ROWS)
        if best is None or c < best[0]:
            best = (c, spans)
    return None if best is None else (best[0], Tier.row(photos, best[1]))


def _cheapest_pair(p: Problem, photos: tuple[int, ...], width: int, area_weight: float) -> tuple[float, Tier] | None:
    """`_pair_tier`, once per problem (as `_cheapest_row`)."""
    key = ("cheapest-pair", photos, width, area_weight)
    if key not in p.memo:
        p.memo[key] = _pair_tier(p, photos, width, area_weight)
    return p.memo[key]


def _pair_tier(p: Problem, photos: tuple[int, ...], width: int, area_weight: float) -> tuple[float, Tier] | None:
    """The two-row tier of `photos` across `width` columns with the least crop: one photo (narrower
    than TALL_ASPECT) through both rows at the left or the right edge, the others in article order
    in the upper row and then the lower one. Taking the tall photo out of its place in the reading
    order costs score.REORDER per position it moves. The rows' best spans come from their height
    tables, so the search is over the tall photo's span and the split, not every composition pair."""
    least = min_span(p)
    best = None
    n = len(photos)
    for k in range(n):
        tall = photos[k]
        if p.photos[tall].aspect >= TALL_ASPECT:
            continue
        rest = photos[:k] + photos[k + 1:]
        for upper in range(1, n - 1):
            top, low = rest[:upper], rest[upper:]
            for st in range(least, width - least + 1):
                side = width - st
                if side < least * max(len(top), len(low)):
                    continue
                a_lo, a_hi, tall_table = crop_table(p, tall, st)
                ups = _row_table(p, top, side)
                if a_lo > a_hi or not ups:
                    continue
                best_low = _lower_rows(p, low, side, p.photos[tall].caption_rows[st], area_weight * width)
                for (h, cap0), (cu, up_spans) in ups.items():
                    got = best_low.get(h)
                    frame = 2 * h + cap0 + SPACER_ROWS
                    if got is None or not a_lo <= frame <= a_hi:
                        continue
                    cl, cap1, low_spans = got
                    c = cu + cl + tall_table[frame] + area_weight * width * (2 * h + cap0 + cap1 + 2 * SPACER_ROWS)
                    for tall_at in ("left", "right"):
                        moved = abs(k - (0 if tall_at == "left" else upper))
                        total = c + score.PAIR + score.REORDER * moved
                        if best is None or total < best[0]:
                            best = (total, (tall, top, low, st, up_spans, low_spans, tall_at))
    if best is None:
        return None
    tall, top, low, st, a, b, tall_at = best[1]
    x, tall_col = (st, 0) if tall_at == "left" else (0, width - st)
    placed = {tall: (tall_col, st, 0, True)}
    placed.update({ph: (x + sum(a[:j]), a[j], 0, False) for j, ph in enumerate(top)})
    placed.update({ph: (x + sum(b[:j]), b[j], 1, False) for j, ph in enumerate(low)})
    order = ((tall,) + top if tall_at == "left" else top + (tall,)) + low
    cols, spans, starts, talls = zip(*(placed[ph] for ph in order))
    return best[0], Tier(order, cols, spans, starts, talls, width, 2)


def _lower_rows(p: Problem, low: tuple[int, ...], side: int, tall_cap: int,
                weight: float) -> dict[int, tuple[float, int, tuple[int, ...]]]:
    """A pair tier's lower row beside a tall photo whose caption takes `tall_cap` lines: at each frame
    height, the least crop plus `weight` per caption line, its caption lines and spans."""
    key = ("lower-rows", low, side, tall_cap, weight)
    got = p.memo.get(key)
    if got is None:
        got = {}
        for (h, cap), (c, spans) in _row_table(p, low, side).items():
            cap = max(cap, tall_cap)
            best = got.get(h)
            if best is None or c + weight * cap < best[0] + weight * best[1]:
                got[h] = (c, cap, spans)
        p.memo[key] = got
    return got


def partitions(p: Problem, photos: tuple[int, ...], width: int, partial_at: str) -> list[tuple[Tier, ...]]:
    """`_partitions`, worked out once per group of photos, width and edge."""
    key = ("parts", photos, width, partial_at)
    if key not in p.memo:
        p.memo[key] = _partitions(p, photos, width, partial_at)
    return p.memo[key]


def _partitions(p: Problem, photos: tuple[int, ...], width: int, partial_at: str) -> list[tuple[Tier, ...]]:
    """Ways to set `photos` (article order) in tiers inside a strip `width` columns wide, like a
    justified photo gallery, one per style of score.TIER_STYLES (a cost per tier and per column-row):
    from many tall tiers (big photos) to few packed ones (small photos).

    A tier may be narrower than the strip, leaving columns to the text, as long as every column
    keeps one run of text: going away from the text, tiers only widen (foot group, `partial_at`
    "first": from the top tier down; top group, "last": from the bottom tier up). The tier next to
    the text may be ragged. Tiers start at column 0 of the strip, flush with its far edge once moved."""
    m = len(photos)
    if not m:
        return [()]
    least = min_span(p)
    most = min(MAX_PER_ROW, width // least)
    options: dict[tuple[int, int, int, float], tuple[float, Tier] | None] = {}

    def option(i: int, j: int, w: int, area_weight: float) -> tuple[float, Tier] | None:
        key = (i, j, w, area_weight)
        if key not in options:
            edge = (partial_at == "last" and j == m) or (partial_at == "first" and i == 0)
            got = None
            if j - i <= most and w >= least * (j - i):
                for ragged in ((False, True) if edge and j - i > 1 else (False,)):
                    row = _cheapest_row(p, photos[i:j], w, ragged, area_weight)
                    if row is not None and (got is None or row[0] < got[0]):
                        got = row
            if 3 <= j - i <= 2 * most - 1 and w == width:
                pair = _cheapest_pair(p, photos[i:j], width, area_weight)
                if pair is not None and (got is None or pair[0] < got[0]):
                    got = pair
            if got is not None:
                got = (got[0] + score.EMPTY_COLUMN * (width - w), got[1])
            options[key] = got
        return options[key]

    # Tiers in reading order, top to bottom. Foot group: tiers widen downwards (a tier at least as wide
    # as the one before); top group: they narrow downwards.
    widening = partial_at == "first"
    start = 0 if widening else width
    choices: dict[tuple[int, int, float], list[tuple[int, float, int]]] = {}

    def fitting(i: int, j: int, area_weight: float) -> list[tuple[int, float, int]]:
        """(width, cost, height) of every tier of photos[i:j] that can be set, narrowest first."""
        key = (i, j, area_weight)
        if key not in choices:
            choices[key] = [(w, got[0], got[1].height) for w in range(least, width + 1)
                            if (got := option(i, j, w, area_weight)) is not None]
        return choices[key]

    out: list[tuple[Tier, ...]] = []
    for penalty, area_weight in score.TIER_STYLES:
        cost: list[dict[int, float]] = [{} for _ in range(m + 1)]  # cost[j][w]: photos[:j] set, last tier w wide
        back: dict[tuple[int, int], tuple[int, int]] = {}
        cost[0][start] = 0.0
        for j in range(1, m + 1):
            here = cost[j]
            for i in range(max(0, j - 2 * most + 1), j):
                tiers = fitting(i, j, area_weight)
                for prev, c0 in cost[i].items():
                    for w, oc, oh in tiers:
                        if (w < prev) if widening else (w > prev):
                            continue
                        c = c0 + oc + penalty * oh
                        if c < here.get(w, math.inf):
                            here[w], back[(j, w)] = c, (i, prev)
        if not cost[m]:
            continue
        w = min(cost[m], key=cost[m].get)
        tiers, j = [], m
        while j:
            i, prev = back[(j, w)]
            tiers.append(option(i, j, w, area_weight)[1])
            j, w = i, prev
        found = tuple(reversed(tiers))
        if found not in out:
            out.append(found)
    return out


def _sides(p: Problem) -> list[Side | None]:
    if p.sidebar is None:
        return [None]
    return [Side(edge, width, at) for width, rows in sorted(p.sidebar.rows.items())
            if (width < p.columns or width == p.columns == 1) and rows + SPACER_ROWS <= p.body_rows
            for at in ("top", "foot") for edge in ("left", "right")]


REGROUPS = 2  # later passes of `plans`: the lead photo alone at the top, then with one row of photos


def plans(p: Problem, regroup: int = 0) -> Iterator[Plan]:
    """Every plan worth a look: sidebar place × lead span and edge × top tiers × foot tiers.

    The lead group stands at the top and the end group at the foot. When one group is empty the
    other may be split between top and foot (article order kept); a photo moved out of its group
    costs (score.MOVED). A later pass (`regroup` 1 … REGROUPS, for a story no plan of the passes
    before could fit) yields only plans where a long lead group leaves its last photos to the
    foot, before the end group, so that the lead's column strip need not hold them all: pass 1
    keeps the lead photo alone at the top, pass 2 the lead photo and one row."""
    n = len(p.photos)
    lead_group = tuple(i for i, s in enumerate(p.photos) if s.group == "lead")
    end_group = tuple(i for i, s in enumerate(p.photos) if s.group == "end")
    row = min(MAX_PER_ROW, p.columns // min_span(p))
    if regroup:
        keep = 1 if regroup == 1 else 1 + row  # lead-group photos kept at the top
        moved = len(lead_group) - keep
        splits = []
        if end_group and moved > 0:
            splits = [(lead_group[:keep], tuple(sorted(lead_group[keep:] + end_group)), moved)]
    else:
        splits = [(lead_group, end_group, 0)]
        if not end_group and n > 1:  # everything after the lead: some may stand at the foot instead
            tops = sorted({1, 1 + row, 1 + 2 * row, (n + 1) // 2} - {n})
            splits += [(tuple(range(k)), tuple(range(k, n)), n - k) for k in tops if k < n]
        elif not lead_group and n:  # everything at the end: the first may lead
            splits += [(tuple(range(k)), tuple(range(k, n)), k) for k in range(1, min(n, 3))]
    least = min_span(p)
    for side in _sides(p):
        top_w = p.columns - (side.width if side and side.at == "top" else 0)
        top_x = side.width if side and side.at == "top" and side.edge == "left" else 0
        foot_w = p.columns - (side.width if side and side.at == "foot" else 0)
        foot_x = side.width if side and side.at == "foot" and side.edge == "left" else 0
        for top, foot, moved in splits:
            if (top and top_w < least) or (foot and foot_w < least):
                continue
            feet = [tuple(t.moved(foot_x + foot_w - t.width) for t in part) for part in partitions(p, foot, foot_w, "first")]
            for head in _heads(p, top, top_w, top_x):
                for f in feet:
                    yield Plan(side, head, f, moved)


def _heads(p: Problem, top: tuple[int, ...], width: int, x0: int) -> Iterator[tuple[Tier, ...]]:
    """The top group's tiers: the lead photo alone across `lead_span` columns at one edge of the strip,
    the others in tiers inside its columns, flush with the same edge."""
    if not top:
        yield ()
        return
    lead, rest = top[0], top[1:]
    for lead_span in range(min_span(p), width + 1):
        for edge in ("left", "right") if lead_span < width else ("left",):
            lead_col = x0 if edge == "left" else x0 + width - lead_span
            head = Tier.row((lead,), (lead_span,), lead_col)
            for part in partitions(p, rest, lead_span, "last"):
                yield (head,) + tuple(t.moved(lead_col if edge == "left" else lead_col + lead_span - t.width)
                                      for t in part)


# ---------------------------------------------------------------- cells of a plan


def cells(p: Problem, plan: Plan, h: Heights) -> tuple[Cell, ...]:
    """The plan's blocks at heights `h`, on the story's body grid (rows from the area's top)."""
    out: list[Cell] = []
    side = plan.side
    if side is not None:
        box = p.sidebar.rows[side.width] + h.pad
        col = 0 if side.edge == "left" else p.columns - side.width
        if side.at == "top":
            out.append(Cell("sidebar", "sidebar", col, side.width, p.top_row, box + SPACER_ROWS, box))
        else:
            out.append(Cell("sidebar", "sidebar", col, side.width, p.rows - box - SPACER_ROWS, box + SPACER_ROWS, box,
                            spacer_top=True))
    n_top = len(plan.top)
    row = p.top_row
    for tier, hs in zip(plan.top, h.tiers[:n_top]):
        out += _tier_cells(p, tier, row, hs, False)
        row += tier_rows(p, tier, hs)
    row = p.rows
    for tier, hs in reversed(tuple(zip(plan.foot, h.tiers[n_top:]))):
        out += _tier_cells(p, tier, row - tier_rows(p, tier, hs), hs, True, bottom=row)
        row -= tier_rows(p, tier, hs)
    return tuple(out) + p.fixed


def tier_rows(p: Problem, tier: Tier, hs: tuple[int, ...]) -> int:
    """Rows a tier takes: each row its frames, captions and a white line (a ragged tier: its tallest
    photo)."""
    if tier.ragged:
        return max(v + p.photos[i].caption_rows[s] + SPACER_ROWS for i, s, v in zip(tier.photos, tier.spans, hs))
    return sum(hs[0] + c + SPACER_ROWS for c in caption_rows(p, tier))


def _tier_cells(p: Problem, tier: Tier, row: int, hs: tuple[int, ...], foot: bool, bottom: int = 0) -> list[Cell]:
    out = []
    if tier.ragged:  # top tiers hang from `row`; a foot tier's photos stand on `bottom`
        for i, col, s, v in zip(tier.photos, tier.cols, tier.spans, hs):
            cap = p.photos[i].caption_rows[s]
            rows = v + cap + SPACER_ROWS
            out.append(Cell(p.photos[i].block, "photo", col, s, bottom - rows if foot else row, rows, v, cap,
                            spacer_top=foot))
        return out
    caps = caption_rows(p, tier)
    tops = [row, row + hs[0] + caps[0] + SPACER_ROWS]
    for k, (i, col, s, r) in enumerate(zip(tier.photos, tier.cols, tier.spans, tier.starts)):
        end = tier.height - 1 if tier.tall[k] else r
        frame = frame_rows(tier, caps, k, hs[0])
        out.append(Cell(p.photos[i].block, "photo", col, s, tops[r], frame + caps[end] + SPACER_ROWS, frame, caps[end],
                        spacer_top=foot))
    return out


def free_regions(p: Problem, placed: tuple[Cell, ...]) -> tuple[Region, ...]:
    """The free runs of each body column under the headline, in threading order: column by column
    (left to right unless the page gives another order), each top to bottom."""
    regions = []
    for col in p.order:
        taken = sorted((c.row, c.row + c.rows) for c in placed if c.col <= col < c.col + c.span)
        row = p.top_row
        for start, end in taken + [(p.rows, p.rows)]:
            if start > row:
                regions.append(Region(col, row, start - row))
            row = max(row, end)
    return tuple(regions)


def overlaps(placed: tuple[Cell, ...]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            if a.col < b.col + b.span and b.col < a.col + a.span and a.row < b.row + b.rows and b.row < a.row + a.rows:
                out.append((a.block, b.block))
    return out


def fits(p: Problem, placed: tuple[Cell, ...], regions: tuple[Region, ...]) -> bool:
    """Every block inside the area and apart, every run of text at least `min_run` lines."""
    if any(c.row < p.top_row or c.row + c.rows > p.rows or c.col < 0 or c.col + c.span > p.columns for c in placed):
        return False
    if any(r.rows < p.limits.min_run for r in regions):
        return False
    return not overlaps(placed)


# ---------------------------------------------------------------- heights


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
    key = ("levers", tier, lead)
    if key in p.memo:
        return p.memo[key]
    ranges = tier_ranges(p, tier, lead)
    got = None
    if ranges is not None:
        if tier.ragged:
            out, area = [], 0
            for i, col, s, rg in zip(tier.photos, tier.cols, tier.spans, ranges):
                const = p.photos[i].caption_rows[s] + SPACER_ROWS
                out.append(Lever(s, rg, tuple(range(col, col + s)), 1, const))
                area += s * const
            got = (tuple(out), area)
        else:
            cols = tuple(sorted({c for col, s in zip(tier.cols, tier.spans) for c in range(col, col + s)}))
            const = sum(caption_rows(p, tier)) + SPACER_ROWS * tier.height
            got = ((Lever(tier.width * tier.height, ranges[0], cols, tier.height, const),), tier.width * const)
    p.memo[key] = got
    return got


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
    key = ("side-lever", side)
    if key not in p.memo:
        if side is None:
            p.memo[key] = (Lever(1, {0: 0.0}), 0)
        else:
            box = p.sidebar.rows[side.width] + SPACER_ROWS
            first = 0 if side.edge == "left" else p.columns - side.width
            pad = Lever(side.width, {k: score.pad_cost(k) for k in range(p.sidebar.max_pad + 1)},
                        tuple(range(first, first + side.width)), 1, box)
            p.memo[key] = (pad, side.width * box)
    return p.memo[key]


def flex_lever(p: Problem) -> Lever:
    """White rows above subheads (once per problem)."""
    key = ("flex-lever",)
    if key not in p.memo:
        p.memo[key] = Lever(1, {k: score.flex_cost(k) for k in range(subheads(p) * p.limits.subhead_extra_rows + 1)})
    return p.memo[key]


def loose_lever(p: Problem) -> tuple[int, Lever]:
    """The loosening lever: d lines gained (d > 0) or lost (d < 0) cost the d cheapest paragraphs
    that can; values shifted by the most lines the body can lose. Worked out once per problem."""
    key = ("loose", p.loose)
    if key not in p.memo:
        costs = {-1: [c for _, d, c in p.loose if d < 0], 1: [c for _, d, c in p.loose if d > 0]}
        down = len(costs[-1])
        values = {down: 0.0}
        for sign, cs in costs.items():
            total = 0.0
            for k, c in enumerate(sorted(cs), 1):
                total += c
                values[down + sign * k] = total
        p.memo[key] = (down, Lever(1, values))
    return p.memo[key]


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
    out: list[tuple[float, list[int]]] = []
    nodes = [0, 0]  # nodes used, node cap of the current branch

    def dfs(k: int, left: int, stack: list[int], chosen: list[int], cost: float) -> bool:
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
            new = stack
            if x.unit_rows:
                new = stack[:]
                for c in x.cols:
                    new[c] += x.unit_rows * v
                if any(new[c] + least[k + 1][c] > height for c in x.cols):
                    continue
            if dfs(k + 1, rem, new, chosen + [v], cost + x.values[v]):
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
            stack = stack0[:]
            for c in first.cols:
                stack[c] += first.unit_rows * v0
            if any(stack[c] + least[1][c] > height for c in range(p.columns)):
                continue
            nodes[1] = min(ceiling, nodes[0] + share)
            dfs(1, rem, stack, [v0], first.values[v0] + lv.loose.values[loose])
        for k in range(found, len(out)):
            out[k] = (out[k][0], out[k][1] + [loose])
    if spent is not None:
        spent[0] += nodes[0]
    best = sorted(out, key=lambda c: c[0])[:keep]
    return [(c, lv.heights(ch)) for c, ch in best]


# ---------------------------------------------------------------- the search


def flexed(stream: tuple, flex: int, extra: int, pattern: int) -> tuple:
    """The stream with `flex` white rows added to its subheads, at most `extra` to one: spread evenly
    over the subheads (pattern 0), on the first ones (1) or on the last ones (2)."""
    if not flex:
        return stream
    idx = [i for i, piece in enumerate(stream) if isinstance(piece, Subhead)]
    k = min(len(idx), -(-flex // extra))
    if pattern == 0:
        chosen = [idx[int((j + 0.5) * len(idx) / k)] for j in range(k)]
    elif pattern == 1:
        chosen = idx[:k]
    else:
        chosen = idx[len(idx) - k:]
    gain = {i: extra for i in chosen}
    gain[chosen[-1]] -= k * extra - flex
    return tuple(replace(piece, rows=piece.rows + gain[i]) if i in gain else piece for i, piece in enumerate(stream))


def _candidates(p: Problem, plan: Plan, h: Heights) -> Iterator[Arrangement]:
    placed = cells(p, plan, h)
    regions = free_regions(p, placed)
    if not fits(p, placed, regions):
        return
    extra = p.limits.subhead_extra_rows
    for base, picks, dearer in loosened(p, h.loose):
        for pattern in ((0, 1, 2) if h.flex else (0,)):
            stream = flexed(base, h.flex, extra, pattern)
            yield Arrangement(plan, h, placed, regions, flow(stream, regions), stream, dearer, picks)


Viable = list[tuple[Plan, Levers]]


def survey(p: Problem, regroup: int = 0) -> Viable:
    """Every plan whose photos can all be framed within the crop bound, with its levers (`regroup`:
    only the plans of that later pass of `plans`)."""
    out = []
    for plan in plans(p, regroup):
        lv = levers(p, plan)
        if lv is not None:
            out.append((plan, lv))
    return out


def search(p: Problem, viable: Viable) -> Arrangement | None:
    """The cheapest exact arrangement, or None when there is none.

    Plans whose capacity range holds the text are taken cheapest first by a lower bound of their
    cost; within a plan, exact heights cheapest first; each is threaded until one leaves no subhead
    stranded and no blank row. The search stops when no plan left can beat the best found."""
    need = stream_rows(p.stream)
    queue = []
    for k, (plan, lv) in enumerate(viable):
        least, most = capacity_span(lv)
        lo, hi = text_span(lv, need)
        if least <= hi and lo <= most:
            lower = score.plan_cost(p, plan) + sum(x.cheapest for x in lv.tiers)
            queue.append((lower, k, plan, lv))
    queue.sort(key=lambda q: (q[0], q[1]))
    best: Arrangement | None = None
    tries = 0
    spent = [0]
    for lower, _, plan, lv in queue:
        if best is not None and (lower >= best.cost or tries > TRIES):
            break
        if spent[0] > SEARCH_NODES:
            break
        base = score.plan_cost(p, plan)
        for hcost, h in exact_heights(p, lv, need, spent=spent):
            if best is not None and base + hcost >= best.cost:
                break
            for arr in _candidates(p, plan, h):
                tries += 1
                if not arr.flow.exact:
                    continue
                total = base + hcost + arr.cost + score.layout_cost(p, arr)
                if best is None or total < best.cost:
                    best = replace(arr, cost=total)
                break
    return best


def _cheapest(lv: Levers) -> Heights:
    return lv.heights([min(x.values, key=x.values.get) for x in lv.tiers] + [0, 0, lv.down])


def natural(p: Problem, viable: Viable) -> Arrangement | None:
    """Without copyfit: the cheapest plan at the heights that crop least, flowed as it is."""
    best = None
    for plan, lv in viable:
        h = _cheapest(lv)
        for arr in _candidates(p, plan, h):
            c = score.plan_cost(p, plan) + sum(min(x.values.values()) for x in lv.tiers)
            c += score.layout_cost(p, arr) + score.MISFIT * (arr.flow.overflow_lines + arr.flow.unused_rows)
            if best is None or c < best.cost:
                best = replace(arr, cost=c)
            break
    return best


def closest(p: Problem, viable: Viable) -> Arrangement | None:
    """For --draft: the arrangement nearest to fitting, flowed as it is; None when no plan's blocks fit
    the area at any heights."""
    need = stream_rows(p.stream)
    best = None
    for plan, lv in viable:
        least, most = capacity_span(lv)
        target = min(max(need, least), most)
        options = [h for _, h in exact_heights(p, lv, target, keep=3)] or [_cheapest(lv)]
        for h in options:
            for arr in _candidates(p, plan, h):
                miss = abs(sum(r.rows for r in arr.regions) - stream_rows(arr.stream))
                c = miss * score.MISFIT + score.plan_cost(p, plan)
                if best is None or c < best.cost:
                    best = replace(arr, cost=c)
                break
    if best is None and not p.photos and p.sidebar is None:  # text alone, over the whole body area
        regions = free_regions(p, p.fixed)
        best = Arrangement(None, Heights(), p.fixed, regions, flow(p.stream, regions), p.stream, float("inf"))
    return best


def too_tall(p: Problem) -> list[tuple[str, int, int]]:
    """The blocks that do not fit the area even alone at their smallest: (what, rows it needs at its
    best width, its caption's lines there), the tallest first."""
    out = []
    widths = range(min_span(p), p.columns + 1)
    for k, ph in enumerate(p.photos):
        frame = lead_min_rows(p) if k == 0 else p.limits.photo_min_rows
        best = min(((frame + ph.caption_rows[s] + SPACER_ROWS, ph.caption_rows[s]) for s in widths
                    if s in ph.caption_rows), default=None)
        if best is not None and best[0] > p.body_rows:
            out.append((f"photo {ph.block.rsplit('/', 1)[-1]}", best[0], best[1]))
    if p.sidebar is not None and p.sidebar.rows and min(p.sidebar.rows.values()) + SPACER_ROWS > p.body_rows:
        out.append(("the sidebar", min(p.sidebar.rows.values()) + SPACER_ROWS, 0))
    return sorted(out, key=lambda b: -b[1])


def why(p: Problem, viable: Viable) -> str:
    """Why nothing fits, in the desk's terms: lines over or short, and the lever that ran out."""
    need = stream_rows(p.stream)
    chars = round(p.col_width_pt / (p.pitch_pt - p.gap_pt))
    if not viable:
        alone = too_tall(p)
        if alone:
            block, need, captions = alone[0]
            said = f" (its caption alone takes {captions} lines)" if captions else ""
            return (f"{block} needs at least {need} rows at any width{said} and the area has {p.body_rows} under "
                    f"the headline")
        return (f"the blocks do not fit the area even at their smallest ({len(p.photos)} photos"
                f"{', a sidebar' if p.sidebar else ''}); place some by hand, drop one, or use more body columns")
    spans = [capacity_span(lv) for _, lv in viable]
    hi = max(most for _, most in spans)
    lo = min(least for least, _ in spans)
    down, lever = loose_lever(p)
    fewest, most = need - down, need + lever.high - down + subheads(p) * p.limits.subhead_extra_rows
    if fewest > hi:
        return (f"the body text needs {need} lines but the area holds at most {hi}: {fewest - hi} lines over "
                f"(about {(fewest - hi) * chars} characters) even with every paragraph that can set a line shorter; "
                f"every photo is at its smallest span and height within the crop bound — cut text, drop a photo, "
                f"or change body_columns")
    if most < lo:
        return (f"the body text needs {need} lines but the area leaves at least {lo}: {lo - most} lines "
                f"short (about {(lo - most) * chars} characters) even with every paragraph that can set a line "
                f"longer; every photo is at its largest within the crop bound, the sidebar and the subheads at their "
                f"most white space — add text or a photo")
    return (f"the body text needs {need} lines; no arrangement within the crop bounds fills the columns exactly "
            f"without stranding a subhead (背题) or leaving a column run under {p.limits.min_run} lines — lengthen or "
            f"shorten the text by a line or two, or place a photo")
