#!/usr/bin/env python3
"""Read a press PDF back and measure the body text typography, from the PDF alone.

    python tools/pdfcheck.py out/article.pdf [--json] [--template broadsheet] [--columns 4]
                             [--strictness strict] [--tolerance 0.05]

Prints counts and exits 0 (a bad PDF path or an unreadable file: one `error:` line, exit 2).
The counts are what issue 3 asks to be zero on the real page.

How body text is found (documented choice, chosen to be robust without layout internals):
  * geometry comes from the template (`layout/source/templates/<name>.yaml`): trim, type-area top, basic
    grid, body columns (`--columns`, default the template's `body.columns`), body size and line
    pitch. Coordinates are taken relative to the PDF's TrimBox.
  * a body character is an upright character of the body size (9 pt) whose baseline lies inside
    the type area, set in the *body face*: the face (subset prefix `ABCDEF+` dropped) that draws the
    most such characters. That excludes the 报眉 (above the type area), headline, subheads and the
    sidebar (other sizes) and the captions (楷, another face at 9 pt). Characters of the body size
    in another face that sit on an existing body line (a fallback glyph) join that line.
    Caveat: a template whose captions used the body face at the body size would count them as body.
  * a character belongs to the body column whose x-range holds its origin (an opening mark at line
    start may sit ½ em left of the edge; a hanging mark starts at the right edge).
  * lines are (column, baseline) groups; reading order is column by column, left to right, and top
    to bottom inside a column (the 专版 text chain).

What is measured per body line (em = body size):
  * flush start: the first glyph's origin on the column's left edge, or — for an opening mark whose
    blank half was removed in full or in part — up to that blank left of it; "indented": the same
    2 em in (first line of a paragraph). Anything else is a misaligned start.
  * flush end: the last glyph's advance ends on the right edge or, for a closing/pause/stop mark
    set narrower (GB/T 15834 §5.1.10, fully or partly compressed), up to its blank half beyond it;
    a hanging 、，。 past the edge is skipped. Tolerance 0.05 pt. Ending further right is "overfull".
  * a paragraph's last line is a line followed (in reading order) by an indented line or by
    nothing; only it may end short. A short line followed by anything else is "ragged".
  * 孤字: a paragraph's last line (of a paragraph of more than one line, i.e. the line itself not
    indented) holding a single character (Han or other) with or without punctuation.
  * off grid: a baseline that is not a whole number of line pitches below the template's first
    baseline (type-area top − 0.88 em, the CJK em box ascent used by the grid).
  * not level: a pair of neighbouring columns whose baselines differ by other than whole pitches.
  * image overlap: any text line (any size) whose glyph boxes cross a placed image.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from layout.text import cjk  # noqa: E402

TOL_GRID = 0.01  # pt: baselines are written with 3 decimals

# Removable blank share of each punctuation class (GB positions, typography.md §2).
_LEFT_BLANK = {cjk.OPEN: 0.5, cjk.MIDDLE: 0.25}
_RIGHT_BLANK = {cjk.CLOSE: 0.5, cjk.PAUSE: 0.5, cjk.STOP: 0.5, cjk.MIDDLE: 0.25}
_PUNCT_CLASSES = {cjk.OPEN, cjk.CLOSE, cjk.PAUSE, cjk.STOP, cjk.MIDDLE, cjk.LONG, cjk.CONNECTOR,
                  cjk.HALFPUNCT, cjk.POSTFIX, cjk.PREFIX}


class CheckError(Exception):
    """A problem with the checker's input (unreadable PDF, unknown template)."""


