"""The arrangement problem of one story in its area, and the parts of a candidate page.

What arranging needs in grid units (`Problem`): the area's columns and rows under the headline band,
the text stream as line counts, the photos and the sidebar to place, the blocks the desk placed by
hand, the template's bounds (`Limits`). The parts of a candidate: a block on the body grid (`Cell`),
the plan's structure (`Side`, `Tier`, `Plan`), its free heights (`Heights`) and the threaded result
(`Arrangement`). And the photo geometry every stage of the search shares: a span's width, a frame's
height, the frame rows the crop bound allows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from layout.compose.flow import Flow, Region

SPACER_ROWS = 1  # white line between a block and the body text (and between stacked blocks)


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
    """What arranging needs of a photo: its aspect, its caption's lines at each span, its group, and
    the design rules' bounds on its frame (layout.compose.rules: photo-crop, photo-min-span,
    photo-range): how far the frame's aspect may stray from the photo's, its narrowest width, and the
    frame's area range (None: no range, a head shot)."""

    block: str
    aspect: float  # width / height of the (oriented) source
    caption_rows: Mapping[int, int]  # span → caption lines at that width
    group: str = "lead"  # lead: after the lead paragraph (top); end: after the body (foot)
    max_change: float = 1.4  # crop bound: the frame's aspect within this factor of the photo's
    min_width_pt: float = 0.0
    area_pt2: tuple[float, float] | None = None  # (least, most) frame area


@dataclass(frozen=True)
class SidebarSpec:
    """The sidebar's box rows (padding 0) at each width in body columns it may take."""

    rows: Mapping[int, int]
    max_pad: int
    wrapped: Mapping[int, int]  # width → item lines beyond one per item


@dataclass(frozen=True)
class Limits:
    """The template's bounds on the levers."""

    photo_min_rows: int
    lead_min_rows: int
    min_run: int = 3  # shortest run of text in a column (碎栏 below)
    subhead_extra_rows: int = 1  # white rows a subhead may gain
    photo_share: float = 1.0  # the photos' frames take at most this share of the area (design rule photo-share)
    dominance: float = 0.0  # the first photo at least this many times any other's area (photo-dominant; 0: none)


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

    def once(self, key, make):
        """`make()`, worked out once per problem and kept in its memo by `key` (tier and crop tables:
        every plan, split and sidebar place asks again for the same ones)."""
        try:
            return self.memo[key]
        except KeyError:
            got = self.memo[key] = make()
            return got


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



def width_pt(p: Problem, span: int) -> float:
    return span * p.col_width_pt + (span - 1) * p.gutter_pt


def frame_height_pt(p: Problem, rows: int) -> float:
    return rows * p.pitch_pt - p.gap_pt


def crop_range(p: Problem, aspect: float, span: int, k: float) -> tuple[int, int]:
    """Frame rows whose aspect stays within `k` (the crop bound) of the photo's aspect at `span` columns."""
    w = width_pt(p, span)
    lo = math.ceil((w / (aspect * k) + p.gap_pt) / p.pitch_pt - 1e-9)
    hi = math.floor((w * k / aspect + p.gap_pt) / p.pitch_pt + 1e-9)
    return lo, hi


def frame_range(p: Problem, photo: int, span: int) -> tuple[int, int]:
    """Frame rows photo `photo` may take at `span` columns: within its crop bound and its area range;
    (1, 0) when the span is narrower than it may be."""
    spec = p.photos[photo]
    w = width_pt(p, span)
    if w < spec.min_width_pt - 1e-6:
        return 1, 0
    lo, hi = crop_range(p, spec.aspect, span, spec.max_change)
    if spec.area_pt2 is not None:
        least, most = spec.area_pt2
        lo = max(lo, math.ceil((least / w + p.gap_pt) / p.pitch_pt - 1e-9))
        hi = min(hi, math.floor((most / w + p.gap_pt) / p.pitch_pt + 1e-9))
    return lo, hi


def crop_cost(p: Problem, aspect: float, span: int, rows: int) -> float:
    return abs(math.log(width_pt(p, span) / frame_height_pt(p, rows) / aspect))


def min_span(p: Problem) -> int:
    """The narrowest span any of the problem's photos may take."""
    least = min((ph.min_width_pt for ph in p.photos), default=0.0)
    lo = 1
    while lo < p.columns and width_pt(p, lo) < least - 1e-6:
        lo += 1
    return lo


def lead_min_rows(p: Problem) -> int:
    """The lead photo's smallest frame: the template's, or a third of the area when that is less."""
    return max(p.limits.photo_min_rows, min(p.limits.lead_min_rows, p.body_rows // 3))
