"""Bleed and crop marks: the trimmed page set inside a larger sheet, on request (--bleed, --marks).

Newspaper pages normally go to press at trim size with no marks (typography.md §5), so this
is off by default. With a bleed the MediaBox grows by the bleed on every side and the BleedBox
records it; with marks, the sheet grows further so that corner marks, offset from the trim by
the bleed, fit outside it. Pure: returns a new PageLayout, every primitive moved.
"""

from __future__ import annotations

import dataclasses

from layout.base.primitives import PageLayout, Rule, moved
from layout.base.units import mm_to_pt

MARK_LENGTH_PT = mm_to_pt(5)
MARK_WEIGHT_PT = 0.25
REGISTRATION = (1.0, 1.0, 1.0, 1.0)  # marks print on every plate, so each plate can be trimmed


def with_bleed(layout: PageLayout, bleed_pt: float, marks: bool) -> PageLayout:
    if bleed_pt <= 0 and not marks:
        return layout
    margin = bleed_pt + (MARK_LENGTH_PT + mm_to_pt(1) if marks else 0.0)
    x0, y0, x1, y1 = layout.trim
    w, h = x1 - x0, y1 - y0
    items = tuple(moved(i, margin, margin) for i in layout.items)
    trim = (margin, margin, margin + w, margin + h)
    bleed = (margin - bleed_pt, margin - bleed_pt, margin + w + bleed_pt, margin + h + bleed_pt)
    if marks:
        items += _crop_marks(trim, bleed_pt)
    return dataclasses.replace(
        layout, width_pt=w + 2 * margin, height_pt=h + 2 * margin, trim=trim, bleed=bleed, items=items,
        frames=tuple(moved(f, margin, margin) for f in layout.frames),
        grid_lines=tuple(moved(g, margin, margin) for g in layout.grid_lines),
        regions=tuple(moved(r, margin, margin) for r in layout.regions))


def _crop_marks(trim: tuple[float, float, float, float], offset_pt: float) -> tuple[Rule, ...]:
    """Two short lines at each corner, on the trim lines, starting `offset_pt` outside the trim."""
    x0, y0, x1, y1 = trim
    out = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            a = offset_pt
            out.append(Rule(x + sx * a, y, x + sx * (a + MARK_LENGTH_PT), y, MARK_WEIGHT_PT, REGISTRATION, "crop-mark"))
            out.append(Rule(x, y + sy * a, x, y + sy * (a + MARK_LENGTH_PT), MARK_WEIGHT_PT, REGISTRATION, "crop-mark"))
    return tuple(out)