@dataclass(frozen=True)
class Geometry:
    """The grid the body text should sit on, in pt relative to the trim's bottom-left corner."""

    columns: tuple[tuple[float, float], ...]  # (left, right) of each body column
    size_pt: float
    pitch_pt: float
    first_baseline_pt: float
    type_top_pt: float
    type_bottom_pt: float
    rows: int
    spans: tuple[tuple[float, float, int], ...] = ()  # per column (top, bottom, module): where it holds text

    def column_of(self, x: float, y: float) -> int | None:
        """The body column whose box holds a character at origin (x, baseline y)."""
        for i, (left, right) in enumerate(self.columns):
            if left - 0.5 * self.size_pt - 0.05 <= x < right + 0.05:
                if not self.spans:
                    return i
                top, bottom, _ = self.spans[i]
                if bottom - 0.01 <= y <= top + 0.01:
                    return i
        return None

    def module(self, col: int) -> int:
        return self.spans[col][2] if self.spans else 0

    @classmethod
    def from_report(cls, report: dict, name_or_path: str = "broadsheet") -> Geometry:
        """The body columns of every text module of a page of several stories, from its report's
        `figures.modules` (their place on the basic grid and their body columns)."""
        from layout.compose.grid import EM_BOX_ASCENT, rows
        from layout.compose.story import Area, geometry
        from layout.base.errors import InputError
        from layout.source.template import load_template

        try:
            t = load_template(name_or_path, ROOT)
        except InputError as e:
            raise CheckError(f"template: {e.line()}") from None
        grid = rows(t)
        cols, spans = [], []
        for k, m in enumerate(report["figures"]["modules"]):
            if m["kind"] not in ("story", "briefs"):
                continue
            col, span, row = m["col"] - 1, m["span"], m["row"] - 1
            height = m["rows"] - (1 if m["separated"] else 0)
            body = geometry(t, Area(col, span, row, height), m["body_columns"]).body
            x0 = t.type_left_pt + body.x0_pt + (t.column_width_pt + t.gutter_pt) * col
            for i in range(body.count):
                cols.append((x0 + body.x_pt(i), x0 + body.x_pt(i) + body.column_width_pt))
                spans.append((grid.baseline_y(row), grid.baseline_y(row + height - 1), k))
        top = grid.top_y(0)
        return cls(tuple(cols), t.body_size_pt, t.line_pitch_pt, top - EM_BOX_ASCENT * t.body_size_pt, top,
                   grid.bottom_y(0, t.rows), t.rows, tuple(spans))

    @classmethod
    def from_template(cls, name_or_path: str = "broadsheet", columns: int | None = None) -> Geometry:
        from layout.base.errors import InputError
        from layout.compose.grid import EM_BOX_ASCENT, rows
        from layout.compose.story import Area, geometry
        from layout.source.template import load_template

        try:
            t = load_template(name_or_path, ROOT)
        except InputError as e:
            raise CheckError(f"template: {e.line()}") from None
        n = columns or t.body_columns
        if not 1 <= n <= t.columns * 4:
            raise CheckError(f"--columns {n} is out of range 1–{t.columns * 4}")
        body = geometry(t, Area(0, t.columns, 0, t.rows), n).body
        grid = rows(t)
        cols = tuple((t.type_left_pt + body.x_pt(i), t.type_left_pt + body.x_pt(i) + body.column_width_pt)
                     for i in range(n))
        top = grid.top_y(0)
        return cls(cols, t.body_size_pt, t.line_pitch_pt, top - EM_BOX_ASCENT * t.body_size_pt, top,
                   grid.bottom_y(0, t.rows), t.rows)


@dataclass
class BodyLine:
    col: int
    y: float  # baseline, pt from the trim bottom
    chars: list = field(default_factory=list)  # pdfplumber char dicts, sorted by x
    start: str = ""  # "flush" | "indent" | "misaligned"
    end_flush: bool = False
    overfull: bool = False
    para_end: bool = False

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


def _base_font(name: str) -> str:
    return name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name


def _blank(ch: str, table: dict) -> float:
    return table.get(cjk.char_class(ch), 0.0) if len(ch) == 1 else 0.0


def read_page(path: str):
    """(trim origin, chars, image boxes) of the first page; raises CheckError if unreadable."""
    import pdfplumber

    if not os.path.isfile(path):
        raise CheckError(f"{path}: no such file (hint: build it first with make_pdf.py)")
    try:
        pdf = pdfplumber.open(path)
    except Exception as e:  # pdfminer raises many types for a broken file
        raise CheckError(f"{path}: not a readable PDF ({type(e).__name__})") from None
    with pdf:
        if not pdf.pages:
            raise CheckError(f"{path}: the PDF has no pages")
        page = pdf.pages[0]
        trim = page.page_obj.attrs.get("TrimBox") or page.page_obj.attrs.get("MediaBox")
        try:
            tx, ty = float(trim[0]), float(trim[1])
        except Exception:
            tx, ty = 0.0, 0.0
        chars = []
        for c in page.chars:
            m = c["matrix"]
            chars.append({"text": c["text"], "x": m[4] - tx, "y": m[5] - ty, "adv": float(c["adv"]),
                          "size": float(c["size"]), "font": _base_font(c["fontname"]), "upright": c["upright"],
                          "y0": c["y0"] - ty, "y1": c["y1"] - ty, "x1": c["x1"] - tx})
        images = [(im["x0"] - tx, im["y0"] - ty, im["x1"] - tx, im["y1"] - ty) for im in page.images]
    return chars, images


