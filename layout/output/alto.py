"""ALTO v4 for the archive copy: every set line of the page with its place and text, grouped by story.

The layout knows where every glyph stands, so this is the page as set, not as read back by OCR.
Plain string building over the PageLayout (a few ms); the archive copy's file name, the edition and
the producer come from the DocMeta. Same layout, same bytes: no clock, IDs numbered in order.

Coordinates (ALTO's convention): MeasurementUnit `mm10` (0.1 mm, whole numbers), origin at the
top-left corner of the PDF page (the MediaBox, as a viewer or a page image shows it), y downwards.
`Page` is the MediaBox; its `PrintSpace` is the trim box (the same rectangle unless --bleed).

    alto
      Description    MeasurementUnit, sourceImageInformation/fileName (the archive PDF),
                     Processing (contentGeneration, the edition date, software name and version)
      Styles         one TextStyle per face and size (FONTFAMILY: the PostScript name; FONTSIZE: pt)
      Tags           one StructureTag per kind of text (headline, kicker, byline, subhead, body,
                     caption, sidebar, folio …); each TextBlock's TAGREFS names its kind
      Layout/Page/PrintSpace
        TextBlock …            page furniture (报眉, folio: primitives of no story), outside any story
        ComposedBlock          one per story, in the layout's order: ID = the story id, TYPE article |
                               briefs | digest | advertisement, the box = the story's region (module);
                               a reserved area holding an image or an ad PDF has one Illustration
                               TYPE="advertisement" (the ad's own text is not described: it is the
                               advertiser's page, not set here), an empty one none
          TextBlock            a run of lines of one layout block and kind in one column: a paragraph
                               (or its part in one column; IDNEXT names the part in the next column),
                               a subhead, …
          ComposedBlock        a layout block with parts of several kinds: TYPE "figure" for a photo
                               (its Illustration TYPE="photo" and its caption TextBlock side by side —
                               ALTO has no caption link, a composed block is how ALTO groups them),
                               else the block's frame kind ("headline": kicker, headline, byline;
                               "sidebar": its title and items)
            TextLine           one set line: the union of its glyphs' em boxes (origin to origin +
                               advance, 0.88 em above and 0.12 em below the baseline); BASELINE the
                               polyline "x0,y x1,y"
              String, SP       one String per stretch of glyphs set without a space; SP where a space
                               was set (a gap of at least SPACE_EM). Chinese has no word spaces, so a
                               body line is usually one String.

A line the composer split into several glyph runs (a fallback face draws some characters) is one
TextLine: the runs of one line share the line's origin (x_pt, y_pt), block and kind. Blocks follow
the layout's paint order (headline group first, then what the composer placed; a paragraph's lines
in reading order). Rules and boxes (column rules, the sidebar's tint) are not described.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from layout.base.docmeta import DocMeta
from layout.base.primitives import GlyphRun, Image, PageLayout, PlacedPage

NS = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA_VERSION = "4.3"  # nothing of 4.4 (Page LANG/ROTATION) is used
SCHEMA_LOCATION = f"{NS} http://www.loc.gov/standards/alto/v4/alto-4-3.xsd"
MM10_PER_PT = 254.0 / 72.0
ASCENT_EM, DESCENT_EM = 0.88, 0.12  # the ideographic em box every face is set in (fonts/faces.py)
SPACE_EM = 0.2  # a gap this wide after a glyph's advance is a space (justification stays well below)
LANG = "zh"
BLOCK_TYPES = {"story": "article", "briefs": "briefs", "digest": "digest", "reserved": "advertisement"}
KIND_NAMES = {"kicker": "引题", "headline": "主题", "subtitle": "副题", "byline": "署名", "subhead": "小标题",
              "body": "正文", "caption": "图说", "sidebar-title": "资料框标题", "sidebar": "资料框",
              "folio": "报眉"}

Advance = Callable[[str, str], float]  # (font name, character) → advance in em


def face_advances(faces: Mapping) -> tuple[Advance, dict[str, str]]:
    """From the build's faces (role → layout.fonts.faces.Face, fallbacks included): the advance of a
    character in the face a run names, and each face's PostScript name (for the styles)."""
    by_name = {}
    for face in faces.values():
        for f in (face,) + tuple(getattr(face, "fallbacks", ())):
            by_name.setdefault(f.name, f)

    known: dict[tuple[str, str], float] = {}

    def advance(font: str, ch: str) -> float:
        try:
            return known[font, ch]
        except KeyError:
            f = by_name.get(font)
            em = known[font, ch] = f.advance_em(ch) if f is not None else 1.0
            return em

    return advance, {n: (getattr(f, "label", "") or n) for n, f in by_name.items()}


