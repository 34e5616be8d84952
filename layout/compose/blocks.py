"""The content of each block, set inside its frame: headline band, 报眉, subheads, captions, sidebar.

Pure: each function takes text, a face's metrics and a frame in PDF coordinates and returns
primitives (`GlyphRun`, `Rule`, `Box`). Sizes and measures come from the template; nothing
here picks a position on the grid — `compose` does that.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.compose.grid import EM_BOX_ASCENT, Rows
from layout.base.primitives import BLACK, PAPER, Box, GlyphRun, Rule
from layout.base.errors import InputError
from layout.text import titles
from layout.text.linebreak import ComposeOptions, Line, compose_paragraph, set_line

TITLE_FILL = 0.94  # a headline fills at most this share of the type width
SIDEBAR_TINT = (0.0, 0.0, 0.0, 0.08)  # 8 % K behind the items: a light, registration-safe tint
SIDEBAR_BAR = BLACK  # title bar, title knocked out to paper
CAPTION_OPTIONS = ComposeOptions(indent_em=0.0, align_last="start")


def runs_for_line(line: Line, x_pt: float, y_pt: float, face, size_pt: float, kind: str, block: str,
                  row: int = -1, color=BLACK) -> list[GlyphRun]:
    """A set line as glyph runs, split where a fallback face has to draw a character."""
    runs: list[GlyphRun] = []
    chars: list[str] = []
    xs: list[float] = []
    name = None
    for ch, x in zip(line.chars, line.xs_pt):
        if ch == " " or ch == "\u3000":
            continue  # spaces are positions, not marks
        f = face.face_for(ch) if hasattr(face, "face_for") else face
        fname = getattr(f, "name", None) or getattr(face, "name", "")
        if name is not None and fname != name and chars:
            runs.append(GlyphRun(x_pt, y_pt, name, size_pt, "".join(chars), tuple(xs), color, block, kind, row))
            chars, xs = [], []
        name = fname
        chars.append(ch)
        xs.append(round(x, 4))
    if chars:
        runs.append(GlyphRun(x_pt, y_pt, name or "", size_pt, "".join(chars), tuple(xs), color, block, kind, row))
    return runs


def phrases_line(phrases: tuple[str, ...], metrics, size_pt: float, gap_em: float = 1.0) -> Line:
    """Two 对仗 phrases on one line with a 1-em space between them (typography.md §4.3); the
    space is a position, not a character, so the text stays exactly the desk's."""
    return titles.line_of(phrases, metrics, size_pt, gap_em)


def size_steps(top_pt: float, least_pt: float, step_pt: float) -> list[float]:
    """Sizes from `top_pt` down to `least_pt` in `step_pt` steps, both ends included."""
    out, size = [], top_pt
    while size > least_pt + 1e-6:
        out.append(size)
        size = round(size - step_pt, 2)
    return out + [least_pt]


@dataclass(frozen=True)
class Band:
    """The headline band: its height in rows and what it draws."""

    rows: int
    items: tuple


@dataclass(frozen=True)
class HeadStyle:
    """How a story's headline group is set: the sizes of 引题, 主题 (and the least it may shrink to),
    副题 and byline, and whether a rule closes the band (the 专版's does; a module's white line and
    the rule between modules part it from the next)."""

    kicker_pt: float
    title_pt: float
    title_min_pt: float
    subtitle_pt: float
    byline_pt: float
    rule: bool = True
    extra_rows: int = 0  # white rows added to the band (a module's lever: air around its headline)
    title_lines: int = 1  # 1: one line at the largest size in range that fits, else more; 2: two lines
    # The story's first photo above the headline across the module (its frame rows; 0 = none): a
    # photo parts two neighbours' headlines (撞题) and leads the eye into the story.
    art_rows: int = 0

    @staticmethod
    def of_template(styles: dict) -> "HeadStyle":
        return HeadStyle(styles["kicker"].size_pt, styles["headline"].size_pt, styles["headline"].min_size_pt,
                         styles["subtitle"].size_pt, styles["byline"].size_pt)

    @staticmethod
    def for_rank(ladder: tuple[float, float], styles: dict, title_lines: int = 1) -> "HeadStyle":
        """A module's headline: 主题 within its rank's range of the ladder (`(least, most)` pt), 引题
        and 副题 two grades below its top."""
        least, most = ladder
        body = styles["byline"].size_pt
        return HeadStyle(max(body, round(most * 0.45)), most, least, max(body, round(most * 0.5)),
                         min(body, styles["byline"].size_pt), rule=False, title_lines=title_lines)


