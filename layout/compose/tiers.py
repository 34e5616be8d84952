"""Photos in tiers: a row of photos sharing one frame height (a justified gallery), or two rows beside
one tall photo; each photo's span chosen for least crop. The crop tables, the heights a tier may
take, the cheapest row or pair of a run of photos, and the ways to set a group of photos in tiers
inside a strip (one per style of score.TIER_STYLES).
"""

from __future__ import annotations

import math
from functools import lru_cache

from layout.compose import score
from layout.compose.problem import SPACER_ROWS, Problem, Tier, crop_cost, frame_range, lead_min_rows, min_span

MAX_PER_ROW = 4  # a row of more photos reads as a contact sheet
TALL_ASPECT = 1.2  # only a photo narrower than this stands through two rows of a tier


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
    """(lo, hi, rows → crop cost) of a photo at a span, within its frame range (crop bound, area
    range, narrowest width), worked out once."""
    return p.once(("crop", photo, span), lambda: _crop_table(p, photo, span))


def _crop_table(p: Problem, photo: int, span: int) -> tuple[int, int, dict[int, float]]:
    aspect = p.photos[photo].aspect
    lo, hi = frame_range(p, photo, span)
    return lo, hi, {r: crop_cost(p, aspect, span, r) for r in range(max(lo, 1), hi + 1)}


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
    return p.once(("tier", tier, lead), lambda: _tier_ranges(p, tier, lead))


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
    return p.once(("row", photos, width), lambda: _row_table_of(p, photos, width))


def _row_table_of(p: Problem, photos: tuple[int, ...], width: int) -> RowTable:
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
    return p.once(("cheapest-row", photos, width, ragged, area_weight),
                  lambda: _row_tier(p, photos, width, ragged, area_weight))


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
    return p.once(("cheapest-pair", photos, width, area_weight), lambda: _pair_tier(p, photos, width, area_weight))


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
    return p.once(("lower-rows", low, side, tall_cap, weight), lambda: _lower_rows_of(p, low, side, tall_cap, weight))


def _lower_rows_of(p: Problem, low: tuple[int, ...], side: int, tall_cap: int,
                   weight: float) -> dict[int, tuple[float, int, tuple[int, ...]]]:
    got: dict[int, tuple[float, int, tuple[int, ...]]] = {}
    for (h, cap), (c, spans) in _row_table(p, low, side).items():
        cap = max(cap, tall_cap)
        best = got.get(h)
        if best is None or c + weight * cap < best[0] + weight * best[1]:
            got[h] = (c, cap, spans)
    return got


def partitions(p: Problem, photos: tuple[int, ...], width: int, partial_at: str) -> list[tuple[Tier, ...]]:
    """`_partitions`, worked out once per group of photos, width and edge."""
    return p.once(("parts", photos, width, partial_at), lambda: _partitions(p, photos, width, partial_at))


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
