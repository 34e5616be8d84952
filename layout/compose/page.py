"""compose.page: a Page → PageLayout. The page's own furniture, and each story's block put in its place.

The page draws what belongs to no story — the 报眉 over the type area — and hands each story a
rectangle of the basic grid. A story composes itself there in its own coordinates
(`layout.compose.story`); this module moves the finished block into place by translation
(typst's `Frame::push_frame`, reportlab's frames), so a story's layout does not depend on where
on the page it stands. Pure: positions only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from layout.compose import blocks, exact, rules, stable
from layout.compose.grid import Columns, Rows, basic_columns, rows as page_rows
from layout.compose.modules import (SEPARATOR_ROWS, WIDE_STEPS, WIDE_WAYS, Module, Rect, SearchExhausted, Tiler,
                                    collisions, holes, orders, own_rows)
from layout.compose.boxes import compose_filler
from layout.compose.nearest import CHECK_STEPS, Nearest, nearest, retexted
from layout.compose.sizing import Sizing
from layout.compose.story import Area, Kit, Settings, StoryBlock, compose_story
from layout.base.errors import InputError
from layout.base.memo import Memos
from layout.base.model import Finding, Page
from layout.base.primitives import BLACK, GlyphRun, Image, PageLayout, PlacedPage, Rule, StoryRegion, moved
from layout.source.template import Template
from layout.source.meta import story_title
from layout.source.texts import folio_strings
from layout.base.units import pt_to_mm

GRID_CYAN = (1.0, 0.0, 0.0, 0.0)
GRID_MAGENTA = (0.0, 1.0, 0.0, 0.0)


def compose_page(page: Page, t: Template, faces: Mapping, photo_sizes: Mapping[tuple[str, str], tuple[int, int]],
                 settings: Settings = Settings(), ad_sizes: Mapping[str, tuple[float, float, str]] | None = None,
                 memo=None, previous: tuple | None = None) -> PageLayout:
    """The whole page: the 报眉, then every item in the module it is given (a page of one story and no
    reserved area — a 专版 — gives the story the whole type area and the template's headline).

    `ad_sizes` gives the size of each ad PDF by reserved area id, as its page shows (layout.source.adpdf):
    width and height in pt and the box measured (TrimBox | MediaBox); an ad must be made to its
    area's size (AD_TOLERANCE_MM). `memo`: results kept between builds (`Kit.memo`; the watch
    process's), or None: a page of several items then keeps its own for this build, since the module
    search sets each story's paragraphs, captions and headline for every module size it tries.
    `previous`: the last build's modules (layout.compose.stable.parse of its manifest's arrangement):
    the page keeps their shape when it can (design rule stable)."""
    basic, grid = basic_columns(t), page_rows(t)
    modular = not (len(page.stories) == 1 and not page.reserved and page.stories[0].kind == "story")
    if memo is None and modular:
        memo = Memos(PAGE_MEMO)
    kit = Kit(t, faces, photo_sizes, dict(page.options), settings, memo, page.place)
    out = _Out(list(_folio(page, t, faces, basic, grid)))
    if len(page.stories) == 1 and not page.reserved and page.stories[0].kind == "story":
        story = page.stories[0]
        block = compose_story(story, Area(0, t.columns, 0, t.rows), kit)
        out.add(place(block, basic, grid), region(block, "story", story_title(story), basic, grid))
        out.figures = dict(block.figures)
        if block.rest:
            out.continued.append((story.id, story.continue_to, block.rest))
    else:
        _modular(page, t, kit, basic, grid, out, ad_sizes or {}, previous)
    overlay = tuple(_grid_overlay(t, basic, grid, out.frames)) if settings.grid else ()
    return PageLayout(t.page_width_pt, t.page_height_pt, (0.0, 0.0, t.page_width_pt, t.page_height_pt),
                      tuple(out.items), tuple(out.frames), overlay, tuple(out.findings), out.figures,
                      regions=tuple(out.regions), continued=tuple(out.continued))


@dataclass
class _Out:
    """What the page draws and reports, gathered as its blocks are placed."""

    items: list
    frames: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    continued: list = field(default_factory=list)

    def add(self, placed: StoryBlock, where: StoryRegion) -> None:
        self.items += placed.items
        self.frames += placed.frames
        self.findings += placed.findings
        self.regions.append(where)


# Figures of the items that the page's report sums (the report shows each item's too, by its id).
SUMMED = ("body_lines", "ragged_lines", "lonely_last_chars", "widows", "orphans", "stranded_subheads",
          "overflow_lines", "empty_rows", "overlaps")
PAGE_MEMO = {"paragraph": (6000, None), "caption": (2000, None), "headline": (400, None), "subhead": (400, None)}
NEAR_MISS = 0.4  # of a story's text: how far off its old module another measure (变栏) is tried (a late
# edit reaches a fifth, and the bound's figure is rough; a 头条 doubled is left to the re-plan)
MAX_STRIKES = 40  # story module sizes the bound allowed but the composition refused, before giving up
FILLER_UNDER = "a filler (补白) under"  # what the page says of a filler set under a story a late edit shortened
PROBE_ROWS = 4  # a struck size's neighbours (rows either side, at its span) tried at once


def _modular(page: Page, t: Template, kit: Kit, basic: Columns, grid: Rows, out: _Out,
             ad_sizes: Mapping[str, tuple[float, float, str]], previous: tuple | None = None) -> None:
    """A page of several items: the module search, each item composed in its module, rules between."""
    # the reserved areas first: an ad of the wrong size is refused before the module search
    reserved = [_reserved(page, r, t, basic, grid, ad_sizes) for r in page.reserved]
    pins = pinned_modules(page, t)
    free = free_regions(page, t)
    cuts = free_layouts(free, t) if not pins else around(Rect(0, t.columns, 0, t.rows),
                                                        [_reserved_rect(r, t) for r in page.reserved]
                                                        + [m.rect for m in pins.values()])
    sizing = Sizing(page, t, kit)
    modules, blocks_, said = _search(page, t, sizing, free, cuts, pins, previous)
    if said:
        code = "re-planned" if said.startswith("re-planned") else "stable"  # else: columns kept, edges moved
        out.findings.append(Finding("warning", code, said, page.source_file))
    fillers = {blocks_[m.item].story: m for m in modules if sizing.items[m.item].kind == "filler"}
    for m in modules:
        block = blocks_[m.item]
        item = sizing.items[m.item] if m.item not in sizing.slots else next(f for f in page.fillers
                                                                             if f.id == block.story)
        out.add(place(block, basic, grid), region(block, item.kind, item_title(item), basic, grid))
        out.figures[item.id] = block.figures
        if block.rest:
            out.continued.append((item.id, item.continue_to, block.rest))
    if fillers:
        out.figures["fillers"] = sorted(fillers)
        why = ("under a story a late edit shortened (the last build's shape kept)" if FILLER_UNDER in said
               else "the page's items alone fill no tiling")
        out.findings += [Finding("info", "filler", f"补白 {fid} set ({m.rect.span} columns × {m.rect.rows} rows): "
                                 f"{why}", fid) for fid, m in sorted(fillers.items())]
    for items, where, figures, findings in reserved:
        out.items += items
        out.regions.append(where)
        out.findings += findings
    if reserved:
        out.figures["reserved"] = [figures for _, _, figures, _ in reserved]
    out.items += _module_rules(modules, t, basic, grid)
    ids = {m.item: blocks_[m.item].story for m in modules}
    for key in SUMMED:
        out.figures[key] = sum(out.figures[ids[m.item]].get(key, 0) for m in modules)
    out.figures["stories"] = [s.id for s in page.stories]
    out.figures["modules"] = [{"item": ids[m.item], "kind": sizing.items[m.item].kind,
                               "col": m.rect.col + 1, "span": m.rect.span, "row": m.rect.row + 1, "rows": m.rect.rows,
                               "separated": m.separated,
                               "body_columns": out.figures[ids[m.item]].get("body_columns", m.rect.span)}
                              for m in modules]
    kinds = lambda i: sizing.items[i].kind  # noqa: E731
    out.figures["headline_collisions"] = len(collisions(modules, kinds, sizing.headline))
    out.figures["holes"] = holes(modules, free)


def _search(page: Page, t: Template, sizing: Sizing, free: tuple[Rect, ...], cuts: list,
            pins: dict[int, Module], previous: tuple | None = None) -> tuple[list[Module], dict, str]:
    """The modules and the items composed in them, and what the page says if it could not keep the
    last build's shape. The last build's modules first (layout.compose.stable), with their edges moved
    a few rows; else the module search, where a module size the bound allowed but the composition
    refused is struck and the search runs again (MAX_STRIKES). The pinned modules stand where the
    desk put them; their items must fill them."""
    kinds = [s.kind for s in page.stories]
    height = max(g.row + g.rows for g in free) - min(g.row for g in free)
    tiler = Tiler(sizing.fits(), len(sizing.items), t.columns, height, fixed=tuple(pins.values()))
    said = ""
    if previous:
        got = _kept_shape(page, t, sizing, tiler, free, pins, previous)
        if got is not None:
            return got
        said = stable.replanned(_unpinned(previous, page, pins), _ids(page, sizing, pins, previous), sizing.heights,
                                t.rows, sizing.to_fill)
    try:
        got = _tiled(sizing, t, tiler, cuts, pins)
        if got is None and tiler.refused:  # the cheapest part of a rectangle may be one that clashed: keep more
            got = _wider(sizing, t, tiler, cuts, pins)
    except SearchExhausted:
        raise InputError(f"copyfit: {sizing.why(free)} (the search stopped after {tiler.budget:,} steps)",
                         page.place("stories"), sizing.hint(free)) from None
    if got is None:
        hint = sizing.hint(free)
        if previous:  # a late edit the page cannot take: what would keep the last build's shape first
            keep = stable.keeping(_unpinned(previous, page, pins), _ids(page, sizing, pins, previous),
                                  sizing.heights, t.rows, sizing.to_fill)
            hint = f"to keep the last build's shape, {keep}; or {hint}" if keep else hint
        shape = sizing.case(free)[0] == "shape"
        near = _nearest(page, t, sizing, tiler, cuts, kinds, pins) if shape else None
        proven = shape and not near and _none_arranged(sizing, t, tiler, free, pins)
        raise InputError(f"copyfit: {sizing.why(free, near, proven)}", page.place("stories"), hint)
    return got[0], got[1], said


def _wider(sizing: Sizing, t: Template, tiler: Tiler, cuts: list, pins: dict[int, Module]
           ) -> tuple[list[Module], dict] | None:
    """The page search again, keeping WIDE_WAYS ways to fill each rectangle, within WIDE_STEPS: a
    second look, whose running out leaves the page where the first search left it."""
    wide = Tiler(sizing.fits(), len(sizing.items), t.columns, tiler.height, fixed=tiler.fixed, ways=WIDE_WAYS)
    wide.budget = min(WIDE_STEPS, tiler.budget - tiler.steps)
    try:
        return _tiled(sizing, t, wide, cuts, pins)
    except SearchExhausted:
        return None


def _tiled(sizing: Sizing, t: Template, tiler: Tiler, cuts: list, pins: dict[int, Module]
           ) -> tuple[list[Module], dict] | None:
    """The modules of the page search and every item composed in its own, or None when the search finds
    no tiling: a module size the bound allowed but the composition refused is struck and the search
    runs again (MAX_STRIKES, then an InputError; SearchExhausted past the tiler's budget)."""
    page = sizing.page
    kinds = [s.kind for s in page.stories]
    for _ in range(MAX_STRIKES + 1):
        found = _best_tiling(cuts, kinds, tiler, t, sizing.slots, frozenset(pins))
        if found is None:
            return None
        modules = sorted(found + list(pins.values()), key=lambda m: m.item)
        blocks_ = _compose_modules(page, sizing.kit, sizing, tiler, modules, pins)
        if blocks_ is not None:
            return modules, blocks_
    raise InputError(f"copyfit: the stories do not fill the modules the page search found ({MAX_STRIKES} tries)",
                     page.place("stories"), "cut or lengthen a story, or give the page fewer items")


def _none_arranged(sizing: Sizing, t: Template, tiler: Tiler, free: tuple[Rect, ...], pins: dict[int, Module]
                   ) -> bool:
    """Whether no arrangement at all of modules of the sizes the page's items may fill (their bound's,
    none struck) tiles the free area and keeps the hard rules (Tiler.fine: no 撞题, the 头条 leads) —
    with a filler or without (compose.exact, within its budget): the refusal's proof that no search
    could find a page there. False when one exists or the question went unanswered."""
    if pins:
        return False
    try:
        area = exact.Area.of(free, t.columns, t.rows)
        return next(exact.arrangements(area, tuple(i for i in range(len(sizing.items)) if i not in sizing.slots),
                                       sizing.slots, sizing.bound_heights, lambda i: tiler.cells[i], tiler.fine),
                    None) is None
    except exact.Unknown:
        return False


def _nearest(page: Page, t: Template, sizing: Sizing, tiler: Tiler, cuts: list, kinds: list[str],
             pins: dict[int, Module]) -> Nearest | None:
    """The least cut (or addition) of one story, the lowest-ranked first, that lets the page tile
    (layout.compose.nearest), confirmed by the page composed with the story's text so cut; a cut
    only where the story keeps six lines of one column or more."""
    per_row = t.column_chars
    stories = [i for i in range(len(page.stories) - 1, -1, -1)
               if page.stories[i].kind == "story" and not page.stories[i].continue_to and i not in pins]

    def chars(i: int, rows: int, span: int) -> int | None:
        n = rows * span * per_row
        return n if n < 0 or sizing.text_chars(i) - n >= 6 * per_row else None

    def verify(i: int, n: int) -> bool:
        return _fills(sizing.retold(i, retexted(page.stories[i], n)), t, cuts, pins, tiler.height)

    return nearest(tiler.fits, len(sizing.items), t.columns, tiler.height, tiler.fixed, stories, t.module_min_rows,
                   lambda trial: _best_tiling(cuts, kinds, trial, t, sizing.slots, frozenset(pins)), chars, verify)


def _fills(sizing: Sizing, t: Template, cuts: list, pins: dict[int, Module], height: int) -> bool:
    """Whether the page search finds modules every item of `sizing`'s page composes in (a proposal's
    check, within CHECK_STEPS)."""
    tiler = Tiler(sizing.fits(), len(sizing.items), t.columns, height, fixed=tuple(pins.values()))
    tiler.budget = CHECK_STEPS
    try:
        return _tiled(sizing, t, tiler, cuts, pins) is not None
    except (InputError, SearchExhausted):
        return False


def _kept_shape(page: Page, t: Template, sizing: Sizing, tiler: Tiler, free: tuple[Rect, ...],
                pins: dict[int, Module], previous: tuple) -> tuple[list[Module], dict, str] | None:
    """The last build's shape kept, as a layout editor keeps it late in the evening, the cheaper ways
    first: the edges within the stable rule's rows; then the columns with the edges further; then the
    stories a line or so off their old modules set to another measure (变栏) inside their module's
    columns, so that their text fills the module to the line. The modules, the items composed in them
    and the line the page says (none when the edges moved within the rule); None when the shape
    cannot hold. Last, a filler (补白) from the page's pool under a story that shrank, in its own
    columns — the editor's answer to a late cut when the text cannot be made to fill."""
    before = _unpinned(previous, page, pins)
    ids = _ids(page, sizing, pins, previous)
    briefs = any(item.kind == "briefs" for item in sizing.items)
    # the page's own; then other measures for the near misses, more white in 简讯; then a filler
    for attempt in range(3):
        more = frozenset() if attempt != 1 else (_near_misses(sizing, before, ids, t.rows) or frozenset())
        if (attempt == 1 and not more and not briefs) or (attempt == 2 and not sizing.slots):
            continue
        struck = set(sizing.struck)
        sizing.more_measures, sizing.more_white = more, bool(attempt == 1 and briefs)
        tiler.heads.clear()  # a module's headline band follows the measure its rows are filled with
        for slack in (None, stable.WIDE_ROWS):
            got = _kept(page, t, sizing, tiler, free, pins, previous, slack, filler=attempt == 2)
            if got is not None:
                said = [] if slack is None and attempt < 2 else [stable.moved(before, got[0], ids)]
                said += [f"kept the columns: {sizing.items[i].id} set in {n} column{'s' if n > 1 else ''} across its "
                         f"{span} (变栏)"
                         for i, span, n in _remeasured(sizing, got[0])]
                said += [f"kept the columns: more white between the items of {sizing.items[m.item].id}"
                         for m in got[0] if _airier(sizing, m)]
                said += [f"kept the columns: {FILLER_UNDER} {sizing.items[above.item].id}"
                         for m in got[0] if attempt == 2 and sizing.items[m.item].kind == "filler"
                         for above in got[0] if above.rect.col == m.rect.col and above.rect.span == m.rect.span
                         and above.rect.row + above.rect.rows == m.rect.row]
                return got[0], got[1], "; ".join(said)
        sizing.more_measures, sizing.more_white = frozenset(), False
        sizing.struck = struck  # a size struck under the other measures may fill under the page's own
        tiler.heads.clear()
    return None


def _near_misses(sizing: Sizing, before: tuple, ids: dict[str, int], foot_row: int) -> frozenset[int] | None:
    """The stories that do not fill their old module at their own measure and are within NEAR_MISS of
    their text of filling it (a late edit reaches a fifth): another measure may take them in; a story
    further off is not helped by one, and setting its long text at every measure would only delay
    the re-plan (None: no story is). A story that continues on another page fills any module."""
    if not stable.same_items(before, ids):
        return None  # another page's arrangement, or items come or gone: no shape to keep
    out = set()
    for k in before:
        i = ids[k.id]
        if sizing.items[i].kind != "story" or sizing.items[i].continue_to:
            continue
        chars = sizing.to_fill(i, k.rect.span, stable.own_rows(k, foot_row))
        if chars and abs(chars) <= NEAR_MISS * sizing.text_chars(i):
            out.add(i)
    return frozenset(out) or None


def _airier(sizing: Sizing, m: Module) -> bool:
    """Whether a 简讯 module of the kept shape takes more white between its items than the page search
    would give it (more_white)."""
    return sizing.more_white and sizing.items[m.item].kind == "briefs" and not sizing.usual_gap_fills(
        m.item, m.rect.span, own_rows(m))


def _remeasured(sizing: Sizing, modules: list[Module]) -> list[tuple[int, int, int]]:
    """(item, span, body columns) of each story whose module the kept shape fills with a measure the
    page search does not take (more_measures)."""
    out = []
    for m in modules:
        if m.item not in sizing.more_measures:
            continue
        n = sizing.measure(m.item, m.rect.span, own_rows(m))
        if n not in sizing.body_options(m.item, m.rect.span, more=False):
            out.append((m.item, m.rect.span, n))
    return out


def _unpinned(previous: tuple, page: Page, pins: dict[int, Module]) -> tuple:
    pinned = {page.stories[i].id for i in pins}
    return tuple(k for k in previous if k.id not in pinned)


def _ids(page: Page, sizing: Sizing, pins: dict[int, Module], previous: tuple) -> dict[str, int]:
    """The items the search places by the ids the last build's modules carry: the page's own by id,
    a filler the last build set by the filler slot that takes its place."""
    out = {item.id: i for i, item in enumerate(page.stories) if i not in pins}
    fillers = [k.id for k in previous if k.kind == "filler"]
    for fid, slot in zip(fillers, sizing.slots):
        out[fid] = slot
    return out


def _kept(page: Page, t: Template, sizing: Sizing, tiler: Tiler, free: tuple[Rect, ...], pins: dict[int, Module],
          previous: tuple, slack: int | None = None, filler: bool = False) -> tuple[list[Module], dict] | None:
    """The last build's modules kept (layout.compose.stable.keep) and the items composed in them, or
    None when that shape cannot hold the page as it is now. `filler`: a story that shrank may leave
    the foot of its module to one of the page's fillers (补白), when the last build set none."""
    pinned = {(c, r) for m in pins.values() for c in range(m.rect.col, m.rect.col + m.rect.span)
              for r in range(m.rect.row, m.rect.row + m.rect.rows)}
    cells = {(c, r) for g in free for c in range(g.col, g.col + g.span) for r in range(g.row, g.row + g.rows)}
    kinds = lambda i: sizing.items[i].kind  # noqa: E731

    def ok(modules: list[Module]) -> bool:
        every = modules + list(pins.values())
        return not collisions(every, kinds, sizing.headline) and tiler.leads(tuple(every))

    before = _unpinned(previous, page, pins)
    spare = sizing.slots[0] if filler and sizing.slots and not any(k.kind == "filler" for k in before) else None
    for _ in range(MAX_STRIKES + 1):
        found = stable.keep(before, _ids(page, sizing, pins, previous), cells - pinned,
                            t.rows, sizing.heights, sizing.cost, ok, slack, spare)
        if found is None:
            return None
        modules = sorted(found + list(pins.values()), key=lambda m: m.item)
        blocks_ = _compose_modules(page, sizing.kit, sizing, tiler, modules, pins)
        if blocks_ is not None:
            return modules, blocks_
    return None


def _compose_modules(page: Page, kit: Kit, sizing: Sizing, tiler: Tiler, modules: list[Module],
                     pins: dict[int, Module]) -> dict | None:
    """Every item composed in its module, or None when one refused (its module size is struck). Every
    module is tried before giving up, and each refusing story's size struck at once: a size the
    composition refuses can never serve, so striking them together costs the search no page and
    spares it a round (a tiling) per refusal."""
    blocks_ = {}
    taken: set[str] = set()
    refused = False
    for m in modules:
        item = sizing.items[m.item]
        area = Area(m.rect.col, m.rect.span, m.rect.row, own_rows(m))
        if item.kind == "filler":
            k = sizing.filler_for(area.span, area.rows, taken)
            if k is None:  # the pool's other filler was the only one of this size
                sizing.strike(m.item, m.rect.span, m.rect.rows)
                tiler.forget(m.item, m.rect.span, m.rect.rows)
                return None
            taken.add(page.fillers[k].id)
            blocks_[m.item] = compose_filler(page.fillers[k], area, kit)
            continue
        try:
            blocks_[m.item] = sizing.compose(m.item, area)
        except InputError as e:
            if m.item in pins:
                raise InputError(f"{e.what} in the module its place: pins ({m.rect.span} columns × {m.rect.rows} "
                                 "rows)", str(item.source_file or page.source_file),
                                 "change the place: of the story, or lengthen or cut it to fill its module") from None
            if item.kind != "story" or "copyfit" not in e.what:
                raise
            _strike(sizing, tiler, m, lambda block: block is None)
            refused = True
    if refused:
        return None
    # A photo larger than a higher-ranked story's (photo-rank), or a 主题 larger than a higher-ranked
    # story's — the ladder's last rung serves every rank after it, so a lower rank may be set larger in
    # a wider module (headline-ladder): that module is no fit.
    for measure, ratio, slack in ((_largest_photo, rules.figure("photo-rank"), 1.0), (_headline_size, 1.0, 0.01)):
        wrong = _outranked(page, modules, blocks_, pins, measure, ratio, slack)
        if wrong is not None:
            m, most = wrong
            _strike(sizing, tiler, m, lambda block: block is None or measure(block) > most)
            return None
    return blocks_


def _strike(sizing: Sizing, tiler: Tiler, m: Module, refused: Callable[[StoryBlock | None], bool]) -> None:
    """Strike module m's size, and the sizes of its item within PROBE_ROWS rows of it at its span
    whose composition (None: it refused) is `refused` too: a refusal is seldom alone, and trying
    the neighbours here costs a story's composition each, where the search would pay a tiling."""
    sep = SEPARATOR_ROWS if m.separated else 0
    gone = [m.rect.rows]
    for rows in sizing.heights(m.item, m.rect.span, m.separated):
        if rows == m.rect.rows or abs(rows - m.rect.rows) > PROBE_ROWS:
            continue
        try:
            block = sizing.compose(m.item, Area(m.rect.col, m.rect.span, m.rect.row, rows - sep))
        except InputError:
            block = None
        if refused(block):
            gone.append(rows)
    for rows in gone:
        sizing.strike(m.item, m.rect.span, rows)
    tiler.forget(m.item, m.rect.span, *gone)


def _largest_photo(block: StoryBlock) -> float:
    return max((im.width_pt * im.height_pt for im in block.items if isinstance(im, Image)), default=0.0)


def _headline_size(block: StoryBlock) -> float:
    return max((r.size_pt for r in block.items if isinstance(r, GlyphRun) and r.kind == "headline"), default=0.0)


def _outranked(page: Page, modules: list[Module], blocks_: dict, pins: dict[int, Module],
               measure: Callable[[StoryBlock], float], ratio: float, slack: float) -> tuple[Module, float] | None:
    """The module of a story whose `measure` (its largest photo's area, its 主题's size) is larger
    than a higher-ranked story's times `ratio` (design rules photo-rank, headline-ladder), the
    lowest-ranked such, and the most its story may have there; None when the figures fall with rank.
    Stories without the thing measured (no photo) take no part."""
    by_item = {m.item: m for m in modules}
    got = []
    for i, item in enumerate(page.stories):
        if item.kind == "story" and i in blocks_:
            value = measure(blocks_[i])
            if value:
                got.append((i, value))
    for k in range(len(got) - 1, 0, -1):
        i, value = got[k]
        most = min(above for _, above in got[:k]) * ratio + slack
        if value > most and i not in pins:
            return by_item[i], most
    return None


def pinned_modules(page: Page, t: Template) -> dict[int, Module]:
    """The modules the desk pinned stories to (place:), checked against the type area, the reserved
    areas and each other."""
    out: dict[int, Module] = {}
    taken = [(r.id, _reserved_rect(r, t)) for r in page.reserved]
    for i, item in enumerate(page.stories):
        pin = getattr(item, "pinned", None)
        if not pin:
            continue
        col, span, row, rows = pin
        rect = Rect(col, span, row, rows)
        where = item.field("place")
        if col + span > t.columns or row + rows > t.rows:
            raise InputError(f"place: columns {col + 1}–{col + span}, rows {row + 1}–{row + rows} run past the type "
                             f"area ({t.columns} columns × {t.rows} rows)", where, "give a module inside the type area")
        for other, r in taken:
            if rect.col < r.col + r.span and r.col < rect.col + rect.span and rect.row < r.row + r.rows \
                    and r.row < rect.row + rect.rows:
                raise InputError(f"place: the module overlaps {other}", where, "give the modules apart")
        taken.append((item.id, rect))
        out[i] = Module(i, rect, row + rows < t.rows)
    return out


def around(area: Rect, blocked: list[Rect]) -> list[tuple[Rect, ...]]:
    """The ways to cut `area` less the `blocked` rectangles into rectangles filled one after another
    (reading order: the upper or left part first), cutting at the blocked rectangles' edges."""
    inside = [b for b in blocked if b.col < area.col + area.span and area.col < b.col + b.span
              and b.row < area.row + area.rows and area.row < b.row + b.rows]
    if not inside:
        return [(area,)]
    if any(b.col <= area.col and b.col + b.span >= area.col + area.span and b.row <= area.row
           and b.row + b.rows >= area.row + area.rows for b in inside):
        return [()]
    out: list[tuple[Rect, ...]] = []
    for r in sorted({e for b in inside for e in (b.row, b.row + b.rows) if area.row < e < area.row + area.rows}):
        top, low = Rect(area.col, area.span, area.row, r - area.row), Rect(area.col, area.span, r, area.row + area.rows - r)
        out += [a + b for a in around(top, inside) for b in around(low, inside)]
    for c in sorted({e for b in inside for e in (b.col, b.col + b.span) if area.col < e < area.col + area.span}):
        left, right = Rect(area.col, c - area.col, area.row, area.rows), Rect(c, area.col + area.span - c, area.row, area.rows)
        out += [a + b for a in around(left, inside) for b in around(right, inside)]
    return list(dict.fromkeys(out))


def _best_tiling(cuts: list[tuple[Rect, ...]], kinds: list[str], tiler: Tiler, t: Template,
                 slots: tuple[int, ...] = (), skip: frozenset[int] = frozenset()) -> list[Module] | None:
    """The cheapest tiling over the ways to cut the free area into rectangles (`free_layouts`) and
    the item orders `orders` allows (boxes may move). Fillers (the filler `slots`) are the fifth
    lever: a tiling with one is looked for only when there is none without, with two only when none
    with one."""
    for n in range(len(slots) + 1):
        if n and not tiler.may_take(cuts, n, slots):
            break  # no filler can make up what the page's items leave short or take too much of
        for group in _by_place(orders(kinds, slots[:n], skip), kinds):
            best = None
            for free in cuts:
                for order in group:
                    got = tiler.tile(free, order, t.rows)
                    if got is not None and (best is None or got[0] < best[0]):
                        best = got
            if best is not None:
                return best[1]
    return None


def _by_place(found: list[tuple[int, ...]], kinds: list[str]) -> list[list[tuple[int, ...]]]:
    """The orders in groups searched one after the other, as a layout editor looks for room for a
    filler: first with the page's items in their own order and the fillers last on the page or
    beside or under a 简讯 or 导读 box; then the same with the boxes moved; then with a filler above a
    story (which lowers its headline out of a neighbour's rows). Without fillers, one group."""
    def placed(order: tuple[int, ...]) -> bool:
        for pos, i in enumerate(order):
            if i < len(kinds) or pos == len(order) - 1:
                continue
            near = [order[q] for q in (pos - 1, pos + 1) if 0 <= q < len(order)]
            if not any(j >= len(kinds) or kinds[j] != "story" for j in near):
                return False
        return True

    if all(i < len(kinds) for o in found for i in o):
        return [found]
    own = tuple(i for i in found[0] if i < len(kinds))  # the page's own order (modules.orders: first)
    kept = [o for o in found if placed(o) and tuple(i for i in o if i < len(kinds)) == own]
    first = [o for o in found if placed(o) and o not in kept]
    rest = [o for o in found if not placed(o)]
    return [g for g in (kept, first, rest) if g]


def free_layouts(free: tuple[Rect, ...], t: Template) -> list[tuple[Rect, ...]]:
    """The ways to cut the free type area into rectangles filled one after another: beside areas
    reserved at the foot the free area is an L (or a U), and a module may stand beside the reserved
    area and above its top, so the full-width part may end at any row above the reserved areas'
    top, the columns beside them running from there to the foot and those above them to their top."""
    if len(free) == 1:
        return [free]
    top = free[0].rows if free[0].row == 0 and free[0].span == t.columns else 0
    beside = [g for g in free if g.row == top]
    above = []  # the columns the reserved areas take, above them
    col = 0
    for g in sorted(beside, key=lambda g: g.col) + [Rect(t.columns, 0, top, 0)]:
        if g.col > col:
            above.append((col, g.col - col))
        col = g.col + g.span
    out = []
    for r in [0] + list(range(t.module_min_rows, top + 1)):
        lower = [Rect(g.col, g.span, r, t.rows - r) for g in beside] + [Rect(c, s, r, top - r) for c, s in above]
        parts = ([Rect(0, t.columns, 0, r)] if r else []) + sorted((g for g in lower if g.rows > 0), key=lambda g: g.col)
        out.append(tuple(parts))
    return out


def item_title(item) -> str:
    """How the archive and the report name an item: a story's title, a block's heading (a filler
    without one: 补白)."""
    if item.kind == "story":
        return story_title(item)
    return item.heading.text if item.heading else "补白"


def free_regions(page: Page, t: Template) -> tuple[Rect, ...]:
    """The type area the reserved areas leave, as rectangles in reading order: the full width above
    the highest area standing on the foot, then the columns beside each such area."""
    foot = [r for r in page.reserved]
    for r in foot:
        row = t.rows - r.rows if r.row < 0 else r.row
        if row + r.rows != t.rows or r.col < 0 or r.col + r.span > t.columns:
            raise InputError(f"reserved area {r.id!r} does not stand on the type area's foot inside its "
                             f"{t.columns} columns", str(r.source), "give row: null (or the row that ends at the foot)")
    top = min((t.rows - r.rows for r in foot), default=t.rows)
    regions = [Rect(0, t.columns, 0, top)]
    taken = sorted((r.col, r.col + r.span, t.rows - r.rows) for r in foot)
    col = 0
    for a, b, start in taken + [(t.columns, t.columns, t.rows)]:
        if a > col:
            regions.append(Rect(col, a - col, top, t.rows - top))
        col = max(col, b)
    overlapped = [(x, y) for x in taken for y in taken if x < y and x[1] > y[0]]
    if overlapped:
        raise InputError("two reserved areas overlap", page.place("reserved"), "move one of them")
    # A reserved area taller than the lowest: the rows between its top and the common top are not free.
    for a, b, start in taken:
        if start < top:
            raise InputError("reserved areas of different heights", page.place("reserved"), "give them one height")
    return tuple(r for r in regions if r.rows > 0 and r.span > 0)


# An ad is made to the booked size; within this much (either way, each direction) it is scaled to fit
# exactly, beyond it the ad or the booking is wrong and the desk must say which.
AD_TOLERANCE_MM = 1.0


def _reserved(page: Page, r, t: Template, basic: Columns, grid: Rows,
              ad_sizes: Mapping[str, tuple[float, float, str]]):
    """A reserved area: what it draws (an image or an ad page filling it, or nothing), its region,
    what the report says of it, and any finding (an ad scaled to fit)."""
    rect = _reserved_rect(r, t)
    x, w = basic.x_pt(rect.col), basic.width_pt(rect.span)
    y, h = grid.bottom_y(rect.row, rect.rows), grid.height_pt(rect.rows)
    where = _reserved_region(r, t, basic, grid)
    figures = {"id": r.id, "label": r.label, "file": r.file, "kind": r.file_kind or "empty",
               "area_mm": [round(pt_to_mm(w), 2), round(pt_to_mm(h), 2)]}
    if r.file is None:
        return [], where, figures, []
    if r.file_kind != "pdf":
        return [Image(x, y, w, h, r.file, "", r.id, story=r.id)], where, figures, []
    ad_w, ad_h, box = ad_sizes[r.id]  # the pipeline reads every ad PDF before composing
    shown = lambda a, b: f"{pt_to_mm(a):.1f} × {pt_to_mm(b):.1f} mm"  # noqa: E731
    if max(abs(pt_to_mm(ad_w - w)), abs(pt_to_mm(ad_h - h))) > AD_TOLERANCE_MM + 1e-9:
        raise InputError(f"ad PDF {r.file} is {shown(ad_w, ad_h)} (its {box}) but the area is {shown(w, h)}",
                         str(r.file_source), f"ads are made to the booked size (within {AD_TOLERANCE_MM:g} mm "
                         f"they are scaled to fit): ask for {shown(w, h)}, or change the area's span and rows")
    figures.update(page_mm=[round(pt_to_mm(ad_w), 2), round(pt_to_mm(ad_h), 2)],
                   scale=[round(w / ad_w, 5), round(h / ad_h, 5)])
    findings = []
    if figures["scale"] != [1.0, 1.0]:
        findings.append(Finding("info", "ad-scaled", f"ad PDF {r.file} ({shown(ad_w, ad_h)}) scaled to its area "
                                f"({shown(w, h)})", str(r.file_source)))
    placed = PlacedPage(x, y, w, h, os.path.join(page.base_dir, r.file), r.id, story=r.id)
    return [placed], where, figures, findings


def _reserved_rect(r, t: Template) -> Rect:
    return Rect(r.col, r.span, t.rows - r.rows if r.row < 0 else r.row, r.rows)


def _reserved_region(r, t: Template, basic: Columns, grid: Rows) -> StoryRegion:
    rect = _reserved_rect(r, t)
    return StoryRegion(r.id, "reserved", r.label, basic.x_pt(rect.col), grid.bottom_y(rect.row, rect.rows),
                       basic.width_pt(rect.span), grid.height_pt(rect.rows))


def _module_rules(modules: list[Module], t: Template, basic: Columns, grid: Rows) -> list:
    """The rules that part the modules: across a module's separator row, down the gutter at its right
    (where another module stands beside it)."""
    if t.module_rule_pt <= 0:
        return []
    out = []
    right_edge = t.columns
    for m in modules:
        r = m.rect
        x0, x1 = basic.x_pt(r.col), basic.x_pt(r.col) + basic.width_pt(r.span)
        if m.separated:
            y = grid.top_y(r.row + r.rows - 1) - grid.pitch_pt / 2 + grid.gap_pt / 2
            out.append(Rule(x0, y, x1, y, t.module_rule_pt, BLACK, "module-rule"))
        if r.col + r.span < right_edge:
            x = x1 + basic.gutter_pt / 2
            bottom = r.rows - (1 if m.separated else 0)
            out.append(Rule(x, grid.top_y(r.row), x, grid.bottom_y(r.row, bottom), t.module_rule_pt, BLACK,
                            "module-rule"))
    return out


def place(block: StoryBlock, basic: Columns, grid: Rows) -> StoryBlock:
    """`block` moved from its area's coordinates to the page's, every primitive marked as its story's."""
    a, sid = block.area, block.story
    dx, dy = basic.x_pt(a.col), grid.top_y(a.row)
    return StoryBlock(sid, a, tuple(moved(i, dx, dy, a.row, story=sid) for i in block.items),
                      tuple(moved(f, dx, dy, a.row, a.col, story=sid) for f in block.frames), block.findings,
                      block.figures)


def region(block: StoryBlock, kind: str, title: str, basic: Columns, grid: Rows) -> StoryRegion:
    """The module a placed block stands in, on the page, in pt."""
    a = block.area
    return StoryRegion(block.story, kind, title, basic.x_pt(a.col), grid.bottom_y(a.row, a.rows), basic.width_pt(a.span),
                       grid.height_pt(a.rows))


def _folio(page: Page, t: Template, faces: Mapping, basic: Columns, grid: Rows) -> tuple:
    e = page.edition
    style = blocks.FolioStyle(t.styles["folio"].size_pt, t.folio_baseline_above_pt, t.folio_rule_pt)
    return blocks.folio(folio_strings(e.paper, e.date, e.page, e.page_name, e.editor), faces["folio"], style,
                        basic.x0_pt, t.type_width_pt, grid.top_y(0))


def _grid_overlay(t: Template, basic: Columns, grid: Rows, frames: list) -> list:
    out = []
    top, bottom = grid.top_y(0), grid.bottom_y(0, t.rows)
    for c in range(basic.count):
        for x in (basic.x_pt(c), basic.x_pt(c) + basic.column_width_pt):
            out.append(Rule(x, top, x, bottom, 0.2, GRID_CYAN, "grid-column"))
    for r in range(t.rows):
        y = grid.baseline_y(r)
        out.append(Rule(basic.x0_pt, y, basic.x0_pt + t.type_width_pt, y, 0.1, GRID_MAGENTA, "grid-baseline"))
    for fr in frames:
        x0, y0, x1, y1 = fr.x_pt, fr.y_pt, fr.x_pt + fr.width_pt, fr.y_pt + fr.height_pt
        for a, b, c, d in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
            out.append(Rule(a, b, c, d, 0.6, GRID_CYAN, f"grid-frame-{fr.kind}"))
    return out