TITLE_STEP_PT = 2.0  # a headline steps down its rank's range two points at a time


def title_lines(title: tuple[str, ...], face, style: HeadStyle, width_pt: float, where: str) -> tuple[list, float]:
    """The 主题's lines and size: one line at the largest size of the style's range that fits
    `TITLE_FILL` of the width; or (`title_lines` 2, or no size fits one line) two lines broken where a
    reader expects (layout.text.titles) at the largest size that fits; else three. Never past the
    measure: an InputError when nothing in the range fits."""
    measure = TITLE_FILL * width_pt
    sizes = size_steps(style.title_pt, style.title_min_pt, TITLE_STEP_PT)
    for n in range(style.title_lines, 4):
        got = titles.fit(title, face, sizes, measure, n)
        if got is not None:
            return list(got.lines), got.size_pt
    raise InputError(f"the headline does not fit {width_pt:.0f} pt in three lines at {style.title_min_pt:g} pt "
                     f"(the least its rank allows)", where, "shorten the headline or give the story a wider module")


def title_fits_one_line(title: tuple[str, ...], face, style: HeadStyle, width_pt: float) -> bool:
    """Whether the 主题 takes one line at the top of its range (then a two-line variant is pointless)."""
    return phrases_line(title, face, style.title_pt).width_pt <= TITLE_FILL * width_pt + 1e-6


SIDE_LEAST = 0.8  # 引题, 副题 and byline step down to this share of their size before they break


def _side_lines(text: str | tuple[str, ...], face, size_pt: float, width_pt: float, kind: str,
                gap_em: float = 1.0, where: str = "") -> list[tuple[Line, object, float, str]]:
    """The 引题, 副题 or byline (credits a `gap_em` apart) in the band: one line at its size, else a
    little smaller, else broken where a reader expects (layout.text.titles); never past the width."""
    phrases = (text,) if isinstance(text, str) else text
    sizes = size_steps(size_pt, max(size_pt * SIDE_LEAST, 6.0), 0.5)
    for n in (1, 2, 3):
        got = titles.fit(phrases, face, sizes, TITLE_FILL * width_pt, n, gap_em=gap_em)
        if got is not None:
            return [(ln, face, got.size_pt, kind) for ln in got.lines]
    raise InputError(f"the {kind} does not fit {width_pt:.0f} pt in three lines", where or f"headline.{kind}",
                     "shorten it or give the story a wider module")


def headline_band(kicker: str, title: tuple[str, ...], subtitle: str, credits: tuple[str, ...],
                  faces: dict, style: HeadStyle, grid: Rows, x0_pt: float, width_pt: float, block: str,
                  where: str = "headline.title") -> Band:
    """Kicker, 主题 and byline centred across the width, stacked with optical spacing, in a whole
    number of rows plus a white line (and, in a 专版, a rule) under them."""
    parts: list[tuple[Line, object, float, str]] = []  # line, face, size, kind
    title_face = faces["headline"]
    lines, size = title_lines(title, title_face, style, width_pt, where)
    near = where.rsplit(".", 1)[0]  # headline.title → headline: the 引题's and 副题's places beside it
    if kicker:
        parts += _side_lines(kicker, faces["kicker"], style.kicker_pt, width_pt, "kicker", where=f"{near}.kicker")
    parts += [(ln, title_face, size, "headline") for ln in lines]
    if subtitle:
        parts += _side_lines(subtitle, faces["subtitle"], style.subtitle_pt, width_pt, "subtitle",
                             where=f"{near}.subtitle")
    if credits:
        parts += _side_lines(credits, faces["byline"], style.byline_pt, width_pt, "byline", gap_em=2.0,
                             where=near.removesuffix("headline") + "byline")
    # Space above each line after the first: a share of the larger neighbour's size (less within the title).
    gaps = [0.0] + [0.45 * max(parts[i][2], parts[i - 1][2]) * (0.5 if parts[i][3] == "byline" else 1.0)
                    * (0.4 if parts[i][3] == parts[i - 1][3] else 1.0)
                    for i in range(1, len(parts))]
    content_h = sum(p[2] for p in parts) + sum(gaps)
    rows = grid.rows_for_height(content_h + 0.5 * grid.pitch_pt) + style.extra_rows
    band_h = grid.height_pt(rows)
    # Optical centre: a touch above the geometric middle.
    y = grid.top_y(0) - (band_h - content_h) * 0.45
    items: list = []
    for (line, face, sz, kind), gap in zip(parts, gaps):
        y -= gap
        x = x0_pt + (width_pt - line.width_pt) / 2
        items += runs_for_line(line, x, y - EM_BOX_ASCENT * sz, face, sz, kind, block)
        y -= sz
    if style.rule:
        rule_y = grid.top_y(rows) - grid.pitch_pt / 2 + grid.gap_pt / 2
        items.append(Rule(x0_pt, rule_y, x0_pt + width_pt, rule_y, 1.0, BLACK, "headline-rule"))
    return Band(rows + 1, tuple(items))