def alto_for(layout: PageLayout, meta: DocMeta, image_name: str, faces: Mapping | None = None) -> bytes:
    """The ALTO of `layout`, describing the archive PDF named `image_name`, with glyph advances from
    the build's `faces` (without them every glyph is taken as 1 em wide)."""
    advance, families = face_advances(faces) if faces else (None, None)
    return alto_bytes(layout, meta, image_name, advance, families)


# ---------------------------------------------------------------- the writer

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")
_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                      "\t": "&#9;"})


def _q(text: str) -> str:
    return text.translate(_ESC)


def _attrs(pairs) -> str:
    return "".join(f' {k}="{_q(str(v))}"' for k, v in pairs if v is not None and v != "")


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


class _Line:
    """One set line: its runs' glyphs as (character, left, right, font), left to right, in pt."""

    __slots__ = ("key", "story", "block", "kind", "y", "size", "glyphs", "left", "right")

    def __init__(self, run: GlyphRun):
        self.key = (run.story, run.block, run.kind, round(run.x_pt, 3), round(run.y_pt, 3), round(run.size_pt, 3))
        self.story, self.block, self.kind = run.story, run.block, run.kind
        self.y, self.size = run.y_pt, run.size_pt
        self.glyphs: list[tuple[str, float, float, str]] = []
        self.left = self.right = 0.0

    def add(self, run: GlyphRun, advance: Advance | None) -> None:
        size, x, font = run.size_pt, run.x_pt, run.font
        if advance is None:
            self.glyphs += [(ch, x + dx, x + dx + size, font) for ch, dx in zip(run.chars, run.xs_pt)]
        else:
            self.glyphs += [(ch, x + dx, x + dx + advance(font, ch) * size, font) for ch, dx in zip(run.chars, run.xs_pt)]

    def close(self) -> None:
        self.glyphs.sort(key=lambda g: g[1])
        self.left = min(g[1] for g in self.glyphs)
        self.right = max(g[2] for g in self.glyphs)


