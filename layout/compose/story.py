"""compose.story: one Story set into the grid area it is given → a StoryBlock in that area's coordinates.

A story knows nothing of the page. It is given an `Area` (a rectangle of the page's basic grid)
and composes itself there in the order a layout editor works: set the body text at the column
measure, set the headline band, measure the sidebar and captions, let copyfit choose the block
heights, then place everything on the area's grid and thread the text through the free column
runs. Coordinates are local: x from the area's left edge, y up from the area's top edge (so
everything lies at y ≤ 0), rows counted from the area's first row. `layout.compose.page` moves
the block into place, like typst's `Frame::push_frame`.

Block ids are prefixed by the story's id (`main/headline`, `main/songjiang`), so they stay unique
on a page of several stories. Pure: no files are read here (photo sizes are passed in).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from layout.compose import arrange, blocks, rules, score
from layout.compose.heights import capacity_span
from layout.compose.plans import REGROUPS, overlaps, reads_down
from layout.compose.problem import SPACER_ROWS, Cell, Limits, PhotoSpec, Problem, SidebarSpec
from layout.compose.bound import bound, why as why_bound
from layout.compose.flow import Para, Subhead, stream_rows
from layout.compose.grid import Columns, Rows
from layout.base.errors import InputError
from layout.base.model import Finding, Story
from layout.base.primitives import BLACK, Box, Frame, GlyphRun, Image, Rule, moved
from layout.source.template import Template
from layout.text.cjk import is_lonely_line
from layout.text.linebreak import ComposeOptions, compose_paragraph, compose_with_alternates, set_line

GRID_MAGENTA = (0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Settings:
    """How compose lays out the page (from the command line, not the page file)."""

    draft: bool = False  # lay out even when the text does not fit, marking the overflow
    copyfit: bool = True  # fit the text exactly; off: natural photo heights, report the difference
    grid: bool = False  # collect the grid overlay


@dataclass(frozen=True)
class Area:
    """A rectangle of the page's basic grid: basic columns [col, col + span), rows [row, row + rows)."""

    col: int
    span: int
    row: int
    rows: int


@dataclass(frozen=True)
class Kit:
    """What composing needs besides the story: the template, the faces by role, each photo's pixel
    size by (story id, photo id), the page's layout options and the command line's settings."""

    template: Template
    faces: Mapping
    photo_sizes: Mapping[tuple[str, str], tuple[int, int]]
    options: Mapping[str, object]
    settings: Settings = Settings()
    # Results kept between builds (the watch process's; layout.base.memo.Memos), or None: composing is then
    # done afresh. Keys are content (texts, faces, measures, the arrangement problem), so a kept result
    # is the one a fresh composition gives.
    memo: object = field(default=None, compare=False, repr=False)
    where: Callable[[str], str] = field(default=str, compare=False, repr=False)  # a page field's place (errors)


@dataclass(frozen=True)
class Geometry:
    """The story's area as grids in its own coordinates: the basic columns, the body columns (变栏)
    and the baseline rows."""

    basic: Columns
    body: Columns
    rows: Rows


@dataclass(frozen=True)
class StoryBlock:
    """A story composed into its area: primitives and frames in the area's coordinates, what was found,
    and the figures the report shows."""

    story: str
    area: Area
    items: tuple
    frames: tuple[Frame, ...]
    findings: tuple[Finding, ...]
    figures: dict = field(default_factory=dict, compare=False)
    rest: tuple[tuple[str, str, int], ...] = ()  # 转版: (field path, its text, first char left) of what continues


def geometry(t: Template, area: Area, body_count: int) -> Geometry:
    """The grids of `area` in local coordinates. Body columns that fall on basic-column boundaries
    are spans of the basic grid; otherwise (变栏) they take the template's wider body gutter."""
    basic = Columns("basic", 0.0, area.span, t.column_width_pt, t.gutter_pt)
    if area.span % body_count == 0:
        k = area.span // body_count
        body = Columns("body", 0.0, body_count, k * t.column_width_pt + (k - 1) * t.gutter_pt, t.gutter_pt)
    else:
        gutter = t.body_gutter_chars * t.body_size_pt
        body = Columns("body", 0.0, body_count, (basic.width_pt(area.span) - (body_count - 1) * gutter) / body_count,
                       gutter)
    return Geometry(basic, body, Rows(0.0, area.rows, t.line_pitch_pt, t.body_size_pt))


def body_pieces(story: Story) -> list[tuple[str, str, tuple[str, ...] | str]]:
    """The body stream in reading order: ("para", path, text) and ("subhead", path, phrases)."""
    at = story.field
    out: list = [("para", at(f"lead[{i}]"), t.text) for i, t in enumerate(story.lead)]
    for s, sec in enumerate(story.sections):
        if sec.heading:
            out.append(("subhead", at(f"sections[{s}].heading"), tuple(h.text for h in sec.heading)))
        out += [("para", at(f"sections[{s}].paragraphs[{p}]"), t.text) for p, t in enumerate(sec.paragraphs)]
    return out


