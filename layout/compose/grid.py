"""The page grid: column divisions of the type area and the page-wide baseline grid.

Rows are counted from the top of the type area. A block that takes rows [r, r + n) is
`n * pitch - gap` tall (jlreq 行取り): its top is the em-box top of line r and its bottom the
em-box bottom of line r + n - 1, so blocks and body text share edges. Coordinates returned
here are PDF coordinates (pt, origin at the trim's bottom-left, y up).
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.source.template import Template

# The ideographic em box of the CJK faces sits 0.88 em above and 0.12 em below the baseline
# (Noto CJK BASE icft/icfb); with it the baseline of a body line is 0.88 em below the row top.
EM_BOX_ASCENT = 0.88


@dataclass(frozen=True)
class Columns:
    """A division of the type area into equal columns: the basic grid or the body (变栏) grid."""

    name: str
    x0_pt: float
    count: int
    column_width_pt: float
    gutter_pt: float

    def x_pt(self, col: int) -> float:
        return self.x0_pt + col * (self.column_width_pt + self.gutter_pt)

    def width_pt(self, span: int) -> float:
        return span * self.column_width_pt + (span - 1) * self.gutter_pt


@dataclass(frozen=True)
class Rows:
    """The baseline grid: `count` rows of `pitch_pt`, the first row's top at `top_y_pt`."""

    top_y_pt: float
    count: int
    pitch_pt: float
    size_pt: float

    @property
    def gap_pt(self) -> float:
        return self.pitch_pt - self.size_pt

    def top_y(self, row: int) -> float:
        return self.top_y_pt - row * self.pitch_pt

    def baseline_y(self, row: int, size_pt: float | None = None) -> float:
        return self.top_y(row) - EM_BOX_ASCENT * (size_pt or self.size_pt)

    def bottom_y(self, row: int, rows: int) -> float:
        """Bottom edge of a block taking rows [row, row + rows)."""
        return self.top_y(row + rows) + self.gap_pt

    def height_pt(self, rows: int) -> float:
        return rows * self.pitch_pt - self.gap_pt

    def rows_for_height(self, height_pt: float) -> int:
        """Fewest whole rows whose block height holds `height_pt`."""
        n = 1
        while self.height_pt(n) < height_pt - 1e-6:
            n += 1
        return n


def basic_columns(t: Template) -> Columns:
    return Columns("basic", t.type_left_pt, t.columns, t.column_width_pt, t.gutter_pt)


def rows(t: Template) -> Rows:
    return Rows(t.page_height_pt - t.type_top_pt, t.rows, t.line_pitch_pt, t.body_size_pt)