def body_lines(chars: list[dict], g: Geometry) -> tuple[list[BodyLine], str, int]:
    """Body lines in reading order, the body face's name, and the count of body chars outside columns."""
    def sized(c):
        return (c["upright"] and abs(c["size"] - g.size_pt) < 0.01
                and g.type_bottom_pt - 0.01 <= c["y"] <= g.type_top_pt + 0.01)

    cands = [c for c in chars if sized(c)]
    if not cands:
        return [], "", 0
    face = Counter(c["font"] for c in cands).most_common(1)[0][0]
    lines: dict[tuple[int, float], BodyLine] = {}
    stray = 0
    for c in cands:
        if c["font"] != face:
            continue
        col = g.column_of(c["x"], c["y"])
        if col is None:
            stray += 1
            continue
        key = (col, round(c["y"], 2))
        lines.setdefault(key, BodyLine(col, c["y"])).chars.append(c)
    for c in cands:  # fallback glyphs on body lines
        if c["font"] != face:
            col = g.column_of(c["x"], c["y"])
            key = (col, round(c["y"], 2))
            if key in lines:
                lines[key].chars.append(c)
    ordered = sorted(lines.values(), key=lambda ln: (g.module(ln.col), ln.col, -ln.y))
    for ln in ordered:
        ln.chars.sort(key=lambda c: c["x"])
    return ordered, face, stray


def _classify(ln: BodyLine, g: Geometry, tol: float) -> None:
    left, right = g.columns[ln.col]
    first = ln.chars[0]
    lb = _blank(first["text"], _LEFT_BLANK) * first["adv"]
    ln.start = "misaligned"
    for name, edge in (("flush", left), ("indent", left + 2 * g.size_pt)):
        # an opening mark may lose all or part of its blank half at line start: origin in [edge − blank, edge]
        if abs(first["x"] - edge) <= tol or (lb and edge - lb - tol <= first["x"] <= edge + tol):
            ln.start = name
            break
    cs = ln.chars
    last = cs[-1]
    if len(cs) > 1 and last["text"] in cjk.HANGABLE and last["x"] >= right - tol:
        last = cs[-2]  # a hanging mark: the measure ends at the glyph before it
    end = last["x"] + last["adv"]
    rb = _blank(last["text"], _RIGHT_BLANK) * last["adv"]
    # a closing/pause/stop mark may give up all or part of its blank half: advance ends in [edge, edge + blank]
    ln.end_flush = abs(end - right) <= tol or (rb > 0 and right - tol <= end <= right + rb + tol)
    ln.overfull = end > right + rb + tol


def _lonely(ln: BodyLine) -> bool:
    """At most one character that is not punctuation (typography.md §3.3; the same rule as compose)."""
    return sum(1 for c in ln.chars if cjk.char_class(c["text"]) not in _PUNCT_CLASSES) <= 1