@dataclass(frozen=True)
class FolioStyle:
    """How the template sets the 报眉: type size, baseline above the type area, 眉线 weight."""

    size_pt: float
    baseline_above_pt: float
    rule_pt: float


def folio(texts: tuple[str, str], face, style: FolioStyle, x0_pt: float, width_pt: float, top_y_pt: float) -> tuple:
    """报眉: `texts` (paper and date; page and 版名) left and right over the 眉线, above the type area
    whose top edge is `top_y_pt`."""
    y = top_y_pt + style.baseline_above_pt
    items: list = []
    for text, align in zip(texts, ("left", "right")):
        line = set_line(text, face, style.size_pt)
        x = x0_pt if align == "left" else x0_pt + width_pt - line.width_pt
        items += runs_for_line(line, x, y, face, style.size_pt, "folio", "folio")
    rule_y = top_y_pt + min(style.baseline_above_pt * 0.4, 8.0)
    items.append(Rule(x0_pt, rule_y, x0_pt + width_pt, rule_y, style.rule_pt, BLACK, "folio-rule"))
    return tuple(items)


SUBHEAD_STEP_PT = 0.5


def subhead_lines(phrases: tuple[str, ...], face, size_pt: float, width_pt: float,
                  least_pt: float | None = None) -> tuple[tuple[Line, ...], float]:
    """A 小标题 and its size: on one line if it fits the column, else on two broken at its phrases
    (or a clause or word boundary, layout.text.titles), else a size smaller down to `least_pt`, else
    three lines; as a last resort broken like a paragraph. It never runs past the column."""
    sizes = size_steps(size_pt, least_pt or size_pt, SUBHEAD_STEP_PT)
    for n, among in ((1, sizes[:1]), (2, sizes[:1]), (1, sizes[1:]), (2, sizes[1:]), (3, sizes)):
        got = titles.fit(phrases, face, among, width_pt, n) if among else None
        if got is not None:
            return got.lines, got.size_pt
    size = sizes[-1]
    text = "".join(phrases)
    broken = compose_paragraph(text, face, size, width_pt, ComposeOptions(indent_em=0.0, align_last="start")).lines
    return tuple(set_line(text[ln.start:ln.end].strip(), face, size) for ln in broken), size


def subhead_rows(lines: tuple[Line, ...], size_pt: float, base_rows: int, grid: Rows) -> int:
    need = len(lines) * size_pt * 1.3 + grid.pitch_pt  # breathing room above and below
    return max(base_rows, grid.rows_for_height(need))


def subhead_items(lines: tuple[Line, ...], face, size_pt: float, x_pt: float, width_pt: float, top_y: float,
                  height_pt: float, block: str) -> list:
    """Centred in its block of whole rows (行取り, jlreq #processing_of_gyoudori)."""
    lead = size_pt * 1.3
    content = size_pt + lead * (len(lines) - 1)
    y = top_y - (height_pt - content) / 2 - EM_BOX_ASCENT * size_pt
    items = []
    for ln in lines:
        items += runs_for_line(ln, x_pt + (width_pt - ln.width_pt) / 2, y, face, size_pt, "subhead", block)
        y -= lead
    return items


@dataclass(frozen=True)
class Caption:
    """A caption set at one width: its own lines, then the credit's."""

    text: tuple[Line, ...]
    credit: tuple[Line, ...] = ()

    @property
    def rows(self) -> int:
        return len(self.text) + len(self.credit)


