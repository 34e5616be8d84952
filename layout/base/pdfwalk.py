"""What a PDF page draws with: its colour, fonts and transparency, read from its resources and content.

Two stages ask: the press check of a finished page (layout.output.finish.press_problems) and the
check of an ad PDF the desk supplies for a reserved area (layout.source.adpdf). Both want to know
the same things, so one walk serves both: every colour space, image, font, graphics state, form,
pattern and shading a page (or a Form XObject) reaches through its resources — forms, tiling
patterns and Type 3 glyphs in turn — and the colour operators and inline images of its content.

Each finding is a `Use`:

* "colour": colour that is neither CMYK, gray nor spot — DeviceRGB, CalRGB, Lab, an ICCBased space of
  3 components (RGB), or anything else a CMYK press cannot print as it stands (also as the base of an
  Indexed space or the alternate of a Separation/DeviceN). Refused in the press PDF and in an ad.
* "cie": CMYK or gray through an ICC profile (ICCBased N=4 / N=1) or CalGray. PDF/X-1a allows device
  and spot colour only, so the press PDF must not hold them; an ad that does is still a CMYK ad, and
  layout.output.place writes these as DeviceCMYK / DeviceGray (the numbers kept) when it places the
  ad. `slot` says where the colour space sits, for that rewrite.
* "font": a font whose program is not embedded (`name`: its BaseFont).
* "transparency": a transparency group, a soft mask, constant alpha below 1 or a blend mode other
  than Normal — PDF/X-1a has no transparency.

pikepdf only; no rendering, no knowledge of the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

# Colour space families a CMYK press prints as they stand (Indexed/Separation/DeviceN/Pattern are
# judged by their base or alternate space, which colour_families lists after them).
DEVICE = frozenset({"DeviceCMYK", "DeviceGray", "Indexed", "Separation", "DeviceN", "Pattern"})
# CMYK and gray through a profile: printable, but not PDF/X-1a as they stand (see "cie" above).
CIE_PRINTABLE = frozenset({"ICCBased N=4", "ICCBased N=1", "CalGray"})
_NONE = Name("/None")
_FONT_FILES = (Name.FontFile, Name.FontFile2, Name.FontFile3)  # a descriptor with one embeds the program


@dataclass(frozen=True)
class Use:
    """One finding of the walk: what (`kind`: colour | cie | font | transparency), where ("page 1 form
    /Fm0"), a phrase saying it ("image /Im0 is DeviceRGB"), and the colour family or font named."""

    kind: str
    where: str
    what: str
    name: str = ""
    slot: tuple | None = field(default=None, compare=False)  # (dictionary, key) holding the colour space

    def line(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


def colour_families(cs) -> list[str]:
    """The colour space families a /ColorSpace value uses, outermost first: "DeviceRGB", "ICCBased N=3",
    ["Indexed", "DeviceCMYK"], ["Separation", "DeviceCMYK"], …"""
    if isinstance(cs, Name):
        return [str(cs)[1:]]
    if not isinstance(cs, Array) or not len(cs) or not isinstance(cs[0], Name):
        return ["unknown"] if cs is not None else []
    family = str(cs[0])[1:]
    if family == "ICCBased":
        profile = cs[1] if len(cs) > 1 else None
        n = int(profile.get(Name.N, 0)) if isinstance(profile, (Stream, Dictionary)) else 0
        return [f"ICCBased N={n}"]
    if family == "Indexed" and len(cs) > 1:
        return [family] + colour_families(cs[1])
    if family == "Separation" and len(cs) > 2:
        return [family] + colour_families(cs[2])
    if family == "DeviceN" and len(cs) > 2:
        out = [family] + colour_families(cs[2])
        attrs = cs[4] if len(cs) > 4 and isinstance(cs[4], Dictionary) else Dictionary()
        for colorant in (attrs.get(Name.Colorants) or Dictionary()).values():
            out += colour_families(colorant)
        process = attrs.get(Name("/Process"))
        if isinstance(process, Dictionary) and Name.ColorSpace in process:
            out += colour_families(process.ColorSpace)
        return out
    if family == "Pattern" and len(cs) > 1:
        return [family] + colour_families(cs[1])
    return [family]


def grade(families: list[str]) -> tuple[str, list[str]]:
    """("colour", the families at fault) if any family is not printable, else ("cie", the profile-based
    ones) if any, else ("", [])."""
    bad = [f for f in families if f not in DEVICE and f not in CIE_PRINTABLE]
    if bad:
        return "colour", bad
    cie = [f for f in families if f in CIE_PRINTABLE]
    return ("cie", cie) if cie else ("", [])


def _colour(cs, where: str, what: str, out: list[Use], slot: tuple | None = None) -> None:
    kind, families = grade(colour_families(cs))
    if kind:
        names = ", ".join(dict.fromkeys(families))
        out.append(Use(kind, where, f"{what} {names}", names, slot))


def page_uses(page: pikepdf.Page, where: str = "page 1") -> list[Use]:
    """Everything `page` draws with that a PDF/X-1a press page may not hold (see the module docstring)."""
    out: list[Use] = []
    if Name.Group in page.obj:
        out.append(Use("transparency", where, "page transparency group"))
    resources = page.obj.get(Name.Resources)
    _content(page, resources, where, out)
    _resources(resources, where, out, set())
    return out


def form_uses(form: Stream, where: str = "", label: str = "form") -> list[Use]:
    """The same for a Form XObject (an ad page as layout.output.place draws it: `label` "page", whose
    group, if any, the form carries), its group included."""
    out: list[Use] = []
    if Name.Group in form:
        out.append(Use("transparency", where, f"{label} transparency group"))
    resources = form.get(Name.Resources)
    _content(form, resources, where, out)
    _resources(resources, where, out, set())
    return out


def _at(where: str, what: str) -> str:
    return f"{where} {what}".strip()


def _resources(res, where: str, out: list[Use], seen: set) -> None:
    if not isinstance(res, Dictionary):
        return
    spaces = res.get(Name.ColorSpace)
    for name, cs in (spaces or Dictionary()).items():
        _colour(cs, where, f"colour space {name} uses", out, (spaces, Name(name)))
    for name, gs in (res.get(Name.ExtGState) or Dictionary()).items():
        _graphics_state(gs, where, f"ExtGState {name}", out)
    for name, font in (res.get(Name.Font) or Dictionary()).items():
        if font.get(Name.Subtype) == Name.Type3:
            if _first_visit(font, seen):  # glyph procedures: content of their own
                for proc in (font.get(Name.CharProcs) or Dictionary()).values():
                    _content(proc, font.get(Name.Resources) or res, _at(where, f"Type 3 font {name}"), out)
                _resources(font.get(Name.Resources), _at(where, f"Type 3 font {name}"), out, seen)
            continue
        fonts = [font] + list(font.get(Name.DescendantFonts) or [])
        embedded = any(any(k in (f.get(Name.FontDescriptor) or Dictionary()) for k in _FONT_FILES) for f in fonts)
        if not embedded:
            base = str(font.get(Name.BaseFont, Name("/unnamed")))[1:]
            out.append(Use("font", where, f"font {name} ({base}) is not embedded", base))
    for name, xobj in (res.get(Name.XObject) or Dictionary()).items():
        if not _first_visit(xobj, seen):
            continue
        subtype = xobj.get(Name.Subtype)
        if subtype == Name.Image:
            _image(xobj, where, f"image {name}", out)
        elif subtype == Name.Form:
            inner = _at(where, f"form {name}")
            if Name.Group in xobj:
                out.append(Use("transparency", where, f"form {name} has a transparency group"))
            _content(xobj, xobj.get(Name.Resources), inner, out)
            _resources(xobj.get(Name.Resources), inner, out, seen)
    for name, pattern in (res.get(Name.Pattern) or Dictionary()).items():
        if not _first_visit(pattern, seen):
            continue
        if int(pattern.get(Name.PatternType, 0)) == 2:  # a shading pattern
            shading = pattern.get(Name.Shading)
            if isinstance(shading, (Dictionary, Stream)):
                _colour(shading.get(Name.ColorSpace), where, f"pattern {name} shading uses", out,
                        (shading, Name.ColorSpace))
            if Name.ExtGState in pattern:
                _graphics_state(pattern.ExtGState, where, f"pattern {name} ExtGState", out)
        elif isinstance(pattern, Stream):  # a tiling pattern: a content stream of its own
            inner = _at(where, f"pattern {name}")
            _content(pattern, pattern.get(Name.Resources), inner, out)
            _resources(pattern.get(Name.Resources), inner, out, seen)
    for name, shading in (res.get(Name.Shading) or Dictionary()).items():
        if isinstance(shading, (Dictionary, Stream)):
            _colour(shading.get(Name.ColorSpace), where, f"shading {name} uses", out, (shading, Name.ColorSpace))


def _first_visit(obj, seen: set) -> bool:
    key = obj.objgen
    if key == (0, 0):  # a direct object: it can only be reached this once
        return True
    if key in seen:
        return False
    seen.add(key)
    return True


def _graphics_state(gs, where: str, label: str, out: list[Use]) -> None:
    if Name.SMask in gs and gs.SMask != _NONE:
        out.append(Use("transparency", where, f"{label} has a soft mask (transparency)"))
    for key in (Name.CA, Name.ca):
        if key in gs and float(gs[key]) < 1:
            out.append(Use("transparency", where, f"{label} has {key} {float(gs[key])} (transparency)"))
    if Name.BM in gs:
        modes = gs.BM if isinstance(gs.BM, Array) else [gs.BM]
        if str(modes[0]) not in ("/Normal", "/Compatible"):
            out.append(Use("transparency", where, f"{label} blend mode {modes[0]} (transparency)"))


def _image(xobj, where: str, label: str, out: list[Use]) -> None:
    if Name.SMask in xobj or int(xobj.get(Name("/SMaskInData"), 0)):
        out.append(Use("transparency", where, f"{label} has a soft mask (transparency)"))
    if bool(xobj.get(Name.ImageMask, False)):
        return  # a stencil: painted in the current fill colour, which the content sets
    if Name.ColorSpace not in xobj:
        # JPEG 2000 may carry its colour in the code stream, which this walk does not read
        out.append(Use("colour", where, f"{label} has no /ColorSpace (its colour is not checked)", "unknown"))
        return
    _colour(xobj.ColorSpace, where, f"{label} is", out, (xobj, Name.ColorSpace))


def _content(owner, res, where: str, out: list[Use]) -> None:
    """The content's colour operators and inline images. qpdf tokenises the whole stream; only the
    operators asked for become Python objects (a page is ~3,000 text operators, and converting them
    all was most of the press check). pikepdf reports an inline image (BI … ID … EI) as one
    "INLINE IMAGE" instruction with its dictionary expanded (/CS /RGB → /ColorSpace /DeviceRGB)."""
    spaces = (res.get(Name.ColorSpace) if isinstance(res, Dictionary) else None) or Dictionary()
    for ins in pikepdf.parse_content_stream(owner, "rg RG cs CS BI ID EI"):
        opname = str(ins.operator)
        if opname in ("rg", "RG"):
            out.append(Use("colour", where, f"RGB colour operator {opname}", "DeviceRGB"))
        elif opname in ("cs", "CS") and ins.operands and ins.operands[0] == Name.DeviceRGB:
            # the only device space a content stream can name that is not CMYK or gray; any other
            # name is one of the resources' colour spaces, checked there
            out.append(Use("colour", where, "colour space /DeviceRGB set in content", "DeviceRGB"))
        elif opname == "INLINE IMAGE":
            info = ins.operands[0].obj
            if bool(info.get(Name.ImageMask, False)):
                continue
            cs = info.get(Name.ColorSpace)
            if isinstance(cs, Name) and cs in spaces:  # a name of the resources: checked there
                continue
            _colour(cs, where, "inline image is", out)


def device_equivalent(cs):
    """`cs` with every profile-based CMYK or gray space (ICCBased N=4 / N=1, CalGray) replaced by
    DeviceCMYK / DeviceGray — the colour numbers stay as they are; anything else unchanged."""
    families = colour_families(cs)
    if not isinstance(cs, Array) or not families or not set(families) & CIE_PRINTABLE:
        return cs
    family = families[0]
    if family == "ICCBased N=4":
        return Name.DeviceCMYK
    if family in ("ICCBased N=1", "CalGray"):
        return Name.DeviceGray
    parts = list(cs)
    index = {"Indexed": (1,), "Separation": (2,), "DeviceN": (2,), "Pattern": (1,)}.get(family, ())
    for i in index:
        parts[i] = device_equivalent(parts[i])
    if family == "DeviceN" and len(parts) > 4 and isinstance(parts[4], Dictionary):
        colorants = parts[4].get(Name.Colorants)
        if isinstance(colorants, Dictionary):
            for key in list(colorants.keys()):
                colorants[key] = device_equivalent(colorants[key])
        process = parts[4].get(Name("/Process"))
        if isinstance(process, Dictionary) and Name.ColorSpace in process:
            process[Name.ColorSpace] = device_equivalent(process.ColorSpace)
    return Array(parts)


def page_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The box an ad page is made to: its TrimBox, else its MediaBox (x0, y0, x1, y1), in its own units."""
    box = page.obj.get(Name.TrimBox)
    if not isinstance(box, Array) or len(box) != 4:
        box = page.mediabox
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def page_form(page: pikepdf.Page) -> tuple[Stream, tuple[float, float, float, float]]:
    """`page` as a Form XObject of its own document — its content and resources, clipped (BBox) to
    page_box — and that box in pt as the page shows, its /Rotate and /UserUnit applied through the
    form's /Matrix (qpdf sets it)."""
    form = page.as_form_xobject(handle_transformations=True)
    box = page_box(page)
    form[Name.BBox] = Array(box)
    m = [float(v) for v in form.get(Name.Matrix, Array([1, 0, 0, 1, 0, 0]))]
    corners = [(m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]) for x in box[0::2] for y in box[1::2]]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return form, (min(xs), min(ys), max(xs), max(ys))
