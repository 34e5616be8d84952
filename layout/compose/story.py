"""compose: Article + Template + face metrics + photo sizes → PageLayout (positions only).

One orchestrator, in the order a layout editor works: set the body text at the column measure,
set the headline band, measure the sidebar and captions, let copyfit choose the block heights,
then place everything on the grid and thread the text through the free column runs.
Pure: no files are read here (photo sizes are passed in; images are prepared after layout).
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.compose import arrange, blocks
from layout.compose.arrange import Cell, PhotoSpec, Problem
from layout.errors import InputError
from layout.compose.flow import Para, Subhead, stream_rows
from layout.compose.grid import Columns, Rows, basic_columns, body_columns, rows as grid_rows
from layout.model import Article, Finding
from layout.primitives import BLACK, Frame, Image, PageLayout, Rule
from layout.source.template import Template
from layout.text.cjk import CJK_PUNCT_CLASSES, LONG, char_class

PUNCTUATION = CJK_PUNCT_CLASSES | {LONG}
from layout.text.linebreak import ComposeOptions, compose_paragraph

GRID_CYAN = (1.0, 0.0, 0.0, 0.0)
GRID_MAGENTA = (0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Settings:
    """How compose lays out the page (from the command line, not the article)."""

    draft: bool = False  # lay out even when the text does not fit, marking the overflow
    copyfit: bool = True  # fit the text exactly; off: natural photo heights, report the difference
    grid: bool = False  # collect the grid overlay


def body_pieces(article: Article) -> list[tuple[str, str, tuple[str, ...] | str]]:
    """The body stream in reading order: ("para", path, text) and ("subhead", path, phrases)."""
    out: list = [("para", f"lead[{i}]", t.text) for i, t in enumerate(article.lead)]
    for s, sec in enumerate(article.sections):
        if sec.heading:
            out.append(("subhead", f"sections[{s}].heading", tuple(h.text for h in sec.heading)))
        out += [("para", f"sections[{s}].paragraphs[{p}]", t.text) for p, t in enumerate(sec.paragraphs)]
    return out


@dataclass(frozen=True)
class BodySetting:
    """The body stream set at the column measure: lines per piece, the flow stream, what was found."""

    lines: tuple  # per piece: tuple of Line
    stream: tuple  # Para | Subhead
    findings: tuple[Finding, ...]
    ragged: int  # non-final lines not at the measure
    lonely: tuple[str, ...]  # paragraphs ending in 孤字


def set_body(article: Article, t: Template, faces: dict, measure_pt: float, grid: Rows) -> BodySetting:
    """Every body paragraph and subhead set once: all body columns have the same width."""
    opts = _compose_options(article)
    sub = t.styles["subhead"]
    lines, stream, findings, lonely = [], [], [], []
    ragged = 0
    for kind, path, text in body_pieces(article):
        if kind == "subhead":
            set_ = blocks.subhead_lines(text, faces["subhead"], sub.size_pt, measure_pt)
            lines.append(set_)
            stream.append(Subhead(blocks.subhead_rows(set_, sub.size_pt, sub.rows, grid), path))
            continue
        ps = compose_paragraph(text, faces["body"], t.body_size_pt, measure_pt, opts)
        findings += [Finding("warning", f.code, f.message, f"{path} char {f.offset}") for f in ps.findings]
        lines.append(ps.lines)
        stream.append(Para(len(ps.lines), path))
        ragged += sum(1 for ln in ps.lines if not ln.last and abs(ln.width_pt - measure_pt) > 0.05)
        if len(ps.lines) > 1 and _lonely(ps.lines[-1]):
            lonely.append(path)
    return BodySetting(tuple(lines), tuple(stream), tuple(findings), ragged, tuple(lonely))


def compose(article: Article, t: Template, faces: dict, photo_sizes: dict[str, tuple[int, int]],
            settings: Settings = Settings()) -> PageLayout:
    n = article.body_columns or t.body_columns
    body, basic, grid = body_columns(t, n), basic_columns(t), grid_rows(t)
    text = set_body(article, t, faces, body.column_width_pt, grid)
    band = _headline_band(article, t, faces, basic, grid)
    side = _sidebar_set(article, t, faces, body, grid)
    captions = {ph.id: {s: blocks.caption_lines(ph.caption.text, ph.credit.text if ph.credit else "",
                                                faces["caption"], t.styles["caption"].size_pt, body.width_pt(s))
                        for s in range(1, n + 1)}
                for ph in article.photos}
    problem = _problem(article, t, body, grid, text.stream, band.rows, side, captions, photo_sizes)
    fitting = settings.copyfit and bool(dict(article.options).get("copyfit", True))
    arrangement, found = _arrange(problem, article, fitting, settings.draft)
    findings = list(text.findings) + found
    findings += [Finding("warning", "lonely-char", "a single character alone on the last line (孤字)", key)
                 for key in text.lonely]

    items, frames = _place(article, t, faces, basic, body, grid, band, side, captions, arrangement, text)
    if arrangement.flow.overflow_lines and settings.draft:
        items += _overflow_mark(body, grid, arrangement)
    f = arrangement.flow
    figures = {
        "body_columns": n, "body_measure_chars": round(body.column_width_pt / t.body_size_pt, 2),
        "body_lines": sum(p.lines for p in text.stream if isinstance(p, Para)),
        "stream_rows": stream_rows(text.stream), "headline_rows": band.rows,
        "copyfit": {"lead_rows": arrangement.params.lead_rows, "tier_rows": arrangement.params.tier_rows,
                    "end_rows": arrangement.params.end_rows, "sidebar_padding_rows": arrangement.params.pad,
                    "cost": round(arrangement.cost, 4)},
        "widows": f.widows, "orphans": f.orphans, "ragged_lines": text.ragged, "lonely_last_chars": len(text.lonely),
        "stranded_subheads": len(f.stranded), "overflow_lines": f.overflow_lines, "empty_rows": f.unused_rows,
        "overlaps": len(arrange.overlaps(arrangement.cells)),
    }
    overlay = tuple(_grid_overlay(t, basic, grid, frames)) if settings.grid else ()
    return PageLayout(t.page_width_pt, t.page_height_pt, (0.0, 0.0, t.page_width_pt, t.page_height_pt),
                      tuple(items), tuple(frames), overlay, tuple(findings), figures)


def _headline_band(article: Article, t: Template, faces: dict, basic: Columns, grid: Rows) -> blocks.Band:
    h = article.headline
    credits = tuple(f"{c.role}/{c.name.text}" for c in article.byline)
    return blocks.headline_band(h.kicker.text if h.kicker else "", tuple(x.text for x in h.title),
                                h.subtitle.text if h.subtitle else "", credits, faces, t.styles, grid,
                                basic.x0_pt, t.type_width_pt)


def _sidebar_set(article: Article, t: Template, faces: dict, body: Columns, grid: Rows):
    if not article.sidebar:
        return None
    sb = article.sidebar
    return blocks.sidebar_set(sb.title.text, tuple(i.text for i in sb.items), faces["sidebar_title"],
                              faces["sidebar"], t.styles["sidebar_title"].size_pt, t.styles["sidebar"].size_pt,
                              body.width_pt(1), grid)


def _problem(article: Article, t: Template, body: Columns, grid: Rows, stream: tuple, top_row: int, side,
             captions: dict, photo_sizes: dict) -> Problem:
    """The copyfit problem in grid units: what must fit, which blocks may change and how far."""
    specs = {ph.id: PhotoSpec(ph.id, _aspect(photo_sizes[ph.id]), {s: c.rows for s, c in captions[ph.id].items()})
             for ph in article.photos}
    auto = [ph for ph in article.photos if ph.place is None]
    lead_group = [ph for ph in auto if ph.group == "lead"]
    end_group = [ph for ph in auto if ph.group == "end"]
    return Problem(
        columns=body.count, rows=t.rows, top_row=top_row, stream=stream,
        sidebar_rows=side.natural_rows if side and not article.sidebar.place else 0,
        sidebar_max_pad=t.sidebar_max_padding_rows,
        lead=specs[lead_group[0].id] if lead_group else None,
        tier=tuple(specs[p.id] for p in lead_group[1:]), end=tuple(specs[p.id] for p in end_group),
        fixed=_fixed_cells(article, t, body, specs, top_row), order=_flow_order(article, body.count),
        col_width_pt=body.column_width_pt, gutter_pt=body.gutter_pt, pitch_pt=grid.pitch_pt, gap_pt=grid.gap_pt,
        max_aspect_change=t.max_aspect_change, photo_min_rows=t.photo_min_rows,
        lead_min_rows=t.lead_photo_min_rows)


def _arrange(problem: Problem, article: Article, fitting: bool, draft: bool) -> tuple[arrange.Arrangement, list]:
    """Copyfit, or in --draft the nearest arrangement; the findings say what does not fit."""
    findings = []
    arrangement, why = arrange.copyfit(problem, exact=fitting)
    if arrangement is None and fitting and not draft:
        raise InputError(f"copyfit: {why}", article.source_file or "article",
                         "build with --draft to see the page with the overflow marked")
    if arrangement is None:
        if why:
            findings.append(Finding("error", "overflow", f"copyfit: {why}", "body"))
        arrangement = arrange.closest(problem)
    bad = arrange.overlaps(arrangement.cells)
    if bad:
        raise InputError(f"blocks {bad[0][0]} and {bad[0][1]} overlap", article.source_file,
                         "change the place: of the blocks placed by hand")
    f = arrangement.flow
    if f.overflow_lines:
        findings.append(Finding("error", "overflow", f"{f.overflow_lines} lines of body text do not fit", "body"))
    if f.unused_rows:
        findings.append(Finding("error" if fitting else "warning", "underfull",
                                f"{f.unused_rows} grid lines of the body columns stay empty", "body"))
    findings += [Finding("warning", "stranded-subhead", "subhead kept with fewer than 2 lines (背题)", key)
                 for key in f.stranded]
    return arrangement, findings


def _place(article, t, faces, basic, body, grid, band, side, captions, arrangement, text) -> tuple[list, list]:
    """Every primitive of the page in paint order, and the block frames."""
    e = article.edition
    items: list = list(blocks.folio(e.paper, e.date, e.page, e.page_name, e.editor, faces["folio"],
                                    t.styles["folio"].size_pt, basic.x0_pt, t.type_width_pt, grid.top_y(0),
                                    t.folio_baseline_above_pt, t.folio_rule_pt))
    items += band.items
    frames = [Frame("headline", "headline", basic.x0_pt, grid.bottom_y(0, band.rows - 1), t.type_width_pt,
                    grid.height_pt(band.rows - 1), 0, t.columns, 0, band.rows - 1, "basic")]
    photos = {ph.id: ph for ph in article.photos}
    for cell in arrangement.cells:
        items += _cell_items(cell, article, photos, captions, side, faces, t, body, grid, frames)
    body_items, text_cols = _body_items(arrangement, text.lines, text.stream, faces, t, body, grid)
    items += body_items
    items += _column_rules(text_cols, body, grid, t.column_rule_pt)
    for r in arrangement.regions:
        frames.append(Frame(f"text-{r.col}-{r.row}", "text", body.x_pt(r.col), grid.bottom_y(r.row, r.rows),
                            body.width_pt(1), grid.height_pt(r.rows), r.col, 1, r.row, r.rows, "body"))
    return items, frames


def _flow_order(article: Article, n: int) -> tuple[int, ...]:
    order = tuple(dict(article.options).get("flow_order") or ())
    if not order:
        return tuple(range(n))
    if sorted(order) != list(range(1, n + 1)):
        raise InputError(f"flow_order {list(order)} is not an order of the {n} body columns",
                         "options.flow_order", f"list each of 1–{n} once, e.g. {list(range(1, n + 1))}")
    return tuple(c - 1 for c in order)


def _lonely(line) -> bool:
    """孤字: a paragraph's last line holding a single character, with or without punctuation
    (typography.md §3.3)."""
    return sum(1 for ch in line.chars if char_class(ch) not in PUNCTUATION) <= 1


def _compose_options(article: Article) -> ComposeOptions:
    o = dict(article.options)
    kw = {}
    if "han_latin_space_em" in o:
        kw["han_latin_space_em"] = float(o["han_latin_space_em"])
    if "hanging" in o:
        kw["hanging"] = bool(o["hanging"])
    if "strictness" in o:
        kw["strictness"] = str(o["strictness"])
    return ComposeOptions(**kw)


def _aspect(size: tuple[int, int]) -> float:
    w, h = size
    return w / h


def _fixed_cells(article: Article, t: Template, body: Columns, specs: dict, top_row: int) -> tuple[Cell, ...]:
    """Blocks the desk placed by hand, converted to body-column cells (checked against the grid)."""
    out = []
    k = t.columns // body.count if t.columns % body.count == 0 else 0
    placed = [(ph.id, "photo", ph.place, f"photos[{i}].place") for i, ph in enumerate(article.photos) if ph.place]
    if article.sidebar and article.sidebar.place:
        placed.append(("sidebar", "sidebar", article.sidebar.place, "sidebar.place"))
    for block, kind, pl, where in placed:
        col, span = (pl.col or 1) - 1, pl.span or 1  # the desk counts from 1
        if pl.grid == "basic":
            if not k or col % k or span % k:
                raise InputError(f"col {col + 1} span {span} on the basic grid does not fall on the {body.count} body "
                                 f"columns", where, _basic_hint(k, t.columns))
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
            cell = Cell(block, kind, col, span, row, frame + cap + arrange.SPACER_ROWS, frame, cap)
        else:
            rows = pl.rows or 10
            cell = Cell(block, kind, col, span, row, rows + arrange.SPACER_ROWS, rows)
        if cell.row + cell.rows > t.rows + arrange.SPACER_ROWS:
            raise InputError(f"the block ends at row {cell.row + cell.rows}, below the {t.rows} rows of the page",
                             where, "reduce row or rows")
        out.append(cell)
    return tuple(out)


def _basic_hint(k: int, columns: int) -> str:
    if not k:
        return "use grid: body (the body columns are not spans of basic columns)"
    starts = ", ".join(str(c) for c in range(1, columns + 1, k))
    return f"use grid: body, or start at basic column {starts} and span a multiple of {k}"


def _cell_items(cell: Cell, article, photos, captions, side, faces, t, body, grid, frames) -> list:
    x, w = body.x_pt(cell.col), body.width_pt(cell.span)
    frame_row = cell.row + (arrange.SPACER_ROWS if cell.spacer_top else 0)
    top, height = grid.top_y(frame_row), grid.height_pt(cell.frame_rows)
    if cell.kind == "sidebar":
        frames.append(Frame("sidebar", "sidebar", x, top - height, w, height, cell.col, cell.span, frame_row,
                            cell.frame_rows, "body"))
        return blocks.sidebar_items(side, faces["sidebar_title"], faces["sidebar"],
                                    t.styles["sidebar_title"].size_pt, t.styles["sidebar"].size_pt, x, w, top, height)
    ph = photos[cell.block]
    frames.append(Frame(ph.id, "photo", x, top - height, w, height, cell.col, cell.span, frame_row,
                        cell.frame_rows + cell.caption_rows, "body"))
    out: list = [Image(x, top - height, w, height, ph.file, "", ph.id)]
    out += blocks.caption_items(captions[ph.id][cell.span], faces["caption"], t.styles["caption"].size_pt, x, w,
                                grid, frame_row + cell.frame_rows, ph.id)
    return out


def _body_items(arr, settings_by_piece, stream, faces, t, body, grid):
    items: list = []
    text_rows: dict[int, list[tuple[int, int]]] = {}
    size = t.body_size_pt
    sub = t.styles["subhead"]
    for slot in arr.flow.slots:
        region = arr.regions[slot.region]
        x = body.x_pt(region.col)
        text_rows.setdefault(region.col, []).append((slot.row, slot.row + slot.count))
        piece = stream[slot.item]
        lines = settings_by_piece[slot.item]
        if isinstance(piece, Subhead):
            key = piece.key
            items += blocks.subhead_items(lines, faces["subhead"], sub.size_pt, x, body.column_width_pt,
                                          grid.top_y(slot.row), grid.height_pt(slot.count), key)
            continue
        for i in range(slot.count):
            ln = lines[slot.first + i]
            row = slot.row + i
            items += blocks.runs_for_line(ln, x, grid.baseline_y(row), faces["body"], size, "body", piece.key, row)
    return items, text_rows


def _column_rules(text_rows: dict, body: Columns, grid: Rows, width_pt: float) -> list:
    """A hairline in the gutter wherever the columns on both sides carry text."""
    if width_pt <= 0:
        return []
    out = []
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


def _overflow_mark(body: Columns, grid: Rows, arr) -> list:
    """--draft: a magenta bar over the last column's foot saying how much is left over."""
    from layout.primitives import Box

    last = arr.regions[-1] if arr.regions else None
    if last is None:
        return []
    x = body.x_pt(last.col)
    y = grid.bottom_y(last.row, last.rows)
    return [Box(x, y, body.column_width_pt, grid.pitch_pt * 2, fill=GRID_MAGENTA, kind="overflow")]


def _grid_overlay(t: Template, basic: Columns, grid: Rows, frames: list) -> list:
    out = []
    top, bottom = grid.top_y(0), grid.bottom_y(0, t.rows)
    for c in range(basic.count):
        for x in (basic.x_pt(c), basic.x_pt(c) + basic.column_width_pt):
            out.append(Rule(x, top, x, bottom, 0.2, GRID_CYAN, "grid-column"))
    for r in range(t.rows + 1):
        y = grid.baseline_y(r) if r < t.rows else None
        if y is not None:
            out.append(Rule(basic.x0_pt, y, basic.x0_pt + t.type_width_pt, y, 0.1, GRID_MAGENTA, "grid-baseline"))
    for fr in frames:
        x0, y0, x1, y1 = fr.x_pt, fr.y_pt, fr.x_pt + fr.width_pt, fr.y_pt + fr.height_pt
        for a, b, c, d in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
            out.append(Rule(a, b, c, d, 0.6, GRID_CYAN, f"grid-frame-{fr.kind}"))
    return out