def _geometry(path: str, template: str, columns: int | None) -> Geometry:
    """A page of several stories (its report lists modules) checks each module's own columns."""
    report = path[:-4] + ".report.json" if path.lower().endswith(".pdf") else ""
    if columns is None and report and os.path.isfile(report):
        with open(report, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("figures", {}).get("modules"):
            return Geometry.from_report(data, template)
    return Geometry.from_template(template, columns)


def check(path: str, template: str = "broadsheet", columns: int | None = None, strictness: str = "strict",
          tol: float = 0.05) -> dict:
    """All the counts for one PDF (first page)."""
    if strictness not in cjk.STRICTNESS_LEVELS:
        raise CheckError(f"--strictness {strictness!r}: use one of {', '.join(cjk.STRICTNESS_LEVELS)}")
    g = _geometry(path, template, columns)
    chars, images = read_page(path)
    lines, face, stray = body_lines(chars, g)
    for ln in lines:
        _classify(ln, g, tol)
    for i, ln in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        ln.para_end = nxt is None or nxt.start == "indent" or g.module(nxt.col) != g.module(ln.col)

    details: dict[str, list] = defaultdict(list)

    def note(kind: str, ln: BodyLine, extra: str = "") -> None:
        details[kind].append({"col": ln.col + 1, "row": round((g.first_baseline_pt - ln.y) / g.pitch_pt, 3),
                              "y": round(ln.y, 3), "text": ln.text, **({"why": extra} if extra else {})})

    for ln in lines:
        if ln.overfull:
            note("overfull_lines", ln, "runs past the column's right edge")
        if cjk.prohibited_at_start(ln.chars[0]["text"], strictness):
            note("bad_line_starts", ln)
        if cjk.prohibited_at_end(ln.chars[-1]["text"], strictness):
            note("bad_line_ends", ln)
        if ln.start == "misaligned":
            left = g.columns[ln.col][0]
            note("misaligned_starts", ln, f"starts {ln.chars[0]['x'] - left:+.3f} pt from the column edge")
        if not ln.end_flush and not ln.para_end:
            last = ln.chars[-1]
            note("ragged_lines", ln, f"ends {last['x'] + last['adv'] - g.columns[ln.col][1]:+.3f} pt from the edge")
        if ln.para_end and ln.start != "indent" and _lonely(ln):
            note("lonely_chars", ln)
        k = (g.first_baseline_pt - ln.y) / g.pitch_pt
        if abs(k - round(k)) * g.pitch_pt > TOL_GRID or not 0 <= round(k) < g.rows:
            note("off_grid_lines", ln)
    # Cross-column level: neighbours' baselines must differ by whole pitches.
    by_col: dict[int, list[float]] = defaultdict(list)
    for ln in lines:
        by_col[ln.col].append(ln.y)
    not_level = []
    cols = sorted(by_col)
    for a, b in zip(cols, cols[1:]):
        ref = by_col[a][0]
        off = [y for y in by_col[b] if abs(((ref - y) / g.pitch_pt) - round((ref - y) / g.pitch_pt)) * g.pitch_pt
               > TOL_GRID]
        if off:
            not_level.append({"columns": [a + 1, b + 1], "off_baselines": len(off)})
    # Text lines crossing images: every line of text on the page, any size.
    all_lines: dict[tuple[float, float], list[dict]] = defaultdict(list)
    for c in chars:
        all_lines[(round(c["y"], 2), round(c["size"], 2))].append(c)
    overlapping = []
    for (y, size), cs in all_lines.items():
        for c in cs:
            hit = next((im for im in images if c["x"] < im[2] - tol and im[0] + tol < c["x1"]
                        and c["y0"] < im[3] - tol and im[1] + tol < c["y1"]), None)
            if hit:
                overlapping.append({"y": y, "size": size, "text": "".join(x["text"] for x in
                                                                         sorted(cs, key=lambda x: x["x"]))[:40]})
                break
    counts = {
        "bad_line_starts": len(details["bad_line_starts"]),
        "bad_line_ends": len(details["bad_line_ends"]),
        "ragged_lines": len(details["ragged_lines"]),
        "overfull_lines": len(details["overfull_lines"]),
        "misaligned_starts": len(details["misaligned_starts"]),
        "lonely_chars": len(details["lonely_chars"]),
        "off_grid_lines": len(details["off_grid_lines"]),
        "columns_not_level": len(not_level),
        "lines_over_images": len(overlapping),
        "stray_body_chars": stray,
    }
    figures = {
        "body_face": face,
        "body_lines": len(lines),
        "body_chars": sum(len(ln.chars) for ln in lines),
        "lines_per_column": [len(by_col.get(i, [])) for i in range(len(g.columns))],
        "paragraph_ends": sum(1 for ln in lines if ln.para_end),
        "images": len(images),
        "text_lines": len(all_lines),
    }
    return {"file": path, "counts": counts, "figures": figures,
            "details": {**{k: v for k, v in details.items() if v}, **({"columns_not_level": not_level} if not_level
                                                                      else {}),
                        **({"lines_over_images": overlapping} if overlapping else {})}}


def reading_order_text(path: str, template: str = "broadsheet", columns: int | None = None) -> str:
    """The body text as read module by module, column by column, top to bottom (for reading-order tests)."""
    g = _geometry(path, template, columns)
    chars, _ = read_page(path)
    lines, _, _ = body_lines(chars, g)
    return "".join(ln.text for ln in lines)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pdfcheck.py", description=__doc__.split("\n\n")[0])
    p.add_argument("pdf")
    p.add_argument("--json", action="store_true", help="print the counts, figures and details as JSON")
    p.add_argument("--template", default="broadsheet", help="template name or YAML path (default broadsheet)")
    p.add_argument("--columns", type=int, default=None, help="body columns (default the template's)")
    p.add_argument("--strictness", default="strict", help="避头尾 level: basic | gb | strict (default strict)")
    p.add_argument("--tolerance", type=float, default=0.05, help="edge tolerance in pt (default 0.05)")
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) and 2
    try:
        result = check(a.pdf, a.template, a.columns, a.strictness, a.tolerance)
    except CheckError as e:
        print(f"error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    f = result["figures"]
    print(f"{a.pdf}: {f['body_lines']} body lines ({'/'.join(map(str, f['lines_per_column']))} per column), "
          f"{f['body_chars']} chars in {f['body_face']}, {f['paragraph_ends']} paragraph ends, {f['images']} images")
    for k, v in result["counts"].items():
        print(f"  {k:20} {v}")
    for kind, rows in result["details"].items():
        for r in rows[:20]:
            print(f"  {kind}: {json.dumps(r, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
