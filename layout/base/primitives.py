"""PageLayout: the composed page as positioned primitives in absolute pt (PDF coordinates).

Nothing here knows reportlab. The renderer paints these one by one and decides nothing;
tests read them directly (geometry) or through `dump()` (golden text files).
Colours are CMYK tuples of fractions 0–1.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

CMYK = tuple[float, float, float, float]
BLACK: CMYK = (0.0, 0.0, 0.0, 1.0)
PAPER: CMYK = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class GlyphRun:
    """One set line: `chars[i]` drawn with its origin at (x_pt + xs_pt[i], y_pt)."""

    x_pt: float
    y_pt: float  # baseline
    font: str  # the registered font that draws it (a fallback face may draw some characters)
    size_pt: float
    chars: str
    xs_pt: tuple[float, ...]
    color: CMYK = BLACK
    block: str = ""  # id of the block it belongs to
    kind: str = "text"  # body | subhead | caption | headline | ... (for tests and preflight)
    row: int = -1  # grid row for body lines; -1 off-grid
    story: str = ""  # id of the story it belongs to ("" for the page's own furniture)


@dataclass(frozen=True)
class Rule:
    """A stroked line."""

    x0_pt: float
    y0_pt: float
    x1_pt: float
    y1_pt: float
    width_pt: float
    color: CMYK = BLACK
    kind: str = "rule"
    story: str = ""  # id of the story it belongs to ("" for the page's own furniture)


@dataclass(frozen=True)
class Box:
    """A rectangle, filled and/or stroked."""

    x_pt: float
    y_pt: float  # bottom
    width_pt: float
    height_pt: float
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_pt: float = 0.0
    kind: str = "box"
    story: str = ""  # id of the story it belongs to ("" for the page's own furniture)


@dataclass(frozen=True)
class Image:
    """A photo placed in its frame; `prepared` is the print-ready file once images are prepared."""

    x_pt: float
    y_pt: float  # bottom
    width_pt: float
    height_pt: float
    source: str  # the desk's file
    prepared: str  # the print-ready CMYK JPEG
    block: str = ""
    story: str = ""  # id of the story it belongs to ("" for the page's own furniture)


@dataclass(frozen=True)
class PlacedPage:
    """A supplied one-page PDF (an ad) in its rectangle: the page's TrimBox (else MediaBox) is scaled
    onto the rectangle exactly and the page is clipped to it. reportlab cannot draw another PDF's
    page, so the renderer leaves it out and layout.output.place draws it into the rendered page, as
    a Form XObject beneath what the renderer drew (nothing else is composed in a reserved area; a
    --grid overlay stays visible over it)."""

    x_pt: float
    y_pt: float  # bottom
    width_pt: float
    height_pt: float
    file: str  # the PDF, as the build opens it (relative to the working folder or absolute)
    block: str = ""
    story: str = ""  # id of the story (reserved area) it belongs to


@dataclass(frozen=True)
class Frame:
    """A block's cell rectangle, for geometry tests and the --grid overlay."""

    block: str
    kind: str  # headline | photo | sidebar | subhead | text | folio
    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float
    col: int = -1
    span: int = 0
    row: int = -1
    rows: int = 0
    grid: str = "basic"
    story: str = ""  # id of the story it belongs to ("" for the page's own furniture)


@dataclass(frozen=True)
class StoryRegion:
    """Where one story stands on the page — its module: a story, a 简讯 block, a 导读 box or a reserved
    area — for the archive's story regions (e-paper hotspots) and ALTO."""

    story: str  # id
    kind: str  # story | briefs | digest | reserved
    title: str  # the headline (or heading, or label), as the archive names the region
    x_pt: float
    y_pt: float  # bottom
    width_pt: float
    height_pt: float


