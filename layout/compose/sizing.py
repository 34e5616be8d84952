"""compose.sizing: what each item of a page of several can fill, for the module search.

For every item — story, 简讯 block, 导读 box — and every span, the module heights it may fill
exactly, cheapest to ask first:

- a story's come from the independent capacity bound (layout.compose.bound) of its arrangement
  problem at that span and height, with the headline size its rank and span give
  (`modules.headlines`); the bound is a necessary condition, so a height it allows is confirmed by
  composing the story, and a refused one is struck;
- a 简讯 block's from its items' lines and the white lines it may put between them;
- a 导读 box's from its natural rows and the padding it may take.

A story on such a page has one body column per basic column of its module unless it says otherwise.
One Sizing serves one page; its caches are keyed by item, span and rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from layout.compose import rules
from layout.compose.blocks import HeadStyle, title_fits_one_line
from layout.compose.boxes import (briefs_rows, compose_briefs, compose_digest, digest_fits, digest_rows,
                                  filler_rows)
from layout.compose.bound import body_window, bound
from layout.compose.flow import stream_rows
from layout.compose.grid import rows as page_rows
from layout.compose.modules import OFF_NATURAL, SEPARATOR_ROWS, Fits, Rect
from layout.compose.nearest import Nearest
from layout.compose.problem import frame_range
from layout.compose.story import Area, Kit, StoryBlock, compose_story, headline_set, problem_for
from layout.base.errors import InputError
from layout.base.model import Page, Story
from layout.source.template import Template

BODY_OFF_GRID = 0.15  # a story's body in fewer columns than its module's basic columns
# A story that continues elsewhere (转版) takes about this share of the type area by its rank (头条, 二条,
# 三条 and below): the share a layout editor gives the rank, the rest of the text jumps (house figures).
JUMP_SHARE = (0.45, 0.25, 0.15)
FILLER = 3.0  # a 补白 set: the fifth lever (docs/design-rules.md), dearer than white space in any story
FILLER_SLOTS = 1  # fillers one page may take
KEEP_GAP_ROWS = 1  # more white lines between a 简讯 block's items when that keeps a page's shape
HEAD_EXTRA_ROWS = 2  # white rows a module's headline band may take to make its story fit
HEAD_TWO_LINES = 0.3  # a 主题 on two lines where one line at a smaller size of its range would do
ART_TOP = 0.4  # the story's first photo above its headline rather than under it


@dataclass(frozen=True)
class FillerSlot:
    """A place the module search may give one of the page's fillers (补白): an item after the page's
    own, filled by whichever filler of the pool fits the module it gets."""

    slot: int
    kind = "filler"

    @property
    def id(self) -> str:
        return f"filler-{self.slot + 1}"


class Sizing:
    """The module heights each item of `page` may fill, and the items composed in their modules.

    Items are numbered as on the page; after them come `FILLER_SLOTS` filler slots when the page keeps
    a pool of fillers (`slots`)."""

    def __init__(self, page: Page, t: Template, kit: Kit):
        self.page, self.t, self.kit = page, t, kit
        self.items: list = list(page.stories)
        self.slots = tuple(range(len(self.items), len(self.items) + (FILLER_SLOTS if page.fillers else 0)))
        self.items += [FillerSlot(k) for k in range(len(self.slots))]
        news = [i for i, s in enumerate(page.stories) if s.kind == "story"]
        self.rank = {i: k + 1 for k, i in enumerate(news)}
        self.struck: set[tuple[int, int, int]] = set()
        # The stories that may take measures (变栏) beyond one body column per basic column and 双栏:
        # only when a late edit would otherwise lose the page's shape (layout.compose.page._kept_shape),
        # where a story a line or so off its module keeps the module's columns and sets its text to
        # another measure to fill it to the line.
        self.more_measures: frozenset[int] = frozenset()
        # A 简讯 block's white between its items may grow by KEEP_GAP_ROWS, likewise only to keep a
        # page's shape: its one height per width is what most often moves when a neighbour shrinks.
        self.more_white = False
        self._heights: dict = {}
        self._natural: dict = {}
        self._blocks: dict = {}

    def retold(self, i: int, story: Story) -> "Sizing":
        """This page's sizing with story i's text changed (a proposal's check, layout.compose.nearest):
        what was worked out for the other items — their heights, headlines, struck sizes and composed
        blocks, which depend on their own text only — is kept; story i's is worked out again."""
        stories = self.page.stories[:i] + (story,) + self.page.stories[i + 1:]
        out = Sizing(replace(self.page, stories=stories), self.t, self.kit)

        def other(key) -> bool:
            return key[0] != i if isinstance(key[0], int) else key[1] != i

        out._heights = {k: v for k, v in self._heights.items() if other(k)}
        out._natural = {k: v for k, v in self._natural.items() if k[0] != i}
        out._blocks = {k: v for k, v in self._blocks.items() if k[0] != i}
        out.struck = {k for k in self.struck if k[0] != i}
        return out

    def fits(self) -> Fits:
        """The search's view of the items, by their number on the page."""
        return Fits(self.heights, self.cost, lambda i: self.items[i].kind, self.cells, self.headline)

    def head(self, i: int, span: int, extra: int = 0, lines: int = 1, art: int = 0) -> HeadStyle:
        """Story i's headline style: its rank's range of the ladder, `lines` (1: one line if any size of
        the range fits, 2: two lines at the largest size that fits), `extra` white rows, and `art`
        frame rows of its first photo above the headline (0: none)."""
        return replace(HeadStyle.for_rank(self.t.headline_range(self.rank[i]), self.t.styles, lines),
                       extra_rows=extra, art_rows=art)

    def art_frames(self, i: int, span: int, n: int, base) -> tuple[int, ...]:
        """Frame rows story i's first photo may take above its headline across a module `span` wide
        (`n` body columns; `base` its problem without): the least-cropped height of its frame range
        there, and a row either side of it (the photo-size lever), or () when it may not stand there
        (no photo, placed by the desk, or no height frames it)."""
        story = self.page.stories[i]
        if not story.photos or story.photos[0].place is not None or not base.photos:
            return ()
        lo, hi = frame_range(base, 0, base.columns)
        if lo > hi:
            return ()
        w = base.columns * base.col_width_pt + (base.columns - 1) * base.gutter_pt
        natural = round((w / base.photos[0].aspect + base.gap_pt) / base.pitch_pt)
        best = min(max(natural, lo), hi)
        return tuple(r for r in (best, best - 1, best + 1) if lo <= r <= hi)

    def head_variants(self, i: int, span: int) -> tuple[int, ...]:
        """The headline lines story i may take at `span` (the headline-lines lever): one line, and two
        when the 主题 does not fit one line at the top of its range (two lines at the top size are then
        another band height, at no smaller size)."""
        key = ("variants", i, span)
        if key not in self._heights:
            story = self.page.stories[i]
            width = span * self.t.column_width_pt + (span - 1) * self.t.gutter_pt
            one = title_fits_one_line(tuple(x.text for x in story.headline.title), self.kit.faces["headline"],
                                      self.head(i, span), width)
            self._heights[key] = (1,) if one else (1, 2)
        return self._heights[key]

    def story(self, i: int, span: int, columns: int | None = None) -> Story:
        """Item i as composed at `span` with `columns` body columns (default: its own, or one per basic column)."""
        s = self.page.stories[i]
        return replace(s, body_columns=min(columns or s.body_columns or span, span))

    def body_options(self, i: int, span: int, more: bool | None = None) -> tuple[int, ...]:
        """The body columns a story may take at `span`, preferred first: its own when it says; else one
        per basic column, then one per two (双栏) in a module four or more columns wide: each sets the
        text to another measure, so another number of lines fills the module. (Odd 变栏 counts were
        tried for the page search: they build a few more pages and cost twice the time.) With
        the story in `more_measures` (keeping a page's shape; `more` says so instead when given), every
        count from half the span up as well."""
        own = self.page.stories[i].body_columns
        if own:
            return (min(own, span),)
        out = [span]
        if span >= 4 and span % 2 == 0:
            out.append(span // 2)
        if (i in self.more_measures) if more is None else more:
            out += range(span - 1, max(1, (span + 1) // 2) - 1, -1)
        return tuple(dict.fromkeys(out))

    def heights(self, i: int, span: int, separated: bool) -> list[int]:
        """Module rows (separator included) item i fills exactly at `span`, best first."""
        return [r for r in self.bound_heights(i, span, separated) if (i, span, r) not in self.struck]

    def bound_heights(self, i: int, span: int, separated: bool) -> list[int]:
        """`heights` as the bound gives them, none struck (a size a composition refused in one tiling
        may serve in another: the photo and headline ranks depend on the others' modules)."""
        key = (i, span, separated, self._variant(i))
        if key not in self._heights:
            sep = SEPARATOR_ROWS if separated else 0
            rows = [r + sep for r in self._rows_at(i, span)]
            self._heights[key] = sorted((r for r in rows if r >= self.t.module_min_rows),
                                        key=lambda r: abs(r - sep - self.natural(i, span)))
        return self._heights[key]

    def headline(self, i: int, span: int, rows: int | None = None) -> tuple[float, int, int]:
        """A story's 主题 size as set at `span` (within its rank's range) and the rows its headline band
        spans from the module's top (from below a photo above it, to the band's white rows), for the
        story set `rows` high (its module's rows less the separator under it — the composition's own
        area, so the band is the one it sets; None: its one-line headline, no white, no photo above);
        boxes (0, 0, 0)."""
        if self.items[i].kind != "story":
            return 0.0, 0, 0
        extra, lines, art = 0, 1, 0
        if rows is not None:
            got = self._rows_at(i, span)
            extra, _, lines, art = got.get(rows, (0, None, 1, 0))
        key = ("headline", i, span, lines, art)
        if key not in self._heights:
            try:
                size, band = headline_set(self.story(i, span), self.kit, Area(0, span, 0, self.t.rows),
                                          self.head(i, span, 0, lines, art))
                top = band - headline_set(self.story(i, span), self.kit, Area(0, span, 0, self.t.rows),
                                          self.head(i, span, 0, lines))[1] if art else 0
                self._heights[key] = (size, top, band)
            except InputError:  # the title does not fit this width at all
                self._heights[key] = (0.0, 0, 0)
        size, top, band = self._heights[key]
        return size, top, band + extra

    def cells(self, i: int) -> tuple[int, int]:
        """The fewest and most grid cells (separator row included) item i fills at any span."""
        key = ("cells", i, self._variant(i))
        if key not in self._heights:
            sizes = [(span, rows) for span in range(1, self.t.columns + 1) for rows in self._rows_at(i, span)]
            self._heights[key] = ((min(s * r for s, r in sizes), max(s * (r + SEPARATOR_ROWS) for s, r in sizes))
                                  if sizes else (1, 0))
        return self._heights[key]

    def _rows_at(self, i: int, span: int) -> dict[int, tuple[int, int | None, int, int]]:
        """Item rows (no separator) item i fills at `span` → the white rows its headline band takes
        for it, its body columns, its headline's lines and the frame rows of its photo above the
        headline (stories; (0, None, 1, 0) for boxes)."""
        key = ("rows", i, span, self._variant(i))
        if key in self._heights:
            return self._heights[key]
        item, t, kit = self.items[i], self.t, self.kit
        most = t.rows
        out: dict[int, int] = {}
        if item.kind == "filler":
            for f in self.page.fillers:
                for r in filler_rows(f, kit, span, page_rows(t)):
                    if r <= most:
                        out.setdefault(r, (0, None, 1, 0))
        elif item.kind == "briefs":
            rows = briefs_rows(item, kit, span, range(1, most + 1), self._gap())
            if self.more_white:  # a height only the wider white fills: kept if the items flow into it whole
                usual = set(briefs_rows(item, kit, span, range(1, most + 1)))  # the block set once, not per row
                rows = [r for r in rows if r in usual or self._briefs_fill(i, span, r)]
            out = dict.fromkeys(rows, (0, None, 1, 0))
        elif item.kind == "digest":
            if digest_fits(item, kit, span * t.column_width_pt + (span - 1) * t.gutter_pt):
                need = digest_rows(item, kit, page_rows(t))
                out = dict.fromkeys(range(need, min(most, need + t.digest_max_padding_rows) + 1), (0, None, 1, 0))
        else:
            for n in self.body_options(i, span):
                try:
                    base = problem_for(self.story(i, span, n), t, kit.faces, kit.photo_sizes, kit.options,
                                       Area(0, span, 0, t.rows), self.head(i, span), kit.memo, self.rank[i])
                except InputError:  # its headline does not fit this width: no module this narrow
                    continue
                self._natural.setdefault((i, span), self._natural_rows(base, span))
                # The bound depends on the rows under the headline band only, so it is asked once per
                # body height; the band's lines and white rows shift the answers.
                body = self._bodies(item, base, most)
                for lines in self.head_variants(i, span):  # one line first, then two (a lever further on)
                    band = base.top_row if lines == 1 else self._band_rows(i, span, n, lines)
                    if band is None:
                        continue
                    self._add_rows(out, band, body, most, n, lines, 0)
                # The first photo above the headline (another lever of module shape: a photo parts
                # the story's headline from its neighbour's), its frame at a few heights.
                for art in self.art_frames(i, span, n, base):
                    try:
                        top = problem_for(self.story(i, span, n), t, kit.faces, kit.photo_sizes, kit.options,
                                          Area(0, span, 0, t.rows), self.head(i, span, 0, 1, art), kit.memo,
                                          self.rank[i])
                    except InputError:
                        continue
                    self._add_rows(out, top.top_row, self._bodies(item, top, most), most, n, 1, art)
        self._heights[key] = out
        return out

    def _bodies(self, item: Story, base, most: int) -> list[int]:
        """The body heights (rows under the headline band) the bound lets the story fill."""
        lo, hi = body_window(base, bool(item.continue_to))
        return [b for b in range(max(self.t.min_run_lines, lo), min(most - base.top_row, hi) + 1)
                if self._may_fill(item, replace(base, rows=base.top_row + b, memo={}))]

    @staticmethod
    def _add_rows(out: dict, band: int, body: list[int], most: int, n: int, lines: int, art: int) -> None:
        """Module rows: the band (and what stands above it), 0–HEAD_EXTRA_ROWS white rows, a body
        height; the first way found for a height is kept (the cheaper levers are tried first)."""
        for extra in range(HEAD_EXTRA_ROWS + 1):  # air around the headline, least first
            for b in body:
                r = band + extra + b
                if r <= most and r not in out:
                    out[r] = (extra, n, lines, art)

    def _band_rows(self, i: int, span: int, n: int, lines: int) -> int | None:
        """The headline band's rows of story i at `span` with its 主题 on `lines` lines (None: cannot)."""
        try:
            return headline_set(self.story(i, span, n), self.kit, Area(0, span, 0, self.t.rows),
                                self.head(i, span, 0, lines))[1]
        except InputError:
            return None

    @staticmethod
    def _may_fill(item: Story, p) -> bool:
        """Whether the bound lets the story fill an area: exactly, or cut for 转版 (it holds less)."""
        b = bound(p)
        if b.feasible:
            return True
        return bool(item.continue_to) and b.blocks_fit and b.leaves(4, b.need - 1)

    def natural(self, i: int, span: int) -> float:
        """Where a story's module would be with its photos at their natural size (boxes: anywhere); for
        a story that continues on another page (转版), its rank's share of the type area (design rule
        jump: it keeps its share and jumps the rest, no photo grows to avoid the jump)."""
        item = self.items[i]
        if item.kind == "story" and item.continue_to:
            share = JUMP_SHARE[min(self.rank[i], len(JUMP_SHARE)) - 1]
            return share * self.t.columns * self.t.rows / span
        return self._natural.get((i, span), 0.0)

    @staticmethod
    def _natural_rows(p, span: int) -> float:
        """Headline band plus the text and the photos at their natural heights, spread over the columns."""
        area = stream_rows(p.stream)
        for ph in p.photos:
            s = max(1, min(span, round(span * 0.6)))
            w = s * p.col_width_pt + (s - 1) * p.gutter_pt
            area += s * ((w / ph.aspect + p.gap_pt) / p.pitch_pt + 2)
        if p.sidebar is not None:
            area += min(p.sidebar.rows.values()) + 1
        return p.top_row + area / p.columns

    def cost(self, i: int, span: int, rows: int) -> float:
        """An item's own cost for a module of its own `rows` (the module's less its separator): a photo
        story off its natural size; a story whose body leaves the basic columns (双栏, 变栏)."""
        item = self.items[i]
        if item.kind == "filler":
            return FILLER
        if item.kind != "story":
            return 0.0
        got = self._rows_at(i, span)
        _, n, lines, art = got.get(rows, (0, None, 1, 0))
        cost = BODY_OFF_GRID if n and n != span and not item.body_columns else 0.0
        cost += HEAD_TWO_LINES * (lines - 1) + (ART_TOP if art else 0.0)
        if item.photos or item.continue_to:
            cost += OFF_NATURAL * abs(rows - self.natural(i, span))
        return cost

    def filler_for(self, span: int, rows: int, taken: set[str]) -> int | None:
        """The first filler of the pool (not in `taken`) that fills a module `span` × `rows` (its
        separator row included or not: the caller gives the item's own rows)."""
        for k, f in enumerate(self.page.fillers):
            if f.id not in taken and rows in filler_rows(f, self.kit, span, page_rows(self.t)):
                return k
        return None

    def usual_gap_fills(self, i: int, span: int, rows: int) -> bool:
        """Whether 简讯 block i fills `rows` (its own) at `span` with the template's white between items."""
        return bool(briefs_rows(self.items[i], self.kit, span, range(rows, rows + 1)))

    def _briefs_fill(self, i: int, span: int, rows: int) -> bool:
        """Whether 简讯 block i, with the kept shape's wider white, fills `rows` at `span` with every line
        in its columns (a white gap does not break across a column's foot, which can leave one over)."""
        try:
            block = compose_briefs(self.items[i], Area(0, span, 0, rows), self.kit, self._gap())
        except InputError:
            return False
        return not block.findings

    def _variant(self, i: int) -> tuple[bool, bool]:
        """What of the kept-shape levers bears on item i's heights (a cache key's part)."""
        return i in self.more_measures, self.more_white and self.items[i].kind == "briefs"

    def _gap(self) -> int:
        """White lines a 简讯 block may put between its items."""
        return self.t.briefs_gap_rows + (KEEP_GAP_ROWS if self.more_white else 0)

    def text_chars(self, i: int) -> int:
        """The characters of story i's running text (lead and sections)."""
        s = self.page.stories[i]
        return sum(len(p.text) for p in s.lead) + sum(len(p.text) for sec in s.sections for p in sec.paragraphs)

    def to_fill(self, i: int, span: int, rows: int) -> int:
        """About how many characters story i must lose (> 0) or gain (< 0) to fill a module `span` ×
        `rows` (its own rows) at its own measure: the text rows the bound says its blocks can leave
        there, with 0 to HEAD_EXTRA_ROWS white rows under its headline, against the rows its text
        needs, at the basic column's characters a line; 0 when it fills (or is no story, or cannot
        stand there at all)."""
        if self.items[i].kind != "story":
            return 0
        best = None
        for extra in range(HEAD_EXTRA_ROWS + 1):
            try:
                p = problem_for(self.story(i, span), self.t, self.kit.faces, self.kit.photo_sizes, self.kit.options,
                                Area(0, span, 0, rows), self.head(i, span, extra), self.kit.memo, self.rank[i])
            except InputError:
                continue
            b = bound(p)
            lo, hi = b.need - b.down, b.need + b.flex + b.up
            if not b.blocks_fit or not b.free:
                continue
            if any(lo <= f <= hi for f in b.free):
                return 0
            nearest = min(b.free, key=lambda f: min(abs(f - lo), abs(f - hi)))
            lines = lo - nearest if nearest < lo else -(nearest - hi)
            if best is None or abs(lines) < abs(best):
                best = lines
        return (best or 0) * self.t.column_chars

    def measure(self, i: int, span: int, rows: int) -> int:
        """The body columns story i is set in when it fills `rows` (its own, no separator) at `span`."""
        n = self._rows_at(i, span).get(rows, (0, None, 1, 0))[1]
        return n or span

    def strike(self, i: int, span: int, rows: int) -> None:
        """A module size the bound allowed but composing the story refused."""
        self.struck.add((i, span, rows))

    def compose(self, i: int, area: Area) -> StoryBlock:
        key = (i, area, self._variant(i))
        if key not in self._blocks:
            item = self.page.stories[i]
            if item.kind == "briefs":
                block = compose_briefs(item, area, self.kit, self._gap())
            elif item.kind == "digest":
                block = compose_digest(item, area, self.kit)
            else:
                extra, n, lines, art = self._rows_at(i, area.span).get(area.rows, (0, None, 1, 0))
                block = compose_story(self.story(i, area.span, n), area, self.kit,
                                      self.head(i, area.span, extra, lines, art), self.rank[i])
            self._blocks[key] = block
        return self._blocks[key]

    def trouble(self, i: int, span: int, rows: int) -> str | None:
        """Why story i cannot be composed even in a module `span` × `rows` (its own one-line refusal),
        or None when it can."""
        try:
            compose_story(self.story(i, span), Area(0, span, 0, rows), self.kit, self.head(i, span), self.rank[i])
        except InputError as e:
            return e.what.removeprefix("copyfit: ")
        return None

    def _shares(self, end: int) -> str:
        """Each item's least (end 0) or most (end 1) grid lines of one column, the largest first: the
        story to cut or lengthen stands at the front."""
        got = sorted(((self.cells(i)[end], item.id) for i, item in enumerate(self.page.stories)),
                     key=lambda c: -c[0])
        return ", ".join(f"{sid} {lines}" for lines, sid in got)

    def proposal(self, over: int) -> str:
        """What a layout editor would ask the desk for (the last lever, cut-or-jump: proposed, not
        done): `over` grid lines of one column too many (> 0) or too few (< 0), in characters, from the
        lowest-ranked story that can give them and keep a readable story (six lines or more), else the
        longest; for a cut, or the story's jump to another page (continue_to)."""
        chars = self.t.column_chars
        texts = [(i, self.text_chars(i)) for i, s in enumerate(self.page.stories) if s.kind == "story"]
        if not texts:
            return "propose: give the page another item"
        if over < 0:
            i = max(texts, key=lambda x: x[0])[0]  # the lowest-ranked story takes what is missing
            return (f"propose: add about {-over * chars} characters to {self.page.stories[i].id}, or a photo or a "
                    "filler (补白) to the page")
        able = [i for i, n in reversed(texts) if n // chars - over >= 6]
        if not able:  # the text cannot give it: the photos take the room, or the page has an item too many
            drop = self._photos_to_drop(over)
            photos = f"drop {len(drop)} photo{'s' if len(drop) > 1 else ''} ({', '.join(drop)})" if drop else ""
            movable = [i for i, _ in reversed(texts[1:]) if self.cells(i)[0] >= over]
            move = (f"move {self.page.stories[movable[0]].id} (at least {self.cells(movable[0])[0]} lines) to "
                    "another page" if movable else "")
            if photos or move:
                return "propose: " + ", or ".join(x for x in (photos, move) if x)
            sid = self.page.stories[max(texts, key=lambda x: x[1])[0]].id  # no cut is asked beyond a story's text
            return f"propose: let {sid} continue on another page (continue_to), or move an item to another page"
        sid = self.page.stories[able[0]].id
        return (f"propose: cut about {over * chars} characters from {sid}, or let {sid} continue on another page "
                f"(continue_to)")

    def _photos_to_drop(self, over: int) -> list[str]:
        """The photos whose dropping frees about `over` grid lines of one column: the lowest-ranked
        stories' last photos first (a story keeps its first while another story has two), each at
        the least it takes (its rank's least area, or its narrowest frame at the crop bound, and a
        caption row under it); [] when all of them would not."""
        t = self.t
        cell_cm2 = (t.column_width_pt + t.gutter_pt) * t.line_pitch_pt / (72 / 2.54) ** 2
        width_pt = t.photo_min_span * t.column_width_pt + (t.photo_min_span - 1) * t.gutter_pt
        crop = 1 - rules.figure("photo-crop")
        least: list[tuple[int, int, str, float]] = []
        for i, story in enumerate(self.page.stories):
            if story.kind != "story":
                continue
            for k, ph in enumerate(story.photos):
                w, h = self.kit.photo_sizes.get((story.id, ph.id), (1, 1))
                frame = t.photo_min_span * width_pt * h / w * crop / t.line_pitch_pt
                area = t.photo_area_range(self.rank[i], k == 0)[0] / cell_cm2
                least.append((k, i, f"{story.id} {ph.id}", max(frame, area) + t.photo_min_span * 2))
        freed, out = 0.0, []
        for _, _, name, lines in sorted(least, key=lambda x: (-x[0], -x[1])):
            if freed >= over:
                break
            out.append(name)
            freed += lines
        return out if freed >= over else []

    def case(self, free: tuple[Rect, ...]) -> tuple[str, int, int]:
        """Which refusal the page's items make: too much for the free area ("over"), too little ("short"),
        or neither ("shape"); with the free area's cells and its width. An item that fills no module at
        any width decides it by what it has: more text than the whole area holds, or less than any
        module needs."""
        width = max(r.span for r in free)
        cells = sum(r.rows * r.span for r in free)
        n = len(self.page.stories)
        unplaced = self._unplaced()
        if unplaced:
            return unplaced[0][1], cells, width
        if sum(self.cells(i)[0] for i in range(n)) > cells:
            return "over", cells, width
        if sum(self.cells(i)[1] for i in range(n)) < cells:
            return "short", cells, width
        return "shape", cells, width

    def _unplaced(self) -> list[tuple[int, str]]:
        """(item, "over" | "short") of every item that fills no module at any width: a story whose text
        alone needs more rows than the whole type area gives its body, or one too short for any module."""
        out = []
        for i, item in enumerate(self.page.stories):
            if self.cells(i) != (1, 0):  # (cells' answer for an item with no module size)
                continue
            over = item.kind != "story"
            if item.kind == "story":
                try:
                    p = problem_for(self.story(i, self.t.columns), self.t, self.kit.faces, self.kit.photo_sizes,
                                    self.kit.options, Area(0, self.t.columns, 0, self.t.rows),
                                    self.head(i, self.t.columns), self.kit.memo)
                    over = stream_rows(p.stream) > (p.rows - p.top_row) * p.columns
                except InputError:
                    over = True  # its headline fits no width: nothing smaller helps
            out.append((i, "over" if over else "short"))
        return out

    def why(self, free: tuple[Rect, ...], near: Nearest | None = None, proven: bool = False) -> str:
        """Why no tiling works, in the desk's terms: too much or too little for the free area (by the
        grid cells each item can fill at its narrowest and widest), else the heights each item can fill
        at the widths it can take — `proven` when no arrangement of them at all keeps the hard rules
        (layout.compose.exact) — and the least cut (or addition) of one story that tiles the page
        when one was found (`near`, layout.compose.nearest)."""
        case, cells, width = self.case(free)
        rows = cells // width
        n = len(self.page.stories)
        fewest = sum(self.cells(i)[0] for i in range(n))
        most = sum(self.cells(i)[1] for i in range(n))
        chars = self.t.column_chars
        head = f"no tiling of the page's {n} items fills the free type area ({rows} rows at {width} columns) exactly"
        unplaced = self._unplaced()
        if unplaced:
            i, how = unplaced[0]
            return (f"{head}: {self.page.stories[i].id} fills no module at any width — "
                    + ("it has more text than the whole type area holds" if how == "over" else
                       f"it has too little text for the smallest module ({self.t.module_min_rows} rows)"))
        if case == "over":
            return (f"{head}: the items need at least {fewest} grid lines of one column and the area has {cells} — "
                    f"{fewest - cells} lines (about {(fewest - cells) * chars} characters) too many; "
                    f"the least each needs: {self._shares(0)}; {self.proposal(fewest - cells)}")
        if case == "short":
            return (f"{head}: the items fill at most {most} grid lines of one column and the area has {cells} — "
                    f"{cells - most} lines (about {(cells - most) * chars} characters) too few; "
                    f"the most each fills: {self._shares(1)}; {self.proposal(most - cells)}")
        for i, item in enumerate(self.page.stories):  # an item that fits no module at all says why
            if item.kind == "story" and not any(self._rows_at(i, span) for span in range(1, self.t.columns + 1)):
                reason = self.trouble(i, width, rows)
                if reason:
                    return f"{item.id} fits no module of the page: {reason}"
        parts = [f"{item.id} {self._heights_said(i)}" for i, item in enumerate(self.page.stories)]
        lead = next((s.id for s in self.page.stories if s.kind == "story" and not s.continue_to), None)
        jump = (f"let {lead} continue on another page (continue_to), which lets it fill whatever module the "
                "others leave" if lead else "")
        jump = " — propose: " + ", or ".join(x for x in (self.nearest_said(near), jump) if x) if near or lead else ""
        how = ("no arrangement of the heights each item can fill — cut across and down or not, in any order — "
               "tiles it with no two headlines side by side (撞题) and the 头条 leading: proven by trying every one"
               if proven else "no way of putting together the heights each item can fill (with no two headlines "
               "side by side, 撞题) tiles it")
        return f"{head}: {how}; the rows each item can fill at its widest widths: {'; '.join(parts)}{jump}"

    def nearest_said(self, near: Nearest | None) -> str:
        """A found cut (or addition) in the desk's terms: characters of one story, the lines they make
        at the width of the module the page then gives it."""
        if near is None:
            return ""
        sid, chars = self.page.stories[near.item].id, abs(near.chars)
        lines = f"{abs(near.rows)} line{'s' if abs(near.rows) > 1 else ''} in {near.span} column{'s' if near.span > 1 else ''}"
        return (f"cut about {chars} characters from {sid} ({lines}) and the page fills" if near.rows > 0 else
                f"add about {chars} characters to {sid} ({lines}) and the page fills")

    def _heights_said(self, i: int, widest: int = 3) -> str:
        """The rows item i can fill at its `widest` widest spans: "8 columns 30–60, 6 columns 41–80"."""
        said = []
        for span in range(self.t.columns, 0, -1):
            got = list(self._rows_at(i, span))
            if got:
                said.append(f"{span} column{'s' if span > 1 else ''} {min(got)}–{max(got)}")
            if len(said) == widest:
                break
        return ", ".join(said) or "none at any width"

    def hint(self, free: tuple[Rect, ...]) -> str:
        """What can make the page fit, for the case at hand."""
        case, _, _ = self.case(free)
        kinds = {s.kind for s in self.page.stories}
        if case == "over":
            jump = (", let a story continue on another page (continue_to)"
                    if any(s.kind == "story" and not s.continue_to for s in self.page.stories) else "")
            return f"cut text{jump}, or move an item to another page"
        if case == "short":
            return "add text or a photo, or give the page another item"
        boxes = " or ".join(f"the {w} block" for k, w in (("briefs", "简讯"), ("digest", "导读")) if k in kinds)
        return ("lengthen or cut a story by a few lines so that it fills one of the heights its neighbours leave"
                + (f", or move {boxes}" if boxes else ""))
