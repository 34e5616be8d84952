"""A page that keeps its shape: the last build's modules as the start of the next (design rule stable).

When a story grows or shrinks late in the evening a layout editor moves the edges of the modules a
little and leaves the page's shape alone (GN4 leaves placed articles alone; Cassowary's weighted
"stay" constraints). `keep` looks for exactly that: every module of the last build keeps its columns,
and each of its edges moves by at most `rules.figure("stable")` rows, with every item filling its
module exactly and the modules still tiling the free type area. It is a small search, column by
column from the top: a module's top is where the modules above it end, its rows one of the heights
its item fills at its span. When no such page exists the columns are still worth more than the
rows: a second search lets the edges move by up to `WIDE_ROWS` (the modules of one column stack
trade rows — a 简讯 block fills one height only, so its neighbours in the stack take the change),
and the page says in one line how far they moved (`moved`). Only when neither works does the page
search start afresh, and `replanned` says in one line why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from layout.compose import rules as R
from layout.compose.modules import SEPARATOR_ROWS, Module, Rect

WIDE_ROWS = 16  # the edges' reach in the second search: about a sixth of the broadsheet's rows
NODES = 20_000  # the search's steps at most: a shape not found within them is not worth the wait


@dataclass(frozen=True)
class Kept:
    """A module of the last build: its item's id and kind, and its rectangle on the basic grid."""

    id: str
    kind: str
    rect: Rect


def parse(record: object) -> tuple[Kept, ...] | None:
    """The last build's modules from its manifest's `arrangement` (None when there is none, or it is
    not what a build writes: a hand-edited or damaged manifest starts the page afresh)."""
    if not isinstance(record, dict) or not isinstance(record.get("modules"), list):
        return None
    out = []
    for m in record["modules"]:
        try:
            out.append(Kept(str(m["id"]), str(m["kind"]), Rect(int(m["col"]) - 1, int(m["span"]),
                                                               int(m["row"]) - 1, int(m["rows"]))))
        except (KeyError, TypeError, ValueError):
            return None
    return tuple(out)


def same_items(kept: tuple[Kept, ...], items: Mapping[str, int]) -> bool:
    """Whether the last build's modules are those of the items the page has now (by id)."""
    return sorted(k.id for k in kept) == sorted(items)


def own_rows(k: Kept, foot_row: int) -> int:
    """The rows a kept module's item fills: its own, less the white line under it unless it stands on
    the type area's foot."""
    return k.rect.rows - (SEPARATOR_ROWS if k.rect.row + k.rect.rows != foot_row else 0)


def keep(kept: tuple[Kept, ...], items: Mapping[str, int], cells: set[tuple[int, int]], foot_row: int,
         heights: Callable[[int, int, bool], list[int]], cost: Callable[[int, int, int], float],  # own rows
         ok: Callable[[list[Module]], bool], slack: int | None = None, filler: int | None = None
         ) -> list[Module] | None:
    """The last build's modules with their edges moved by at most `slack` rows (default: the stable
    rule's), each item
    (by id → its number, `items`) filling its module exactly (`heights(item, span, separated)`: a
    module not standing on the type area's foot, `foot_row`, takes a white line under it), the modules
    tiling the `free` regions; among those, the one whose edges move least (then the cheapest, `cost`)
    that `ok` accepts (no 撞题, the 头条 leading). With `filler` (an item: the page's filler slot), one
    story that shrank may leave the foot of its module to a filler (补白) in its own columns, the
    filler's foot where the story's was: what a layout editor does with a late cut. None when the
    items are not the last build's or no such page exists."""
    if not kept or not same_items(kept, items):
        return None
    slack = int(R.figure("stable")) if slack is None else slack
    covered = {(c, r) for k in kept for c in range(k.rect.col, k.rect.col + k.rect.span)
               for r in range(k.rect.row, k.rect.row + k.rect.rows)}
    if cells != covered:
        return None  # the free area changed (another ad, another template): the old shape does not fit
    columns = sorted({c for c, _ in cells})
    top_of = {c: min(r for cc, r in cells if cc == c) for c in columns}
    foot_of = {c: max(r for cc, r in cells if cc == c) + 1 for c in columns}
    order = sorted(kept, key=lambda k: (k.rect.row, k.rect.col))
    best: list = []
    steps = [0]

    def search(k: int, ends: dict[int, int], placed: list[Module], moved: int, spent: float,
               spare: int | None = filler) -> None:
        steps[0] += 1
        if steps[0] > NODES or (best and (moved, spent) >= best[0][:2]):
            return
        if k == len(order):
            if all(ends.get(c) == foot_of[c] for c in columns) and ok(placed):
                best[:] = [(moved, spent, list(placed))]
            return
        m = order[k]
        cols = range(m.rect.col, m.rect.col + m.rect.span)
        tops = {ends.get(c, top_of[c]) for c in cols}
        if len(tops) != 1:
            return  # the modules above it no longer end level across its columns
        top = tops.pop()
        if abs(top - m.rect.row) > slack:
            return
        item, old_bottom = items[m.id], m.rect.row + m.rect.rows
        options = []
        for separated in (True, False):
            for rows in heights(item, m.rect.span, separated):
                bottom = top + rows
                if separated == (bottom == foot_row) or abs(bottom - old_bottom) > slack:
                    continue
                if any(bottom > foot_of[c] for c in cols):
                    continue
                options.append((abs(bottom - old_bottom), rows, separated))
        for shift, rows, separated in sorted(options):
            search(k + 1, {**ends, **{c: top + rows for c in cols}},
                   placed + [Module(item, Rect(m.rect.col, m.rect.span, top, rows), separated)],
                   moved + abs(top - m.rect.row) + shift,
                   spent + cost(item, m.rect.span, rows - (SEPARATOR_ROWS if separated else 0)), spare)
        if spare is None or m.kind != "story":
            return
        for shift, rows, low, parted in _under(top, old_bottom, m.rect.span, item, spare, foot_row, heights, slack):
            search(k + 1, {**ends, **{c: top + rows + low for c in cols}},
                   placed + [Module(item, Rect(m.rect.col, m.rect.span, top, rows), True),
                             Module(spare, Rect(m.rect.col, m.rect.span, top + rows, low), parted)],
                   moved + abs(top - m.rect.row) + shift,
                   spent + cost(item, m.rect.span, rows - SEPARATOR_ROWS), None)

    search(0, {}, [], 0, 0.0)
    return sorted(best[0][2], key=lambda m: m.item) if best else None


