"""Block arrangement on the grid and copyfit.

A `Cell` is a block's rectangle in whole grid units: body columns × rows. The automatic 专版
arrangement (`auto_cells`) is a function of a few whole-row heights — lead photo, the photo
tier under it, the photo tiers at the foot, the sidebar's padding. `copyfit` searches those
heights within the template's crop bounds for the arrangement whose free column runs hold the
body text exactly (no empty cell, no overflow, no 背题), preferring photos cropped least.

The arrangement a layout editor would draw for a 专版 (typography.md §4.5):
  row 0 ........ headline band across the page
  col 0 ........ sidebar (名片) under the headline, then the body text starts beneath it
  cols 1..n-1 .. the lead photo, then the other lead-group photos as a tier under it
  text ......... body columns left to right, each from the blocks above to the blocks below
  foot ......... the end-group photos in seed order: a partial tier (right-aligned) over full tiers
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from layout.compose.flow import Flow, Region, flow, stream_rows

SPACER_ROWS = 1  # white line between a block and body text
LEAD_WEIGHT = 4.0
WIDOW_COST = 1.0  # a paragraph's last line alone atop a column (孤行) reads as a mistake


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
    spacer_top: bool = False  # foot tiers keep their white line above the frame


@dataclass(frozen=True)
class PhotoSpec:
    """What arranging needs of a photo: its aspect and its caption's height at each span."""

    block: str
    aspect: float  # width / height of the (oriented) source
    caption_rows: dict  # span → caption lines at that width


@dataclass(frozen=True)
class Problem:
    """Everything copyfit needs, in grid units."""

    columns: int
    rows: int
    top_row: int  # first row under the headline band
    stream: tuple  # flow pieces
    sidebar_rows: int  # natural box rows; 0 = no sidebar
    sidebar_max_pad: int
    lead: PhotoSpec | None
    tier: tuple[PhotoSpec, ...]  # other lead-group photos
    end: tuple[PhotoSpec, ...]
    fixed: tuple[Cell, ...]  # blocks the desk placed by hand
    col_width_pt: float
    gutter_pt: float
    pitch_pt: float
    order: tuple[int, ...]  # the body columns in the order the text threads through them
    gap_pt: float
    max_aspect_change: float
    photo_min_rows: int
    lead_min_rows: int


@dataclass(frozen=True)
class Params:
    """The free heights of one arrangement, in rows."""

    lead_rows: int  # frame rows of the lead photo
    tier_rows: int  # frame rows of the tier under it
    end_rows: int  # frame rows of the foot tiers
    pad: int  # sidebar padding rows


@dataclass(frozen=True)
class Arrangement:
    """A candidate page: parameters, placed cells, the text regions left and how the text flows in them."""

    params: Params
    cells: tuple[Cell, ...]
    regions: tuple[Region, ...]
    flow: Flow
    cost: float


def width_pt(p: Problem, span: int) -> float:
    return span * p.col_width_pt + (span - 1) * p.gutter_pt


def frame_height_pt(p: Problem, rows: int) -> float:
    return rows * p.pitch_pt - p.gap_pt


def row_range(p: Problem, aspect: float, span: int, min_rows: int) -> tuple[int, int]:
    """Frame rows whose aspect stays within the crop bound of the source aspect."""
    w = width_pt(p, span)
    lo = math.ceil((w / (aspect * p.max_aspect_change) + p.gap_pt) / p.pitch_pt - 1e-9)
    hi = math.floor((w * p.max_aspect_change / aspect + p.gap_pt) / p.pitch_pt + 1e-9)
    return max(lo, min_rows), hi


def crop_cost(p: Problem, aspect: float, span: int, rows: int) -> float:
    return abs(math.log(width_pt(p, span) / frame_height_pt(p, rows) / aspect))


def tiles(count: int, slots: int) -> list[list[int]]:
    """Split `count` photos into tiers of at most `slots`, seed order kept."""
    return [list(range(i, min(i + slots, count))) for i in range(0, count, slots)]


