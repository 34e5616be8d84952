"""Font preparation: subset a source face, turn CFF outlines into TrueType, extract metrics.

This is the slow, fontTools-heavy step behind `layout.fonts.faces.prepare_faces`, run once per
(source face, charset) and cached. ReportLab embeds only glyf-outline TrueType, and the Noto
CJK faces are CFF, so the outlines go through cu2qu. While the full source is open we also read
what a later run must not re-read: advances, GPOS `halt` values, the ideographic em box.

`build(job)` is a top-level function taking and returning plain data so that a process pool
can run it. It never raises for a bad font; it returns {"error": ...} and the caller turns
that into an InputError.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from layout.atomic import atomic_write

# Part of the cache key: bump when the output of `build` changes for the same input.
CONVERTER_VERSION = "zhpaper-fontprep-6"

# Characters drawn with the font's full-width (`fwid`) form instead of the default one:
# Noto's default U+2014 is 0.89 em and U+00B7 0.327 em; Chinese text wants both 1 em.
FULLWIDTH_CPS = (0x2014, 0x00B7)

# A dash whose side bearings exceed this share of its advance is stretched to the full
# advance, so that "——" draws as one unbroken 2-em line (Noto's fwid dash keeps 0.071 em
# each side, a visible 0.14 em gap between the two halves).
_DASH_GAP_LIMIT = 0.01


@dataclass(frozen=True)
class PrepJob:
    """One font to prepare: source face, character set and where the TTF and its metrics go."""

    source_path: str
    source_index: int
    chars: str  # sorted, unique
    out_ttf: str
    out_json: str
    max_err: float = 1.0
    fullwidth: tuple[int, ...] = FULLWIDTH_CPS
    connect_dash: bool = True


def _halt_by_glyph(font) -> dict[str, tuple[int, int]]:
    """(XPlacement, XAdvance) per glyph from GPOS `halt` for hani/ZHS (else the script default)."""
    if "GPOS" not in font:
        return {}
    gpos = font["GPOS"].table
    if not gpos.ScriptList or not gpos.FeatureList:
        return {}
    scripts = {rec.ScriptTag: rec.Script for rec in gpos.ScriptList.ScriptRecord}
    script = scripts.get("hani") or scripts.get("DFLT")
    if script is None:
        return {}
    langsys = {rec.LangSysTag.strip(): rec.LangSys for rec in script.LangSysRecord}.get("ZHS")
    langsys = langsys or script.DefaultLangSys
    if langsys is None:
        return {}
    out: dict[str, tuple[int, int]] = {}
    for fi in langsys.FeatureIndex:
        rec = gpos.FeatureList.FeatureRecord[fi]
        if rec.FeatureTag != "halt":
            continue
        for li in rec.Feature.LookupListIndex:
            lookup = gpos.LookupList.Lookup[li]
            for sub in lookup.SubTable:
                if lookup.LookupType == 9:
                    sub = sub.ExtSubTable
                if getattr(sub, "LookupType", 1) != 1:
                    continue
                glyphs = sub.Coverage.glyphs
                values = [sub.Value] * len(glyphs) if sub.Format == 1 else sub.Value
                for g, v in zip(glyphs, values):
                    if v is not None and g not in out:  # first lookup wins, as in shaping
                        out[g] = (getattr(v, "XPlacement", 0) or 0, getattr(v, "XAdvance", 0) or 0)
    return out


def _fwid_map(font) -> dict[str, str]:
    """Single substitutions of the `fwid` feature (glyph → full-width glyph)."""
    if "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    if not gsub.FeatureList:
        return {}
    out: dict[str, str] = {}
    for rec in gsub.FeatureList.FeatureRecord:
        if rec.FeatureTag != "fwid":
            continue
        for li in rec.Feature.LookupListIndex:
            lookup = gsub.LookupList.Lookup[li]
            for sub in lookup.SubTable:
                if lookup.LookupType == 7:
                    sub = sub.ExtSubTable
                if getattr(sub, "LookupType", 1) == 1:
                    for a, b in sub.mapping.items():
                        out.setdefault(a, b)
    return out


def _em_box(font) -> tuple[int, int]:
    """Ideographic em box (top, bottom) in font units: BASE `ideo`(+`idtp`), else OS/2 typo."""
    upm = font["head"].unitsPerEm
    if "BASE" in font:
        axis = font["BASE"].table.HorizAxis
        if axis and axis.BaseTagList and axis.BaseScriptList:
            tags = list(axis.BaseTagList.BaselineTag)
            scripts = {r.BaseScriptTag: r.BaseScript for r in axis.BaseScriptList.BaseScriptRecord}
            script = scripts.get("hani") or scripts.get("DFLT")
            if script is not None and script.BaseValues and "ideo" in tags:
                coords = [c.Coordinate for c in script.BaseValues.BaseCoord]
                bottom = coords[tags.index("ideo")]
                top = coords[tags.index("idtp")] if "idtp" in tags else bottom + upm
                return top, bottom
    os2 = font["OS/2"]
    if os2.sTypoAscender - os2.sTypoDescender == upm:
        return os2.sTypoAscender, os2.sTypoDescender
    # Last resort: centre the em box on the hhea extent.
    hhea = font["hhea"]
    mid = (hhea.ascent + hhea.descent) / 2
    return round(mid + upm / 2), round(mid - upm / 2)


def _draw_glyph(glyphset, name, pen, stretch):
    if stretch is None:
        glyphset[name].draw(pen)
        return
    from fontTools.pens.transformPen import TransformPen

    scale, dx = stretch
    glyphset[name].draw(TransformPen(pen, (scale, 0, 0, 1, dx, 0)))


def _stretch_for(font, glyphset, name) -> tuple[float, float] | None:
    """Horizontal scale/offset that makes a bar-shaped glyph span its whole advance, or None."""
    from fontTools.pens.boundsPen import BoundsPen

    advance = font["hmtx"][name][0]
    pen = BoundsPen(glyphset)
    glyphset[name].draw(pen)
    if pen.bounds is None or advance <= 0:
        return None
    x0, y0, x1, y1 = pen.bounds
    upm = font["head"].unitsPerEm
    is_bar = (y1 - y0) < 0.15 * upm and (x1 - x0) > 0.5 * advance
    if not is_bar or max(x0, advance - x1) <= _DASH_GAP_LIMIT * advance:
        return None
    scale = advance / (x1 - x0)
    return scale, -x0 * scale


def _cff_to_truetype(font, glyph_for: dict[int, str], max_err: float,
                     stretch: dict[str, tuple[float, float]]):
    """A new glyf-outline TTFont holding only the glyphs of `glyph_for` (code point → glyph).

    Built directly rather than through fontTools' Subsetter: pruning CFF subroutines and hints
    for a 4,000-glyph subset costs ~4 s, and the cu2qu pen reads the outlines either way.
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    source_order = font.getGlyphOrder()
    notdef = source_order[0]
    order = [notdef] + sorted(set(glyph_for.values()) - {notdef}, key=font.getGlyphID)
    glyphset = font.getGlyphSet()
    glyphs = {}
    for name in order:
        tt_pen = TTGlyphPen(None)
        # reverse_direction: CFF contours run counter-clockwise, TrueType wants clockwise.
        _draw_glyph(glyphset, name, Cu2QuPen(tt_pen, max_err, reverse_direction=True), stretch.get(name))
        glyphs[name] = tt_pen.glyph()
    hmtx = font["hmtx"]
    fb = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(dict(sorted(glyph_for.items())))
    fb.setupGlyf(glyphs)  # computes each glyph's bounds
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics({n: (hmtx[n][0], glyf[n].xMin if glyf[n].numberOfContours else 0) for n in order})
    for tag in ("head", "hhea", "OS/2", "name"):
        fb.font[tag] = font[tag]  # the source's own records (dates, vendor, licence) carry over
    fb.setupMaxp()
    fb.font["maxp"].recalc(fb.font)
    fb.setupPost(keepGlyphNames=True)
    return fb.font