@dataclass(frozen=True)
class BodySetting:
    """The body stream set at the column measure: lines per piece, the flow stream, what was found."""

    lines: tuple  # per piece: tuple of Line
    stream: tuple  # Para | Subhead
    findings: tuple[Finding, ...]
    ragged: int  # non-final lines not at the measure
    lonely: tuple[str, ...]  # paragraphs ending in 孤字
    # Paragraphs set a line shorter (−1) or longer (+1) within the first tolerance: (stream index, delta, lines).
    alternates: tuple[tuple[int, int, tuple], ...] = ()
    sub_sizes: tuple[tuple[int, float], ...] = ()  # (stream index, size) of each subhead: it may step down


def set_body(story: Story, kit: Kit, measure_pt: float, grid: Rows) -> BodySetting:
    """Every body paragraph and subhead set once: all body columns have the same width."""
    t, faces = kit.template, kit.faces
    opts = compose_options(kit.options)
    sub = t.styles["subhead"]
    lines, stream, findings, lonely, alternates, sub_sizes = [], [], [], [], [], []
    ragged = 0
    if story.continued_from:
        jump = set_line(f"（上接第{story.continued_from}版）", faces["body"], t.body_size_pt)
        lines.append((jump.shifted(measure_pt - jump.width_pt),))
        stream.append(Para(1, story.field("continued_from")))
    first = bool(story.continued_from)
    for kind, path, text in body_pieces(story):
        if kind == "para" and first:  # the paragraph cut on the other page goes on: no indent
            first = False
            ps = compose_paragraph(text, faces["body"], t.body_size_pt, measure_pt, replace(opts, indent_em=0.0))
            findings += [Finding("warning", f.code, f.message, f"{path} char {f.offset}") for f in ps.findings]
            lines.append(ps.lines)
            stream.append(Para(len(ps.lines), path))
            continue
        if kind == "subhead":
            set_, size = _kept(kit, "subhead", lambda: (text, face_key(faces["subhead"]), sub.size_pt,
                                                        sub.min_size_pt, measure_pt),
                               lambda: blocks.subhead_lines(text, faces["subhead"], sub.size_pt, measure_pt,
                                                            sub.min_size_pt or None))
            sub_sizes.append((len(stream), size))
            lines.append(set_)
            stream.append(Subhead(blocks.subhead_rows(set_, size, sub.rows, grid), path))
            continue
        ps, shorter, longer = set_paragraph(kit, text, faces["body"], t.body_size_pt, measure_pt, opts)
        findings += [Finding("warning", f.code, f.message, f"{path} char {f.offset}") for f in ps.findings]
        alternates += [(len(stream), delta, got) for delta, got in ((-1, shorter), (1, longer)) if got]
        lines.append(ps.lines)
        stream.append(Para(len(ps.lines), path))
        ragged += sum(1 for ln in ps.lines if not ln.last and abs(ln.width_pt - measure_pt) > 0.05)
        if len(ps.lines) > 1 and is_lonely_line(ps.lines[-1].chars):
            lonely.append(path)
    return BodySetting(tuple(lines), tuple(stream), tuple(findings), ragged, tuple(lonely), tuple(alternates),
                       tuple(sub_sizes))


def face_key(face) -> tuple:
    """What a face's metrics depend on, as a key: the face (its prepared file) and its fallback chain."""
    return (face, tuple(getattr(face, "fallbacks", ()))) if face is not None else (None,)


def _kept(kit: Kit, kind: str, key, compute):
    """`compute()`, or the result kept in `kit.memo` for `key()` (no memo: always computed)."""
    if kit.memo is None:
        return compute()
    return kit.memo[kind].call(key(), compute)


def set_paragraph(kit: Kit, text: str, face, size_pt: float, measure_pt: float, opts: ComposeOptions):
    """The paragraph at its best, and a line shorter and longer within the first tolerance (抠行 /
    拉行, text.linebreak.compose_with_alternates; () where it cannot be), kept in the kit's memo by
    (text, face, size, measure, options)."""
    return _kept(kit, "paragraph", lambda: (text, face_key(face), size_pt, measure_pt, opts),
                 lambda: compose_with_alternates(text, face, size_pt, measure_pt, opts))


def compose_options(options: Mapping[str, object]) -> ComposeOptions:
    """The line composer's options from the page's layout options."""
    kw = {}
    if "han_latin_space_em" in options:
        kw["han_latin_space_em"] = float(options["han_latin_space_em"])
    if "hanging" in options:
        kw["hanging"] = bool(options["hanging"])
    if "strictness" in options:
        kw["strictness"] = str(options["strictness"])
    return ComposeOptions(**kw)


@dataclass(frozen=True)
class _Set:
    """Everything set for one story before placing: the grids, the headline band, the sidebar, the
    captions at every span and the body."""

    geo: Geometry
    band: blocks.Band
    side: dict  # width in body columns → blocks.SidebarSet ({} when the story has no sidebar)
    captions: dict  # photo id → span → Caption
    text: BodySetting
    rest: tuple = ()  # 转版: (field path, text, first char left) of each piece that continues elsewhere
    rest_lines: int = 0
    rank: int = 1  # the story's rank on its page (1 = the 头条, or a 专版): its photos' area ranges
    art: int = 0  # frame rows of the story's first photo above the headline (0: none, it is arranged)


