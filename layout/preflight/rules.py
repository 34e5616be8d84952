"""The design rules checked on the page as drawn: every rule of layout.compose.rules that the boxes
of a PageLayout can show, measured from its primitives (glyph runs, images, rules, boxes, regions),
not from what the module search or the arrangement planned.

`check` returns findings (code = the rule's name; a hard rule's finding is an error) and, by rule, the
number of findings, for report.json's `rules`. The figures are the rules table's; an independent
judge with figures of its own reads the PDF back (tools/pagecheck.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

from layout.base.han import is_han
from layout.base.model import Finding, Page
from layout.base.primitives import GlyphRun, Image, PageLayout, Rule, StoryRegion
from layout.compose import rules as R
from layout.source.template import Template

CM2 = (72 / 2.54) ** 2  # pt² in a cm²
TOL_PT = 0.5  # boxes that meet within this are touching, not overlapping
HEAD_KINDS = ("kicker", "headline", "subtitle")
BOX_KINDS = ("briefs", "digest", "filler", "reserved")


def glyph_boxes(run: GlyphRun) -> list[tuple[float, float, float, float]]:
    """Each glyph's em box (x0, y0, x1, y1): a Han or full-width glyph one em wide, others half."""
    s = run.size_pt
    out = []
    for ch, x in zip(run.chars, run.xs_pt):
        w = s if is_han(ch) or ord(ch) > 0x2E80 else 0.55 * s
        x0 = run.x_pt + x
        out.append((x0, run.y_pt - 0.12 * s, x0 + w, run.y_pt + 0.88 * s))
    return out


def _cross(a, b, tol: float = TOL_PT) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


class _Index:
    """Boxes bucketed by a coarse grid, so that overlaps are found without comparing every pair."""

    def __init__(self, cell: float = 24.0):
        self.cell, self.buckets = cell, defaultdict(list)

    def _keys(self, box):
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def add(self, box, tag) -> None:
        for k in self._keys(box):
            self.buckets[k].append((box, tag))

    def hits(self, box):
        seen = set()
        for k in self._keys(box):
            for other, tag in self.buckets.get(k, ()):
                if id(other) not in seen and _cross(box, other):
                    seen.add(id(other))
                    yield tag


def _once(tags):
    """Each line or photo hit once."""
    seen = set()
    for tag in tags:
        key = (tag[0], tag[1], id(tag[2]))
        if key not in seen:
            seen.add(key)
            yield tag


