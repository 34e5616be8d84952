"""compose.boxes: a 简讯 block and a 导读 box composed into the grid area they are given.

Like a story (layout.compose.story), each knows nothing of the page and returns a StoryBlock in its
area's own coordinates. Each has a heading bar (the heading knocked out of a black bar, as the
sidebar's title); then

- 简讯 (Briefs): the items, each a paragraph in the body face at the column measure, threaded column
  after column; white lines between items (up to `modules.briefs_gap_rows` each) make the text fill
  its columns exactly, so a 简讯 block fits a module of a few heights (`briefs_rows`);
- 导读 (Digest): a tinted box of pointers, each a title with its page 第N版 flush right, spread
  evenly when the box grows (up to `modules.digest_max_padding_rows`);
- 补白 (Filler): a tinted box with its heading bar (if it has one) and its short text, spread evenly
  when the box grows (up to `modules.filler_max_padding_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.compose import blocks
from layout.compose.flow import Para, Region, Subhead, flow
from layout.compose.grid import EM_BOX_ASCENT, Rows
from layout.compose.story import Area, Kit, StoryBlock, compose_options, geometry
from layout.base.errors import InputError
from layout.base.model import Briefs, Digest, Filler, Finding
from layout.base.primitives import BLACK, PAPER, Box, Frame, Rule
from layout.text.linebreak import compose_paragraph, set_line

DIGEST_TINT = (0.0, 0.0, 0.0, 0.08)


def heading_rows(kit: Kit, grid: Rows) -> int:
    """Rows of a heading bar and the white line under it."""
    return grid.rows_for_height(blocks.bar_height(kit.template.styles["sidebar_title"].size_pt)) + 1


def _bar(text: str, kit: Kit, x_pt: float, width_pt: float, top_y: float, block: str) -> list:
    size = kit.template.styles["sidebar_title"].size_pt
    face = kit.faces["sidebar_title"]
    h = blocks.bar_height(size)
    line = set_line(text, face, size)
    out: list = [Box(x_pt, top_y - h, width_pt, h, fill=BLACK, kind="heading-bar")]
    out += blocks.runs_for_line(line, x_pt + (width_pt - line.width_pt) / 2,
                                top_y - h / 2 - (EM_BOX_ASCENT - 0.5) * size, face, size, "heading", block,
                                color=PAPER)
    return out


# ---------------------------------------------------------------- 简讯


@dataclass(frozen=True)
class BriefsSet:
    """A 简讯 block's items set at a column measure."""

    lines: tuple  # per item: tuple of Line
    head_rows: int

    @property
    def text_rows(self) -> int:
        return sum(len(x) for x in self.lines)


def set_briefs(b: Briefs, kit: Kit, area: Area) -> tuple[BriefsSet, object]:
    geo = geometry(kit.template, area, area.span)
    opts = compose_options(kit.options)
    lines = tuple(compose_paragraph(t.text, kit.faces["body"], kit.template.body_size_pt, geo.body.column_width_pt,
                                    opts).lines for t in b.items)
    return BriefsSet(lines, heading_rows(kit, geo.rows)), geo


def briefs_rows(b: Briefs, kit: Kit, span: int, rows: range, gap: int | None = None) -> list[int]:
    """The module heights (in `rows`) a 简讯 block `span` basic columns wide fills exactly, with up to
    `gap` white lines between its items (default: the template's modules.briefs_gap_rows)."""
    s, _ = set_briefs(b, kit, Area(0, span, 0, max(rows)))
    gaps = (len(b.items) - 1) * (kit.template.briefs_gap_rows if gap is None else gap)
    return [r for r in rows if 0 <= span * (r - s.head_rows) - s.text_rows <= gaps]


