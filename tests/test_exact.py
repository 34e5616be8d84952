"""compose.exact: every arrangement of modules that tiles the free area, guillotine or not — checked
against tilings made up front (the sizes each item may fill are those of a tiling plus decoys), and
its proof that none exists against areas no set of sizes can fill."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.compose import exact as X
from layout.compose.modules import Module, Rect, holes


def _heights(table: dict):
    """heights(item, span, separated) from item → {(span, rows)}; separated modules one row taller."""
    return lambda i, span, sep: [r + (1 if sep else 0) for s, r in table[i] if s == span]


def _cells(table: dict):
    return lambda i: (min(s * r for s, r in table[i]), max(s * (r + 1) for s, r in table[i]))


def _all(area: X.Area, table: dict, optional=(), fine=lambda placed, m: True, steps=X.EXACT_STEPS):
    items = tuple(i for i in sorted(table) if i not in optional)
    return list(X.arrangements(area, items, tuple(optional), _heights(table), _cells(table), fine, steps))


def test_a_pinwheel_no_cut_across_or_down_can_make_is_found():
    """Four modules wheeling round a fifth (a pinwheel) tile a 6 × 6 area with no straight cut through
    it — an arrangement the page search cannot see; every arrangement of these sizes is one (the wheel
    turning either way, from either corner)."""
    area = X.Area((0,) * 6, (6,) * 6, 6)
    # (span, own rows): the module is a row taller where a separator parts it from what is below
    table = {0: {(4, 1)}, 1: {(2, 3)}, 2: {(4, 2)}, 3: {(2, 4)}, 4: {(2, 1)}}
    got = _all(area, table)
    assert got
    for modules in got:
        assert holes(modules, (Rect(0, 6, 0, 6),)) == 0
        assert not any(all(m.rect.col + m.rect.span <= c or m.rect.col >= c for m in modules) for c in range(1, 6))
        assert not any(all(m.rect.row + m.rect.rows <= r or m.rect.row >= r for m in modules) for r in range(1, 6))


def test_no_arrangement_of_sizes_that_cannot_fill_the_area():
    """Two stories of one module size each that together leave a row: proven by running out."""
    area = X.Area((0, 0), (10, 10), 10)
    assert _all(area, {0: {(2, 4)}, 1: {(2, 4)}}) == []  # 4 + 1 separator + 4 rows of 10
    assert len(_all(area, {0: {(2, 4)}, 1: {(2, 5)}})) == 2  # 4 + 1 + 5 or 5 + 1 + 4


def test_the_rules_prune_what_they_refuse():
    """`fine` sees each module beside those placed before it: refusing two modules side by side at
    one row leaves only the stacked arrangement."""
    area = X.Area((0, 0), (9, 9), 9)
    table = {0: {(1, 9), (2, 4)}, 1: {(1, 9), (2, 4)}}
    both = _all(area, table)
    assert {tuple((m.rect.col, m.rect.span) for m in ms) for ms in both} == {
        ((0, 1), (1, 1)), ((1, 1), (0, 1)), ((0, 2), (0, 2))}

    def apart(placed, m):
        return all(x.rect.row != m.rect.row for x in placed)

    assert {tuple((m.rect.row, m.rect.span) for m in ms) for ms in _all(area, table, fine=apart)} == {
        ((0, 2), (5, 2)), ((5, 2), (0, 2))}


def test_an_optional_item_is_used_only_where_it_helps():
    """A filler (optional) may take a module or none."""
    area = X.Area((0, 0), (10, 10), 10)
    table = {0: {(2, 4)}, 1: {(2, 4)}}
    assert _all(area, table) == []
    table[2] = {(2, 0)}  # the filler: its separator's row, which the two stories leave
    got = _all(area, table, optional=(2,))
    assert got and all(any(m.item == 2 for m in ms) for ms in got)
    table[1] = {(2, 5)}  # the stories alone fill the area: the filler need not stand
    assert any(all(m.item != 2 for m in ms) for ms in _all(area, table, optional=(2,)))


def test_a_question_past_its_budget_is_unknown():
    area = X.Area((0,) * 8, (100,) * 8, 100)
    table = {i: {(s, r) for s in range(1, 9) for r in range(10, 40)} for i in range(9)}
    with pytest.raises(X.Unknown):
        _all(area, {**table, 9: {(1, 1)}}, steps=200)


def test_an_area_whose_columns_have_two_runs_is_not_asked():
    with pytest.raises(X.Unknown):
        X.Area.of((Rect(0, 2, 0, 5), Rect(0, 2, 7, 3)), 2, 10)
    area = X.Area.of((Rect(0, 4, 0, 6), Rect(2, 2, 6, 4)), 4, 10)  # beside a half-width foot ad
    assert area == X.Area((0, 0, 0, 0), (6, 6, 10, 10), 10) and area.cells == 32


def _random_tiling(rng: random.Random, cols: int, rows: int, pieces: int) -> list[Rect]:
    """A tiling of cols × rows by cutting one of its rectangles across or down, `pieces` times at most
    (the pinwheel, which no cut makes, has its own test)."""
    rects = [Rect(0, cols, 0, rows)]
    while len(rects) < pieces:
        big = [r for r in rects if r.span > 1 or r.rows > 1]
        if not big:
            break
        r = rng.choice(big)
        rects.remove(r)
        if r.span > 1 and (r.rows == 1 or rng.random() < 0.5):
            w = rng.randrange(1, r.span)
            rects += [Rect(r.col, w, r.row, r.rows), Rect(r.col + w, r.span - w, r.row, r.rows)]
        else:
            h = rng.randrange(1, r.rows)
            rects += [Rect(r.col, r.span, r.row, h), Rect(r.col, r.span, r.row + h, r.rows - h)]
    return rects


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 5), st.integers(4, 12), st.integers(2, 6))
def test_every_tiling_made_up_front_is_found_and_every_one_found_tiles(seed, cols, rows, pieces):
    """Sizes taken from a tiling cut at random (each item's own, plus a decoy or two): the question
    finds a tiling, and each it gives covers the area once with sizes the items may fill."""
    rng = random.Random(seed)
    rects = _random_tiling(rng, cols, rows, pieces)
    table = {}
    for i, r in enumerate(rects):
        own = r.rows - (0 if r.row + r.rows == rows else 1)
        if own < 1:
            return  # a one-row module above another: nothing but its separator
        table[i] = {(r.span, own)} | {(rng.randrange(1, cols + 1), rng.randrange(1, rows)) for _ in range(2)}
    area = X.Area((0,) * cols, (rows,) * cols, rows)
    got = _all(area, table, steps=50_000)
    assert got
    for modules in got[:20]:
        assert holes(modules, (Rect(0, cols, 0, rows),)) == 0
        for m in modules:
            own = m.rect.rows - (1 if m.separated else 0)
            assert (m.rect.span, own) in table[m.item]
            assert m.separated == (m.rect.row + m.rect.rows != rows)
