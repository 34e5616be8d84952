#!/usr/bin/env python3
"""The independent judge of a built page (issue 21): read the press PDF back and check the design rules.

    python tools/pagecheck.py out/page.pdf page.yaml [--json out/page.check.json]

Prints one line per finding (rule, story, where) and exits 1 when any hard finding is made, 0 when none
(2: a file cannot be read). It reads only two things: the PDF (pdfplumber: characters with their size,
face and origin; images; rules and boxes) and the page YAML with the template file it names — what the
stories are, their order of importance (rank), their texts, photos and the desk's marks (headshot,
crop, focus), the reserved areas and the template's grid and `modules.ladder`. It never reads what the
engine wrote about its layout (report, manifest) nor the engine's rule figures: the thresholds below are
its own, taken from the figures of issue 21.

How the page is read:

* A *run* is a stretch of characters of one size on one baseline, each within a body size of the next.
  *Body* runs are of the template's body size in the *body face* (the face, subset prefix dropped, that
  draws most characters of that size); captions share the size in another face.
* Body runs stack into *segments*: runs one line pitch apart whose x-ranges overlap (one column's text
  between breaks — a subhead, a photo, a module's end). Each segment belongs to the item (story, 简讯,
  导读, 补白) whose text contains its text (only letters, digits and Han compared, NFKC, the 转版 marks
  dropped); a segment that fits none is split into its lines, each matched alone (a short line that
  fits several takes its neighbours' item).
* A story's headline runs are the larger runs whose text lies in its 主题 (or 引题, 副题); a stretch
  that lies in several stories' headlines goes to the story whose other headline runs are nearest.
  The 主题's size is the largest of its runs.
* A photo's story is found by its caption: the caption-size runs right under the image, matched to the
  YAML's captions (else the story whose text lies nearest).

The rules and their thresholds (issue 21's figures; hard unless said):

* overlap — no glyph's ink box (a Han glyph's em box, a punctuation mark's inked half, a Latin glyph's
  advance; shrunk by OVERLAP_SHRINK_EM of its size) crosses another line's, a photo, or a rule (a line,
  a filled bar thinner than RULE_MAX_PT, a stroked frame's edge); no glyph outside the type area; no
  photo over another. The 报眉 (above the type area) and the reserved areas (the ad's own content) are
  left out.
* reading-path — per story, its segments ordered by a recursive X-Y cut (cut across the widest band
  columns left to right first, unless a horizontal band of white at least BAND_ROWS high — a photo's,
  not the white line over a subhead — is wider than the gutters; bands top to bottom; its 小标题 take
  part in the cut as the blocks they are) keep ORDER_KEPT of the
  text's order (the longest run of segments in text order, by characters); no segment above the
  headline; none above where the story's text begins unless it stands beside the story's own photo
  under which the text begins (an L around its photo).
* headline-ladder — ranks are the stories' order in the YAML; the 主题 never larger than a higher
  rank's, never below its rank's floor in the template's `modules.ladder` (above its range: a soft
  finding). A 专版 (one story) is exempt.
* zhuangti — 撞题: two stories' headlines side by side (their stories' extents within NEIGHBOUR_GAP_PT
  of each other, facing) share rows. 简讯, 导读 and 补白 titles are exempt; so is a 专版.
* photo-dominant — the 头条's largest photo at least DOMINANT × the area of any other photo.
* photo-rank — no story's largest photo larger than a higher-ranked story's (RANK_SLACK for rounding);
  head shots left out.
* photo-min-span — a photo at least MIN_SPAN basic columns wide unless `headshot: true`.
* photo-crop — the drawn aspect against the source file's: at most CROP_MAX of the image cut away,
  unless the desk gave `crop:` or `focus:`.
* headline-missing — a story whose 主题 cannot be found on the page.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(ROOT, "layout", "source", "templates")

# ---------------------------------------------------------------- the judge's own thresholds (issue 21)
OVERLAP_SHRINK_EM = 0.08  # ink boxes shrunk by this share of the size each side: touching is not overlapping
TOL_PT = 0.5  # geometry tolerance
RULE_MAX_PT = 2.5  # a filled rectangle thinner than this is a rule
ORDER_KEPT = 0.99  # issue 21: ≥ 0.99 of the running text's order kept
BAND_ROWS = 2.5  # a horizontal band of white this many rows high parts a story before its columns do
DOMINANT = 1.5  # issue 21: the dominant photo ≥ 1.5 × any other's area
RANK_SLACK = 1.02  # photo areas equal within 2 % (frames are whole rows)
AREA_SLACK = 1.01
MIN_SPAN = 2  # issue 21: no photo narrower than two columns unless a head shot
CROP_MAX = 0.15  # issue 21: a photo cropped by at most 15 % of the image unless crop:/focus:
CROP_SLACK = 0.01  # frames are whole rows: the aspect moves by up to half a row
NEIGHBOUR_GAP_PT = 30.0  # two stories' extents this close side by side are neighbours (a gutter or two)
HARD = {"overlap", "outside", "reading-path", "headline-ladder", "zhuangti", "photo-dominant", "photo-rank",
        "photo-min-span", "photo-crop", "headline-missing"}
MM = 72 / 25.4
CM2 = (72 / 2.54) ** 2

CLOSING = set("，。、；：！？）」』》〉】〕〗”’…")  # ink in the left half (GB positions)
OPENING = set("（「『《〈【〔〖“‘")  # ink in the right half
MIDDLE = set("·・")
JUMP_MARK = re.compile(r"(下转第\d+版|上接第\d+版)")


@dataclass(frozen=True)
class Finding:
    rule: str
    story: str
    where: str
    detail: str
    hard: bool = True

    def line(self) -> str:
        return f"{'HARD' if self.hard else 'soft'} {self.rule:16} {self.story or '-':10} {self.where:24} {self.detail}"


def norm(text: str) -> str:
    """Only letters, digits and Han, NFKC: what survives any punctuation tidying."""
    t = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in t if ch.isalnum())


# ---------------------------------------------------------------- the desk's data: template and page YAML


@dataclass(frozen=True)
class Geometry:
    width: float
    height: float
    top: float
    left: float
    type_w: float
    type_h: float
    columns: int
    col_w: float
    gutter: float
    rows: int
    pitch: float
    body: float
    caption: float
    ladder: tuple
    body_grids: tuple = ()  # (columns, gutter pt) of the 专版's body columns
    subhead: float = 14.0  # the 小标题's size (styles.subhead.size_pt): no larger run is one


def load_geometry(name: str, base_dir: str, body_columns: tuple = ()) -> Geometry:
    """The template's grid; `body_columns`, the body-column counts the page asks for (变栏), and for a
    专版 the template's own (`body.columns`), whose gutters need not fall on the basic grid."""
    import yaml

    path = name
    if not (name.endswith((".yaml", ".yml")) and os.path.exists(os.path.join(base_dir, name))):
        path = os.path.join(TEMPLATES, f"{name}.yaml")
    else:
        path = os.path.join(base_dir, name)
    with open(path, encoding="utf-8") as fh:
        t = yaml.safe_load(fh)
    g = t["grid"]
    body = float(g["body_size_pt"])
    if body_columns == ("template",):
        body_columns = ((t.get("body") or {}).get("columns", 0),)
    col_w, gutter = g["column_chars"] * body, g["gutter_chars"] * body
    type_w = g["columns"] * col_w + (g["columns"] - 1) * gutter
    width, height = t["trim"]["width_mm"] * MM, t["trim"]["height_mm"] * MM
    pitch = float(g["line_pitch_pt"])
    ladder = tuple((float(a), float(b)) for a, b in (t.get("modules") or {}).get("ladder", ()))
    caption = float(((t.get("styles") or {}).get("caption") or {}).get("size_pt", body))
    subhead = float(((t.get("styles") or {}).get("subhead") or {}).get("size_pt", 14.0))
    bd = t.get("body") or {}
    grids = tuple((n, float(bd.get("gutter_chars", 1.5)) * body) for n in body_columns if g["columns"] % n)
    return Geometry(width, height, t["type_area_top_mm"] * MM, (width - type_w) / 2, type_w,
                    g["rows"] * pitch - (pitch - body), g["columns"], col_w, gutter, g["rows"], pitch, body,
                    caption, ladder, grids, subhead)