def compose_story(story: Story, area: Area, kit: Kit, head: blocks.HeadStyle | None = None,
                  rank: int = 1) -> StoryBlock:
    """`story` composed into `area`; a copyfit InputError when it cannot be made to fit (unless --draft).
    `head`: how its headline is set (default the template's, the 专版's); `rank`: its rank on the page,
    which gives its photos their area ranges (1: the 头条, or a 专版)."""
    t = kit.template
    made = _set_all(story, kit, area, head, rank)
    geo, band = made.geo, made.band
    n = geo.body.count
    fitting = kit.settings.copyfit and bool(kit.options.get("copyfit", True))
    arrangement, found, made = _arrange(story, kit, made, fitting)
    text = made.text
    findings = list(text.findings) + found
    findings += [Finding("warning", "lonely-char", "a single character alone on the last line (孤字)", key)
                 for key in text.lonely]
    items, frames = _place(story, kit, made, arrangement)
    if arrangement.flow.overflow_lines and kit.settings.draft:
        items += _overflow_mark(geo, arrangement)
    f = arrangement.flow
    figures = {
        "body_columns": n, "body_measure_chars": round(geo.body.column_width_pt / t.body_size_pt, 2),
        "body_lines": sum(p.lines for p in text.stream if isinstance(p, Para)),
        "stream_rows": stream_rows(text.stream), "headline_rows": band.rows,
        "arrangement": _describe(arrangement),
        "widows": f.widows, "orphans": f.orphans, "ragged_lines": text.ragged, "lonely_last_chars": len(text.lonely),
        "stranded_subheads": len(f.stranded), "overflow_lines": f.overflow_lines, "empty_rows": f.unused_rows,
        "overlaps": len(overlaps(arrangement.cells)),
    }
    return StoryBlock(story.id, area, tuple(items), tuple(frames), tuple(findings), figures, made.rest)


def problem_for(story: Story, t: Template, faces: Mapping, photo_sizes: Mapping, options: Mapping,
                area: Area | None = None, head: blocks.HeadStyle | None = None, memo=None, rank: int = 1) -> Problem:
    """The arrangement problem of `story` in `area` (default the whole type area), as compose_story
    poses it: for the independent bound, the page's module search and tests. `memo`: as `Kit.memo`."""
    kit = Kit(t, faces, photo_sizes, options, memo=memo)
    return _problem(story, kit, _set_all(story, kit, area or Area(0, t.columns, 0, t.rows), head, rank))


def headline_set(story: Story, kit: Kit, area: Area, head: blocks.HeadStyle | None = None) -> tuple[float, int]:
    """The 主题 size the story's headline is set at in `area` (it shrinks to fit a narrow one) and the
    rows of its headline band."""
    geo = geometry(kit.template, area, story.body_columns or kit.template.body_columns)
    band = _headline_band(story, kit, geo, head)
    return max((it.size_pt for it in band.items if isinstance(it, GlyphRun) and it.kind == "headline"), default=0.0), \
        band.rows


def _set_all(story: Story, kit: Kit, area: Area, head: blocks.HeadStyle | None = None, rank: int = 1) -> _Set:
    """Everything of the story set before arranging: grids, headline band, sidebar, captions at every
    span, body."""
    t = kit.template
    n = story.body_columns or t.body_columns
    geo = geometry(t, area, n)

    captions = {ph.id: {s: _caption(story, kit, geo, ph, s) for s in range(1, n + 1)} for ph in story.photos}
    band = _headline_band(story, kit, geo, head)
    art = head.art_rows if art_top_rows(story, kit, geo, head) else 0
    return _Set(geo, band, _sidebar_set(story, kit, geo), captions,
                set_body(story, kit, geo.body.column_width_pt, geo.rows), rank=rank, art=art)


def _headline_band(story: Story, kit: Kit, geo: Geometry, head: blocks.HeadStyle | None) -> blocks.Band:
    """The headline band; under the story's first photo when the style sets one above the headline
    (`art_rows`): the band's rows then begin with the photo's frame, caption and white line."""
    band = _plain_band(story, kit, geo, head)
    top = art_top_rows(story, kit, geo, head)
    if not top:
        return band
    dy = -top * geo.rows.pitch_pt
    return blocks.Band(band.rows + top, tuple(moved(it, 0.0, dy, top) for it in band.items))


def art_top_rows(story: Story, kit: Kit, geo: Geometry, head: blocks.HeadStyle | None) -> int:
    """Rows the photo above the headline takes (frame, caption, white line), or 0."""
    if head is None or not head.art_rows or not story.photos:
        return 0
    cap = _caption(story, kit, geo, story.photos[0], geo.body.count).rows
    return head.art_rows + cap + SPACER_ROWS


