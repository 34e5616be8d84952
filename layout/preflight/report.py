"""Preflight: what the desk must know about a page before it goes to press.

Pure: reads the Page, the PageLayout and what each stage found (validation, normalisation,
fonts, images, composition), checks the set body lines once more, and returns a `Report`
— errors fail the build unless --draft; warnings and figures are printed and kept as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from layout.compose.grid import rows as grid_rows
from layout.preflight import rules as design
from layout.base.model import Finding, Page
from layout.base.primitives import PageLayout
from layout.source.template import Template
from layout.text.cjk import prohibited_at_end, prohibited_at_start


@dataclass(frozen=True)
class Report:
    """Preflight's findings and figures for one page."""

    findings: tuple[Finding, ...]
    figures: dict = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def to_json(self) -> dict:
        return {
            "errors": [_f(f) for f in self.errors],
            "warnings": [_f(f) for f in self.warnings],
            "info": [_f(f) for f in self.findings if f.severity == "info"],
            "figures": self.figures,
        }

    def summary(self) -> str:
        fig = self.figures
        lines = [f"preflight: {len(self.errors)} error(s), {len(self.warnings)} warning(s), "
                 f"{sum(1 for f in self.findings if f.severity == 'info')} note(s)",
                 f"  body: {_body(fig)}; bad line starts {fig.get('bad_line_starts', 0)}, "
                 f"bad line ends {fig.get('bad_line_ends', 0)}, ragged {fig.get('ragged_lines', 0)}, "
                 f"孤字 {fig.get('lonely_last_chars', 0)}, 孤行 {fig.get('widows', 0)}, 背题 {fig.get('stranded_subheads', 0)}, "
                 f"off-grid {fig.get('off_grid_lines', 0)}, empty rows {fig.get('empty_rows', 0)}",
                 f"  photos: {fig.get('photos', 0)} placed, lowest {fig.get('min_ppi', 0):.0f} ppi, "
                 f"max ink {fig.get('max_ink_pct', 0):.0f} %"]
        rules = fig.get("rules", {})
        hard = [f"{name} {r['findings']}" for name, r in rules.items() if r["hard"] and r["findings"]]
        lines.append(f"  design rules: {sum(r['findings'] for r in rules.values() if r['hard'])} hard finding(s)"
                     + (f" ({', '.join(hard)})" if hard else f" in {sum(1 for r in rules.values() if r['hard'])} "
                        "hard rules"))
        for area in fig.get("reserved", ()):  # what each reserved (ad) area holds
            w, h = area["area_mm"]
            held = {"pdf": f"ad PDF {area['file']}", "image": f"image {area['file']}"}.get(area["kind"], "empty")
            scaled = (f", its page {area['page_mm'][0]:.1f} × {area['page_mm'][1]:.1f} mm scaled to fit"
                      if area.get("scale", [1.0, 1.0]) != [1.0, 1.0] else "")
            lines.append(f"  reserved {area['id']}: {held} in {w:.1f} × {h:.1f} mm{scaled}")
        for f in self.errors + self.warnings:
            lines.append(f"  {f.severity}: {f.where}: {f.message}".replace(": :", ":"))
        return "\n".join(lines)


def _measure(chars: float) -> str:
    return f"{chars:g}"


def _body(fig: dict) -> str:
    """Where the body text stands: a page of one story, its lines in its columns; a page of several items,
    the stories' lines in all and each item's share (a story's lines in its columns, a 简讯 block's lines)."""
    if "modules" not in fig:
        return (f"{fig.get('body_lines', 0)} lines in {fig.get('body_columns', 0)} columns of "
                f"{_measure(fig.get('body_measure_chars', 0))} characters")
    kinds = {m["item"]: m["kind"] for m in fig["modules"]}
    stories, boxes = [], []
    for sid in fig.get("stories", kinds):
        own = fig.get(sid, {})
        lines, cols, chars = own.get("body_lines", 0), own.get("body_columns", 0), own.get("body_measure_chars", 0)
        if kinds.get(sid) == "story":
            stories.append(f"{sid} {lines} in {cols} of {_measure(chars)}" if stories else
                           f"{sid} {lines} lines in {cols} columns of {_measure(chars)} characters")
        elif kinds.get(sid) == "briefs":
            boxes.append(f"a 简讯 block of {own.get('briefs_lines', 0)} lines ({sid})")
        elif kinds.get(sid) == "digest":
            boxes.append(f"a 导读 box ({sid})")
    said = f"{fig.get('body_lines', 0)} lines in {len(stories)} stor{'y' if len(stories) == 1 else 'ies'}"
    if stories:
        said += f" ({', '.join(stories)})"
    else:
        said = "no story"
    return " and ".join([said] + boxes) if len(boxes) < 2 else f"{said}, {', '.join(boxes[:-1])} and {boxes[-1]}"


def _f(f: Finding) -> dict:
    return {"code": f.code, "message": f.message, "where": f.where}


def preflight(page: Page, template: Template, layout: PageLayout, faces: dict, prepared: list,
              findings: tuple[Finding, ...], photo_sizes: Mapping[tuple[str, str], tuple[int, int]] | None = None
              ) -> Report:
    found = list(findings) + list(layout.findings)
    figures = dict(layout.figures)
    ruled, figures["rules"] = design.check(page, template, layout, photo_sizes or {})
    found += ruled
    strict = str(page.option("strictness", "strict"))
    body = layout.runs("body")
    starts = [r for r in body if prohibited_at_start(r.chars[0], strict)]
    ends = [r for r in body if prohibited_at_end(r.chars[-1], strict)]
    for r in starts:
        found.append(Finding("warning", "prohibited-start", f"line starts with {r.chars[0]!r}", f"{r.block} row {r.row}"))
    for r in ends:
        found.append(Finding("warning", "prohibited-end", f"line ends with {r.chars[-1]!r}", f"{r.block} row {r.row}"))
    # The grid is the trimmed page's: with --bleed the whole page sits higher on the sheet.
    grid, lift = grid_rows(template), layout.trim[1]
    off_grid = [r for r in body if r.row < 0 or abs(grid.baseline_y(r.row) + lift - r.y_pt) > 1e-6]
    figures.update({
        "bad_line_starts": len(starts), "bad_line_ends": len(ends), "off_grid_lines": len(off_grid),
        "photos": len(prepared),
        "min_ppi": min((pi.ppi for _, pi in prepared), default=0.0),
        "max_ink_pct": max((pi.max_ink_pct for _, pi in prepared), default=0.0),
        "body_chars": sum(len(r.chars) for r in body),
    })
    order = {"error": 0, "warning": 1, "info": 2}
    found.sort(key=lambda f: order.get(f.severity, 3))
    return Report(tuple(_dedupe(found)), figures)


def _dedupe(found: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in found:
        key = (f.severity, f.code, f.message, f.where)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
