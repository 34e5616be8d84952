"""A page that keeps its shape (layout.compose.stable): the last build's modules kept with their edges
moved a few rows when a story grows or shrinks; re-planned, with one line saying why, when that
cannot be; and the desk's pinned modules (layout.compose.page.around, pinned_modules)."""

from __future__ import annotations

from layout.compose import stable
from layout.compose.modules import Rect
from layout.compose.page import around

FOOT = 20
CELLS = {(c, r) for c in range(4) for r in range(FOOT)}  # a 4-column, 20-row page with no ad
# The last build: s1 across the top (rows 0–9), s2 under it at the left, s3 at the right.
KEPT = (stable.Kept("s1", "story", Rect(0, 4, 0, 10)), stable.Kept("s2", "story", Rect(0, 2, 10, 10)),
        stable.Kept("s3", "story", Rect(2, 2, 10, 10)))
IDS = {"s1": 0, "s2": 1, "s3": 2}


def heights_of(table: dict) -> callable:
    """heights(item, span, separated) from {item: rows filled standing on the foot}; a module above
    another takes one row more (its white line)."""
    return lambda i, span, sep: [r + (1 if sep else 0) for r in table[i]]


def keep(table: dict, ok=lambda modules: True):
    return stable.keep(KEPT, IDS, CELLS, FOOT, heights_of(table), lambda i, s, r: 0.0, ok)


def rects(modules) -> list[tuple]:
    return [(m.item, m.rect.col, m.rect.span, m.rect.row, m.rect.rows) for m in modules]


def test_the_same_stories_keep_the_same_modules():
    got = keep({0: [9], 1: [10], 2: [10]})
    assert rects(got) == [(0, 0, 4, 0, 10), (1, 0, 2, 10, 10), (2, 2, 2, 10, 10)]


def test_a_story_that_grows_moves_the_edge_it_shares():
    """s2 now needs 12 rows: s1 gives up two (it can fill 7 rows too), s3 takes the two as well."""
    got = keep({0: [7, 9], 1: [12], 2: [10, 12]})
    assert rects(got) == [(0, 0, 4, 0, 8), (1, 0, 2, 8, 12), (2, 2, 2, 8, 12)]


def test_a_story_that_shrank_leaves_the_foot_of_its_module_to_a_filler():
    """s3 now fills 4 rows only (its module 10 at the foot): without a filler no page keeps the shape
    (s1 cannot give it six rows); with one (item 3, which fills 5 rows, or 6 above a white line),
    the filler stands under s3 in its columns, its foot on the type area's foot where s3's was, and
    every other module keeps its rows. A filler goes under a story only: a story's own rows first."""
    table = {0: [9], 1: [10], 2: [4], 3: [5]}
    assert keep(table) is None
    got = stable.keep(KEPT, IDS, CELLS, FOOT, heights_of(table), lambda i, s, r: 0.0, lambda modules: True,
                      filler=3)
    assert rects(got) == [(0, 0, 4, 0, 10), (1, 0, 2, 10, 10), (2, 2, 2, 10, 5), (3, 2, 2, 15, 5)]
    assert [m.separated for m in got] == [True, False, True, False]
    # s3 fills its old module again: no filler, whatever the pool
    got = stable.keep(KEPT, IDS, CELLS, FOOT, heights_of({**table, 2: [4, 10]}), lambda i, s, r: 0.0,
                      lambda modules: True, filler=3)
    assert rects(got) == [(0, 0, 4, 0, 10), (1, 0, 2, 10, 10), (2, 2, 2, 10, 10)]


def test_no_edge_moves_more_than_the_rule_allows():
    assert keep({0: [5, 9], 1: [14], 2: [14]}) is None  # s1 would give up four rows