def _plain_band(story: Story, kit: Kit, geo: Geometry, head: blocks.HeadStyle | None) -> blocks.Band:
    h = story.headline
    credits = tuple(f"{c.role}/{c.name.text}" for c in story.byline)
    args = (h.kicker.text if h.kicker else "", tuple(x.text for x in h.title), h.subtitle.text if h.subtitle else "",
            credits, kit.faces, head or blocks.HeadStyle.of_template(kit.template.styles), geo.rows, geo.basic.x0_pt,
            geo.basic.width_pt(geo.basic.count), f"{story.id}/headline", story.place("headline.title"))
    if kit.memo is None:
        return blocks.headline_band(*args)
    faces = tuple((role, face_key(f)) for role, f in sorted(kit.faces.items()))
    return _kept(kit, "headline", lambda: args[:4] + (faces, repr(args[5])) + args[6:],
                 lambda: blocks.headline_band(*args))


def _caption(story: Story, kit: Kit, geo: Geometry, ph, span: int) -> blocks.Caption:
    """A photo's caption (and credit) set `span` body columns wide, kept in the kit's memo."""
    t = kit.template
    args = (ph.caption.text, ph.credit.text if ph.credit else "", kit.faces["caption"], t.styles["caption"].size_pt,
            geo.body.width_pt(span))
    return _kept(kit, "caption", lambda: args[:2] + (face_key(args[2]),) + args[3:],
                 lambda: blocks.caption_lines(*args))


def _sidebar_set(story: Story, kit: Kit, geo: Geometry, widths: tuple[int, ...] = ()) -> dict:
    """The sidebar set at each width it may take: one body column, or two when there are four or more
    (its lines wrap less in a wide box); or at the `widths` asked for."""
    if not story.sidebar:
        return {}
    sb, st = story.sidebar, kit.template.styles
    widths = widths or ((1, 2) if geo.body.count >= 4 else (1,))

    def one(w: int):
        args = (sb.title.text, tuple(i.text for i in sb.items), kit.faces["sidebar_title"], kit.faces["sidebar"],
                st["sidebar_title"].size_pt, st["sidebar"].size_pt, geo.body.width_pt(w), geo.rows)
        return _kept(kit, "sidebar", lambda: args[:2] + (face_key(args[2]), face_key(args[3])) + args[4:],
                     lambda: blocks.sidebar_set(*args))

    return {w: one(w) for w in widths}


def _problem(story: Story, kit: Kit, made: _Set) -> Problem:
    """The copyfit problem in grid units: what must fit, which blocks may change and how far."""
    t, body, grid = kit.template, made.geo.body, made.geo.rows
    specs = {ph.id: _photo_spec(story, kit, made, k, ph) for k, ph in enumerate(story.photos)}
    side = None
    if made.side and not story.sidebar.place:
        side = SidebarSpec({w: s.natural_rows for w, s in made.side.items()}, t.sidebar_max_padding_rows,
                           {w: sum(len(x) - 1 for x in s.items) for w, s in made.side.items()})
    share = rules.figure("photo-share")
    arranged = [ph for k, ph in enumerate(story.photos) if ph.place is None and not (k == 0 and made.art)]
    if made.art:  # the photo above the headline takes its part of the photos' share
        share = max(0.0, share - made.art * body.count / (body.count * grid.count))
    # The 头条's (and a 专版's) first photo dominates the others (photo-dominant): checked on each
    # arrangement, or, when it stands above the headline, as a cap on the others' areas.
    first_arranged = bool(story.photos) and story.photos[0].place is None and not made.art
    dominance = rules.figure("photo-dominant") if made.rank == 1 and first_arranged else 0.0
    if made.rank == 1 and made.art:
        w = body.width_pt(body.count)
        cap = w * (made.art * grid.pitch_pt - grid.gap_pt) / rules.figure("photo-dominant")
        specs = {k: replace(v, area_pt2=(min(v.area_pt2[0], cap), min(v.area_pt2[1], cap)) if v.area_pt2 else
                            (0.0, cap)) for k, v in specs.items()}
    limits = Limits(t.photo_min_rows, t.lead_photo_min_rows, t.min_run_lines, t.subhead_extra_rows, share, dominance)
    return Problem(
        columns=body.count, rows=grid.count, top_row=made.band.rows, stream=made.text.stream,
        photos=tuple(specs[ph.id] for ph in arranged), sidebar=side,
        fixed=_fixed_cells(story, kit, made, specs), order=_flow_order(kit.options, body.count, kit.where),
        col_width_pt=body.column_width_pt, gutter_pt=body.gutter_pt, pitch_pt=grid.pitch_pt, gap_pt=grid.gap_pt,
        limits=limits, loose=_loose(made.text))


CM2_PT2 = (72 / 2.54) ** 2  # pt² in a cm²