def _stretch_glyf(font, stretch: dict[str, tuple[float, float]]) -> None:
    """Apply dash stretching to a font that already has glyf outlines."""
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyphset = font.getGlyphSet()
    glyf = font["glyf"]
    hmtx = font["hmtx"]
    for name, s in stretch.items():
        pen = TTGlyphPen(glyphset)
        _draw_glyph(glyphset, name, pen, s)
        glyf[name] = pen.glyph()
        glyf[name].recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], glyf[name].xMin)


def _glyf_subset(font, glyph_for: dict[int, str], stretch: dict[str, tuple[float, float]]):
    """A new TTFont with only the glyphs of `glyph_for`, from a glyf-outline source.

    Glyph records are copied as raw bytes (no decompile/recompile), which is what keeps a
    29k-glyph face such as LXGW WenKai at well under a second; fontTools' Subsetter expands
    every glyph on the way and takes ~3 s.
    """
    import struct

    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib import newTable

    source_glyf = font["glyf"]
    notdef = font.getGlyphOrder()[0]
    wanted = {notdef} | set(glyph_for.values())
    todo = list(wanted)
    while todo:  # composite glyphs pull in their components
        name = todo.pop()
        raw = source_glyf.glyphs[name]
        data = getattr(raw, "data", b"")
        if (data and struct.unpack(">h", data[:2])[0] < 0) or getattr(raw, "numberOfContours", 0) < 0:
            for comp in source_glyf[name].getComponentNames(source_glyf):
                if comp not in wanted:
                    wanted.add(comp)
                    todo.append(comp)
    order = [notdef] + sorted(wanted - {notdef}, key=font.getGlyphID)
    hmtx = font["hmtx"]
    fb = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(dict(sorted(glyph_for.items())))
    # Not fb.setupGlyf: it inspects every glyph, which would decompile them.
    fb.font["loca"] = newTable("loca")
    glyf = fb.font["glyf"] = newTable("glyf")
    glyf.glyphs = {n: source_glyf.glyphs[n] for n in order}
    glyf.glyphOrder = order
    fb.setupHorizontalMetrics({n: hmtx[n] for n in order})
    for tag in ("head", "hhea", "OS/2", "name", "maxp"):
        fb.font[tag] = font[tag]  # maxp: the source's maxima still bound the subset
    fb.font["maxp"].numGlyphs = len(order)
    fb.setupPost(keepGlyphNames=True)
    if stretch:
        _stretch_glyf(fb.font, stretch)
    return fb.font


