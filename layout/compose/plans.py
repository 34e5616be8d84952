"""Plans: the structure a layout editor sketches before any height — the sidebar's place, the lead
photo's span and edge, the top tiers under it and the foot tiers — and, at given heights, the cells
a plan places, the text regions it leaves and whether they fit the area.
"""

from __future__ import annotations

from collections.abc import Iterator

from layout.compose.flow import Region
from layout.compose.problem import SPACER_ROWS, Cell, Heights, Plan, Problem, Side, Tier, min_span
from layout.compose.tiers import MAX_PER_ROW, caption_rows, frame_rows, partitions

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
    fixed_top = {c for cell in p.fixed if cell.row == p.top_row for c in range(cell.col, cell.col + cell.span)}
    for side in _sides(p):
        top_w = p.columns - (side.width if side and side.at == "top" else 0)
        top_x = side.width if side and side.at == "top" and side.edge == "left" else 0
        foot_w = p.columns - (side.width if side and side.at == "foot" else 0)
        foot_x = side.width if side and side.at == "foot" and side.edge == "left" else 0
        side_top = set(range(side.width) if side.edge == "left" else range(p.columns - side.width, p.columns)) \
            if side and side.at == "top" else set()
        for top, foot, moved in splits:
            if (top and top_w < least) or (foot and foot_w < least):
                continue
            # Foot tiers flush with the strip's right edge or its left: under the text either way.
            feet = []
            for part in partitions(p, foot, foot_w, "first"):
                feet.append(tuple(t.moved(foot_x + foot_w - t.width) for t in part))
                if part and part[-1].width < foot_w:
                    feet.append(tuple(t.moved(foot_x) for t in part))
            for head in _heads(p, top, top_w, top_x):
                covered = fixed_top | side_top
                if head:
                    lead = head[0]
                    covered |= set(range(lead.cols[0], lead.cols[0] + lead.width))
                if not reads_down(p, covered):
                    continue
                for f in feet:
                    yield Plan(side, head, f, moved)


def reads_down(p: Problem, covered: set[int]) -> bool:
    """Whether text can start at the top left and read down the columns (design rule reading-path)
    when blocks stand at the head of the `covered` columns: a column with no block at its head starts
    right under the headline, so no column before it may have one. With the desk's own flow_order the
    desk has chosen the path."""
    if p.order != tuple(range(p.columns)):
        return True
    return not covered or covered == set(range(min(covered), p.columns))


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
    """Every block inside the area and apart, every run of text at least `min_run` lines, and the text
    reading down the columns from the top left (design rule reading-path: each column's text starts
    no higher than the column's before it)."""
    if any(c.row < p.top_row or c.row + c.rows > p.rows or c.col < 0 or c.col + c.span > p.columns for c in placed):
        return False
    if any(r.rows < p.limits.min_run for r in regions):
        return False
    if p.order == tuple(range(p.columns)):
        starts = [r.row for k, r in enumerate(regions) if not k or regions[k - 1].col != r.col]
        if any(b < a for a, b in zip(starts, starts[1:])):
            return False
    return not overlaps(placed)