def compose_briefs(b: Briefs, area: Area, kit: Kit, gap: int | None = None) -> StoryBlock:
    """The 简讯 block in `area`, its columns filled exactly with up to `gap` white lines between items
    (default: the template's; InputError when no spacing of its items does)."""
    s, geo = set_briefs(b, kit, area)
    capacity = geo.body.count * (area.rows - s.head_rows)
    spare = capacity - s.text_rows
    gap = kit.template.briefs_gap_rows if gap is None else gap
    if not 0 <= spare <= (len(b.items) - 1) * gap:
        raise InputError(f"the 简讯 block needs {s.text_rows} lines but its module holds {capacity}",
                         b.where(), "the page's module search should not have chosen this area")
    stream, spacer = [], []
    # The spare lines spread evenly between the items, the first gaps taking one more (with a gap of
    # one line, the first `spare` gaps take one each).
    each, extra = divmod(spare, max(1, len(b.items) - 1))
    for k, item in enumerate(s.lines):
        if k:
            g = each + (1 if k <= extra else 0)
            stream.append(Subhead(g, b.field(f"briefs[{k}]"), keep_lines=0))
            spacer.append(len(stream) - 1)
        stream.append(Para(len(item), b.field(f"briefs[{k}]")))
    regions = tuple(Region(c, s.head_rows, area.rows - s.head_rows) for c in range(geo.body.count))
    f = flow(tuple(stream), regions)
    items: list = _bar(b.heading.text, kit, 0.0, geo.basic.width_pt(area.span), 0.0, f"{b.id}/heading")
    lines_by_piece = []
    for k, item in enumerate(s.lines):
        if k:
            lines_by_piece.append(())
        lines_by_piece.append(item)
    for slot in f.slots:
        if slot.item in spacer:
            continue
        region = regions[slot.region]
        x = geo.body.x_pt(region.col)
        for i in range(slot.count):
            ln = lines_by_piece[slot.item][slot.first + i]
            row = slot.row + i
            items += blocks.runs_for_line(ln, x, geo.rows.baseline_y(row), kit.faces["body"], kit.template.body_size_pt,
                                          "body", stream[slot.item].key, row)
    frames = (Frame(f"{b.id}/briefs", "briefs", 0.0, geo.rows.bottom_y(0, area.rows), geo.basic.width_pt(area.span),
                    geo.rows.height_pt(area.rows), 0, area.span, 0, area.rows, "basic"),)
    findings = ()
    if f.overflow_lines:
        findings = (Finding("error", "overflow", f"{f.overflow_lines} lines of the 简讯 block do not fit", b.id),)
    return StoryBlock(b.id, area, tuple(items), frames, findings,
                      {"briefs_lines": s.text_rows, "briefs_gap_rows": capacity - s.text_rows})


# ---------------------------------------------------------------- 导读


DIGEST_PAD_EM = 0.8


def digest_rows(d: Digest, kit: Kit, grid: Rows) -> int:
    """The 导读 box's natural rows (its heading bar, a line per pointer, padding)."""
    size = kit.template.styles["sidebar"].size_pt
    height = blocks.bar_height(kit.template.styles["sidebar_title"].size_pt) + 2 * DIGEST_PAD_EM * size
    return grid.rows_for_height(height + len(d.pointers) * max(grid.pitch_pt, 1.75 * size))


def digest_fits(d: Digest, kit: Kit, width_pt: float) -> bool:
    """Whether every pointer, with its page, fits a 导读 box `width_pt` wide on one line."""
    size, face = kit.template.styles["sidebar"].size_pt, kit.faces["sidebar"]
    room = width_pt - 2 * DIGEST_PAD_EM * size - size
    return all(set_line(title.text, face, size).width_pt + set_line(f"第{page}版", face, size).width_pt <= room
               for title, page in d.pointers)


def compose_digest(d: Digest, area: Area, kit: Kit) -> StoryBlock:
    """The 导读 box filling `area`: a tinted box, its heading bar, the pointers spread evenly."""
    geo = geometry(kit.template, area, area.span)
    need = digest_rows(d, kit, geo.rows)
    if not need <= area.rows <= need + kit.template.digest_max_padding_rows:
        raise InputError(f"the 导读 box needs {need}–{need + kit.template.digest_max_padding_rows} rows, its module "
                         f"has {area.rows}", d.where(), "the page's module search should not have chosen this area")
    width, height = geo.basic.width_pt(area.span), geo.rows.height_pt(area.rows)
    size = kit.template.styles["sidebar"].size_pt
    face = kit.faces["sidebar"]
    items: list = [Box(0.0, -height, width, height, fill=DIGEST_TINT, kind="digest")]
    items += _bar(d.heading.text, kit, 0.0, width, 0.0, f"{d.id}/heading")
    pad = DIGEST_PAD_EM * size
    top = blocks.bar_height(kit.template.styles["sidebar_title"].size_pt) + pad
    pitch = (height - top - pad) / max(len(d.pointers), 1)
    y = -top - (pitch - size) / 2 - EM_BOX_ASCENT * size
    for k, (title, page) in enumerate(d.pointers):
        where = set_line(f"第{page}版", face, size)
        room = width - 2 * pad - where.width_pt - size
        line = set_line(title.text, face, size)
        if line.width_pt > room:
            raise InputError(f"the pointer is {line.width_pt:.0f} pt wide, the 导读 box leaves it {room:.0f} pt",
                             d.place(f"pointers[{k}].title"), "shorten the title or give the box a wider module")
        items += blocks.runs_for_line(line, pad, y, face, size, "digest", f"{d.id}/pointers[{k}]")
        items += blocks.runs_for_line(where, width - pad - where.width_pt, y, face, size, "digest",
                                      f"{d.id}/pointers[{k}]")
        if k + 1 < len(d.pointers):
            rule_y = y - (pitch - size) / 2 - (1 - EM_BOX_ASCENT) * size
            items.append(Rule(pad, rule_y, width - pad, rule_y, 0.25, BLACK, "digest-rule"))
        y -= pitch
    frames = (Frame(f"{d.id}/digest", "digest", 0.0, -height, width, height, 0, area.span, 0, area.rows, "basic"),)
    return StoryBlock(d.id, area, tuple(items), frames, (), {"digest_padding_rows": area.rows - need})


