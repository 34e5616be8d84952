"""The arrangement search (layout.compose.arrange) and its bound, on problems made by hand and drawn
by Hypothesis: plans keep every photo once and one run of text per column, exact heights leave
exactly the text's rows, and the bound never refuses a page the search builds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.compose import arrange
from layout.compose import heights, plans, tiers
from layout.compose.problem import Limits, PhotoSpec, Problem, SidebarSpec, crop_range
from layout.compose.bound import bound
from layout.compose.flow import Para, Subhead, stream_rows

LIMITS = Limits(photo_min_rows=8, lead_min_rows=20)
CROP = 1.4  # these problems let a frame's aspect stray this far (a photo the desk framed)


def problem(photos=(), sidebar_rows=None, lines=200, columns=4, rows=104, top=12, subheads=2) -> Problem:
    stream = []
    per = max(1, lines // (subheads + 1))
    for k in range(subheads + 1):
        if k:
            stream.append(Subhead(3, f"h{k}"))
        stream.append(Para(per, f"p{k}"))
    specs = tuple(PhotoSpec(f"ph{i}", a, {s: 1 for s in range(1, columns + 1)}, g, CROP, 117.0)
                  for i, (a, g) in enumerate(photos))
    side = None if sidebar_rows is None else SidebarSpec({1: sidebar_rows, 2: sidebar_rows - 4}, 8, {1: 0, 2: 0})
    col = (999.0 - (columns - 1) * 9.0) / columns  # the broadsheet's type area, 1-character gutters
    return Problem(columns, rows, top, tuple(stream), specs, side, (), tuple(range(columns)), col, 9.0, 13.5, 4.5,
                   LIMITS)


def test_compositions_are_every_ordered_split():
    assert tiers.compositions(4, 2, 1) == ((1, 3), (2, 2), (3, 1))
    assert tiers.compositions(5, 2, 2) == ((2, 3), (3, 2))
    assert tiers.compositions(3, 2, 2) == ()


def test_a_row_of_photos_takes_spans_by_aspect():
    """A wide photo and a narrow one in one row at one height: the wide one takes more columns."""
    p = problem(photos=((2.5, "end"), (0.9, "end")))
    got = tiers._cheapest_row(p, (0, 1), 4, False, 0.0)
    assert got is not None and got[1].spans == (3, 1)


def test_a_portrait_stands_through_two_rows_beside_small_photos():
    p = problem(photos=((1.5, "end"), (1.5, "end"), (0.67, "end"), (1.5, "end"), (1.5, "end"), (1.5, "end"),
                        (1.5, "end")))
    pair = tiers._cheapest_pair(p, tuple(range(7)), 4, 0.05)
    assert pair is not None
    tier = pair[1]
    assert tier.height == 2 and tier.tall.count(True) == 1 and p.photos[tier.photos[tier.tall.index(True)]].aspect < 1


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(aspects=st.lists(st.floats(0.5, 3.0), min_size=1, max_size=9), width=st.integers(1, 4),
       at=st.sampled_from(["first", "last"]))
def test_partitions_keep_every_photo_once_and_one_run_per_column(aspects, width, at):
    p = problem(photos=tuple((a, "end") for a in aspects))
    photos = tuple(range(len(aspects)))
    for found in tiers.partitions(p, photos, width, at):
        seen = [i for t in found for i in t.photos]
        assert sorted(seen) == list(photos)
        widths = [t.width for t in found]
        assert all(w <= width for w in widths)
        # away from the text tiers only widen: foot tiers from the top down, top tiers from the foot up
        ordered = widths if at == "first" else widths[::-1]
        assert ordered == sorted(ordered)
        for t in found:
            assert all(0 <= c and c + s <= width for c, s in zip(t.cols, t.spans))


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(aspects=st.lists(st.tuples(st.floats(0.6, 2.8), st.sampled_from(["lead", "end"])), max_size=7),
       side=st.sampled_from([None, 18, 26]), lines=st.integers(60, 330), subs=st.integers(0, 4))
def test_an_arrangement_fills_exactly_and_the_bound_allows_it(aspects, side, lines, subs):
    p = problem(photos=tuple(aspects), sidebar_rows=side, lines=lines, subheads=subs)
    viable = arrange.survey(p)
    best = arrange.search(p, viable)
    if best is None:
        return
    assert best.flow.exact and not best.flow.stranded
    assert sum(r.rows for r in best.regions) == stream_rows(best.stream)
    assert plans.fits(p, best.cells, best.regions)
    for cell in best.cells:
        if cell.kind == "photo":
            spec = next(s for s in p.photos if s.block == cell.block)
            lo, hi = crop_range(p, spec.aspect, cell.span, CROP)
            assert lo <= cell.frame_rows <= hi, cell
    # reading path: every column's text starts no higher than the column's before it
    starts = [min(r.row for r in best.regions if r.col == c) for c in range(p.columns)
              if any(r.col == c for r in best.regions)]
    assert starts == sorted(starts), starts
    assert bound(p).feasible  # the bound never refuses a page the search built


def test_exact_heights_leave_exactly_the_text():
    p = problem(photos=((2.0, "lead"), (1.5, "lead"), (1.5, "end"), (1.33, "end")), sidebar_rows=20, lines=220)
    need = stream_rows(p.stream)
    found = 0
    for plan, lv in arrange.survey(p)[:40]:
        for _, h in heights.exact_heights(p, lv, need):
            placed = plans.cells(p, plan, h)
            free = sum(r.rows for r in plans.free_regions(p, placed))
            assert free == need + h.flex
            found += 1
    assert found


def test_subhead_white_rows_spread_first_or_last():
    stream = (Para(3, "a"), Subhead(3, "h1"), Para(3, "b"), Subhead(3, "h2"), Para(3, "c"), Subhead(3, "h3"))
    rows = lambda s: [x.rows for x in s if isinstance(x, Subhead)]  # noqa: E731
    assert rows(arrange.flexed(stream, 1, 1, 0)) == [3, 4, 3]
    assert rows(arrange.flexed(stream, 1, 1, 1)) == [4, 3, 3]
    assert rows(arrange.flexed(stream, 2, 1, 2)) == [3, 4, 4]
    # White for subheads in a stream that has none (a jump's cut left none of them): no such stream.
    assert arrange.flexed(stream[:1], 1, 1, 0) is None


def test_why_names_lines_over_when_the_photos_are_at_their_smallest():
    p = problem(photos=((1.5, "lead"),) * 3, lines=900)
    msg = arrange.why(p, arrange.survey(p))
    assert "lines over" in msg and "smallest" in msg
    assert not bound(p).feasible


def test_a_photo_whose_ranks_least_size_is_taller_than_the_area_is_named_with_what_it_needs():
    """A portrait lead photo at its rank's least area (design rule photo-range) and within its crop
    bound is taller than a short area at any width: the refusal names the photo and the rows it needs
    — computed here from the frame's own figures — not "the blocks do not fit"."""
    import dataclasses
    import math

    p = problem(photos=((0.65, "lead"),), lines=60, columns=8, rows=38, top=10)
    least_pt2 = 190_000.0
    ph = dataclasses.replace(p.photos[0], max_change=1.15, area_pt2=(least_pt2, 4 * least_pt2))
    p = dataclasses.replace(p, photos=(ph,))
    assert arrange.survey(p) == []
    need = []
    for span in range(1, 9):
        w = span * p.col_width_pt + (span - 1) * p.gutter_pt
        rows = lambda h_pt: (h_pt + p.gap_pt) / p.pitch_pt  # noqa: E731  (a frame's rows: its height and the gap)
        least = max(math.ceil(rows(least_pt2 / w) - 1e-9), math.ceil(rows(w / (ph.aspect * ph.max_change)) - 1e-9))
        if least > math.floor(rows(w * ph.max_change / ph.aspect) + 1e-9):
            continue  # at this width its least area is taller than the crop bound lets it be
        frame = max(LIMITS.photo_min_rows, min(LIMITS.lead_min_rows, p.body_rows // 3), least)
        need.append(frame + 1 + 1)  # its caption's line, the white line under it
    assert min(need) > p.body_rows
    msg = arrange.why(p, [])
    assert msg.startswith(f"photo ph0 needs at least {min(need)} rows at any width (at its least size for its rank"), \
        (msg, min(need))
    assert f"and the area has {p.body_rows} under the headline" in msg