@dataclass
class Item:
    id: str
    kind: str
    rank: int  # 1 = the 头条; 0 for boxes
    text: str  # normalised running text
    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    subheads: str = ""  # the sections' 小标题, normalised, joined
    photos: list = field(default_factory=list)  # dicts: id, path, caption (normalised), headshot, framed


def load_page_yaml(path: str) -> tuple[dict, list[Item]]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    base = os.path.dirname(os.path.abspath(path))
    entries = doc.get("stories") or [dict(doc, kind="story", id=doc.get("id") or "main")]
    items, rank = [], 0
    for k, e in enumerate(entries):
        kind = e.get("kind") or "story"
        iid = e.get("id") or f"s{k + 1}"
        sbase = base
        if kind == "story" and e.get("file"):
            fpath = os.path.join(base, e["file"])
            with open(fpath, encoding="utf-8") as fh:
                e = dict(yaml.safe_load(fh) or {}, **{x: y for x, y in e.items() if x != "file"})
            sbase = os.path.dirname(fpath)
        if kind == "briefs":
            items.append(Item(iid, kind, 0, norm("".join(_texts(e.get("briefs"))))))
            continue
        if kind == "digest":
            items.append(Item(iid, kind, 0, norm("".join(str(p.get("title", "")) + str(p.get("page", ""))
                                                         for p in e.get("pointers") or ()))))
            continue
        rank += 1
        hl = e.get("headline") or {}
        paras = _texts(e.get("lead")) + [p for s in e.get("sections") or () for p in _texts(s.get("paragraphs"))]
        photos = [{"id": p.get("id"), "path": os.path.join(sbase, p["file"]), "caption": norm(str(p.get("caption", ""))),
                   "headshot": bool(p.get("headshot")), "framed": "crop" in p or "focus" in p}
                  for p in e.get("photos") or ()]
        heads = "|".join(norm("".join(_texts(s.get("heading")))) for s in e.get("sections") or ())
        items.append(Item(iid, "story", rank, norm("".join(paras)), norm("".join(_texts(hl.get("title")))),
                          norm(str(hl.get("kicker") or "")), norm(str(hl.get("subtitle") or "")), heads, photos))
    for k, f in enumerate(doc.get("fillers") or ()):
        items.append(Item(f.get("id") or f"filler{k + 1}", "filler", 0, norm("".join(_texts(f.get("text"))))))
    return doc, items