class _Part:
    """A TextBlock to be (lines of one block and kind in one column) or an Illustration (an Image, or a
    PlacedPage: an ad PDF)."""

    def __init__(self, key, lines=None, image: Image | PlacedPage | None = None):
        self.key = key  # (story, block, kind)
        self.lines: list[_Line] = lines or []
        self.image = image
        self.id = ""
        self.next_id = ""

    def box(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in pt."""
        if self.image is not None:
            im = self.image
            return im.x_pt, im.y_pt, im.x_pt + im.width_pt, im.y_pt + im.height_pt
        return (min(ln.left for ln in self.lines), min(ln.y - DESCENT_EM * ln.size for ln in self.lines),
                max(ln.right for ln in self.lines), max(ln.y + ASCENT_EM * ln.size for ln in self.lines))


def _union(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _follows(prev: _Line, line: _Line) -> bool:
    """`line` goes on in the same column as `prev`: lower on the page, overlapping it across."""
    return line.y < prev.y - 0.01 and line.left < prev.right and prev.left < line.right


def _collect(layout: PageLayout, advance: Advance | None) -> list[_Part]:
    """The page's TextBlocks-to-be and Illustrations, in the layout's paint order."""
    lines: dict[tuple, _Line] = {}
    order: list = []  # _Line | Image | PlacedPage, first appearance
    for it in layout.items:
        if isinstance(it, GlyphRun):
            if not it.chars:
                continue
            ln = _Line(it)
            if ln.key not in lines:
                lines[ln.key] = ln
                order.append(ln)
            lines[ln.key].add(it, advance)
        elif isinstance(it, (Image, PlacedPage)):
            order.append(it)
    parts: list[_Part] = []
    open_parts: dict[tuple, _Part] = {}  # (story, block, kind) → its latest TextBlock-to-be
    for thing in order:
        if isinstance(thing, (Image, PlacedPage)):
            parts.append(_Part((thing.story, thing.block, "image"), image=thing))
            continue
        thing.close()
        key = (thing.story, thing.block, thing.kind)
        part = open_parts.get(key)
        if part is not None and part is parts[-1] and _follows(part.lines[-1], thing):
            part.lines.append(thing)
            continue
        new = _Part(key, [thing])
        if part is not None:
            part.next_id = new  # resolved to an ID once numbered
        open_parts[key] = new
        parts.append(new)
    return parts


class _Writer:
    def __init__(self, layout: PageLayout, families: Mapping[str, str] | None):
        self.h = layout.height_pt
        self.families = families or {}
        self.out: list[str] = []
        self.counts: dict[str, int] = {}
        self.styles: dict[tuple[str, float], str] = {}
        self.tags: dict[str, str] = {}
        self.ids: set[str] = set()

    # coordinates: pt (PDF, y up) → mm10 (ALTO, y down), whole numbers; widths from the rounded edges
    def x(self, pt: float) -> int:
        return round(pt * MM10_PER_PT)

    def y(self, pt: float) -> int:
        return round((self.h - pt) * MM10_PER_PT)

    def box(self, left: float, bottom: float, right: float, top: float) -> list[tuple[str, int]]:
        hpos, vpos = self.x(left), self.y(top)
        return [("HPOS", hpos), ("VPOS", vpos), ("WIDTH", self.x(right) - hpos), ("HEIGHT", self.y(bottom) - vpos)]

    def new_id(self, prefix: str) -> str:
        n = self.counts.get(prefix, 0) + 1
        self.counts[prefix] = n
        ident = f"{prefix}{n}"
        self.ids.add(ident)
        return ident

    def story_id(self, story: str) -> str:
        return _story_ident(story, self.ids)

    def style(self, font: str, size: float) -> str:
        key = (self.families.get(font, font), round(size, 2))
        if key not in self.styles:
            self.styles[key] = f"TS{len(self.styles) + 1}"
        return self.styles[key]

    def tag(self, kind: str) -> str:
        if kind not in self.tags:
            self.tags[kind] = f"TAG{len(self.tags) + 1}"
        return self.tags[kind]

    def emit(self, depth: int, text: str) -> None:
        self.out.append("  " * depth + text)

    # blocks
    def text_block(self, part: _Part, depth: int) -> None:
        attrs = [("ID", part.id)] + self.box(*part.box()) + [("IDNEXT", part.next_id or None),
                                                             ("TAGREFS", self.tag(part.key[2])), ("LANG", LANG)]
        self.emit(depth, f"<TextBlock{_attrs(attrs)}>")
        for ln in part.lines:
            self.text_line(ln, depth + 1)
        self.emit(depth, "</TextBlock>")

    def text_line(self, ln: _Line, depth: int) -> None:
        top, bottom = ln.y + ASCENT_EM * ln.size, ln.y - DESCENT_EM * ln.size
        fonts: dict[str, int] = {}
        for g in ln.glyphs:
            fonts[g[3]] = fonts.get(g[3], 0) + 1
        font = max(fonts, key=fonts.__getitem__)  # the line's face: the one drawing most of it
        base, vpos, height = self.y(ln.y), self.y(top), self.y(bottom) - self.y(top)
        left, right = self.x(ln.left), self.x(ln.right)
        self.emit(depth, f'<TextLine ID="{self.new_id("TL")}" HPOS="{left}" VPOS="{vpos}" WIDTH="{right - left}" '
                         f'HEIGHT="{height}" BASELINE="{left},{base} {right},{base}" '
                         f'STYLEREFS="{self.style(font, ln.size)}">')
        space = SPACE_EM * ln.size
        words: list[tuple[str, float, float]] = []  # (text, left, right)
        chars: list[str] = []
        w_left = w_right = None
        for ch, g_left, g_right, _ in ln.glyphs:
            if chars and g_left - w_right >= space:
                words.append(("".join(chars), w_left, w_right))
                chars = []
            if not chars:
                w_left, w_right = g_left, g_right
            chars.append(ch)
            if g_right > w_right:
                w_right = g_right
        words.append(("".join(chars), w_left, w_right))
        pad = " " * (2 * depth + 2)
        prev = None
        for text, w_left, w_right in words:
            x0, x1 = self.x(w_left), self.x(w_right)
            if prev is not None:
                self.out.append(f'{pad}<SP HPOS="{prev}" VPOS="{vpos}" WIDTH="{x0 - prev}"/>')
            self.out.append(f'{pad}<String ID="{self.new_id("S")}" HPOS="{x0}" VPOS="{vpos}" WIDTH="{x1 - x0}" '
                            f'HEIGHT="{height}" CONTENT="{_q(text)}"/>')
            prev = x1
        self.emit(depth, "</TextLine>")

    def illustration(self, part: _Part, kind: str, depth: int) -> None:
        attrs = [("ID", part.id)] + self.box(*part.box()) + [("TYPE", kind)]
        self.emit(depth, f"<Illustration{_attrs(attrs)}/>")

    def part(self, part: _Part, depth: int, picture: str) -> None:
        if part.image is not None:
            self.illustration(part, picture, depth)
        else:
            self.text_block(part, depth)


def _story_ident(story: str, taken: set[str]) -> str:
    """The story's id as an XML ID (an NCName, unique in the file): as it is when it can be."""
    ident = story if _NCNAME.fullmatch(story) else "s_" + re.sub(r"[^A-Za-z0-9._-]", "_", story)
    base, n = ident, 1
    while ident in taken or re.fullmatch(r"(CB|TB|TL|S|IL|TS|TAG|PROC|Page)\d+", ident):
        n += 1
        ident = f"{base}_{n}"
    taken.add(ident)
    return ident


def story_block_ids(layout: PageLayout) -> dict[str, str]:
    """The ID of each story region's ComposedBlock, as `alto_bytes` gives them: what a METS file's
    areas (BEGIN, BETYPE IDREF) and an e-paper's hotspots name a story by."""
    taken: set[str] = set()
    return {r.story: _story_ident(r.story, taken) for r in layout.regions}


def _frame_kinds(layout: PageLayout) -> dict[str, str]:
    return {fr.block: fr.kind for fr in layout.frames}


def alto_bytes(layout: PageLayout, meta: DocMeta, image_name: str, advance: Advance | None = None,
               families: Mapping[str, str] | None = None) -> bytes:
    """The ALTO v4 document (UTF-8) of `layout`, for the archive PDF named `image_name`.

    `advance(font, ch)` gives a glyph's advance in em in the run's font (the right edge of a line's
    last glyph); `families` maps a run's font name to the family the styles name."""
    w = _Writer(layout, families)
    parts = _collect(layout, advance)
    for p in parts:  # number the blocks in document order, so IDNEXT can point forward
        p.id = w.new_id("IL" if p.image is not None else "TB")
    for p in parts:
        if isinstance(p.next_id, _Part):
            p.next_id = p.next_id.id
    regions = {r.story: r for r in layout.regions}
    stories: list[str] = [r.story for r in layout.regions]
    by_story: dict[str, list[_Part]] = {}
    for p in parts:
        by_story.setdefault(p.key[0], []).append(p)
        if p.key[0] and p.key[0] not in regions and p.key[0] not in stories:
            stories.append(p.key[0])  # a story without a region: its box is what it holds
    frame_kinds = _frame_kinds(layout)

    body: list[str] = []
    w.out = body
    x0, y0, x1, y1 = layout.trim
    w.emit(3, f"<PrintSpace{_attrs(w.box(x0, y0, x1, y1))}>")
    for p in by_story.get("", []):  # page furniture: 报眉, folio
        w.part(p, 4, "photo")
    for story in stories:
        region = regions.get(story)
        mine = by_story.get(story, [])
        if region is not None:
            box = (region.x_pt, region.y_pt, region.x_pt + region.width_pt, region.y_pt + region.height_pt)
            kind = region.kind
        elif mine:
            box, kind = _union(p.box() for p in mine), "story"
        else:
            continue
        picture = "advertisement" if kind == "reserved" else "photo"
        attrs = [("ID", w.story_id(story))] + w.box(*box) + [("TYPE", BLOCK_TYPES.get(kind, kind))]
        if not mine:
            w.emit(4, f"<ComposedBlock{_attrs(attrs)}/>")
            continue
        w.emit(4, f"<ComposedBlock{_attrs(attrs)}>")
        groups: dict[str, list[_Part]] = {}
        for p in mine:
            groups.setdefault(p.key[1], []).append(p)
        done: set[str] = set()
        for p in mine:
            block = p.key[1]
            if block in done:
                continue
            group = groups[block]
            kinds = {q.key[2] for q in group}
            if len(kinds) == 1:  # one kind: its TextBlocks (a paragraph's parts, column by column), or a photo
                for q in group:
                    w.part(q, 5, picture)
                done.add(block)
                continue
            has_image = any(q.image is not None for q in group)
            ctype = "figure" if has_image and picture == "photo" else (
                picture if has_image else frame_kinds.get(block) or group[0].key[2])
            cattrs = [("ID", w.new_id("CB"))] + w.box(*_union(q.box() for q in group)) + [("TYPE", ctype)]
            w.emit(5, f"<ComposedBlock{_attrs(cattrs)}>")
            for q in group:
                w.part(q, 6, picture)
            w.emit(5, "</ComposedBlock>")
            done.add(block)
        w.emit(4, "</ComposedBlock>")
    w.emit(3, "</PrintSpace>")

    head: list[str] = []
    w.out = head
    w.emit(0, '<?xml version="1.0" encoding="UTF-8"?>')
    w.emit(0, f'<alto xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              f'xsi:schemaLocation="{SCHEMA_LOCATION}" SCHEMAVERSION="{SCHEMA_VERSION}">')
    w.emit(1, "<Description>")
    w.emit(2, "<MeasurementUnit>mm10</MeasurementUnit>")
    w.emit(2, f"<sourceImageInformation><fileName>{_q(image_name)}</fileName></sourceImageInformation>")
    name, _, version = meta.producer.partition(" ")
    w.emit(2, '<Processing ID="PROC1">')
    w.emit(3, "<processingCategory>contentGeneration</processingCategory>")
    w.emit(3, f"<processingDateTime>{_q(meta.date)}</processingDateTime>")
    if meta.paper:
        w.emit(3, f"<processingAgency>{_q(meta.paper)}</processingAgency>")
    w.emit(3, "<processingStepDescription>typeset: every line's text and place as composed and printed, "
              "not recognised (no OCR)</processingStepDescription>")
    w.emit(3, f"<processingSoftware><softwareName>{_q(name)}</softwareName>"
              f"{f'<softwareVersion>{_q(version)}</softwareVersion>' if version else ''}</processingSoftware>")
    w.emit(2, "</Processing>")
    w.emit(1, "</Description>")
    if w.styles:
        w.emit(1, "<Styles>")
        for (family, size), ident in w.styles.items():
            w.emit(2, f"<TextStyle{_attrs([('ID', ident), ('FONTFAMILY', family), ('FONTSIZE', _num(size))])}/>")
        w.emit(1, "</Styles>")
    if w.tags:
        w.emit(1, "<Tags>")
        for kind, ident in w.tags.items():
            w.emit(2, f"<StructureTag{_attrs([('ID', ident), ('TYPE', 'text'), ('LABEL', kind), ('DESCRIPTION', KIND_NAMES.get(kind))])}/>")
        w.emit(1, "</Tags>")
    w.emit(1, "<Layout>")
    page_attrs = [("ID", "Page1"), ("PHYSICAL_IMG_NR", 1), ("PRINTED_IMG_NR", meta.page),
                  ("WIDTH", w.x(layout.width_pt)), ("HEIGHT", round(layout.height_pt * MM10_PER_PT)),
                  ("PROCESSINGREFS", "PROC1")]
    w.emit(2, f"<Page{_attrs(page_attrs)}>")
    tail = ["    </Page>", "  </Layout>", "</alto>"]
    return ("\n".join(head + body + tail) + "\n").encode("utf-8")