def _under(top: int, old_bottom: int, span: int, item: int, filler: int, foot_row: int,
           heights: Callable[[int, int, bool], list[int]], slack: int) -> list[tuple[int, int, int, bool]]:
    """A story's module that no longer reaches its old foot and a filler under it that does, within
    `slack` rows: (how far the foot moved, the story's rows, the filler's, whether a white line parts
    the filler from what is below), nearest first."""
    out = []
    lows = [(separated, low) for separated in (True, False) for low in heights(filler, span, separated)]
    for rows in heights(item, span, True):
        if top + rows >= old_bottom:
            continue
        for separated, low in lows:
            bottom = top + rows + low
            if separated != (bottom == foot_row) and abs(bottom - old_bottom) <= slack:
                out.append((abs(bottom - old_bottom), rows, low, separated))
    return sorted(set(out))


def moved(before: tuple[Kept, ...], after: list[Module], ids: Mapping[str, int]) -> str:
    """The one line a page kept in its columns but not within the stable rule's rows says: the module
    whose edges moved furthest (`kept the columns, edges moved up to 6 rows: jianxun moved down 6 rows`)."""
    now = {m.item: m.rect for m in after}

    def reach(k: Kept) -> int:
        r = now[ids[k.id]]
        return max(abs(r.row - k.rect.row), abs(r.row + r.rows - k.rect.row - k.rect.rows))

    worst = max(before, key=reach)
    r = now[ids[worst.id]]
    grew = r.rows - worst.rect.rows
    shift = r.row - worst.rect.row
    parts = []
    if grew:
        parts.append(f"{worst.id} {'grew' if grew > 0 else 'shrank'} {_rows(abs(grew))}")
    if shift:
        parts.append(f"{worst.id} moved {'down' if shift > 0 else 'up'} {_rows(abs(shift))}")
    return f"kept the columns, edges moved up to {_rows(reach(worst))}: {', '.join(parts)}"


def _rows(n: int) -> str:
    return f"{n} row{'s' if n > 1 else ''}"


def _worst(kept: tuple[Kept, ...], items: Mapping[str, int], heights: Callable[[int, int, bool], list[int]],
           foot_row: int) -> tuple[Kept, int | None]:
    """The module furthest from any height its item now fills at its columns, and the rows to the
    nearest (None: no height at all)."""
    worst = None
    for k in kept:
        fits = set(heights(items[k.id], k.rect.span, k.rect.row + k.rect.rows != foot_row))
        change = min(fits, key=lambda r: (abs(r - k.rect.rows), r)) - k.rect.rows if fits else None
        size = float("inf") if change is None else abs(change)
        if worst is None or size > worst[0]:
            worst = (size, k, change)
    return worst[1], worst[2]


def keeping(kept: tuple[Kept, ...], items: Mapping[str, int], heights: Callable[[int, int, bool], list[int]],
            foot_row: int, to_fill: Callable[[int, int, int], int]) -> str:
    """What the desk could do to keep the last build's shape (the last lever, proposed): cut or add
    about so many characters to the story furthest from its old module (`to_fill(item, span, own
    rows)`: characters over, or under as negative); "" when there is no such story or no figure."""
    if not same_items(kept, items):
        return ""
    k, change = _worst(kept, items, heights, foot_row)
    if change == 0:
        return ""
    chars = to_fill(items[k.id], k.rect.span, own_rows(k, foot_row))
    if not chars:
        return ""
    return f"{'cut' if chars > 0 else 'add'} about {abs(chars)} characters {'from' if chars > 0 else 'to'} {k.id}"


def replanned(kept: tuple[Kept, ...], items: Mapping[str, int], heights: Callable[[int, int, bool], list[int]],
              foot_row: int, to_fill: Callable[[int, int, int], int] | None = None) -> str:
    """Why the last build's shape could not be kept, in one line: the item whose module is furthest from
    any height it now fills at its columns, and by how much (`re-planned: s2 grew 6 rows`), and with
    `to_fill` what would keep it (`… (to keep its module, cut about 26 characters from s2)`)."""
    ids = {k.id for k in kept}
    if ids != set(items):
        new, gone = sorted(set(items) - ids), sorted(ids - set(items))
        what = ", ".join([f"{i} is new" for i in new] + [f"{i} is gone" for i in gone])
        return f"re-planned: {what}"
    k, change = _worst(kept, items, heights, foot_row)
    proposal = keeping(kept, items, heights, foot_row, to_fill) if to_fill is not None else ""
    keep = f" (to keep its module, {proposal})" if proposal else ""
    if change is None:
        return f"re-planned: {k.id} no longer fits {k.rect.span} columns{keep}"
    if change == 0:
        return "re-planned: the modules no longer tile the page with their edges within " \
               f"{int(R.figure('stable'))} rows"
    return f"re-planned: {k.id} {'grew' if change > 0 else 'shrank'} {_rows(abs(change))}{keep}"
