"""Font preparation: subset a source face, turn CFF outlines into TrueType, extract metrics.

This is the slow, fontTools-heavy step behind `layout.fonts.faces.prepare_faces`, run once per
(source face, charset) and cached. ReportLab embeds only glyf-outline TrueType, and the Noto
CJK faces are CFF, so the outlines go through cu2qu. While the full source is open we also read
what a later run must not re-read: advances, GPOS `halt` values, the ideographic em box.

`convert(job)` is a top-level function taking and returning plain data (the metrics and the TTF's
bytes) so that a process pool can run it; the caller keeps the result (layout.fonts.faces: verified
cache entries). It never raises for a bad font; it returns {"error": ...} and the caller turns that
into an InputError. `build(job)` converts and writes the two files where the job says.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from layout.base.atomic import atomic_write
from layout.base.han import is_han

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
    # A fallback face: the ideographic em box (top, bottom, in em) of the role's primary face. The
    # outlines are then scaled and shifted so that this face's em box lands on it, and every Han
    # glyph gets the primary's em (top − bottom) as its advance, centred in it (`_em_match`).
    em_target: tuple[float, float] | None = None


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


Affine = tuple[float, float, float, float, float, float]  # (xx, xy, yx, yy, dx, dy), as fontTools pens take it


def _stretch_affine(stretch: tuple[float, float]) -> Affine:
    scale, dx = stretch
    return (scale, 0, 0, 1, dx, 0)


def _draw_glyph(glyphset, name, pen, affine: Affine | None):
    if affine is None:
        glyphset[name].draw(pen)
        return
    from fontTools.pens.transformPen import TransformPen

    glyphset[name].draw(TransformPen(pen, affine))


INK_SAMPLE = 200  # ideographs measured for a fallback's ink centre
INK_MIN = 20  # fewer than this: keep the declared em box
INK_TOLERANCE_EM = 0.01  # a declared em box whose centre is this close to the ink centre stands


def _ink_centre(font, cmap: dict[int, str]) -> tuple[float, int] | None:
    """Mean vertical centre of the ink of up to INK_SAMPLE of the face's ideographs (evenly spread over
    its Han code points), in font units, and how many were measured; None if it has too few."""
    from fontTools.pens.boundsPen import BoundsPen

    cps = [cp for cp in sorted(cmap) if is_han(chr(cp))]
    if len(cps) < INK_MIN:
        return None
    step = max(1, len(cps) // INK_SAMPLE)
    glyphset = font.getGlyphSet()
    total, n = 0.0, 0
    for cp in cps[::step][:INK_SAMPLE]:
        pen = BoundsPen(glyphset)
        glyphset[cmap[cp]].draw(pen)
        if pen.bounds is not None:
            total += (pen.bounds[1] + pen.bounds[3]) / 2
            n += 1
    return (total / n, n) if n >= INK_MIN else None


def _fallback_em_box(font, cmap: dict[int, str], declared: tuple[int, int]) -> tuple[tuple[float, float], dict]:
    """A fallback face's ideographic em box in its units: the declared one (`_em_box`: BASE, else OS/2
    typo, else centred on hhea), unless its own ideographs contradict it — their mean ink centre more
    than INK_TOLERANCE_EM from the box's centre — and then the declared height centred on the ink.

    For a well-made face the two agree (Noto Serif CJK SC: 0.001 em apart, BabelStone Han 0.001).
    HanaMin declares −144…880 of 1024 (BASE ideo, OS/2 typo) but its glyphs sit 0.027 em higher in
    it; their ink matches Noto's within 0.007 em. Set by the declared box, its characters would stand
    0.25 pt high in 9 pt text, 0.65 pt in a 24 pt headline. The glyphs are what is printed."""
    top, bottom = declared
    upm = font["head"].unitsPerEm
    record: dict = {"declared_em_box": [top / upm, bottom / upm], "em_box_from": "declared"}
    found = _ink_centre(font, cmap)
    if found is None:
        return (top, bottom), record
    centre, n = found
    record.update({"ink_centre_em": centre / upm, "ink_sample": n})
    if abs(centre - (top + bottom) / 2) <= INK_TOLERANCE_EM * upm:
        return (top, bottom), record
    half = (top - bottom) / 2
    record["em_box_from"] = "ink"
    return (centre + half, centre - half), record


def _em_match(font, glyph_for: dict[int, str], em_target: tuple[float, float],
              box: tuple[float, float]) -> tuple[dict[str, Affine], dict[str, int], dict]:
    """Per-glyph transform and advance that set a fallback face in its primary's em box.

    `box` is this face's ideographic em box (top, bottom) in its units (`_fallback_em_box`),
    `em_target` the primary's in em (its declared box). Scale s = target height / own height; the
    outline moves up by dy so the two em boxes' bottoms (and so their tops) coincide; a Han glyph
    gets the primary's em as its advance, centred in it, so that the composer, justification and the
    grid see exactly a primary ideograph. Other glyphs keep their own advance, scaled. Shifts are
    whole font units when s is 1 (a pure move). Returns ({glyph: affine}, {glyph: advance}, a record
    for the metrics JSON).
    """
    upm = font["head"].unitsPerEm
    top_t, bottom_t = em_target
    height = top_t - bottom_t
    top, bottom = box
    scale = height * upm / (top - bottom)
    exact = abs(scale - 1.0) < 1e-9
    if exact:
        scale = 1.0
    dy = bottom_t * upm - scale * bottom
    dy = round(dy) if exact else dy
    em = height * upm
    han = {g for cp, g in glyph_for.items() if is_han(chr(cp))}
    hmtx = font["hmtx"]
    affine: dict[str, Affine] = {}
    advances: dict[str, int] = {}
    for g in sorted(set(glyph_for.values())):
        own = hmtx[g][0]
        if g in han:
            adv = round(em)
            dx = (adv - scale * own) / 2
            dx = round(dx) if exact else dx
        else:
            adv, dx = round(scale * own), 0
        if not (exact and dx == 0 and dy == 0 and adv == own):
            affine[g] = (scale, 0, 0, scale, dx, dy)
            advances[g] = adv
    record = {"scale": scale, "rise_em": dy / upm, "em_advance_em": round(em) / upm,
              "source_em_box": [top / upm, bottom / upm], "target_em_box": [top_t, bottom_t]}
    return affine, advances, record


def _compose(outer: Affine, inner: Affine) -> Affine:
    """outer ∘ inner for the diagonal affines used here (no skew)."""
    return (outer[0] * inner[0], 0, 0, outer[3] * inner[3], outer[0] * inner[4] + outer[4],
            outer[3] * inner[5] + outer[5])


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
                     shape: dict[str, Affine], advances: dict[str, int], kept: tuple | None = None):
    """A new glyf-outline TTFont holding only the glyphs of `glyph_for` (code point → glyph).

    Built directly rather than through fontTools' Subsetter: pruning CFF subroutines and hints
    for a 4,000-glyph subset costs ~4 s, and the cu2qu pen reads the outlines either way.
    `kept`: (a table of converted glyphs, the source's key) when the source stays open (`build`).
    """
    import copy

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    source_order = font.getGlyphOrder()
    notdef = source_order[0]
    order = [notdef] + sorted(set(glyph_for.values()) - {notdef}, key=font.getGlyphID)
    glyphset = font.getGlyphSet()
    glyphs = {}
    for name in order:
        key = kept[1] + (name, shape.get(name), max_err) if kept is not None else None
        got = kept[0].get(key) if kept is not None else None
        if got is None:
            tt_pen = TTGlyphPen(None)
            # reverse_direction: CFF contours run counter-clockwise, TrueType wants clockwise.
            _draw_glyph(glyphset, name, Cu2QuPen(tt_pen, max_err, reverse_direction=True), shape.get(name))
            got = tt_pen.glyph()
            if kept is not None:
                kept[0].put(key, copy.deepcopy(got))
        else:
            got = copy.deepcopy(got)
        glyphs[name] = got
    hmtx = font["hmtx"]
    fb = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(dict(sorted(glyph_for.items())))
    fb.setupGlyf(glyphs)  # computes each glyph's bounds
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics({n: (advances.get(n, hmtx[n][0]), glyf[n].xMin if glyf[n].numberOfContours else 0)
                               for n in order})
    for tag in ("head", "hhea", "OS/2", "name"):
        # The source's own records (dates, vendor, licence) carry over; saving changes some fields of
        # these, so a source kept open gives copies.
        fb.font[tag] = copy.deepcopy(font[tag]) if kept is not None else font[tag]
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
        _draw_glyph(glyphset, name, pen, _stretch_affine(s))
        glyf[name] = pen.glyph()
        glyf[name].recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], glyf[name].xMin)


def _reshape_glyf(font, shape: dict[str, Affine], advances: dict[str, int]) -> None:
    """Redraw glyphs of a glyf-outline font through their transforms (em matching of a fallback).

    Composite glyphs are decomposed first, so a component that is itself reshaped is not moved twice.
    maxp is recomputed: a decomposed glyph may have more points than any simple glyph of the source.
    """
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyphset = font.getGlyphSet()
    glyf, hmtx = font["glyf"], font["hmtx"]
    drawn = {}
    for name, affine in shape.items():
        rec = DecomposingRecordingPen(glyphset)
        glyphset[name].draw(rec)
        pen = TTGlyphPen(None)
        rec.replay(TransformPen(pen, affine))
        drawn[name] = pen.glyph()
    for name, glyph in drawn.items():  # replaced only once all are read
        glyf[name] = glyph
        glyph.recalcBounds(glyf)
        hmtx[name] = (advances.get(name, hmtx[name][0]), glyph.xMin if glyph.numberOfContours else 0)
    font["maxp"].recalc(font)


def _glyf_subset(font, glyph_for: dict[int, str], stretch: dict[str, tuple[float, float]],
                 shape: dict[str, Affine] | None = None, advances: dict[str, int] | None = None):
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
    if shape:
        _reshape_glyf(fb.font, shape, advances or {})
    elif stretch:
        _stretch_glyf(fb.font, stretch)
    return fb.font


KEEP_MAX_CHARS = 1000  # subsets larger than this are converted afresh even when `keep` is given


@dataclass
class _Source:
    """A source face opened, with what every subset of it reads: cmap, fwid, halt, em box."""

    font: object
    cmap: dict
    upm: int
    fwid: dict
    halt_glyph: dict
    em_box: tuple[int, int]
    has_cff: bool


def _open_source(path: str, index: int) -> _Source | dict:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, fontNumber=index, recalcTimestamp=False)
        cmap = font.getBestCmap() or {}
        upm = font["head"].unitsPerEm
    except (TTLibError, OSError, KeyError, AssertionError, ValueError, IndexError) as exc:
        return {"error": f"cannot read font: {type(exc).__name__}: {exc}".strip(": ")}
    if "glyf" not in font and "CFF " not in font:
        # e.g. a colour emoji font (CBDT/sbix bitmaps only): newsprint needs outlines, in one ink.
        return {"error": "the font has no outline glyphs (glyf or CFF); a colour bitmap font cannot be printed"}
    return _Source(font, cmap, upm, _fwid_map(font), _halt_by_glyph(font), _em_box(font), "CFF " in font)


def convert(job: PrepJob, keep=None) -> dict:
    """Subset + convert: {"metrics": the metrics dict, "ttf": the TTF's bytes}, or {"error": ...}.
    Nothing is written.

    `keep` (the watch process's `layout.base.memo.Memos`): a CFF source face stays open between calls
    (table "font-source", by its path, index, size and time) and each glyph converted to TrueType is
    kept (table "glyph", by source, glyph, transform and tolerance), so that a subset grown by a few
    characters converts only those. The tables the new file takes from the source are copied, never
    shared, and each kept glyph is handed out as a copy: the bytes are those of a fresh build."""
    from io import BytesIO

    from fontTools.ttLib import TTFont

    if keep is not None and len(job.chars) > KEEP_MAX_CHARS:
        keep = None  # a text face's base set: thousands of glyphs, ~80 MiB kept, and it seldom grows
    skey = None
    if keep is not None:
        try:
            st = os.stat(job.source_path)
            skey = (job.source_path, job.source_index, st.st_size, st.st_mtime_ns)
        except OSError:
            skey = None
    src = keep["font-source"].get(skey) if skey is not None else None
    if src is None:
        src = _open_source(job.source_path, job.source_index)
        if isinstance(src, dict):
            return src
        if skey is not None and src.has_cff:  # a glyf source's glyphs are shared with its subsets: not kept
            keep["font-source"].put(skey, src)
    kept = skey is not None and src.has_cff
    font, cmap, upm = src.font, src.cmap, src.upm
    fwid, halt_glyph = src.fwid, src.halt_glyph
    top, bottom = src.em_box
    has_cff = src.has_cff

    wanted = [ord(ch) for ch in job.chars]
    present = [cp for cp in wanted if cp in cmap]
    missing = [cp for cp in wanted if cp not in cmap]
    remap = {cp: fwid[cmap[cp]] for cp in job.fullwidth if cp in cmap and cmap[cp] in fwid and cp in present}

    glyph_for = {cp: remap.get(cp, cmap[cp]) for cp in present}
    stretch = {}
    if job.connect_dash and 0x2014 in glyph_for:
        dash = glyph_for[0x2014]
        found = _stretch_for(font, font.getGlyphSet(), dash)
        if found is not None:
            stretch[dash] = found
    shape: dict[str, Affine] = {g: _stretch_affine(s) for g, s in stretch.items()}
    advances_to: dict[str, int] = {}
    em_record = None
    scale = 1.0
    if job.em_target is not None:
        box, measured = _fallback_em_box(font, cmap, (top, bottom))
        moves, advances_to, em_record = _em_match(font, glyph_for, job.em_target, box)
        em_record.update(measured)
        scale = em_record["scale"]
        for g, affine in moves.items():
            shape[g] = _compose(affine, shape[g]) if g in shape else affine
    try:
        if has_cff:
            font = _cff_to_truetype(font, glyph_for, job.max_err, shape, advances_to,
                                    (keep["glyph"], skey) if kept else None)
        elif advances_to:
            font = _glyf_subset(font, glyph_for, stretch, shape, advances_to)
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
            halts[chr(cp)] = [scale * value[0] / upm, scale * value[1] / upm]
    name_rec = final["name"].getDebugName(6) or os.path.basename(job.source_path)
    metrics = {
        "converter": CONVERTER_VERSION,
        "postscript_name": name_rec,
        "units_per_em": upm,
        # A fallback's outlines now sit in its primary's em box (em_match).
        "ascent_em": job.em_target[0] if job.em_target else top / upm,
        "descent_em": job.em_target[1] if job.em_target else bottom / upm,
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
    if em_record is not None:
        metrics["em_match"] = em_record
    return {"metrics": metrics, "ttf": buf.getvalue()}


def build(job: PrepJob, keep=None) -> dict:
    """`convert`, and the TTF written to `job.out_ttf` and the metrics JSON to `job.out_json` as plain
    files. Returns the metrics dict, or {"error": ...}. (The font cache keeps `convert`'s result as
    verified entries instead: layout.fonts.faces.)"""
    made = convert(job, keep)
    if "error" in made:
        return made
    os.makedirs(os.path.dirname(job.out_ttf) or ".", exist_ok=True)
    atomic_write(job.out_ttf, made["ttf"], sync=False)
    atomic_write(job.out_json, json.dumps(made["metrics"], ensure_ascii=False, sort_keys=True).encode(), sync=False)
    return made["metrics"]