@dataclass(frozen=True)
class PageLayout:
    """A composed page: everything to draw, in paint order, with positions in pt."""

    width_pt: float
    height_pt: float
    trim: tuple[float, float, float, float]
    items: tuple = ()  # GlyphRun | Rule | Box | Image | PlacedPage, in paint order (placed pages: see there)
    frames: tuple[Frame, ...] = ()
    grid_lines: tuple[Rule, ...] = ()  # the --grid overlay (drawn only when asked)
    findings: tuple = ()
    figures: dict = field(default_factory=dict, compare=False)
    bleed: tuple[float, float, float, float] | None = None  # BleedBox, only when asked for
    regions: tuple[StoryRegion, ...] = ()  # each story's module, in reading order of importance
    continued: tuple = ()  # 转版: (story id, page, ((field path, text, first char), …)) of each story cut here

    def runs(self, kind: str | None = None) -> list[GlyphRun]:
        return [i for i in self.items if isinstance(i, GlyphRun) and (kind is None or i.kind == kind)]


def _f(x: float) -> str:
    return f"{x:.2f}"


def dump(layout: PageLayout) -> str:
    """One primitive per line, 0.01 pt: the golden-file format for layout tests."""
    out = [f"page {_f(layout.width_pt)} {_f(layout.height_pt)}"]
    for fr in layout.frames:
        out.append(f"frame {fr.kind} {fr.block} {fr.grid} col={fr.col} span={fr.span} row={fr.row} "
                   f"rows={fr.rows} {_f(fr.x_pt)} {_f(fr.y_pt)} {_f(fr.width_pt)} {_f(fr.height_pt)}")
    for it in layout.items:
        if isinstance(it, GlyphRun):
            out.append(f"text {it.kind} {it.font} {_f(it.size_pt)} row={it.row} {_f(it.x_pt)} {_f(it.y_pt)} "
                       f"{it.chars} | {' '.join(_f(x) for x in it.xs_pt)}")
        elif isinstance(it, Rule):
            out.append(f"rule {it.kind} {_f(it.x0_pt)} {_f(it.y0_pt)} {_f(it.x1_pt)} {_f(it.y1_pt)} {_f(it.width_pt)}")
        elif isinstance(it, Box):
            out.append(f"box {it.kind} {_f(it.x_pt)} {_f(it.y_pt)} {_f(it.width_pt)} {_f(it.height_pt)} "
                       f"fill={it.fill} stroke={it.stroke}")
        elif isinstance(it, Image):
            out.append(f"image {it.block} {_f(it.x_pt)} {_f(it.y_pt)} {_f(it.width_pt)} {_f(it.height_pt)}")
        elif isinstance(it, PlacedPage):
            out.append(f"placed-page {it.block} {_f(it.x_pt)} {_f(it.y_pt)} {_f(it.width_pt)} {_f(it.height_pt)}")
    return "\n".join(out) + "\n"


def moved(item, dx_pt: float, dy_pt: float, drows: int = 0, dcols: int = 0, story: str | None = None):
    """`item` translated by (dx_pt, dy_pt); grid rows and columns it records move by `drows`/`dcols`
    (a story composed in its area's own coordinates is placed on the page this way), and it is
    marked as the `story`'s when given."""
    if story is not None:
        item = dataclasses.replace(item, story=story)
    if isinstance(item, Rule):
        return dataclasses.replace(item, x0_pt=item.x0_pt + dx_pt, y0_pt=item.y0_pt + dy_pt,
                                   x1_pt=item.x1_pt + dx_pt, y1_pt=item.y1_pt + dy_pt)
    if isinstance(item, GlyphRun):
        return dataclasses.replace(item, x_pt=item.x_pt + dx_pt, y_pt=item.y_pt + dy_pt,
                                   row=item.row + drows if item.row >= 0 else item.row)
    if isinstance(item, Frame):
        return dataclasses.replace(item, x_pt=item.x_pt + dx_pt, y_pt=item.y_pt + dy_pt,
                                   row=item.row + drows if item.row >= 0 else item.row,
                                   col=item.col + dcols if item.col >= 0 and item.grid == "basic" else item.col)
    if isinstance(item, (Box, Image, PlacedPage, StoryRegion)):
        return dataclasses.replace(item, x_pt=item.x_pt + dx_pt, y_pt=item.y_pt + dy_pt)
    raise TypeError(f"cannot move {type(item).__name__}")
