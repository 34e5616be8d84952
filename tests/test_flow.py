"""Text threading through column regions: exact fill, overflow, 背题 avoidance, widows."""

from hypothesis import given, strategies as st

from layout.compose.flow import Para, Region, Subhead, flow, stream_rows


def regions(*sizes):
    return tuple(Region(i, 0, n) for i, n in enumerate(sizes))


def test_exact_fill_splits_paragraphs_across_regions():
    f = flow((Para(5, "a"), Para(7, "b")), regions(6, 6))
    assert f.exact
    assert [(s.item, s.region, s.first, s.count) for s in f.slots] == [(0, 0, 0, 5), (1, 0, 0, 1), (1, 1, 1, 6)]
    assert f.orphans == 1  # paragraph b's first line alone at the foot of region 0


def test_overflow_and_unused_are_counted():
    assert flow((Para(10, "a"),), regions(4, 4)).overflow_lines == 2
    f = flow((Para(3, "a"),), regions(4, 4))
    assert f.unused_rows == 5 and not f.exact


def test_subhead_moves_to_next_region_rather_than_stand_at_the_foot():
    # 4 rows left in region 0: a 3-row subhead + 2 kept lines need 5 → it moves, leaving 1 blank row.
    f = flow((Para(2, "a"), Subhead(3, "h"), Para(4, "b")), regions(6, 9))
    sub = [s for s in f.slots if s.item == 1][0]
    assert sub.region == 1 and sub.row == 0
    assert f.blank_rows == 4 and not f.exact


def test_subhead_at_region_top_is_fine():
    f = flow((Para(6, "a"), Subhead(3, "h"), Para(4, "b")), regions(6, 7))
    assert f.exact and not f.stranded


def test_widow_counted_when_last_line_tops_a_region():
    f = flow((Para(7, "a"), Para(3, "b")), regions(6, 4))
    assert f.widows == 1


@given(st.lists(st.tuples(st.booleans(), st.integers(1, 12)), min_size=1, max_size=12),
       st.lists(st.integers(1, 30), min_size=1, max_size=6))
def test_every_row_accounted_for(pieces, sizes):
    stream = tuple(Subhead(n % 4 + 1, "h") if sub else Para(n, "p") for sub, n in pieces)
    regs = regions(*sizes)
    f = flow(stream, regs)
    placed = sum(s.count for s in f.slots)
    # what went in + what did not fit + what a moved/stranded subhead lost = the stream
    assert placed + f.overflow_lines >= stream_rows(stream) - sum(p.rows for p in stream if isinstance(p, Subhead))
    assert placed + f.blank_rows + f.unused_rows <= sum(sizes)
    for s in f.slots:  # never outside its region
        r = regs[s.region]
        assert r.row <= s.row and s.row + s.count <= r.row + r.rows


def test_a_two_line_paragraph_split_across_regions_is_one_orphan_and_one_widow():
    # Region 0 holds a's 2 lines and b's first; b's second line alone tops region 1.
    f = flow((Para(2, "a"), Para(2, "b")), regions(3, 4))
    assert [(s.item, s.region, s.first, s.count) for s in f.slots] == [(0, 0, 0, 2), (1, 0, 0, 1), (1, 1, 1, 1)]
    assert (f.widows, f.orphans) == (1, 1)
    # Whole in either region, or a one-line paragraph at a region's edge: neither.
    assert (flow((Para(2, "a"), Para(2, "b")), regions(4, 4)).widows,
            flow((Para(2, "a"), Para(2, "b")), regions(4, 4)).orphans) == (0, 0)
    g = flow((Para(2, "a"), Para(1, "b"), Para(1, "c")), regions(3, 4))
    assert (g.widows, g.orphans) == (0, 0)


@given(st.lists(st.integers(1, 9), min_size=1, max_size=10), st.lists(st.integers(1, 12), min_size=1, max_size=5))
def test_widows_and_orphans_are_what_the_slots_show(lines, sizes):
    """孤行 counted from where the lines went, by the definitions of Flow: a paragraph's last line alone
    at the top of a region (not its only line), its first line alone at the foot of a region."""
    stream = tuple(Para(n, f"p{i}") for i, n in enumerate(lines))
    regs = regions(*sizes)
    f = flow(stream, regs)
    widows = orphans = 0
    for s in f.slots:
        r, n = regs[s.region], stream[s.item].lines
        if s.count == 1 and s.row == r.row and s.first > 0 and s.first + 1 == n:
            widows += 1
        if s.count == 1 and s.first == 0 and n > 1 and s.row + 1 == r.row + r.rows:
            orphans += 1
    assert (f.widows, f.orphans) == (widows, orphans)
    # The slots of each paragraph follow one another: its lines in order, none twice, none lost.
    for i, p in enumerate(stream):
        got = [s for s in f.slots if s.item == i]
        assert [s.first for s in got] == [sum(s.count for s in got[:k]) for k in range(len(got))]
    assert sum(s.count for s in f.slots) + f.overflow_lines == sum(lines)
