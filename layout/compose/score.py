"""The score of a candidate page: terms a designer would name, each a small number, lower is better.

The arrangement search (layout.compose.arrange) keeps only candidates that fill the columns exactly
within the template's hard bounds (crop bound, photo sizes, runs of at least `min_run` lines, no
背题); among those this score picks the page. docs/arrangement.md lists every term with its
reason; the weights are chosen so that cropping the lead photo hardest, a widow, or a photo set
outside its group each outweigh the small preferences (sidebar top-left, even white space).
"""

from __future__ import annotations

import math

LEAD_WEIGHT = 4.0  # the lead photo carries the page (typography.md §4.5): its crop counts four times
WIDOW = 1.0  # a paragraph's last line alone atop a column, or its first alone at a column's foot (孤行)
MOVED = 0.6  # a photo set outside its group (top ↔ foot): the page no longer follows the article
LOOSE_LINE = 0.4  # a paragraph set a line shorter or longer than its best (抠行 / 拉行)
LOOSE_SHORT = 1.5  # … ÷ its lines: in a short paragraph the changed spacing shows more
MISFIT = 100.0  # per line of text over or short (only --draft and copyfit: false see such pages)
PAD = 0.08  # per row of padding in the sidebar box (its items spread apart)
PAD_SQUARE = 0.01  # … growing: white space gathered in one place reads as a hole
FLEX = 0.05  # per white row added above a subhead
TIER_MISMATCH = 0.02  # per row between the heights of neighbouring tiers (tiers of one height look designed)
SIDEBAR_FOOT = 0.3  # the sidebar at a column's foot rather than its head
SIDEBAR_RIGHT = 0.25  # the sidebar on the right (the reader meets it last)
SIDEBAR_WIDE = 0.5  # per column the sidebar takes beyond one (it takes them from the text and photos)
SIDEBAR_WRAP = 0.1  # per sidebar item line beyond one per item (a narrow box wraps its entries)
LEAD_NARROW = 0.8  # the lead photo narrower than the story (× the share of the columns it leaves)
LEAD_INNER = 0.05  # the lead photo on the sidebar's side of its strip, not the outer edge
TIER = 0.05  # per tier of photos (many thin tiers read as a contact sheet)
EMPTY_COLUMN = 0.05  # per column a partial tier leaves to the text
PAIR = 0.1  # a two-row tier beside a tall photo (busier than plain rows)
REORDER = 0.15  # per position a photo moves from its place in the article's order, to stand tall in a tier
RAGGED = 0.5  # a tier next to the text whose photos keep their own heights (less orderly than a row)
# Styles of setting photos in tiers, as (cost per tier, cost per column-row): from many tall tiers of big
# photos to few packed tiers of small ones; the arrangement search tries each.
TIER_STYLES = ((0.0, 0.0), (0.3, 0.0), (1.5, 0.0), (0.5, 0.01), (0.5, 0.05))
NEAR_ALIGN = 1.0  # two blocks side by side whose feet miss each other by one or two rows
SHORT_RUN = 0.1  # per line a column's run of text falls short of COMFORTABLE_RUN
COMFORTABLE_RUN = 6
SMALL_LEAD = 1.0  # × log(ratio) when another photo is bigger than the lead photo
BIG_LOW = 0.3  # × log(ratio) when a foot photo is bigger than the top tiers' photos


def pad_cost(pad: int) -> float:
    return PAD * pad + PAD_SQUARE * pad * pad


def flex_cost(flex: int) -> float:
    return FLEX * flex


def loose_cost(lines: int) -> float:
    """A paragraph of `lines` lines (as best set) set a line shorter or longer."""
    return LOOSE_LINE + LOOSE_SHORT / max(lines, 1)


def plan_cost(p, plan) -> float:
    """The structure's own terms: where the sidebar stands, how wide the lead photo is, how many tiers,
    photos moved out of their group."""
    cost = MOVED * plan.moved + TIER * sum(t.height for t in plan.tiers)
    side = plan.side
    if side is not None:
        cost += (SIDEBAR_FOOT if side.at == "foot" else 0.0) + (SIDEBAR_RIGHT if side.edge == "right" else 0.0)
        cost += SIDEBAR_WIDE * (side.width - 1) + SIDEBAR_WRAP * p.sidebar.wrapped[side.width]
    if plan.top:
        lead = plan.top[0]
        cost += LEAD_NARROW * (1 - lead.width / p.columns)
        strip = p.columns - (side.width if side and side.at == "top" else 0)
        if side is not None and side.at == "top" and lead.width < strip:
            inner = lead.cols[0] == (side.width if side.edge == "left" else p.columns - side.width - lead.width)
            cost += LEAD_INNER if inner else 0.0
    return cost


def layout_cost(p, arr) -> float:
    """The terms that depend on the heights: widows, short runs, near-aligned neighbours, photo sizes."""
    cost = WIDOW * (arr.flow.widows + arr.flow.orphans)
    cost += sum(SHORT_RUN * (COMFORTABLE_RUN - r.rows) for r in arr.regions if r.rows < COMFORTABLE_RUN)
    cells = arr.cells
    for i, a in enumerate(cells):
        for b in cells[i + 1:]:
            side_by_side = a.col + a.span == b.col or b.col + b.span == a.col
            if side_by_side and a.row < b.row + b.rows and b.row < a.row + a.rows:
                miss = abs((a.row + a.rows) - (b.row + b.rows))
                if 0 < miss <= 2:
                    cost += NEAR_ALIGN
    photos = {c.block: c.span * c.frame_rows for c in cells if c.kind == "photo"}
    plan = arr.plan
    if plan is None or not photos:
        return cost
    if plan.top and len(photos) > 1:
        lead = photos[p.photos[plan.top[0].photos[0]].block]
        biggest = max(v for k, v in photos.items() if k != p.photos[plan.top[0].photos[0]].block)
        if biggest > lead:
            cost += SMALL_LEAD * math.log(biggest / lead)
    if len(plan.top) > 1 and plan.foot:
        top = max(photos[p.photos[i].block] for t in plan.top[1:] for i in t.photos)
        low = max(photos[p.photos[i].block] for t in plan.foot for i in t.photos)
        if low > top:
            cost += BIG_LOW * math.log(low / top)
    n_top = len(plan.top)
    for region in (arr.heights.tiers[1:n_top], arr.heights.tiers[n_top:]):
        firsts = [hs[0] for hs in region]
        cost += sum(TIER_MISMATCH * abs(a - b) for a, b in zip(firsts, firsts[1:]))
    return cost