def _photo_spec(story: Story, kit: Kit, made: _Set, k: int, ph) -> PhotoSpec:
    """A photo as the arrangement sees it, with the design rules' bounds on its frame: the crop bound
    (photo-crop: at most its share of the image, unless the desk framed it with focus: or crop:), the
    narrowest width (photo-min-span: a head shot may take one basic column) and the area range of its
    story's rank (photo-range; a head shot has none)."""
    t = kit.template
    w, h = kit.photo_sizes[(story.id, ph.id)]
    if ph.crop:
        left, top, right, bottom = ph.crop
        w, h = w * (right - left), h * (bottom - top)
    change = t.max_aspect_change if ph.framed else 1.0 / (1.0 - rules.figure("photo-crop"))
    basic = lambda n: n * t.column_width_pt + (n - 1) * t.gutter_pt  # noqa: E731
    if ph.headshot:
        min_width = basic(1)
    else:
        # Two basic columns; in a story set in wider columns (变栏) one of its columns when that is at
        # least one and a half basic columns: a photo as wide as the text beside it is no stamp.
        min_width = min(basic(t.photo_min_span), max(basic(1.5), made.geo.body.column_width_pt))
    area = None
    if not ph.headshot:
        least, most = t.photo_area_range(made.rank, first=k == 0)
        area = (least * CM2_PT2, most * CM2_PT2)
    return PhotoSpec(ph.id, w / h, {s: c.rows for s, c in made.captions[ph.id].items()}, ph.group, change,
                     min_width, area)


def _loose(text: BodySetting) -> tuple[tuple[int, int, float], ...]:
    """The arrangement's view of the alternates: which paragraph can move a line, which way, at what cost."""
    return tuple(sorted(((i, d, score.loose_cost(len(text.lines[i]))) for i, d, _ in text.alternates),
                        key=lambda x: (x[2], x[0], x[1])))


def _with_loosened(story: Story, text: BodySetting, picks: tuple[tuple[int, int], ...]) -> tuple[BodySetting, list]:
    """The body with the arrangement's loosened paragraphs set in their alternate lines, and a note for each."""
    if not picks:
        return text, []
    alt = {(i, d): ls for i, d, ls in text.alternates}
    lines, stream, notes = list(text.lines), list(text.stream), []
    for i, d in picks:
        before = len(lines[i])
        lines[i] = alt[(i, d)]
        stream[i] = replace(stream[i], lines=len(lines[i]))
        word = "shorter" if d < 0 else "longer"
        notes.append(Finding("info", "loosened", f"set one line {word} ({before} → {len(lines[i])}) so that the "
                             "columns fill exactly", stream[i].key))
    return replace(text, lines=tuple(lines), stream=tuple(stream)), notes


def _arrange(story: Story, kit: Kit, made: _Set, fitting: bool) -> tuple[arrange.Arrangement, list, _Set]:
    """Copyfit, or in --draft the nearest arrangement; the findings say what does not fit. Paragraphs
    the arrangement set a line shorter or longer take their alternate lines."""
    findings = []
    problem = _problem(story, kit, made)
    _placed_reads_down(story, problem)
    if fitting and not kit.settings.draft and not story.continue_to:
        # The independent bound refuses in a moment what the survey of every plan would take long to.
        b = bound(problem)
        if not b.feasible:
            raise InputError(f"copyfit: {why_bound(b, problem)}", _culprit(story, problem),
                             "build with --draft to see the page with the overflow marked")
    problem, viable = _survey(kit, problem)
    best = _search(kit, problem, viable) if fitting else arrange.natural(problem, viable)
    for regroup in range(1, REGROUPS + 1):  # later passes: a long lead group leaves photos to the foot
        if best is not None or not fitting:
            break
        problem, more = _survey(kit, problem, regroup)
        if more:  # only the pass's own plans: those of the passes before were searched already
            best = _search(kit, problem, more, regroup)
            viable = viable + more
    if best is not None and best.loosened:
        text, notes = _with_loosened(story, made.text, best.loosened)
        made = replace(made, text=text)
        findings += notes
    if best is None and fitting and story.continue_to:
        got = _jumped(story, kit, made, problem, viable)
        if got is not None:
            best, made, problem = got
            findings.append(Finding("info", "continued", f"continues on page {story.continue_to} (下转第"
                                    f"{story.continue_to}版): {made.rest_lines} lines there", f"{story.id}/body"))
    if best is None and fitting and not kit.settings.draft:
        raise InputError(f"copyfit: {arrange.why(problem, viable)}", _culprit(story, problem) if not viable
                         else story.where(),
                         "build with --draft to see the page with the overflow marked")
    if best is None:
        if fitting:
            findings.append(Finding("error", "overflow", f"copyfit: {arrange.why(problem, viable)}", f"{story.id}/body"))
        best = arrange.closest(problem, viable)
    if best is None:  # not even --draft can place blocks that fit no plan at any height
        raise InputError(f"copyfit: {arrange.why(problem, [])}", _culprit(story, problem),
                         "drop or shorten a block, or place it by hand")
    bad = overlaps(best.cells)
    if bad:
        raise InputError(f"blocks {bad[0][0]} and {bad[0][1]} overlap", story.where(),
                         "change the place: of the blocks placed by hand")
    f = best.flow
    if f.overflow_lines:
        findings.append(Finding("error", "overflow", f"{f.overflow_lines} lines of body text do not fit",
                                f"{story.id}/body"))
    if f.unused_rows:
        findings.append(Finding("error" if fitting else "warning", "underfull",
                                f"{f.unused_rows} grid lines of the body columns stay empty", f"{story.id}/body"))
    findings += [Finding("warning", "stranded-subhead", "subhead kept with fewer than 2 lines (背题)", key)
                 for key in f.stranded]
    return best, findings, made