# ---------------------------------------------------------------- 补白


FILLER_PAD_EM = 0.8
FILLER_FILL = 0.5  # a filler of one-line paragraphs fills at least this share of its box's measure


def _filler_lines(f: Filler, kit: Kit, width_pt: float) -> tuple:
    size, face = kit.template.styles["sidebar"].size_pt, kit.faces["sidebar"]
    opts = compose_options(kit.options)
    measure = width_pt - 2 * FILLER_PAD_EM * size
    return tuple(compose_paragraph(t.text, face, size, measure, opts).lines for t in f.text)


def _filler_top(f: Filler, kit: Kit) -> float:
    """The box's top furniture: its heading bar (if any) and the padding under it."""
    size = kit.template.styles["sidebar"].size_pt
    bar = blocks.bar_height(kit.template.styles["sidebar_title"].size_pt) if f.heading else 0.0
    return bar + FILLER_PAD_EM * size


def filler_rows(f: Filler, kit: Kit, span: int, grid: Rows) -> range:
    """The module heights a 补白 box `span` basic columns wide fills: its natural rows up to
    `modules.filler_max_padding_rows` more, never more than twice its natural height (an empty range
    when its text would wrap past 4 lines a paragraph, too narrow a box; or when its one-line
    paragraphs fill less than half the measure, too wide a box)."""
    t = kit.template
    width = span * t.column_width_pt + (span - 1) * t.gutter_pt
    lines = _filler_lines(f, kit, width)
    measure = width - 2 * FILLER_PAD_EM * t.styles["sidebar"].size_pt
    if any(len(p) > 4 for p in lines):
        return range(0)
    if all(len(p) == 1 and p[0].width_pt < FILLER_FILL * measure for p in lines):
        return range(0)  # a few words in a wide box read as an empty one
    size = t.styles["sidebar"].size_pt
    n = sum(len(p) for p in lines)
    need = grid.rows_for_height(_filler_top(f, kit) + FILLER_PAD_EM * size + n * max(grid.pitch_pt, 1.75 * size))
    return range(need, need + min(t.filler_max_padding_rows, need) + 1)  # at most twice its natural height


def compose_filler(f: Filler, area: Area, kit: Kit) -> StoryBlock:
    """The 补白 box filling `area`: a tinted box, its heading bar, its lines spread evenly."""
    geo = geometry(kit.template, area, area.span)
    fits = filler_rows(f, kit, area.span, geo.rows)
    if area.rows not in fits:
        raise InputError(f"the 补白 {f.id} fills {fits.start}–{fits.stop - 1} rows, its module has {area.rows}",
                         f.path or f.id, "the page's module search should not have chosen this area")
    width, height = geo.basic.width_pt(area.span), geo.rows.height_pt(area.rows)
    size, face = kit.template.styles["sidebar"].size_pt, kit.faces["sidebar"]
    items: list = [Box(0.0, -height, width, height, fill=DIGEST_TINT, kind="filler")]
    if f.heading:
        items += _bar(f.heading.text, kit, 0.0, width, 0.0, f"{f.id}/heading")
    paras = _filler_lines(f, kit, width)
    n = sum(len(p) for p in paras)
    pad = FILLER_PAD_EM * size
    top = _filler_top(f, kit)
    # Lines spread evenly as the box grows, but no wider apart than a loose leading: the rest of the
    # white goes above and below them, the text centred in the box.
    pitch = min((height - top - pad) / max(n, 1), 2.2 * size)
    y = -top - ((height - top - pad) - pitch * n) / 2 - (pitch - size) / 2 - EM_BOX_ASCENT * size
    for i, para in enumerate(paras):
        for ln in para:
            items += blocks.runs_for_line(ln, pad, y, face, size, "filler", f.field(f"text[{i}]"))
            y -= pitch
    frames = (Frame(f"{f.id}/filler", "filler", 0.0, -height, width, height, 0, area.span, 0, area.rows, "basic"),)
    return StoryBlock(f.id, area, tuple(items), frames, (), {"filler_padding_rows": area.rows - fits.start})