def test_a_wider_slack_keeps_the_columns_when_the_rows_cannot_hold():
    """s2 grows by six rows: no page within the rule's three rows, but with the edges free to move
    further s1 gives up four rows and s3 takes them, every module in its old columns."""
    table = {0: [5, 9], 1: [14], 2: [14]}
    got = stable.keep(KEPT, IDS, CELLS, FOOT, heights_of(table), lambda i, s, r: 0.0, lambda modules: True,
                      stable.WIDE_ROWS)
    assert rects(got) == [(0, 0, 4, 0, 6), (1, 0, 2, 6, 14), (2, 2, 2, 6, 14)]
    assert stable.moved(KEPT, got, IDS) == "kept the columns, edges moved up to 4 rows: s1 shrank 4 rows"


def test_the_wider_slack_has_its_bound():
    """An edge that would move more than WIDE_ROWS rows: no kept page, the search re-plans."""
    table = {0: [9 - stable.WIDE_ROWS - 2, 9], 1: [10 + stable.WIDE_ROWS + 2], 2: [10 + stable.WIDE_ROWS + 2]}
    assert stable.keep(KEPT, IDS, {(c, r) for c in range(4) for r in range(FOOT)}, FOOT, heights_of(table),
                       lambda i, s, r: 0.0, lambda modules: True, stable.WIDE_ROWS) is None


def test_columns_never_change():
    assert keep({0: [9], 1: [10], 2: [10]}, ok=lambda modules: False) is None  # only the old columns are tried


def test_replanned_says_which_story_grew_and_by_how_much():
    said = stable.replanned(KEPT, IDS, heights_of({0: [9], 1: [16], 2: [10]}), FOOT)
    assert said == "re-planned: s2 grew 6 rows"
    assert stable.replanned(KEPT, {"s1": 0, "s2": 1, "s9": 2}, heights_of({0: [9], 1: [10], 2: [10]}), FOOT) == \
        "re-planned: s9 is new, s3 is gone"


def test_replanned_proposes_what_would_keep_the_module():
    """s2 grew 6 rows: the line says so and, from what the story's text needs in its old module (its
    own rows: the module's less the white line when it does not stand on the foot), how much to cut."""
    asked = []

    def to_fill(item, span, rows):
        asked.append((item, span, rows))
        return 78

    said = stable.replanned(KEPT, IDS, heights_of({0: [9], 1: [16], 2: [10]}), FOOT, to_fill)
    assert said == "re-planned: s2 grew 6 rows (to keep its module, cut about 78 characters from s2)"
    assert asked == [(1, 2, 10)]  # s2's module stands on the foot: all its 10 rows are its own
    assert stable.keeping(KEPT, IDS, heights_of({0: [9], 1: [4], 2: [10]}), FOOT, lambda *a: -26) == \
        "add about 26 characters to s2"
    assert stable.keeping(KEPT, IDS, heights_of({0: [9], 1: [10], 2: [10]}), FOOT, lambda *a: 13) == ""  # it fits


def test_a_manifest_arrangement_that_is_not_a_builds_starts_afresh():
    assert stable.parse({"modules": [{"id": "s1", "kind": "story", "col": 1, "span": 4, "row": 1, "rows": 10}]})
    assert stable.parse({"modules": [{"id": "s1", "col": "x"}]}) is None
    assert stable.parse(None) is None and stable.parse({"modules": "no"}) is None


def test_around_a_pinned_module_at_the_top_left():
    """A pin in the top-left corner: the strip beside it and the full width below, either cut first."""
    cuts = around(Rect(0, 4, 0, 20), [Rect(0, 2, 0, 8)])
    assert (Rect(2, 2, 0, 8), Rect(0, 4, 8, 12)) in cuts
    assert (Rect(0, 2, 8, 12), Rect(2, 2, 0, 20)) in cuts
    for cut in cuts:
        covered = {(c, r) for g in cut for c in range(g.col, g.col + g.span) for r in range(g.row, g.row + g.rows)}
        assert covered == CELLS - {(c, r) for c in range(2) for r in range(8)}
        assert sum(g.span * g.rows for g in cut) == len(covered)  # no cell twice