def caption_lines(text: str, credit: str, face, size_pt: float, width_pt: float) -> Caption:
    lines = compose_paragraph(text, face, size_pt, width_pt, CAPTION_OPTIONS).lines
    credit_lines = compose_paragraph(credit, face, size_pt, width_pt, CAPTION_OPTIONS).lines if credit else ()
    return Caption(lines, credit_lines)


def caption_items(caption: Caption, face, size_pt: float, x_pt: float, width_pt: float, grid: Rows, first_row: int,
                  block: str) -> list:
    """Caption lines on the baseline grid under the photo: one line centred, several justified;
    the credit set flush right."""
    items = []
    n_text = len(caption.text)
    for i, ln in enumerate(caption.text + caption.credit):
        if i >= n_text:
            x = x_pt + width_pt - ln.width_pt
        elif n_text == 1:
            x = x_pt + (width_pt - ln.width_pt) / 2
        else:
            x = x_pt
        items += runs_for_line(ln, x, grid.baseline_y(first_row + i), face, size_pt, "caption", block,
                               row=first_row + i)
    return items


@dataclass(frozen=True)
class SidebarSet:
    """The sidebar's title and items set at the box's measure, and the rows they need."""

    title: Line
    items: tuple[tuple[Line, ...], ...]
    natural_rows: int


SIDEBAR_PAD_EM = 0.8
BULLET_EM = 1.2


def sidebar_set(title: str, items: tuple[str, ...], title_face, face, title_size: float, size_pt: float,
                width_pt: float, grid: Rows) -> SidebarSet:
    inner = width_pt - 2 * SIDEBAR_PAD_EM * size_pt - BULLET_EM * size_pt
    opts = ComposeOptions(indent_em=0.0, align_last="start")
    lines = tuple(compose_paragraph(t, face, size_pt, inner, opts).lines for t in items)
    n = sum(len(x) for x in lines)
    height = bar_height(title_size) + SIDEBAR_PAD_EM * size_pt * 2 + n * _item_pitch(size_pt, grid)
    return SidebarSet(set_line(title, title_face, title_size), lines, grid.rows_for_height(height))


def bar_height(title_size: float) -> float:
    """A heading bar's height: twice its type."""
    return title_size * 2.0


def _item_pitch(size_pt: float, grid: Rows) -> float:
    return max(grid.pitch_pt, size_pt * 1.75)


def sidebar_items(s: SidebarSet, title_face, face, title_size: float, size_pt: float, x_pt: float,
                  width_pt: float, top_y: float, height_pt: float, block: str) -> list:
    """A tinted box with a black title bar; items as a hanging list with square bullets, spread
    evenly when copyfit has given the box extra rows."""
    out: list = [Box(x_pt, top_y - height_pt, width_pt, height_pt, fill=SIDEBAR_TINT, kind="sidebar")]
    pitch_bar = bar_height(title_size)
    bar = Box(x_pt, top_y - pitch_bar, width_pt, pitch_bar, fill=SIDEBAR_BAR, kind="sidebar-bar")
    out.append(bar)
    ty = top_y - pitch_bar / 2 - (EM_BOX_ASCENT - 0.5) * title_size
    out += runs_for_line(s.title, x_pt + (width_pt - s.title.width_pt) / 2, ty, title_face, title_size,
                         "sidebar-title", block, color=PAPER)
    n = sum(len(x) for x in s.items)
    pad = SIDEBAR_PAD_EM * size_pt
    room = height_pt - pitch_bar - 2 * pad
    pitch = room / max(n, 1)
    y = top_y - pitch_bar - pad - (pitch - size_pt) / 2 - EM_BOX_ASCENT * size_pt
    x_text = x_pt + pad + BULLET_EM * size_pt
    for lines in s.items:
        sq = size_pt * 0.42
        out.append(Box(x_pt + pad + 0.15 * size_pt, y + 0.5 * size_pt * EM_BOX_ASCENT - sq / 2 - 0.05 * size_pt,
                       sq, sq, fill=BLACK, kind="bullet"))
        for ln in lines:
            out += runs_for_line(ln, x_text, y, face, size_pt, "sidebar", block)
            y -= pitch
    return out
