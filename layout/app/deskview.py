"""What the proof desk shows of one build: the page's modules, their figures, the findings placed in
their YAML files, and what moved since the build before. Pure functions of a build's results; the
web server (layout.app.deskweb) only sends what they return.

Places are in mm from the top-left corner of the proof (the PDF's MediaBox: the trim plus any
bleed), so the browser draws an outline as a share of the proof's width and height. A finding's
`where` is either `file:line:col field.path` (what the loader and the checks that know the YAML
say) or a bare field path (`stories[1].sections[0].paragraphs[3]`, from composition): the field
path is then looked up in the page file's YAML, following a story's `file:` into its own file.
"""

from __future__ import annotations

import os
import re

from layout.base.docmeta import MM_PER_PT, story_meta

_LOCATED = re.compile(r"^(?P<file>\S+?\.ya?ml):(?P<line>\d+):(?P<col>\d+)(?:\s+(?P<field>.*))?$")
_FIELD = re.compile(r"^[A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_]\w*)*")
_STEP = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]")

# The figures a module's hover shows (the report's names), in this order.
FIGURES = ("body_lines", "body_columns", "body_measure_chars", "stream_rows", "overflow_lines", "empty_rows",
           "widows", "orphans", "lonely_last_chars", "stranded_subheads", "briefs_lines")


def page_box(layout) -> dict:
    """The proof's extent and the trim inside it, in mm."""
    x0, y0, x1, y1 = layout.trim
    return {"width_mm": round(layout.width_pt * MM_PER_PT, 2), "height_mm": round(layout.height_pt * MM_PER_PT, 2),
            "trim_x_mm": round(x0 * MM_PER_PT, 2), "trim_y_mm": round((layout.height_pt - y1) * MM_PER_PT, 2),
            "trim_width_mm": round((x1 - x0) * MM_PER_PT, 2), "trim_height_mm": round((y1 - y0) * MM_PER_PT, 2)}


def modules(layout, figures: dict) -> list[dict]:
    """Each module (story, 简讯, 导读, reserved area) with its place on the proof, its rank on the page
    (1 = the 头条; reserved areas have none) and its figures. A page of one story has its figures
    at the top level of the report; a page of several keeps them under each story's id."""
    box = page_box(layout)
    order = list(figures.get("stories") or [r.story for r in layout.regions if r.kind != "reserved"])
    out = []
    for m in story_meta(layout.regions, layout.trim):
        own = figures.get(m.id) if isinstance(figures.get(m.id), dict) else None
        if own is None and m.kind != "reserved" and len(order) == 1:
            own = figures  # the page of one story: its figures are the page's
        figs = {k: (own or {})[k] for k in FIGURES if k in (own or {})}
        measure = figs.get("body_measure_chars") or 0
        if figs.get("overflow_lines"):
            figs["chars_over"] = round(figs["overflow_lines"] * measure)
        if figs.get("empty_rows"):
            figs["chars_short"] = round(figs["empty_rows"] * measure)
        out.append({"id": m.id, "kind": m.kind, "title": m.title,
                    "rank": order.index(m.id) + 1 if m.id in order else None,
                    "x_mm": round(m.x_mm + box["trim_x_mm"], 2), "y_mm": round(m.y_mm + box["trim_y_mm"], 2),
                    "width_mm": m.width_mm, "height_mm": m.height_mm, "figures": figs})
    return out


def moved(now: list[dict], before: list[dict] | None) -> tuple[list[dict], list[str]]:
    """`now`'s modules each marked with what changed since `before` ("moved", "resized", "new" or
    None) and, when it changed, where it was; and the ids of modules that are gone."""
    if before is None:
        return [{**m, "change": None} for m in now], []
    old = {m["id"]: m for m in before}
    out = []
    for m in now:
        was = old.get(m["id"])
        if was is None:
            change = "new"
        elif (was["x_mm"], was["y_mm"]) != (m["x_mm"], m["y_mm"]):
            change = "moved"
        elif (was["width_mm"], was["height_mm"]) != (m["width_mm"], m["height_mm"]):
            change = "resized"
        else:
            change = None
        place = {k: was[k] for k in ("x_mm", "y_mm", "width_mm", "height_mm")} if change in ("moved", "resized") else None
        out.append({**m, "change": change, "was": place})
    ids = {m["id"] for m in now}
    return out, [m["id"] for m in before if m["id"] not in ids]