def _culprit(story: Story, problem: Problem) -> str:
    """Where the blocks' refusal points: the block that cannot fit even alone (a photo's caption, the
    sidebar), else the story."""
    alone = arrange.too_tall(problem)
    if alone:
        what = alone[0][0]
        if what == "the sidebar":
            return story.place("sidebar")
        i = next((i for i, ph in enumerate(story.photos) if what == f"photo {ph.id}"), None)
        if i is not None:
            return story.place(f"photos[{i}].caption" if alone[0][2] else f"photos[{i}]")
    return story.where()


def _jumped(story: Story, kit: Kit, made: _Set, problem: Problem, viable) -> tuple | None:
    """转版: the story cut at a line so that what stays fills its area exactly, its last row the line
    （下转第N版）; the lines cut go to the page it continues on. The most text any plan can hold is
    tried first, then a line less, and so on."""
    stream, lines = made.text.stream, made.text.lines
    total = stream_rows(stream)
    most = max((capacity_span(lv)[1] for _, lv in viable), default=0)
    # Cuts that leave two lines of a paragraph on either side first; then, only if none fits, a cut
    # that leaves one (a 孤行 is a scored rule, a jump that cannot land is no page at all).
    tries = [(keep, least) for least in (2, 1) for keep in range(min(total - 1, most - 1), 0, -1)]
    for keep, least in tries:  # text rows kept; one more row for the jump line
        cut = _cut(stream, lines, keep, least)
        if cut is None:
            continue
        kept_stream, kept_lines, (k, first) = cut
        jump_row = Para(1, story.field("continue_to"))
        p2 = replace(problem, stream=kept_stream + (jump_row,), loose=())
        best = arrange.search(p2, viable)
        if best is not None:
            text = replace(made.text, stream=kept_stream + (jump_row,),
                           lines=kept_lines + ((_jump_line(story, kit, made),),))
            pieces = body_pieces(story)
            rest = tuple((path, "".join(t) if kind == "subhead" else t, lines[j][first].start if j == k else 0)
                         for j, (kind, path, t) in enumerate(pieces) if j >= k)
            return best, replace(made, text=text, rest=rest, rest_lines=total - keep), p2
    return None


def _cut(stream: tuple, lines: tuple, keep: int, least: int = 2) -> tuple | None:
    """The stream's first `keep` rows, cut inside a paragraph if need be (at least `least` of its lines
    on either side), and what is left: (stream, lines, rest as (piece index, first line left)). A
    subhead never ends what stays (背题)."""
    out_s, out_l, used = [], [], 0
    for k, piece in enumerate(stream):
        n = piece.lines if isinstance(piece, Para) else piece.rows
        if used + n <= keep:
            out_s.append(piece)
            out_l.append(lines[k])
            used += n
            continue
        take = keep - used
        if isinstance(piece, Subhead) or take < least or n - take < least:  # 孤行 either side of the cut
            return None
        out_s.append(Para(take, piece.key))
        out_l.append(lines[k][:take])
        return tuple(out_s), tuple(out_l), (k, take)
    return None


def _jump_line(story: Story, kit: Kit, made: _Set):
    """（下转第N版）, set flush right at the column's measure in the byline's face."""
    text = f"（下转第{story.continue_to}版）"
    line = set_line(text, kit.faces["body"], kit.template.body_size_pt)
    return line.shifted(made.geo.body.column_width_pt - line.width_pt)


def _survey(kit: Kit, problem: Problem, regroup: int = 0) -> tuple[Problem, arrange.Viable]:
    """arrange.survey, kept by the problem with its paragraphs' line counts left out (plans and levers
    do not depend on them, see `_arrange`): an edit that moves line counts reuses the survey and the
    tables it worked out (a copy of them: the search adds its own)."""
    if kit.memo is None:
        return problem, arrange.survey(problem, regroup)
    stream = tuple(p if isinstance(p, Subhead) else None for p in problem.stream)
    key = repr((regroup, replace(problem, stream=stream)))
    table = kit.memo["survey"]
    got = table.get(key)
    if got is None:
        viable = arrange.survey(problem, regroup)
        table.put(key, (dict(problem.memo), viable))
        return problem, viable
    tables, viable = got
    return replace(problem, memo=dict(tables)), viable


def _search(kit: Kit, problem: Problem, viable: arrange.Viable,
            regroup: int = 0) -> arrange.Arrangement | None:
    """arrange.search, kept by the whole problem and the pass (an edit that keeps every line count
    reuses it)."""
    if kit.memo is None:
        return arrange.search(problem, viable)
    return _kept(kit, "search", lambda: repr((regroup, problem)), lambda: arrange.search(problem, viable))


def _describe(arr: arrange.Arrangement) -> dict:
    """The chosen arrangement for the report: the plan's levers and the heights."""
    plan, h = arr.plan, arr.heights
    out = {"cost": round(arr.cost, 4) if arr.cost != float("inf") else None,
           "sidebar_padding_rows": h.pad, "subhead_white_rows": h.flex}
    if plan is not None:
        n = len(plan.top)
        out.update({"sidebar": f"{plan.side.at}-{plan.side.edge}-{plan.side.width}" if plan.side else None,
                    "top_tiers": [{"spans": list(t.spans), "rows": list(r), "two_rows": t.height == 2}
                                  for t, r in zip(plan.top, h.tiers[:n])],
                    "foot_tiers": [{"spans": list(t.spans), "rows": list(r), "two_rows": t.height == 2}
                                   for t, r in zip(plan.foot, h.tiers[n:])],
                    "photos_moved": plan.moved})
    return out