def spans_for(n: int, slots: int) -> list[int]:
    """Spread `slots` columns over `n` photos as evenly as possible, wider ones first."""
    base, extra = divmod(slots, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def auto_cells(p: Problem, q: Params) -> tuple[Cell, ...]:
    n, cells = p.columns, []
    photo_col = 1 if n >= 2 and p.sidebar_rows else 0
    photo_span = n - photo_col
    row = p.top_row
    if p.sidebar_rows:
        box = p.sidebar_rows + q.pad
        cells.append(Cell("sidebar", "sidebar", 0, 1, p.top_row, box + SPACER_ROWS, frame_rows=box))
    if p.lead:
        cap = p.lead.caption_rows[photo_span]
        cells.append(Cell(p.lead.block, "photo", photo_col, photo_span, row, q.lead_rows + cap + SPACER_ROWS,
                          q.lead_rows, cap))
        row += q.lead_rows + cap + SPACER_ROWS
    for tier in tiles(len(p.tier), photo_span):
        spans = spans_for(len(tier), photo_span)
        cap = max(p.tier[i].caption_rows[s] for i, s in zip(tier, spans))
        col = photo_col
        for i, s in zip(tier, spans):
            cells.append(Cell(p.tier[i].block, "photo", col, s, row, q.tier_rows + cap + SPACER_ROWS,
                              q.tier_rows, cap))
            col += s
        row += q.tier_rows + cap + SPACER_ROWS
    # Foot tiers: the end-group photos packed in seed order (see `foot_slots`), bottom-aligned.
    slots, tiers = foot_slots(p)
    if slots:
        cap = max(s.caption_rows[1] for s in p.end)
        h = SPACER_ROWS + q.end_rows + cap
        top = p.rows - tiers * h
        for i, col, tier, tall in slots:
            cells.append(Cell(p.end[i].block, "photo", col, 1, top + tier * h, h * tall,
                              h * tall - SPACER_ROWS - cap, cap, spacer_top=True))
    return tuple(cells) + p.fixed


PORTRAIT = 0.85  # an end photo narrower than this (w/h) takes two tiers in one column


def foot_slots(p: Problem) -> tuple[list[tuple[int, int, int, int]], int]:
    """Pack the end-group photos into tiers of `columns` cells, in seed order, reading order
    left to right and top to bottom: a landscape takes one cell, a portrait one column of two
    tiers (so it is not cropped to a strip). Empty cells go to the left of the top tier, where
    the body text runs down into them. Returns ([(photo, col, tier, tiers_tall)], tiers)."""
    n = p.columns
    tall = [2 if s.aspect < PORTRAIT else 1 for s in p.end]
    while True:
        tiers = -(-sum(tall) // n) if p.end else 0
        taken = [[False] * n for _ in range(tiers)]
        for k in range(tiers * n - sum(tall)):
            taken[0][k] = True
        out, failed = [], None
        for i, t in enumerate(tall):
            cell = next(((r, c) for r in range(tiers) for c in range(n) if not taken[r][c]
                         and (t == 1 or (r + 1 < tiers and not taken[r + 1][c]))), None)
            if cell is None:
                failed = i
                break
            r, c = cell
            for dr in range(t):
                taken[r + dr][c] = True
            out.append((i, c, r, t))
        if failed is None:
            return out, tiers
        tall[failed] = 1  # no two free cells for this portrait: it takes one cell, cropped


def free_regions(p: Problem, cells: tuple[Cell, ...]) -> tuple[Region, ...]:
    """The free runs of each body column under the headline, in threading order: column by column
    (left to right unless the article gives another order), each top to bottom."""
    regions = []
    for col in p.order:
        taken = sorted((c.row, c.row + c.rows) for c in cells if c.col <= col < c.col + c.span)
        row = p.top_row
        for start, end in taken + [(p.rows, p.rows)]:
            if start > row:
                regions.append(Region(col, row, start - row))
            row = max(row, end)
    return tuple(regions)


def overlaps(cells: tuple[Cell, ...]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(cells):
        for b in cells[i + 1:]:
            if a.col < b.col + b.span and b.col < a.col + a.span and a.row < b.row + b.rows and b.row < a.row + a.rows:
                out.append((a.block, b.block))
    return out


def _ranges(p: Problem) -> tuple[range, range, range]:
    photo_span = p.columns - (1 if p.columns >= 2 and p.sidebar_rows else 0)

    def tier_range(specs, span_of) -> range:
        if not specs:
            return range(0, 1)
        lo, hi = p.photo_min_rows, 10**6
        for i, s in enumerate(specs):
            a, b = row_range(p, s.aspect, span_of(i), p.photo_min_rows)
            lo, hi = max(lo, a), min(hi, b)
        if lo > hi:  # the photos disagree: allow the whole hull, the cost sorts it out
            lo = min(row_range(p, s.aspect, span_of(i), p.photo_min_rows)[0] for i, s in enumerate(specs))
            hi = max(row_range(p, s.aspect, span_of(i), p.photo_min_rows)[1] for i, s in enumerate(specs))
        return range(lo, hi + 1)

    lead = range(0, 1)
    if p.lead:
        a, b = row_range(p, p.lead.aspect, photo_span, p.lead_min_rows)
        lead = range(a, max(a, b) + 1)
    tier_spans = []
    for tier in tiles(len(p.tier), photo_span):
        tier_spans += spans_for(len(tier), photo_span)
    flat = tuple(s for s in p.end if s.aspect >= PORTRAIT)  # portraits take two tiers; they do not bound one
    return lead, tier_range(p.tier, lambda i: tier_spans[i]), tier_range(flat or p.end, lambda i: 1)


def _linear_area(p: Problem) -> tuple[int, int, int, int, int]:
    """Rows × columns the auto blocks take, as A0 + a_lead·lead + a_tier·tier + a_end·end + a_pad·pad.

    Exact while the blocks stay inside the page and apart (checked on the chosen arrangement),
    so copyfit can scan thousands of height combinations with arithmetic alone."""
    def area(q: Params) -> int:
        return sum(c.rows * c.span for c in auto_cells(p, q) if c not in p.fixed)

    a0 = area(Params(0, 0, 0, 0))
    return (a0, area(Params(1, 0, 0, 0)) - a0, area(Params(0, 1, 0, 0)) - a0, area(Params(0, 0, 1, 0)) - a0,
            area(Params(0, 0, 0, 1)) - a0)


def _crop_tables(p: Problem, lead_r: range, tier_r: range, end_r: range) -> tuple[dict, dict, dict]:
    """Crop cost of each candidate height, summed over the photos that share it."""
    photo_span = p.columns - (1 if p.columns >= 2 and p.sidebar_rows else 0)
    tier_spans = []
    for tier in tiles(len(p.tier), photo_span):
        tier_spans += spans_for(len(tier), photo_span)
    # The lead photo carries the page (typography.md §4.5): cropping it costs four times as much.
    lead = {r: LEAD_WEIGHT * crop_cost(p, p.lead.aspect, photo_span, r) if p.lead and r else 0.0 for r in lead_r}
    tier = {r: sum(crop_cost(p, s.aspect, sp, r) for s, sp in zip(p.tier, tier_spans)) if r else 0.0
            for r in tier_r}
    slots, _ = foot_slots(p)
    cap = max((s.caption_rows[1] for s in p.end), default=0)
    end = {r: sum(crop_cost(p, p.end[i].aspect, 1, (SPACER_ROWS + r + cap) * t - SPACER_ROWS - cap)
                  for i, _, _, t in slots) if r else 0.0 for r in end_r}
    return lead, tier, end


def _cost(q: Params, tables: tuple[dict, dict, dict], both_tiers: bool) -> float:
    lead, tier, end = tables
    cost = lead[q.lead_rows] + tier[q.tier_rows] + end[q.end_rows]
    cost += 0.08 * q.pad  # a stretched box reads as filler
    if both_tiers:
        cost += 0.02 * abs(q.tier_rows - q.end_rows)  # photo tiers of one height look designed
    return cost


def copyfit(p: Problem, exact: bool = True, tries: int = 400) -> tuple[Arrangement | None, str]:
    """The best exact arrangement, or (None, why) with the line counts the desk needs."""
    need = stream_rows(p.stream)
    lead_r, tier_r, end_r = _ranges(p)
    tables = _crop_tables(p, lead_r, tier_r, end_r)
    a0, a_l, a_t, a_e, a_p = _linear_area(p)
    free0 = p.columns * (p.rows - p.top_row) - sum(c.rows * c.span for c in p.fixed)
    candidates = []
    for lr, tr, er in itertools.product(lead_r, tier_r, end_r):
        cap = free0 - (a0 + a_l * lr + a_t * tr + a_e * er)
        pad = (cap - need) // a_p if (p.sidebar_rows and a_p) else 0
        if exact and (cap - pad * a_p != need or not 0 <= pad <= p.sidebar_max_pad):
            continue
        q = Params(lr, tr, er, pad if exact else 0)
        candidates.append((_cost(q, tables, bool(p.tier and p.end)), q))
    candidates.sort(key=lambda c: (c[0], c[1].lead_rows, c[1].tier_rows, c[1].end_rows))
    best = None
    for cost, q in candidates[:tries]:
        cells = auto_cells(p, q)
        if not _fits(p, cells):
            continue
        regions = free_regions(p, cells)
        f = flow(p.stream, regions)
        if exact and not f.exact:
            continue
        total = cost + WIDOW_COST * (f.widows + f.orphans)
        if best is None or total < best.cost:
            best = Arrangement(q, cells, regions, f, total)
    if best is not None or not exact:
        return best, ""
    return None, _why(p, need)


def off_page(p: Problem, cells: tuple[Cell, ...]) -> list[str]:
    """The blocks whose frame (box, or image and caption) leaves the body grid under the headline band."""
    out = []
    for c in cells:
        top = c.row + (SPACER_ROWS if c.spacer_top else 0)
        if top < p.top_row or top + c.frame_rows + c.caption_rows > p.rows or c.col < 0 or c.col + c.span > p.columns:
            out.append(c.block)
    return out


def _fits(p: Problem, cells: tuple[Cell, ...]) -> bool:
    return not overlaps(cells) and all(p.top_row <= c.row and c.row + c.rows <= p.rows for c in cells)


def _fitting(p: Problem):
    """Every unpadded choice of heights whose blocks stay on the page and apart: (params, cells, regions)."""
    for lr, tr, er in itertools.product(*_ranges(p)):
        q = Params(lr, tr, er, 0)
        cells = auto_cells(p, q)
        if _fits(p, cells):
            yield q, cells, free_regions(p, cells)


def _why(p: Problem, need: int) -> str:
    """Why nothing fits, in the desk's terms: lines over or short, and which blocks could change."""
    caps = [sum(r.rows for r in regions) for _, _, regions in _fitting(p)]
    photos = ", ".join(s.block for s in ((p.lead,) if p.lead else ()) + p.tier + p.end) or "none"
    chars = round(p.col_width_pt / (p.pitch_pt - p.gap_pt))
    if not caps:
        return (f"the blocks do not fit on the page even at their smallest (photos: {photos}); "
                f"place some by hand, drop one, or use more body columns")
    hi, lo = max(caps), min(caps) - (p.sidebar_max_pad if p.sidebar_rows else 0)
    if need > hi:
        return (f"the body text needs {need} lines but the page holds at most {hi}: {need - hi} lines over "
                f"(about {(need - hi) * chars} characters); the photos ({photos}) are at their smallest within "
                f"the crop bound — cut text, drop or place a photo, or change body_columns")
    if need < lo:
        return (f"the body text needs {need} lines but the page leaves at least {lo}: {lo - need} lines short "
                f"(about {(lo - need) * chars} characters); the photos ({photos}) are at their largest within the "
                f"crop bound and the sidebar may grow {p.sidebar_max_pad} lines — add text or a photo")
    return (f"the body text needs {need} lines; no arrangement within the crop bounds fills the columns exactly "
            f"without stranding a subhead (背题) — lengthen or shorten the text by a line or two, or place a photo")


def closest(p: Problem) -> Arrangement:
    """For --draft: the arrangement nearest to fitting, flowed as it is."""
    need = stream_rows(p.stream)
    best = None
    for q, cells, regions in _fitting(p):
        miss = abs(sum(r.rows for r in regions) - need)
        if best is None or miss < best[0]:
            best = (miss, q, cells, regions)
    if best is None:
        lead_r, tier_r, end_r = _ranges(p)
        q = Params(lead_r[0], tier_r[0], end_r[0], 0)
        cells = auto_cells(p, q)
        best = (0, q, cells, free_regions(p, cells))
    _, q, cells, regions = best
    return Arrangement(q, cells, regions, flow(p.stream, regions), float(best[0]))