def _bounds(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _glyph_hit(box, tag) -> bool:
    """Whether `box` crosses one of the glyphs of the line `tag` stands for (its line box was hit)."""
    return tag[0] != "glyph" or any(_cross(box, g) for g in tag[3])


def _overlap(layout: PageLayout) -> list[Finding]:
    """overlap: glyphs over another line's glyphs, over a photo or over a rule; photos over photos.
    Lines are indexed by their bounds and compared glyph by glyph only where those meet."""
    out: list[Finding] = []
    index = _Index()
    lines = [r for r in layout.items if isinstance(r, GlyphRun) and r.chars]
    boxes = [glyph_boxes(run) for run in lines]
    for n, run in enumerate(lines):
        index.add(_bounds(boxes[n]), ("glyph", n, run, boxes[n]))
    for im in (i for i in layout.items if isinstance(i, Image)):
        box = (im.x_pt, im.y_pt, im.x_pt + im.width_pt, im.y_pt + im.height_pt)
        for tag in _once(t for t in index.hits(box) if _glyph_hit(box, t)):
            what = tag[2]
            if tag[0] == "glyph":
                out.append(Finding("error", "overlap", f"{what.kind} text {what.chars[:8]!r} printed over photo "
                                   f"{im.block}", what.block))
            else:
                out.append(Finding("error", "overlap", f"photo {im.block} over photo {what.block}", im.block))
        index.add(box, ("image", -1, im))
    for rule in (r for r in layout.items if isinstance(r, Rule)):
        half = max(rule.width_pt, 0.1) / 2
        box = (min(rule.x0_pt, rule.x1_pt) - half, min(rule.y0_pt, rule.y1_pt) - half,
               max(rule.x0_pt, rule.x1_pt) + half, max(rule.y0_pt, rule.y1_pt) + half)
        for tag in _once(t for t in index.hits(box) if _glyph_hit(box, t)):
            if tag[0] == "glyph" and tag[2].kind not in ("sidebar-title", "heading"):
                out.append(Finding("error", "overlap", f"{rule.kind} drawn through {tag[2].kind} text "
                                   f"{tag[2].chars[:8]!r}", tag[2].block))
    for n, run in enumerate(lines):
        for tag in index.hits(_bounds(boxes[n])):
            if tag[0] != "glyph" or tag[1] <= n:
                continue  # each pair of lines once
            if any(_cross(a, b) for a in boxes[n] for b in tag[3]):
                out.append(Finding("error", "overlap", f"{run.kind} text {run.chars[:8]!r} printed over "
                                   f"{tag[2].kind} text {tag[2].chars[:8]!r}", run.block))
    return out


def _measure(layout: PageLayout) -> list[Finding]:
    """measure: every glyph inside its own story's module (a hanging mark's blank half aside)."""
    regions = {r.story: r for r in layout.regions}
    out = []
    for run in (r for r in layout.items if isinstance(r, GlyphRun) and r.story in regions):
        reg = regions[run.story]
        slack = R.figure("measure") + 0.5 * run.size_pt  # clreq: a mark's blank half may sit outside
        for box in glyph_boxes(run):
            if box[0] < reg.x_pt - slack or box[2] > reg.x_pt + reg.width_pt + slack or \
                    box[1] < reg.y_pt - run.size_pt or box[3] > reg.y_pt + reg.height_pt + run.size_pt:
                out.append(Finding("error", "measure", f"{run.kind} text {run.chars[:8]!r} runs out of its module",
                                   run.block))
                break
    return out


def _reading_path(page: Page, layout: PageLayout) -> list[Finding]:
    """reading-path: in each story, the running text's columns start no higher than the column before
    them, and the text reads down each column and on to the next in its own order."""
    out = []
    orders = {s.id: s for s in page.news}
    body = defaultdict(list)
    for run in layout.items:  # the running text: body lines and the subheads in its flow
        if isinstance(run, GlyphRun) and run.kind in ("body", "subhead") and run.story in orders:
            body[run.story].append(run)
    for sid, runs in body.items():
        if dict(page.options).get("flow_order"):
            continue  # the desk chose the path
        # A column's text starts at the top of its text frame that holds the first of its lines (a
        # subhead's glyphs sit centred in its rows, below where its column's text begins).
        frames = [f for f in layout.frames if f.kind == "text" and f.story == sid]
        columns = defaultdict(list)
        for run in runs:
            x, y = run.x_pt + run.xs_pt[0] + 0.5 * run.size_pt, run.y_pt
            holder = next((f for f in frames if f.x_pt <= x <= f.x_pt + f.width_pt
                           and f.y_pt <= y <= f.y_pt + f.height_pt), None)
            if holder is not None:
                columns[round(holder.x_pt, 2)].append((holder, run))
        xs = sorted(columns)
        tops = [max(f.y_pt + f.height_pt for f, _ in columns[x]) for x in xs]
        for x, a, b in zip(xs[1:], tops, tops[1:]):
            if b > a + TOL_PT:
                out.append(Finding("error", "reading-path", f"a column's text starts {(b - a):.1f} pt above the "
                                   f"column before it: the text would read upwards", f"{sid}/body"))
                break
        columns = {x: [run for _, run in got] for x, got in columns.items()}
        pieces = _piece_order(orders[sid])
        seq = [pieces.get(r.block, -1) for x in xs for r in sorted(columns[x], key=lambda r: -r.y_pt)
               if r.kind == "body"]
        seq = [k for k in seq if k >= 0]
        if any(b < a for a, b in zip(seq, seq[1:])):
            out.append(Finding("error", "reading-path", "the text does not read down the columns in its order",
                               f"{sid}/body"))
    return out


def _piece_order(story) -> dict[str, int]:
    """The body's field paths in reading order (lead, then each section's paragraphs)."""
    paths = [story.field(f"lead[{i}]") for i in range(len(story.lead))]
    for s, sec in enumerate(story.sections):
        paths += [story.field(f"sections[{s}].paragraphs[{p}]") for p in range(len(sec.paragraphs))]
    out = {p: k for k, p in enumerate(paths)}
    if story.continued_from:
        out[story.field("continued_from")] = -1
    if story.continue_to:
        out[story.field("continue_to")] = len(paths)
    return out


def _ranks(page: Page) -> dict[str, int]:
    return {s.id: k + 1 for k, s in enumerate(page.news)}


def _headline_ladder(page: Page, t: Template, layout: PageLayout) -> list[Finding]:
    """headline-ladder: each story's 主题 within its rank's range, and no larger than any higher-ranked
    story's (a page of several stories)."""
    if len(page.stories) == 1 and not page.reserved:
        return []  # a 专版: the template's own headline style
    out = []
    sizes = defaultdict(float)
    for run in layout.runs("headline"):
        sizes[run.story] = max(sizes[run.story], run.size_pt)
    above = None  # the least 主题 size of the stories ranked higher
    for sid, rank in sorted(_ranks(page).items(), key=lambda kv: kv[1]):
        least, most = t.headline_range(rank)
        size = sizes.get(sid, 0.0)
        if not least - 0.01 <= size <= most + 0.01:
            out.append(Finding("error", "headline-ladder", f"主题 at {size:g} pt, outside rank {rank}'s "
                               f"{least:g}–{most:g} pt", f"{sid}/headline"))
        elif above is not None and size > above + 0.01:
            out.append(Finding("error", "headline-ladder", f"主题 at {size:g} pt, larger than a higher-ranked "
                               f"story's {above:g} pt", f"{sid}/headline"))
        if size:
            above = size if above is None else min(above, size)
    return out


def _neighbours(a: StoryRegion, b: StoryRegion, gap: float) -> bool:
    side = abs(a.x_pt + a.width_pt - b.x_pt) <= gap or abs(b.x_pt + b.width_pt - a.x_pt) <= gap
    return side and a.y_pt < b.y_pt + b.height_pt and b.y_pt < a.y_pt + a.height_pt


def _zhuangti(page: Page, t: Template, layout: PageLayout) -> list[Finding]:
    """zhuangti: the headlines of stories in neighbouring modules share no row."""
    spans = {}
    for run in layout.items:
        if isinstance(run, GlyphRun) and run.kind in HEAD_KINDS and run.story:
            lo, hi = run.y_pt - 0.12 * run.size_pt, run.y_pt + 0.88 * run.size_pt
            got = spans.get(run.story)
            spans[run.story] = (min(lo, got[0]), max(hi, got[1])) if got else (lo, hi)
    stories = [r for r in layout.regions if r.kind == "story" and r.story in spans]
    out = []
    for i, a in enumerate(stories):
        for b in stories[i + 1:]:
            if _neighbours(a, b, t.gutter_pt + 1.0):
                (a0, a1), (b0, b1) = spans[a.story], spans[b.story]
                if a0 < b1 - TOL_PT and b0 < a1 - TOL_PT:
                    out.append(Finding("error", "zhuangti", f"撞题: the headlines of {a.story} and {b.story} stand "
                                       "side by side", f"{a.story}/headline"))
    return out


def _photos(page: Page, t: Template, layout: PageLayout,
            photo_sizes: Mapping[tuple[str, str], tuple[int, int]]) -> list[Finding]:
    """photo-dominant, photo-rank, photo-range, photo-min-span, photo-crop, from the drawn photos."""
    specs = {f"{s.id}/{ph.id}": (s, k, ph) for s in page.news for k, ph in enumerate(s.photos)}
    drawn = [im for im in layout.items if isinstance(im, Image) and im.block in specs]
    ranks = _ranks(page)
    out = []
    basic = lambda n: n * t.column_width_pt + (n - 1) * t.gutter_pt  # noqa: E731
    largest: dict[str, float] = {}
    for im in drawn:
        story, k, ph = specs[im.block]
        area = im.width_pt * im.height_pt / CM2
        largest[story.id] = max(largest.get(story.id, 0.0), area)
        if not ph.place and not ph.headshot:
            least, most = t.photo_area_range(ranks[story.id], first=k == 0)
            if not least - 0.5 <= area <= most + 0.5:
                out.append(Finding("error", "photo-range", f"photo {area:.0f} cm², outside rank "
                                   f"{ranks[story.id]}'s {least:g}–{most:g} cm²", im.block))
            if im.width_pt < min(basic(t.photo_min_span), basic(1.5)) - 1.0:
                out.append(Finding("error", "photo-min-span", f"photo {im.width_pt / 72 * 25.4:.0f} mm wide, narrower "
                                   f"than {t.photo_min_span} columns", im.block))
        size = photo_sizes.get((story.id, ph.id))
        if size and not ph.framed:
            w, h = size
            kept = min(im.width_pt / im.height_pt / (w / h), (w / h) / (im.width_pt / im.height_pt))
            if 1 - kept > R.figure("photo-crop") + 0.005:
                out.append(Finding("error", "photo-crop", f"photo cropped by {100 * (1 - kept):.0f} % of the image",
                                   im.block))
    by_rank = sorted(largest, key=lambda sid: ranks[sid])
    for a, b in zip(by_rank, by_rank[1:]):
        if largest[b] > largest[a] * R.figure("photo-rank") + 0.5:
            out.append(Finding("error", "photo-rank", f"{b}'s photo ({largest[b]:.0f} cm²) larger than "
                               f"higher-ranked {a}'s ({largest[a]:.0f} cm²)", b))
    lead = page.news[0] if page.news else None
    if lead is not None and lead.photos:
        first = next((im for im in drawn if im.block == f"{lead.id}/{lead.photos[0].id}"), None)
        if first is not None:
            big = first.width_pt * first.height_pt
            for im in drawn:
                if im is not first and im.width_pt * im.height_pt * R.figure("photo-dominant") > big + 1.0 \
                        and not specs[im.block][2].headshot:
                    out.append(Finding("error", "photo-dominant", f"photo {im.block} is more than 1/"
                                       f"{R.figure('photo-dominant'):g} of the 头条's first photo", im.block))
    return out


def _jump(page: Page, layout: PageLayout) -> list[Finding]:
    """jump: a story that continues ends its text on （下转第N版）."""
    out = []
    for s in page.news:
        if not s.continue_to or s.id not in {c[0] for c in layout.continued}:
            continue
        mark = f"（下转第{s.continue_to}版）"
        runs = [r for r in layout.runs("body") if r.story == s.id]
        last = "".join(r.chars for r in runs if r.block == s.field("continue_to"))
        if last != mark:
            out.append(Finding("error", "jump", f"the story continues on page {s.continue_to} but does not end on "
                               f"{mark}", f"{s.id}/body"))
    return out


def check(page: Page, t: Template, layout: PageLayout,
          photo_sizes: Mapping[tuple[str, str], tuple[int, int]]) -> tuple[list[Finding], dict]:
    """Every rule the drawn page can show: the findings, and by rule its name, whether it is hard and
    how many findings it has."""
    found = (_overlap(layout) + _measure(layout) + _reading_path(page, layout) + _headline_ladder(page, t, layout)
             + _zhuangti(page, t, layout) + _photos(page, t, layout, photo_sizes) + _jump(page, layout))
    counts = {r.name: 0 for r in R.RULES}
    for f in found:
        counts[f.code] += 1
    table = {r.name: {"hard": r.hard, "findings": counts[r.name]} for r in R.RULES}
    return found, table