def _place(story: Story, kit: Kit, made: _Set, arrangement: arrange.Arrangement) -> tuple[list, list]:
    """Every primitive of the story in paint order, and the block frames."""
    geo, band = made.geo, made.band
    items: list = list(band.items)
    art_cap = made.captions[story.photos[0].id][geo.body.count].rows if made.art else 0
    top = made.art + art_cap + SPACER_ROWS if made.art else 0  # the photo above the headline
    frames = [Frame(f"{story.id}/headline", "headline", geo.basic.x0_pt, geo.rows.bottom_y(top, band.rows - 1 - top),
                    geo.basic.width_pt(geo.basic.count), geo.rows.height_pt(band.rows - 1 - top), 0, geo.basic.count,
                    top, band.rows - 1 - top, "basic")]
    photos = {ph.id: ph for ph in story.photos}
    cells = arrangement.cells
    if made.art:  # the first photo above the headline, across the module
        cells = (Cell(story.photos[0].id, "photo", 0, geo.body.count, 0, top, made.art, art_cap),) + cells
    for cell in cells:
        block_items, frame = _cell(cell, story, photos, kit, made)
        items += block_items
        frames.append(frame)
    body_items, text_cols = _body_items(arrangement, made, kit)
    items += body_items
    items += _column_rules(text_cols, geo, kit.template.column_rule_pt)
    for r in arrangement.regions:
        frames.append(Frame(f"{story.id}/text-{r.col}-{r.row}", "text", geo.body.x_pt(r.col),
                            geo.rows.bottom_y(r.row, r.rows), geo.body.width_pt(1), geo.rows.height_pt(r.rows),
                            r.col, 1, r.row, r.rows, "body"))
    return items, frames


def _flow_order(options: Mapping[str, object], n: int, where=str) -> tuple[int, ...]:
    order = tuple(options.get("flow_order") or ())
    if not order:
        return tuple(range(n))
    if sorted(order) != list(range(1, n + 1)):
        raise InputError(f"flow_order {list(order)} is not an order of the {n} body columns",
                         where("options.flow_order"), f"list each of 1–{n} once, e.g. {list(range(1, n + 1))}")
    return tuple(c - 1 for c in order)


def _aspect(size: tuple[int, int]) -> float:
    w, h = size
    return w / h


def _fixed_cells(story: Story, kit: Kit, made: _Set, specs: dict) -> tuple[Cell, ...]:
    """Blocks the desk placed by hand, converted to body-column cells (checked against the grid)."""
    t, body, top_row, rows = kit.template, made.geo.body, made.band.rows, made.geo.rows.count
    out = []
    basic_count = made.geo.basic.count
    k = basic_count // body.count if basic_count % body.count == 0 else 0
    placed = [(ph.id, "photo", ph.place, story.place(f"photos[{i}].place"))
              for i, ph in enumerate(story.photos) if ph.place]
    if story.sidebar and story.sidebar.place:
        placed.append(("sidebar", "sidebar", story.sidebar.place, story.place("sidebar.place")))
    for block, kind, pl, where in placed:
        span = pl.span or 1
        # The desk counts from 1; a block given no column stands at the right edge, where the text
        # keeps its path down the columns from the top left (design rule reading-path).
        col = pl.col - 1 if pl.col else (basic_count if pl.grid == "basic" else body.count) - span
        if pl.grid == "basic":
            if not k or col % k or span % k:
                raise InputError(f"col {col + 1} span {span} on the basic grid does not fall on the {body.count} body "
                                 f"columns", where, _basic_hint(k, basic_count))
            col, span = col // k, span // k
        if col < 0 or col + span > body.count:
            raise InputError(f"col {col + 1} + span {span} runs past the {body.count} body columns", where,
                             f"columns count from 1 to {body.count}")
        row = top_row if pl.row is None else pl.row - 1
        if row < top_row:
            raise InputError(f"row {row + 1} is inside the headline band (rows 1–{top_row})", where,
                             f"use row ≥ {top_row + 1}")
        if kind == "photo":
            spec = specs[block]
            w = body.width_pt(span)
            frame = pl.rows or max(t.photo_min_rows, round((w / spec.aspect + t.line_pitch_pt - t.body_size_pt)
                                                          / t.line_pitch_pt))
            cap = spec.caption_rows[span]
            cell = Cell(block, kind, col, span, row, frame + cap + SPACER_ROWS, frame, cap)
        else:
            box = pl.rows or 10
            cell = Cell(block, kind, col, span, row, box + SPACER_ROWS, box)
        if cell.row + cell.rows > rows + SPACER_ROWS:
            raise InputError(f"the block ends at row {cell.row + cell.rows}, below the {rows} rows of the page",
                             where, "reduce row or rows")
        out.append(cell)
    return tuple(out)


