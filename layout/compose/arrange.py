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

from collections.abc import Iterator
from dataclasses import replace

from layout.compose import score
from layout.compose.flow import Subhead, flow, stream_rows
from layout.compose.heights import (Levers, capacity_span, exact_heights, levers, loose_lever, loosened, subheads,
                                    text_span)
from layout.compose.plans import cells, fits, free_regions, plans
from layout.compose.problem import (SPACER_ROWS, Arrangement, Heights, Plan, Problem, frame_height_pt,
                                    frame_range, lead_min_rows, min_span, width_pt)

TRIES = 300  # threadings tried per story after a page was found, looking for a better one
SEARCH_NODES = 40_000  # height-search nodes one story may spend over all its plans (bounds the worst case)


def flexed(stream: tuple, flex: int, extra: int, pattern: int) -> tuple | None:
    """The stream with `flex` white rows added to its subheads, at most `extra` to one: spread evenly
    over the subheads (pattern 0), on the first ones (1) or on the last ones (2); None when it has
    no subhead to take them (a jump's cut may leave none of those the heights counted)."""
    if not flex:
        return stream
    idx = [i for i, piece in enumerate(stream) if isinstance(piece, Subhead)]
    if not idx:
        return None
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
            if stream is None:
                break
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
                if not arr.flow.exact or not dominant(p, arr.cells):
                    continue
                total = base + hcost + arr.cost + score.layout_cost(p, arr)
                if best is None or total < best.cost:
                    best = replace(arr, cost=total)
                break
    return best


def dominant(p: Problem, cells) -> bool:
    """Whether the story's first photo is at least `limits.dominance` times the area of each of its
    others (design rule photo-dominant, for the 头条 and a 专版; always true without the rule)."""
    if not p.limits.dominance or not p.photos:
        return True
    heads = {ph.block for ph in p.photos if ph.area_pt2 is None}  # head shots are exempt
    area = {c.block: width_pt(p, c.span) * frame_height_pt(p, c.frame_rows) for c in cells
            if c.kind == "photo" and c.block not in heads}
    lead = area.get(p.photos[0].block)
    return lead is None or all(lead + 1e-6 >= p.limits.dominance * a for b, a in area.items()
                               if b != p.photos[0].block)


def _cheapest(lv: Levers) -> Heights:
    return lv.heights([min(x.values, key=x.values.get) for x in lv.tiers] + [0, 0, lv.down])


def natural(p: Problem, viable: Viable) -> Arrangement | None:
    """Without copyfit: the cheapest plan at the heights that crop least, flowed as it is."""
    best = None
    for plan, lv in viable:
        h = _cheapest(lv)
        for arr in _candidates(p, plan, h):
            if not dominant(p, arr.cells):
                break
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
    best width, its caption's lines there — 0 when the photo itself is what does not fit: its least
    frame, within its crop bound and its rank's size range, is taller than the area), the tallest first."""
    out = []
    widths = range(min_span(p), p.columns + 1)
    for k, ph in enumerate(p.photos):
        frame = lead_min_rows(p) if k == 0 else p.limits.photo_min_rows
        best = min(((frame + ph.caption_rows[s] + SPACER_ROWS, ph.caption_rows[s]) for s in widths
                    if s in ph.caption_rows), default=None)
        if best is not None and best[0] > p.body_rows:
            out.append((f"photo {ph.block.rsplit('/', 1)[-1]}", best[0], best[1]))
            continue
        # Its rank's least size (a portrait 头条 photo at its least area is tall) and its crop bound:
        # the least frame at any width, with its caption there.
        sized = [(max(frame, lo) + ph.caption_rows[s] + SPACER_ROWS) for s in widths if s in ph.caption_rows
                 for lo, hi in [frame_range(p, k, s)] if lo <= hi]
        if sized and min(sized) > p.body_rows:
            out.append((f"photo {ph.block.rsplit('/', 1)[-1]}", min(sized), 0))
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
            said = (f" (its caption alone takes {captions} lines)" if captions else
                    " (at its least size for its rank, within its crop bound)" if block.startswith("photo") else "")
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
