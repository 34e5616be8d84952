"""The e-paper (数字报): each page's story outlines in pixels of its proof image, as JSON a hotspot map
loads, and the edition's contact sheet — every page small, its stories outlined, its findings marked.

Hotspots: one rectangle per module (story, 简讯, 导读, ad) — the region the layout gave it, which is
also its ALTO ComposedBlock — in pixels of the proof PNG, origin at the image's top-left corner, y
downwards, as an HTML image map's `coords` (x0, y0, x1, y1). Each names the ALTO block that holds its
text, its byline, and for a story cut by 转版 where it goes on (`continues`) or comes from
(`continued_from`), so the e-paper opens one story across two pages.
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from layout.base.model import Page
from layout.base.primitives import PageLayout
from layout.output.alto import story_block_ids

SCHEMA = "zhpaper-hotspots/1"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def hotspots_json(page: Page, layout: PageLayout, proof: bytes, names: Mapping[str, str],
                  links: Mapping[str, tuple[int, str]]) -> bytes:
    """The page's hotspots over its proof (`proof`: the PNG of the whole MediaBox). `names`: the image,
    ALTO and PDF file names; `links`: story id → (page, item id there) for each story cut here."""
    width, height = png_size(proof)
    sx, sy = width / layout.width_pt, height / layout.height_pt
    blocks = story_block_ids(layout)
    items = {s.id: s for s in page.stories}
    stories = []
    for r in layout.regions:
        x0, y0 = round(r.x_pt * sx), round((layout.height_pt - r.y_pt - r.height_pt) * sy)
        x1, y1 = round((r.x_pt + r.width_pt) * sx), round((layout.height_pt - r.y_pt) * sy)
        spot = {"id": r.story, "kind": r.kind, "title": r.title, "alto_block": blocks[r.story],
                "shape": "rect", "coords": [x0, y0, x1, y1]}
        item = items.get(r.story)
        if item is not None:
            spot["field"] = item.path or None
        if item is not None and item.kind == "story":
            spot["byline"] = [{"role": c.role, "name": c.name.text} for c in item.byline]
            if item.continued_from:
                spot["continued_from"] = {"page": item.continued_from, "story": item.continued_story}
        if r.story in links:
            to_page, to_item = links[r.story]
            spot["continues"] = {"page": to_page, "story": to_item}
        stories.append(spot)
    e = page.edition
    record = {"schema": SCHEMA, "paper": e.paper, "date": e.date, "page": e.page, "page_name": e.page_name,
              "image": {"file": names["image"], "width": width, "height": height},
              "alto": names["alto"], "pdf": names["pdf"], "stories": stories}
    return (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# ---------------------------------------------------------------- the contact sheet

@dataclass(frozen=True)
class Sheet:
    """One page's cell on the contact sheet."""

    page: int
    name: str  # 版名
    proof: bytes | None  # the proof PNG; None when the page failed
    hotspots: dict | None  # its hotspots record
    findings: tuple[tuple[str, str, str], ...] = ()  # (severity, code, where) of its errors and warnings
    error: str = ""  # the one-line error of a failed page


THUMB_W = 300  # pixels per page on the sheet
LABEL_H = 44
GAP = 16
PER_ROW = 4
PAPER = (236, 236, 232)
COLOURS = {"ok": (60, 140, 60), "warning": (214, 140, 0), "error": (200, 30, 30), "region": (120, 120, 120)}


def _story_of(where: str, spots: list[dict]) -> dict | None:
    """The hotspot a finding is about: its where names the story's id (id/…) or its field path."""
    for s in spots:
        if where.startswith(s["id"] + "/") or (s.get("field") and (f" {s['field']}." in f" {where}"
                                                                   or where.endswith(" " + s["field"]))):
            return s
    return None


def contact_sheet(cells: list[Sheet], title: str, font_path: str, font_index: int = 0) -> bytes:
    """The edition at a glance (PNG): each page small, in order, its stories outlined — amber where a
    finding is about the story, red for an error — with its number, 版名 and what was found; a page
    that failed is a red cell with its error."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, 15, index=font_index)
    big = ImageFont.truetype(font_path, 22, index=font_index)
    thumb_h = round(THUMB_W * 1.45)
    for c in cells:
        if c.proof is not None:
            w, h = png_size(c.proof)
            thumb_h = round(THUMB_W * h / w)
            break
    cols = min(PER_ROW, max(1, len(cells)))
    rows = (len(cells) + cols - 1) // cols
    cell_w, cell_h = THUMB_W + GAP, thumb_h + LABEL_H + GAP
    sheet = Image.new("RGB", (cols * cell_w + GAP, rows * cell_h + GAP + 40), PAPER)
    draw = ImageDraw.Draw(sheet)
    draw.text((GAP, 8), title, fill=(0, 0, 0), font=big)
    for i, c in enumerate(cells):
        x, y = GAP + (i % cols) * cell_w, 40 + GAP + (i // cols) * cell_h
        _cell(sheet, draw, c, x, y, thumb_h, font)
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _cell(sheet, draw, c: Sheet, x: int, y: int, thumb_h: int, font) -> None:
    from PIL import Image

    worst = "error" if any(f[0] == "error" for f in c.findings) else (
        "warning" if c.findings else "ok")
    if c.proof is None:
        draw.rectangle((x, y, x + THUMB_W, y + thumb_h), fill=(250, 230, 230), outline=COLOURS["error"], width=4)
        words, line, lines = c.error or "failed", "", []
        for ch in words:  # wrap by width, character by character (CJK has no spaces to break at)
            if draw.textlength(line + ch, font=font) > THUMB_W - 20:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
        for k, text in enumerate(lines[: (thumb_h - 60) // 19]):
            draw.text((x + 10, y + 50 + k * 19), text, fill=(90, 0, 0), font=font)
        draw.text((x + 10, y + 14), "未能生成 FAILED", fill=COLOURS["error"], font=font)
        status = "FAILED"
    else:
        img = Image.open(io.BytesIO(c.proof)).convert("RGB")
        scale = THUMB_W / img.width
        sheet.paste(img.resize((THUMB_W, thumb_h), Image.LANCZOS), (x, y))
        spots = (c.hotspots or {}).get("stories", [])
        marked: dict[str, str] = {}
        for sev, _, where in c.findings:
            s = _story_of(where, spots)
            if s is not None and marked.get(s["id"]) != "error":
                marked[s["id"]] = sev
        for s in spots:
            x0, y0, x1, y1 = (round(v * scale) for v in s["coords"])
            sev = marked.get(s["id"])
            draw.rectangle((x + x0, y + y0, x + x1, y + y1), outline=COLOURS[sev or "region"], width=3 if sev else 1)
        draw.rectangle((x - 1, y - 1, x + THUMB_W, y + thumb_h), outline=COLOURS[worst], width=3)
        errors = sum(1 for f in c.findings if f[0] == "error")
        warnings = len(c.findings) - errors
        status = "ok" if worst == "ok" else f"{errors} error(s), {warnings} warning(s)"
    label = f"第{c.page}版 {c.name}  {status}"
    draw.text((x, y + thumb_h + 8), label, fill=COLOURS[worst] if c.proof is not None else COLOURS["error"],
              font=font)
    codes = sorted({f[1] for f in c.findings})
    if codes and c.proof is not None:
        draw.text((x, y + thumb_h + 26), " ".join(codes)[:60], fill=(60, 60, 60), font=font)