def _texts(v) -> list[str]:
    if v is None:
        return []
    return [str(v)] if isinstance(v, str) else [str(x) for x in v]


def reserved_boxes(doc: dict, g: Geometry) -> list[tuple[float, float, float, float]]:
    out = []
    for r in doc.get("reserved") or ():
        x0 = g.left + (r["col"] - 1) * (g.col_w + g.gutter)
        x1 = x0 + r["span"] * g.col_w + (r["span"] - 1) * g.gutter
        rows = r["rows"]
        row = r.get("row")
        row0 = g.rows - rows if row is None else row - 1
        top = g.top + row0 * g.pitch
        out.append((x0, top, x1, top + rows * g.pitch))
    return out


# ---------------------------------------------------------------- the PDF read back


@dataclass
class Run:
    chars: list  # (ch, x0, x1)
    size: float
    base: float
    face: str
    text: str = ""
    item: str = ""
    role: str = ""  # body, title, kicker, subtitle, caption, ...

    @property
    def x0(self) -> float:
        return self.chars[0][1]

    @property
    def x1(self) -> float:
        return max(c[2] for c in self.chars)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Its extent from the first glyph's ink to the last's: a mark set half width at a line's end
        keeps its full advance in the PDF, which would reach into the gutter."""
        left = min(ink_box(c[0], c[1], c[2], 0.0, self.size)[0] for c in self.chars)
        right = max(ink_box(c[0], c[1], c[2], 0.0, self.size)[2] for c in self.chars)
        return (left, self.base - 0.88 * self.size, right, self.base + 0.12 * self.size)


def ink_box(ch: str, x0: float, x1: float, base: float, size: float) -> tuple[float, float, float, float]:
    """Where a glyph's ink can be: a Han or full-width glyph its em box; a CJK punctuation mark set in
    a full em the half it inks (GB positions); anything narrower its advance. Shrunk a little."""
    w = x1 - x0
    if w >= 0.75 * size:
        if ch in CLOSING:
            x1 = x0 + 0.5 * size
        elif ch in OPENING:
            x0 = x0 + 0.5 * size
        elif ch in MIDDLE:
            x0, x1 = x0 + 0.25 * size, x0 + 0.75 * size
    s = max(OVERLAP_SHRINK_EM * size, 0.3)
    return (x0 + s, base - 0.88 * size + s, x1 - s, base + 0.12 * size - s)


def cross(a, b, tol: float = 0.0) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def inside(pt, box) -> bool:
    return box[0] <= pt[0] <= box[2] and box[1] <= pt[1] <= box[3]


@dataclass
class Sheet:
    runs: list
    images: list  # (x0, top, x1, bottom)
    rules: list  # (x0, top, x1, bottom)
    folio: list  # runs above the type area


def read_pdf(path: str, g: Geometry, reserved: list) -> Sheet:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        p = pdf.pages[0]
        media = p.mediabox
        trim = getattr(p, "trimbox", None) or media
        dx, dy = trim[0] - media[0], trim[1] - media[1]  # top-down: trim top below the media top
        height = p.height
        chars = []
        for c in p.chars:
            if not c.get("upright", True) or not c["text"].strip():
                continue
            m = c["matrix"]
            base = height - (m[5] - media[1]) - dy
            x0 = m[4] - media[0] - dx
            chars.append((c["text"], x0, x0 + (c["x1"] - c["x0"]), base, round(c["size"], 2),
                          c["fontname"].split("+", 1)[-1]))
        images = [(i["x0"] - dx, i["top"] - dy, i["x1"] - dx, i["bottom"] - dy) for i in p.images]
        rules = []
        for ln in p.lines:
            w = (ln.get("linewidth") or 0.5) / 2
            rules.append((ln["x0"] - dx - w, ln["top"] - dy - w, ln["x1"] - dx + w, ln["bottom"] - dy + w))
        for r in p.rects:
            box = (r["x0"] - dx, r["top"] - dy, r["x1"] - dx, r["bottom"] - dy)
            if r.get("fill") and min(r["width"], r["height"]) <= RULE_MAX_PT:
                rules.append(box)
            elif r.get("stroke"):
                w = (r.get("linewidth") or 0.5) / 2
                x0, t, x1, b = box
                rules += [(x0 - w, t - w, x1 + w, t + w), (x0 - w, b - w, x1 + w, b + w),
                          (x0 - w, t - w, x0 + w, b + w), (x1 - w, t - w, x1 + w, b + w)]
    type_top = g.top

    def in_reserved(x, y):
        return any(inside((x, y), r) for r in reserved)

    def kept(box):
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return cy > type_top - 1.0 and not in_reserved(cx, cy)

    images = [b for b in images if kept(b)]
    rules = [b for b in rules if kept(b)]
    # runs: same size and baseline, each glyph within a body size of the last
    groups = defaultdict(list)
    for ch in chars:
        groups[(ch[4], round(ch[3] * 2) / 2)].append(ch)
    gutters = [g.left + k * (g.col_w + g.gutter) - g.gutter / 2 for k in range(1, g.columns)]
    for n, bg in g.body_grids:  # the 专版's long columns (变栏), which need not fall on the basic grid
        bw = (g.type_w - (n - 1) * bg) / n
        gutters += [g.left + k * (bw + bg) - bg / 2 for k in range(1, n)]
    runs, folio = [], []
    for (size, base), cs in groups.items():
        cs.sort(key=lambda c: c[1])
        cur = [cs[0]]
        for c in cs[1:]:
            # the white between the inks (a punctuation mark set half width keeps its full advance
            # in the PDF): more than 2.2 em (a 1-em space after 本报讯 and some justification), or more than 0.6 em across a gutter of the basic grid
            a = ink_box(cur[-1][0], cur[-1][1], cur[-1][2], base, size)[2]
            b = ink_box(c[0], c[1], c[2], base, size)[0]
            gap = b - a
            if gap > 2.2 * size or (gap > 1.05 * size and any(a - 2 <= x <= b + 2 for x in gutters)):
                runs.append(cur)
                cur = [c]
            else:
                cur.append(c)
        runs.append(cur)
    out = []
    for cs in runs:
        face = Counter(c[5] for c in cs).most_common(1)[0][0]
        r = Run([(c[0], c[1], c[2]) for c in cs], cs[0][4], cs[0][3], face, "".join(c[0] for c in cs))
        cx, cy = (r.x0 + r.x1) / 2, r.base - 0.4 * r.size
        if r.base < type_top - 1.0:
            folio.append(r)
        elif not in_reserved(cx, cy):
            out.append(r)
    return Sheet(out, images, rules, folio)


# ---------------------------------------------------------------- reading the page


@dataclass
class Segment:
    runs: list
    item: str = ""
    offsets: tuple = ()

    @property
    def text(self) -> str:
        return JUMP_MARK.sub("", norm("".join(r.text for r in self.runs)))

    @property
    def box(self):
        bs = [r.box for r in self.runs]
        return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def segments(body: list, pitch: float) -> list[Segment]:
    segs: list[Segment] = []
    open_: list[Segment] = []
    for r in sorted(body, key=lambda r: (r.base, r.x0)):
        best, score = None, 0.0
        for s in open_:
            last = s.runs[-1]
            if not 0.5 * pitch <= r.base - last.base <= 1.5 * pitch:
                continue
            ov = min(r.x1, last.x1) - max(r.x0, last.x0)
            # one column: overlapping, or starting at its left edge (a paragraph's indent, after a
            # paragraph's short last line)
            left = min(x.x0 for x in s.runs)
            if ov > 0.5 * min(r.x1 - r.x0, last.x1 - last.x0) or (ov > 0 and -0.6 * r.size <= r.x0 - left <= 2.2 * r.size):
                if ov > score:
                    best, score = s, ov
        if best is None:
            best = Segment([])
            segs.append(best)
            open_.append(best)
        best.runs.append(r)
        open_ = [s for s in open_ if r.base - s.runs[-1].base <= 1.5 * pitch]
    return segs


def _candidates(text: str, items: list[Item]) -> list[str]:
    if len(text) < 2:
        return []
    return [it.id for it in items if text in it.text]


def attribute(segs: list[Segment], items: list[Item]) -> list[Segment]:
    """Each segment's item; a segment matching none split into lines matched alone, runs of lines of
    one item kept together; ambiguous ones take the item whose other segments lie nearest."""
    out: list[Segment] = []
    for s in segs:
        c = _candidates(s.text, items)
        if c:
            s.item = c[0] if len(c) == 1 else "?" + "|".join(c)
            out.append(s)
            continue
        per = [_candidates(JUMP_MARK.sub("", norm(r.text)), items) for r in s.runs]
        # short lines (no unique item) take the item of the line before or after
        guess = [p[0] if len(p) == 1 else "" for p in per]
        for i in range(len(guess)):
            if not guess[i]:
                near = [guess[j] for j in (i - 1, i + 1) if 0 <= j < len(guess) and guess[j] and
                        (not per[i] or guess[j] in per[i])]
                guess[i] = near[0] if near else ""
        cur = None
        for r, gid in zip(s.runs, guess):
            if cur is None or gid != cur.item:
                cur = Segment([r], gid)
                out.append(cur)
            else:
                cur.runs.append(r)
    # ambiguous: the nearest item by its certain segments
    where = defaultdict(list)
    for s in out:
        if s.item and not s.item.startswith("?"):
            where[s.item].append(s.box)
    for s in out:
        if s.item.startswith("?"):
            opts = s.item[1:].split("|")
            b = s.box
            s.item = min(opts, key=lambda i: min((_dist(b, o) for o in where.get(i, ())), default=1e9))
    by_id = {it.id: it for it in items}
    for s in out:
        if s.item in by_id:
            t, full = s.text, by_id[s.item].text
            s.offsets = tuple(m.start() for m in re.finditer(re.escape(t), full)) if t else ()
    return out


def _dist(a, b) -> float:
    dx = max(0.0, a[0] - b[2], b[0] - a[2])
    dy = max(0.0, a[1] - b[3], b[1] - a[3])
    return math.hypot(dx, dy)


def xy_order(boxes: list, idx: list | None = None, tol: float = 1.0, band: float = 0.0) -> list[int]:
    """Recursive X-Y cut: split at every band of white across the whole set (horizontal bands top to
    bottom, columns left to right). Columns first, unless a horizontal band at least `band` high (a
    photo's, not the white line above a subhead) is wider than the widest gutter; a set that cannot be
    cut reads top to bottom."""
    idx = list(range(len(boxes))) if idx is None else idx
    if len(idx) <= 1:
        return idx

    def cuts(lo, hi, least=0.0):
        order = sorted(idx, key=lambda i: boxes[i][lo])
        groups, cur, reach, gap = [], [order[0]], boxes[order[0]][hi], 0.0
        for i in order[1:]:
            if boxes[i][lo] >= reach - tol and boxes[i][lo] - reach >= least:
                gap = max(gap, boxes[i][lo] - reach)
                groups.append(cur)
                cur = [i]
            else:
                cur.append(i)
            reach = max(reach, boxes[i][hi])
        groups.append(cur)
        return groups, gap

    hg, hgap = cuts(1, 3)
    vg, vgap = cuts(0, 2)
    if len(hg) > 1 and (len(vg) == 1 or (hgap >= band and hgap >= vgap)):
        # a band wide enough parts the story; the narrower ones (a subhead's white) wait for the columns
        groups = hg if len(vg) == 1 else cuts(1, 3, band)[0]
    elif len(vg) > 1:
        groups = vg
    else:
        return sorted(idx, key=lambda i: (boxes[i][1], boxes[i][0]))
    return [j for grp in groups for j in xy_order(boxes, grp, tol, band)]


def order_kept(seq: list[Segment]) -> float:
    """The longest chain of segments, in the given order, whose places in the text rise (each may
    stand at any of its occurrences), by characters, over all the segments' characters."""
    total = sum(len(s.text) for s in seq if s.offsets)
    if not total:
        return 1.0
    best: list[dict] = []  # per segment: offset → best chain weight ending there
    for k, s in enumerate(seq):
        here = {}
        for off in s.offsets:
            w = len(s.text)
            prev = max((v for j in range(k) for o, v in best[j].items() if o + len(seq[j].text) <= off), default=0)
            here[off] = prev + w
        best.append(here)
    top = max((v for b in best for v in b.values()), default=0)
    return top / total


# ---------------------------------------------------------------- the check


def mm(x: float, y: float) -> str:
    return f"x {x / MM:.0f} mm, y {y / MM:.0f} mm"


def check(pdf_path: str, yaml_path: str) -> dict:
    doc, items = load_page_yaml(yaml_path)
    asked = tuple(n for n in [doc.get("body_columns")] + [e.get("body_columns") for e in doc.get("stories") or ()] if n)
    if not doc.get("stories") and not asked:
        asked = ("template",)
    g = load_geometry(str(doc.get("template", "broadsheet")), os.path.dirname(os.path.abspath(yaml_path)), asked)
    reserved = reserved_boxes(doc, g)
    sheet = read_pdf(pdf_path, g, reserved)
    stories = [it for it in items if it.kind == "story"]
    by_id = {it.id: it for it in items}
    findings: list[Finding] = []
    add = findings.append

    # body runs and their items
    sizes = Counter()
    faces = Counter()
    for r in sheet.runs:
        if abs(r.size - g.body) < 0.05:
            faces[r.face] += len(r.chars)
    body_face = faces.most_common(1)[0][0] if faces else ""
    body = [r for r in sheet.runs if abs(r.size - g.body) < 0.05 and r.face == body_face]
    for r in body:
        r.role = "body"
    segs = attribute(segments(body, g.pitch), items)
    for s in segs:
        for r in s.runs:
            r.item = s.item

    # headline runs
    big = [r for r in sheet.runs if r.size > g.body + 0.5]
    roles = ("title", "kicker", "subtitle", "subheads")
    amb = []
    for r in big:
        t = norm(r.text)
        c = [(it.id, role) for it in stories for role in roles if t and getattr(it, role) and t in getattr(it, role)
             and (role != "subheads" or r.size <= g.subhead + 0.5)]
        if len(c) == 1:
            r.item, r.role = c[0]
        elif c:
            amb.append((r, c))
    placed = defaultdict(list)
    for r in big:
        if r.item:
            placed[r.item].append(r.box)
    for r, c in amb:
        b = r.box
        r.item, r.role = min(c, key=lambda ir: (min((_dist(b, o) for o in placed.get(ir[0], ())), default=1e9),
                                                roles.index(ir[1])))
    heads = {}
    for it in stories:
        title_runs = [r for r in big if r.item == it.id and r.role == "title"]
        got = sum(len(norm(r.text)) for r in title_runs)
        if not title_runs or got < 0.8 * len(it.title):
            add(Finding("headline-missing", it.id, "", f"主题 {it.title!r}: {got} of {len(it.title)} characters found"))
            continue
        all_runs = [r for r in big if r.item == it.id and r.role != "subheads"]
        boxes = [r.box for r in all_runs]
        heads[it.id] = {"size": max(r.size for r in title_runs),
                        "box": (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                                max(b[3] for b in boxes)),
                        "title_box": (min(r.box[0] for r in title_runs), min(r.box[1] for r in title_runs),
                                      max(r.box[2] for r in title_runs), max(r.box[3] for r in title_runs))}

    # photos and their captions
    # captions: runs of the caption size that are no item's text (in another face, or in the body face
    # when the template sets them so)
    caps = [r for r in sheet.runs if abs(r.size - g.caption) < 0.05 and not r.item]
    photos = []  # dicts: box, item, photo
    story_boxes = defaultdict(list)
    for s in segs:
        if s.item:
            story_boxes[s.item].append(s.box)
    for r in big:
        if r.item:
            story_boxes[r.item].append(r.box)
    subheads = defaultdict(list)
    for r in big:
        if r.role == "subheads":
            subheads[r.item].append(r.box)
    for box in sheet.images:
        under = sorted((r for r in caps if box[3] - 1 <= r.base - 0.88 * r.size <= box[3] + 3 * g.pitch
                        and r.x0 >= box[0] - 2 and r.x1 <= box[2] + 2), key=lambda r: r.base)
        text = norm("".join(r.text for r in under))
        found = None
        for it in stories:
            for ph in it.photos:
                if ph["caption"] and ph["caption"] in text:
                    found = (it.id, ph)
        if found is None:  # the story whose text lies nearest
            near = min(stories, key=lambda it: min((_dist(box, b) for b in story_boxes.get(it.id, ())), default=1e9),
                       default=None)
            found = (near.id, None) if near else ("", None)
        for r in under:
            r.item, r.role = found[0], "caption"
        photos.append({"box": box, "item": found[0], "photo": found[1]})
        story_boxes[found[0]].append(box)

    extents = {i: (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
               for i, bs in story_boxes.items() if bs}

    def owner(pt) -> str:
        for i, e in extents.items():
            if inside(pt, e):
                return i
        return ""

    _overlaps(sheet, g, owner, add)
    measures = {}
    for it in stories:
        measures[it.id] = _reading(it, [s for s in segs if s.item == it.id], heads.get(it.id),
                                   [p for p in photos if p["item"] == it.id], subheads.get(it.id, []), g, add)
        if it.id in heads:
            measures[it.id]["headline_pt"] = heads[it.id]["size"]
    several = len(stories) > 1
    if several:
        _ladder(stories, heads, g, add)
        _clash(stories, heads, extents, add)
    _photos(stories, photos, g, several, add)
    hard = [f for f in findings if f.hard]
    unknown = sum(len(s.text) for s in segs if not s.item)
    return {"pdf": pdf_path, "page": yaml_path, "stories": measures, "unattributed_body_chars": unknown,
            "photos": [{"item": p["item"], "photo": p["photo"]["id"] if p["photo"] else None,
                        "area_cm2": round(_area(p["box"]) / CM2, 1)} for p in photos],
            "findings": [asdict(f) for f in findings], "hard": len(hard),
            "by_rule": dict(Counter(f.rule for f in hard))}


def _area(b) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def _overlaps(sheet: Sheet, g: Geometry, owner, add) -> None:
    cell = 24.0
    grid = defaultdict(list)
    glyphs = []
    for n, r in enumerate(sheet.runs):
        for ch, x0, x1 in r.chars:
            b = ink_box(ch, x0, x1, r.base, r.size)
            if b[2] <= b[0]:
                continue
            glyphs.append((b, n, ch))
    for k, (b, n, ch) in enumerate(glyphs):
        for i in range(math.floor(b[0] / cell), math.floor(b[2] / cell) + 1):
            for j in range(math.floor(b[1] / cell), math.floor(b[3] / cell) + 1):
                grid[(i, j)].append(k)
    hits = Counter()
    first = {}

    def note(kind: str, key: tuple, b, what: str) -> None:
        hits[(kind, key)] += 1
        first.setdefault((kind, key), (b, what))

    for k, (b, n, ch) in enumerate(glyphs):
        seen = set()
        for i in range(math.floor(b[0] / cell), math.floor(b[2] / cell) + 1):
            for j in range(math.floor(b[1] / cell), math.floor(b[3] / cell) + 1):
                for m in grid[(i, j)]:
                    if m <= k or m in seen:
                        continue
                    seen.add(m)
                    if cross(b, glyphs[m][0]):
                        ra, rb = sheet.runs[n], sheet.runs[glyphs[m][1]]
                        note("glyph", (ra.item or owner(_mid(b)), rb.item or owner(_mid(glyphs[m][0]))), b,
                             f"{ch!r} ({ra.size:g} pt) over {glyphs[m][2]!r} ({rb.size:g} pt)")
        for im in sheet.images:
            if cross(b, im, TOL_PT):
                note("photo", (sheet.runs[n].item or owner(_mid(b)),), b, f"{ch!r} over a photo")
        for ru in sheet.rules:
            if cross(b, ru):
                note("rule", (sheet.runs[n].item or owner(_mid(b)),), b, f"{ch!r} over a rule")
        area = (g.left - TOL_PT, g.top - TOL_PT, g.left + g.type_w + TOL_PT, g.top + g.type_h + g.pitch)
        if not (area[0] <= b[0] and b[2] <= area[2] and area[1] <= b[1] and b[3] <= area[3]):
            note("outside", (sheet.runs[n].item or owner(_mid(b)),), b, f"{ch!r} outside the type area")
    for a in range(len(sheet.images)):
        for c in range(a + 1, len(sheet.images)):
            if cross(sheet.images[a], sheet.images[c], TOL_PT):
                note("photo-photo", (owner(_mid(sheet.images[a])),), sheet.images[a], "a photo over a photo")
    for (kind, key), count in hits.items():
        b, what = first[(kind, key)]
        story = "/".join(dict.fromkeys(k for k in key if k)) or "?"
        rule = "outside" if kind == "outside" else "overlap"
        add(Finding(rule, story, mm(b[0], b[1]), f"{count} glyph(s): {what}" if kind != "photo-photo" else what))


def _mid(b):
    return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def _reading(it: Item, segs: list[Segment], head, photos: list, subheads: list, g: Geometry, add) -> dict:
    segs = [s for s in segs if s.text]
    if not segs:
        return {"order_kept": None, "segments": 0}
    # the story's subheads stand in its columns: they take part in the cut (no band of white runs
    # through a subhead), though only the running text's order is measured
    boxes = [s.box for s in segs] + list(subheads)
    seq = [segs[i] for i in xy_order(boxes, band=BAND_ROWS * g.pitch) if i < len(segs)]
    kept = order_kept(seq)
    out = {"order_kept": round(kept, 4), "segments": len(segs)}
    if kept < ORDER_KEPT:
        # the first segment out of its place in the text
        prev, where = -1, None
        for s in seq:
            off = min(s.offsets, default=None)
            if off is not None and off < prev:
                where = s.box
                break
            prev = max(prev, off if off is not None else prev)
        where = where or seq[0].box
        add(Finding("reading-path", it.id, mm(where[0], where[1]),
                    f"X-Y cut keeps {kept:.3f} of the text's order (< {ORDER_KEPT})"))
    placed = [s for s in segs if s.offsets]
    if not placed:
        return out
    start = min(placed, key=lambda s: min(s.offsets))
    st = start.box
    for s in placed:
        b = s.box
        if head is not None and b[3] <= head["title_box"][1] + TOL_PT:
            add(Finding("reading-path", it.id, mm(b[0], b[1]), "running text above its headline"))
            continue
        if b[1] < st[1] - g.pitch / 2:
            # an L around its own photo: the text begins under the photo, this stands beside it
            ok = any(p["box"][3] <= st[1] + TOL_PT and min(p["box"][2], st[2]) - max(p["box"][0], st[0]) > 0
                     and (b[2] <= p["box"][0] + TOL_PT or b[0] >= p["box"][2] - TOL_PT)
                     and b[1] >= p["box"][1] - 3 * g.pitch for p in photos)
            if not ok:
                add(Finding("reading-path", it.id, mm(b[0], b[1]),
                            f"text above where the story begins ({mm(st[0], st[1])})"))
    return out


def _ladder(stories: list[Item], heads: dict, g: Geometry, add) -> None:
    ranked = [it for it in stories if it.id in heads]
    for k, it in enumerate(ranked):
        size = heads[it.id]["size"]
        if g.ladder:
            least, most = g.ladder[min(it.rank, len(g.ladder)) - 1]
            if size < least - 0.05:
                add(Finding("headline-ladder", it.id, f"rank {it.rank}", f"主题 {size:g} pt below its floor {least:g} pt"))
            elif size > most + 0.05:
                add(Finding("headline-ladder", it.id, f"rank {it.rank}", f"主题 {size:g} pt above its range "
                            f"({least:g}–{most:g} pt)", hard=False))
        for hi in ranked[:k]:
            if size > heads[hi.id]["size"] + 0.05:
                add(Finding("headline-ladder", it.id, f"rank {it.rank}",
                            f"主题 {size:g} pt larger than {hi.id}'s (rank {hi.rank}) {heads[hi.id]['size']:g} pt"))


def _clash(stories: list[Item], heads: dict, extents: dict, add) -> None:
    ids = [it.id for it in stories if it.id in heads and it.id in extents]
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            ea, eb = extents[a], extents[b]
            gap = max(ea[0] - eb[2], eb[0] - ea[2])
            facing = ea[1] < eb[3] and eb[1] < ea[3]
            if gap > NEIGHBOUR_GAP_PT or gap < -NEIGHBOUR_GAP_PT or not facing:
                continue
            ha, hb = heads[a]["box"], heads[b]["box"]
            side = ha[2] <= hb[0] + TOL_PT or hb[2] <= ha[0] + TOL_PT
            shared = min(ha[3], hb[3]) - max(ha[1], hb[1])
            if side and shared > 1.0:
                add(Finding("zhuangti", f"{a}/{b}", mm(min(ha[0], hb[0]), max(ha[1], hb[1])),
                            f"headlines share {shared:.0f} pt of rows"))


def _photos(stories: list[Item], photos: list, g: Geometry, several: bool, add) -> None:
    rank = {it.id: it.rank for it in stories}
    min_w = MIN_SPAN * g.col_w + (MIN_SPAN - 1) * g.gutter - 1.0
    for p in photos:
        b, ph = p["box"], p["photo"]
        w, h = b[2] - b[0], b[3] - b[1]
        name = f"{p['item']}/{ph['id']}" if ph else p["item"]
        if w < min_w and not (ph and ph["headshot"]):
            add(Finding("photo-min-span", p["item"], mm(b[0], b[1]), f"{name} {w / MM:.0f} mm wide, under "
                        f"{MIN_SPAN} columns ({min_w / MM:.0f} mm)"))
        if ph and not ph["framed"]:
            src = _source_aspect(ph["path"])
            if src:
                r = (w / h) / src
                cut = 1 - min(r, 1 / r)
                if cut > CROP_MAX + CROP_SLACK:
                    add(Finding("photo-crop", p["item"], mm(b[0], b[1]), f"{name} cropped by {cut:.0%} of the image"))
    if not several:
        return
    lead = stories[0].id
    mine = [_area(p["box"]) for p in photos if p["item"] == lead]
    if mine:
        top = max(mine)
        others = [p for p in photos if _area(p["box"]) != top or p["item"] != lead]
        for p in others:
            if p["item"] == lead and _area(p["box"]) == top:
                continue
            if DOMINANT * _area(p["box"]) > top * AREA_SLACK:
                add(Finding("photo-dominant", p["item"], mm(p["box"][0], p["box"][1]),
                            f"a photo of {_area(p['box']) / CM2:.0f} cm² beside the 头条's {top / CM2:.0f} cm² "
                            f"(< {DOMINANT}×)"))
    biggest = {}
    for p in photos:
        if p["photo"] is not None and p["photo"]["headshot"]:
            continue
        if p["item"] in rank:
            biggest[p["item"]] = max(biggest.get(p["item"], 0.0), _area(p["box"]))
    for a, area_a in biggest.items():
        for b, area_b in biggest.items():
            if rank[a] < rank[b] and area_b > area_a * RANK_SLACK:
                add(Finding("photo-rank", b, f"rank {rank[b]}", f"its photo {area_b / CM2:.0f} cm² larger than "
                            f"{a}'s (rank {rank[a]}) {area_a / CM2:.0f} cm²"))


def _source_aspect(path: str) -> float | None:
    try:
        from PIL import Image

        with Image.open(path) as im:
            w, h = im.size
            orient = im.getexif().get(0x0112, 1)
    except Exception:
        return None
    if orient in (5, 6, 7, 8):
        w, h = h, w
    return w / h


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf")
    ap.add_argument("page")
    ap.add_argument("--json", help="write the findings and measures as JSON here ('-' for stdout)")
    args = ap.parse_args(argv)
    try:
        got = check(args.pdf, args.page)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json == "-":
        print(json.dumps(got, ensure_ascii=False, indent=1))
    else:
        for f in got["findings"]:
            print(Finding(**f).line())
        kept = [m["order_kept"] for m in got["stories"].values() if m.get("order_kept") is not None]
        print(f"{got['hard']} hard finding(s); order kept ≥ {min(kept, default=1.0):.3f} per story")
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(got, fh, ensure_ascii=False, indent=1)
    return 1 if got["hard"] else 0


if __name__ == "__main__":
    sys.exit(main())