def changed_areas(old_png: bytes | None, new_png: bytes, tile_px: int = 12) -> list[list[float]]:
    """Where the proof's pixels changed, as [x, y, width, height] shares of the proof (0–1): tiles of
    `tile_px` that differ, joined into runs along each row of tiles and runs of equal extent down the
    rows. Everything, when there is no proof before or its size changed."""
    if old_png is None:
        return []
    import io

    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(old_png)).convert("L"), dtype=np.int16)
    b = np.asarray(Image.open(io.BytesIO(new_png)).convert("L"), dtype=np.int16)
    if a.shape != b.shape:
        return [[0.0, 0.0, 1.0, 1.0]]
    h, w = b.shape
    rows, cols = -(-h // tile_px), -(-w // tile_px)
    diff = np.zeros((rows * tile_px, cols * tile_px), dtype=bool)
    diff[:h, :w] = np.abs(a - b) > 24  # not anti-aliasing noise: a real change of ink
    hit = diff.reshape(rows, tile_px, cols, tile_px).any(axis=(1, 3))
    runs: dict[tuple[int, int], list[int]] = {}  # (first col, last col) → [first row, last row] of the open run
    done = []
    for r in range(rows):
        row_runs = []
        c = 0
        while c < cols:
            if hit[r, c]:
                start = c
                while c + 1 < cols and hit[r, c + 1]:
                    c += 1
                row_runs.append((start, c))
            c += 1
        for key in list(runs):
            if key not in row_runs:
                done.append((key, runs.pop(key)))
        for key in row_runs:
            runs.setdefault(key, [r, r])[1] = r
    done += list(runs.items())
    return [[round(c0 * tile_px / w, 4), round(r0 * tile_px / h, 4), round(min((c1 - c0 + 1) * tile_px, w - c0 * tile_px) / w, 4),
             round(min((r1 - r0 + 1) * tile_px, h - r0 * tile_px) / h, 4)] for (c0, c1), (r0, r1) in sorted(done, key=lambda d: (d[1][0], d[0][0]))]


def locate(where: str, page_file: str) -> dict:
    """A finding's place: {"file", "line", "col", "field"} as far as it can be told (file and line None
    when the finding names no YAML place). Relative files are as the build named them."""
    m = _LOCATED.match(where or "")
    if m:
        return {"file": m["file"], "line": int(m["line"]), "col": int(m["col"]), "field": m["field"] or ""}
    f = _FIELD.match(where or "")
    if f:
        got = field_place(page_file, f.group(0))
        if got is not None:
            return {"file": got[0], "line": got[1], "col": got[2], "field": where}
    return {"file": None, "line": None, "col": None, "field": where or ""}


def field_place(yaml_file: str, field: str) -> tuple[str, int, int] | None:
    """Where the field path `field` (e.g. `stories[1].sections[0].paragraphs[3]`) stands in `yaml_file`:
    (file, line, column) of the deepest node of the path found, following a mapping's `file:` into
    the file it names when the path goes on past it. None when the file cannot be read or the path's
    first step is not in it (then `field` was no field path: "block photo-3", "--bleed")."""
    from layout.source.schema import load_yaml_node

    try:
        node, _ = load_yaml_node(yaml_file)
    except Exception:
        return None
    here = None
    for step in _STEP.finditer(field):
        key, index = step.group(1), step.group(2)
        child = _child(node, key, int(index) if index else None)
        if child is None and key and node.id == "mapping":
            named = _child(node, "file", None)
            if named is not None and named.id == "scalar":
                inner = os.path.join(os.path.dirname(yaml_file), named.value)
                rest = field[step.start():].lstrip(".")
                got = field_place(inner, rest) if os.path.isfile(inner) else None
                return got or here or (yaml_file, named.start_mark.line + 1, named.start_mark.column + 1)
        if child is None:
            return here
        node = child
        here = (yaml_file, node.start_mark.line + 1, node.start_mark.column + 1)
    return here


def _child(node, key: str, index: int | None):
    if index is not None:
        return node.value[index] if node.id == "sequence" and index < len(node.value) else None
    if node.id != "mapping":
        return None
    for k, v in node.value:
        if k.id == "scalar" and k.value == key:
            return v
    return None


def findings(report_json: dict, page_file: str) -> list[dict]:
    """The report's findings, errors first, each with its place (`locate`)."""
    out = []
    for severity, key in (("error", "errors"), ("warning", "warnings"), ("info", "info")):
        for f in report_json.get(key, ()):
            out.append({"severity": severity, "code": f.get("code", ""), "message": f.get("message", ""),
                        "where": f.get("where", ""), **locate(f.get("where", ""), page_file)})
    return out