def build(job: PrepJob) -> dict:
    """Subset + convert + write the TTF and its metrics JSON. Returns the metrics dict."""
    from io import BytesIO

    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(job.source_path, fontNumber=job.source_index, recalcTimestamp=False)
        cmap = font.getBestCmap() or {}
        upm = font["head"].unitsPerEm
    except (TTLibError, OSError, KeyError, AssertionError, ValueError, IndexError) as exc:
        return {"error": f"cannot read font: {type(exc).__name__}: {exc}".strip(": ")}

    wanted = [ord(ch) for ch in job.chars]
    present = [cp for cp in wanted if cp in cmap]
    missing = [cp for cp in wanted if cp not in cmap]
    fwid = _fwid_map(font)
    remap = {cp: fwid[cmap[cp]] for cp in job.fullwidth if cp in cmap and cmap[cp] in fwid and cp in present}
    halt_glyph = _halt_by_glyph(font)
    top, bottom = _em_box(font)
    has_cff = "CFF " in font

    glyph_for = {cp: remap.get(cp, cmap[cp]) for cp in present}
    stretch = {}
    if job.connect_dash and 0x2014 in glyph_for:
        dash = glyph_for[0x2014]
        found = _stretch_for(font, font.getGlyphSet(), dash)
        if found is not None:
            stretch[dash] = found
    try:
        if has_cff:
            font = _cff_to_truetype(font, glyph_for, job.max_err, stretch)
        else:
            font = _glyf_subset(font, glyph_for, stretch)
    except Exception as exc:  # fontTools raises many types on malformed tables
        return {"error": f"cannot convert font: {type(exc).__name__}: {exc}"}

    # Bounds, maxp and lsb are set above; recomputing them on save would decompile every
    # copied glyph. Timestamps stay the source's so the bytes depend on the inputs only.
    font.recalcBBoxes = False
    font.recalcTimestamp = False
    buf = BytesIO()
    font.save(buf, reorderTables=True)
    final = TTFont(BytesIO(buf.getvalue()))
    final_cmap = final.getBestCmap()
    hmtx = final["hmtx"]
    advances = {cp: hmtx[final_cmap[cp]][0] for cp in present}
    counts: dict[int, int] = {}
    for adv in advances.values():
        counts[adv] = counts.get(adv, 0) + 1
    default_adv = max(sorted(counts), key=lambda a: counts[a]) if counts else upm
    halts = {}
    for cp in present:
        # halt is keyed by the glyph actually drawn, i.e. after the fwid remap.
        value = halt_glyph.get(remap.get(cp, cmap[cp]))
        if value is not None:
            halts[chr(cp)] = [value[0] / upm, value[1] / upm]
    name_rec = final["name"].getDebugName(6) or os.path.basename(job.source_path)
    metrics = {
        "converter": CONVERTER_VERSION,
        "postscript_name": name_rec,
        "units_per_em": upm,
        "ascent_em": top / upm,
        "descent_em": bottom / upm,
        "default_advance_em": default_adv / upm,
        "advances_em": {chr(cp): adv / upm for cp, adv in advances.items() if adv != default_adv},
        "notdef_advance_em": hmtx[final.getGlyphOrder()[0]][0] / upm,
        "covered": "".join(chr(cp) for cp in present),
        "missing": "".join(chr(cp) for cp in missing),
        "halts_em": halts,
        "remapped": {chr(cp): g for cp, g in sorted(remap.items())},
        "stretched": sorted(stretch),
        "converted_from_cff": has_cff,
    }
    os.makedirs(os.path.dirname(job.out_ttf), exist_ok=True)
    atomic_write(job.out_ttf, buf.getvalue(), sync=False)  # a cache entry: a crash only costs a rebuild
    # The JSON is written last: its presence marks a complete cache entry.
    atomic_write(job.out_json, json.dumps(metrics, ensure_ascii=False, sort_keys=True).encode(), sync=False)
    return metrics