def _placed_reads_down(story: Story, p: Problem) -> None:
    """The blocks the desk placed at the head of some columns must leave the text a path down the
    columns from the top left (design rule reading-path): a column with no block at its head starts
    right under the headline, so no column before it may have one."""
    top = [c for c in p.fixed if c.row == p.top_row]
    covered = {col for c in top for col in range(c.col, c.col + c.span)}
    if reads_down(p, covered):
        return
    first = min(covered)
    free = min(col for col in range(first, p.columns) if col not in covered)
    raise InputError(f"place: a block at the head of column {first + 1} leaves column {free + 1} to start above "
                     f"it: the story's text would read upwards", story.source_file or "article",
                     "place it at the right edge or across every column, lower in its column, or set flow_order")


def _basic_hint(k: int, columns: int) -> str:
    if not k:
        return "use grid: body (the body columns are not spans of basic columns)"
    starts = ", ".join(str(c) for c in range(1, columns + 1, k))
    return f"use grid: body, or start at basic column {starts} and span a multiple of {k}"


def _cell(cell: Cell, story: Story, photos: dict, kit: Kit, made: _Set) -> tuple[list, Frame]:
    """A placed block's primitives and its frame."""
    geo, st = made.geo, kit.template.styles
    x, w = geo.body.x_pt(cell.col), geo.body.width_pt(cell.span)
    frame_row = cell.row + (SPACER_ROWS if cell.spacer_top else 0)
    top, height = geo.rows.top_y(frame_row), geo.rows.height_pt(cell.frame_rows)
    if cell.kind == "sidebar":
        frame = Frame(f"{story.id}/sidebar", "sidebar", x, top - height, w, height, cell.col, cell.span, frame_row,
                      cell.frame_rows, "body")
        side = made.side.get(cell.span) or _sidebar_set(story, kit, geo, (cell.span,))[cell.span]
        return blocks.sidebar_items(side, kit.faces["sidebar_title"], kit.faces["sidebar"],
                                    st["sidebar_title"].size_pt, st["sidebar"].size_pt, x, w, top, height,
                                    f"{story.id}/sidebar"), frame
    ph = photos[cell.block]
    block = f"{story.id}/{ph.id}"
    frame = Frame(block, "photo", x, top - height, w, height, cell.col, cell.span, frame_row,
                  cell.frame_rows + cell.caption_rows, "body")
    out: list = [Image(x, top - height, w, height, ph.file, "", block)]
    out += blocks.caption_items(made.captions[ph.id][cell.span], kit.faces["caption"], st["caption"].size_pt, x, w,
                                geo.rows, frame_row + cell.frame_rows, block)
    return out, frame


def _body_items(arr: arrange.Arrangement, made: _Set, kit: Kit) -> tuple[list, dict]:
    items: list = []
    text_rows: dict[int, list[tuple[int, int]]] = {}
    geo, stream, lines_by_piece = made.geo, arr.stream, made.text.lines
    size = kit.template.body_size_pt
    sub_sizes = dict(made.text.sub_sizes)
    for slot in arr.flow.slots:
        region = arr.regions[slot.region]
        x = geo.body.x_pt(region.col)
        text_rows.setdefault(region.col, []).append((slot.row, slot.row + slot.count))
        piece = stream[slot.item]
        lines = lines_by_piece[slot.item]
        if isinstance(piece, Subhead):
            items += blocks.subhead_items(lines, kit.faces["subhead"], sub_sizes[slot.item], x, geo.body.column_width_pt,
                                          geo.rows.top_y(slot.row), geo.rows.height_pt(slot.count), piece.key)
            continue
        for i in range(slot.count):
            ln = lines[slot.first + i]
            row = slot.row + i
            items += blocks.runs_for_line(ln, x, geo.rows.baseline_y(row), kit.faces["body"], size, "body", piece.key,
                                          row)
    return items, text_rows


def _column_rules(text_rows: dict, geo: Geometry, width_pt: float) -> list:
    """A hairline in the gutter wherever the columns on both sides carry text."""
    if width_pt <= 0:
        return []
    out = []
    body, grid = geo.body, geo.rows
    for col in range(body.count - 1):
        left = _merge(text_rows.get(col, []))
        right = _merge(text_rows.get(col + 1, []))
        x = body.x_pt(col + 1) - body.gutter_pt / 2
        for a0, a1 in left:
            for b0, b1 in right:
                r0, r1 = max(a0, b0), min(a1, b1)
                if r1 - r0 >= 2:
                    out.append(Rule(x, grid.top_y(r0), x, grid.bottom_y(r0, r1 - r0), width_pt, BLACK, "column-rule"))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _overflow_mark(geo: Geometry, arr: arrange.Arrangement) -> list:
    """--draft: a magenta bar over the last column's foot saying how much is left over."""
    last = arr.regions[-1] if arr.regions else None
    if last is None:
        return []
    x = geo.body.x_pt(last.col)
    y = geo.rows.bottom_y(last.row, last.rows)
    return [Box(x, y, geo.body.column_width_pt, geo.rows.pitch_pt * 2, fill=GRID_MAGENTA, kind="overflow")]
