"""PDF finishing: the press file (PDF/X-1a-like), the PDF/A-2b archive copy, manifest, filing.

The renderer hands over the bytes reportlab wrote (invariant=1, CMYK only, fonts embedded,
CMYK JPEGs). This module adds what reportlab cannot: page boxes, the output intent with the
embedded newsprint profile, document metadata (Info + XMP), pinned dates and IDs so the same
page always gives the same bytes, and the checks that the result is what it claims to be.

Where the "made-from" record lives: the PDF/A validator we rely on (pikepdf.pdfa, veraPDF
rules) admits only the standard XMP namespaces, and a custom namespace would need a PDF/A
extension schema it does not accept. So the full record (every source path + sha256, tool
versions, output hashes) goes into a JSON manifest filed beside the PDFs, and the XMP carries
the same source list as plain `dc:relation` entries ("source <path> sha256:<hex>"), which any
XMP reader shows and the validator accepts.

Each story's module (its region on the page, the e-paper hotspot) is listed the same way: one
`dc:relation` entry per story (Dublin Core's relation is the parent of dcterms:hasPart, a part of
the resource), "story id=<id> kind=<kind> x_mm=… y_mm=… width_mm=… height_mm=… title=<title>", the
region in mm from the trim box's top-left corner, y downwards; the manifest has the same list as
JSON ("stories"). The page's text and its place line by line are in the ALTO file beside the
archive copy (layout.output.alto).
"""

from __future__ import annotations

import datetime as _dt
import errno
import functools
import hashlib
import io
import json
import os
import sys
import zlib
from collections.abc import Mapping

import pikepdf
from pikepdf import Dictionary, Name, String

from layout.base.atomic import atomic_write
from layout.base.docmeta import REGION_ORIGIN, DocMeta, StoryMeta, archive_names, check_meta
from layout.base.errors import InputError
from layout.base.pdfwalk import page_uses

TIMEZONE = "+08:00"  # editions are dated in Beijing time
OUTPUT_CONDITION_ID = "IFRA26"
OUTPUT_CONDITION = "Coldset offset on newsprint, ISO 12647-3:2004, 26% TVI"
REGISTRY = "http://www.color.org"
PDFX_VERSION = "PDF/X-1a:2003"
MANIFEST_SCHEMA = "zhpaper-manifest/1"


class FinishError(RuntimeError):
    """The finished PDF does not meet what it claims (a bug upstream, not a desk input problem)."""


# ---------------------------------------------------------------- metadata helpers

def _xmp_date(day: _dt.date) -> str:
    return f"{day.isoformat()}T00:00:00{TIMEZONE}"


def _pdf_date(day: _dt.date) -> str:
    hh, mm = TIMEZONE[1:].split(":")
    return f"D:{day:%Y%m%d}000000{TIMEZONE[0]}{hh}'{mm}'"


def _credits(meta: DocMeta) -> list[str]:
    return [f"{role}/{name}" for role, name in meta.creators]


def _description(meta: DocMeta) -> str:
    text = f"{meta.paper} {meta.date} 第{meta.page}版 {meta.page_name}".strip()
    return f"{text}：{meta.subject}" if meta.subject else text


def _mm(v: float) -> str:
    return f"{v:.2f}"


def story_relation(story: StoryMeta) -> str:
    """A story's `dc:relation` entry: id, kind, region in mm (trim box top-left, y down) and title last
    (it may hold spaces)."""
    return (f"story id={story.id} kind={story.kind} x_mm={_mm(story.x_mm)} y_mm={_mm(story.y_mm)} "
            f"width_mm={_mm(story.width_mm)} height_mm={_mm(story.height_mm)} title={story.title}")


def _relations(meta: DocMeta) -> list[str]:
    return ([f"source {path} sha256:{sha}" for path, sha in meta.sources] + [f"producer {meta.producer}"]
            + [story_relation(story) for story in meta.stories])


def _set_docinfo(pdf: pikepdf.Pdf, meta: DocMeta, day: _dt.date) -> None:
    info = pdf.docinfo
    for key in list(info.keys()):
        del info[key]
    info[Name.Title] = String(meta.title)
    info[Name.Author] = String("; ".join(_credits(meta)))
    info[Name.Subject] = String(_description(meta))
    info[Name.Keywords] = String(", ".join(meta.keywords))
    info[Name.Creator] = String(meta.producer)
    info[Name.Producer] = String(meta.producer)
    info[Name.CreationDate] = String(_pdf_date(day))
    info[Name.ModDate] = String(_pdf_date(day))


def _set_xmp(pdf: pikepdf.Pdf, meta: DocMeta, day: _dt.date, update_docinfo: bool, pdfa: bool = False) -> None:
    stamp = _xmp_date(day)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=update_docinfo) as xmp:
        if pdfa:  # ISO 19005-2 6.6.4: the conformance declaration
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
        xmp["dc:title"] = meta.title
        xmp["dc:creator"] = _credits(meta)  # a Seq: the order of the byline
        xmp["dc:date"] = [meta.date]
        xmp["dc:description"] = _description(meta)
        xmp["dc:publisher"] = [meta.paper]
        xmp["dc:subject"] = list(meta.keywords)
        xmp["dc:relation"] = _relations(meta)
        xmp["dc:format"] = "application/pdf"
        xmp["photoshop:Headline"] = meta.title
        xmp["photoshop:Credit"] = "; ".join(_credits(meta))
        xmp["photoshop:Source"] = meta.paper
        xmp["photoshop:DateCreated"] = meta.date
        xmp["photoshop:TransmissionReference"] = f"{meta.date} p{meta.page:02d} {meta.page_name}".strip()
        xmp["pdf:Keywords"] = ", ".join(meta.keywords)
        xmp["pdf:Producer"] = meta.producer
        xmp["xmp:CreatorTool"] = meta.producer
        xmp["xmp:CreateDate"] = stamp
        xmp["xmp:ModifyDate"] = stamp
        xmp["xmp:MetadataDate"] = stamp  # pdfa.prepare stamps "now"; pinned for identical bytes


def _open(pdf: bytes) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        raise FinishError(f"renderer output is not a readable PDF ({exc})") from None


def _drop_trans(pdf: pikepdf.Pdf) -> None:
    # reportlab writes an empty /Trans on every page; PDF/A validators reject the unknown key
    # and a press RIP has no use for a page transition.
    for page in pdf.pages:
        if Name.Trans in page.obj:
            del page.obj[Name.Trans]


def _unique_subset_tags(pdf: pikepdf.Pdf) -> None:
    """Give every embedded subset its own six-letter tag (ISO 32000-1 9.6.4: different subsets in
    one file shall have different tags). reportlab numbers the subsets of each font from AAAAAA,
    so the first subset of every face shares one tag: the page's own fonts get new tags derived
    from the subset's full name, so the same page keeps the same names. The fonts of a placed page
    (an ad's, inside its form; layout.output.place) keep their names and tags, unless a tag is taken
    already — by one of ours or another of the ad's — when it too is derived anew."""
    used: set[str] = set()
    done: set = set()
    for page in pdf.pages:
        resources = page.obj.get(Name.Resources, Dictionary())
        fonts = resources.get(Name.Font, Dictionary())
        for key in sorted(fonts.keys()):
            _retag(fonts[key], used, done, keep=False)
        for font in _form_fonts(resources, set()):
            _retag(font, used, done, keep=True)


def _form_fonts(resources, seen: set) -> list:
    """The fonts of the Form XObjects `resources` reach (forms within forms too), in name order."""
    out = []
    xobjects = resources.get(Name.XObject, Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    for key in sorted(xobjects.keys()):
        form = xobjects[key]
        if form.get(Name.Subtype) != Name.Form or form.objgen in seen:
            continue
        seen.add(form.objgen)
        inner = form.get(Name.Resources, Dictionary())
        fonts = inner.get(Name.Font, Dictionary())
        out += [fonts[k] for k in sorted(fonts.keys())]
        out += _form_fonts(inner, seen)
    return out


def _retag(font, used: set[str], done: set, keep: bool) -> None:
    if font.objgen != (0, 0):
        if font.objgen in done:
            return
        done.add(font.objgen)
    base = str(font.get(Name.BaseFont, ""))[1:]
    if len(base) < 8 or base[6] != "+" or not base[:6].isupper():
        return
    if keep and base[:6] not in used:
        used.add(base[:6])
        return
    seed, n = base, 0
    while True:
        digest = hashlib.sha256(f"{seed}#{n}".encode()).digest()
        tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
        if tag not in used:
            break
        n += 1
    used.add(tag)
    # the tag is renamed wherever it names this subset: the font, its descendant (Type 0) and their
    # descriptors' FontName
    old = base[:6] + "+"
    for f in [font] + list(font.get(Name.DescendantFonts) or []):
        for owner, key in ((f, Name.BaseFont), (f.get(Name.FontDescriptor), Name.FontName)):
            if owner is not None and str(owner.get(key, "")).startswith("/" + old):
                owner[key] = Name("/" + tag + "+" + str(owner[key])[8:])


def _icc_bytes(icc_path: str) -> bytes:
    try:
        with open(icc_path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read output ICC profile ({exc.strerror})", where=icc_path) from None
    if len(data) < 132 or data[36:40] != b"acsp" or data[16:20] != b"CMYK":
        raise InputError("output profile is not a CMYK ICC profile", where=icc_path,
                         hint="give the press's CMYK profile, e.g. ISOnewspaper26v4.icc")
    return data


def _save(pdf: pikepdf.Pdf, **kw) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, **kw)
    return buf.getvalue()


# ---------------------------------------------------------------- press

def _box(name: str, box: tuple, media: list[float]) -> list[float]:
    if len(box) != 4:
        raise ValueError(f"{name} needs 4 numbers (x0, y0, x1, y1)")
    x0, y0, x1, y1 = (float(v) for v in box)
    eps = 0.01
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"{name} {box} is empty")
    if x0 < media[0] - eps or y0 < media[1] - eps or x1 > media[2] + eps or y1 > media[3] + eps:
        raise ValueError(f"{name} {box} lies outside the MediaBox {media}")
    return [round(v, 4) for v in (x0, y0, x1, y1)]


def finish_press(pdf: bytes, meta: DocMeta, icc_path: str, trim_box_pt: tuple[float, float, float, float],
                 bleed_box_pt: tuple[float, float, float, float] | None = None) -> bytes:
    """The press PDF: PDF/X-1a-like (CMYK only, no transparency, fonts embedded, PDF 1.4),
    IFRA26 output intent with the profile embedded, TrimBox (BleedBox only when asked),
    /Trapped /False, Info + XMP; identical bytes for identical input. Raises FinishError if
    the result breaks any of that."""
    day = check_meta(meta)
    icc = _icc_bytes(icc_path)
    doc = _open(pdf)
    _drop_trans(doc)
    _unique_subset_tags(doc)
    for page in doc.pages:
        media = [float(v) for v in page.obj.MediaBox]
        page.obj[Name.TrimBox] = pikepdf.Array(_box("TrimBox", trim_box_pt, media))
        if bleed_box_pt is not None:
            bleed = _box("BleedBox", bleed_box_pt, media)
            trim = _box("TrimBox", trim_box_pt, media)
            if not (bleed[0] <= trim[0] and bleed[1] <= trim[1] and bleed[2] >= trim[2] and bleed[3] >= trim[3]):
                raise ValueError(f"BleedBox {bleed_box_pt} does not contain the TrimBox {trim_box_pt}")
            page.obj[Name.BleedBox] = pikepdf.Array(bleed)
        elif Name.BleedBox in page.obj:
            del page.obj[Name.BleedBox]
        for key in (Name.ArtBox, Name.CropBox):  # X-1a forbids ArtBox with TrimBox; CropBox = MediaBox
            if key in page.obj:
                del page.obj[key]
    profile = _profile_stream(doc, icc)
    intent = Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFX,
                        OutputConditionIdentifier=String(OUTPUT_CONDITION_ID),
                        OutputCondition=String(OUTPUT_CONDITION), RegistryName=String(REGISTRY),
                        Info=String(OUTPUT_CONDITION), DestOutputProfile=profile)
    doc.Root[Name.OutputIntents] = pikepdf.Array([doc.make_indirect(intent)])
    _set_docinfo(doc, meta, day)
    doc.docinfo[Name.Trapped] = Name("/False")
    doc.docinfo[Name.GTS_PDFXVersion] = String(PDFX_VERSION)
    _set_xmp(doc, meta, day, update_docinfo=False)
    # PDF/X-1a:2003 is PDF 1.4: no object streams, no cross-reference streams.
    out = _save(doc, force_version="1.4", object_stream_mode=pikepdf.ObjectStreamMode.disable,
                compress_streams=False)  # all streams arrive compressed (see PDFA_SAVE_KWARGS)
    problems = press_problems(out)
    if problems:
        raise FinishError("press PDF check failed: " + "; ".join(problems[:5]))
    return out


def press_problems(pdf: bytes) -> list[str]:
    """What keeps `pdf` from being a PDF/X-1a-like CMYK press file; [] if nothing.

    Checks: PDF ≤ 1.4; one GTS_PDFX output intent with an embedded profile or registry name;
    /Trapped True or False; TrimBox on every page; only CMYK, gray and spot colour (device spaces,
    not ICC-based) in content, resources, images, forms, patterns and shadings; no transparency;
    every font embedded. Not a certified PDF/X preflight."""
    problems: list[str] = []
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        return [f"not a readable PDF ({exc})"]
    with doc:
        if doc.pdf_version > "1.4":
            problems.append(f"PDF version {doc.pdf_version} (PDF/X-1a needs ≤ 1.4)")
        intents = [i for i in (doc.Root.get(Name.OutputIntents) or []) if i.get(Name.S) == Name.GTS_PDFX]
        if len(intents) != 1:
            problems.append(f"{len(intents)} GTS_PDFX output intents (need exactly 1)")
        elif Name.DestOutputProfile not in intents[0] and Name.RegistryName not in intents[0]:
            problems.append("output intent has neither a profile nor a registry name")
        if doc.trailer.get(Name.Info) is None or str(doc.docinfo.get(Name.Trapped)) not in ("/True", "/False"):
            problems.append("/Trapped is not /True or /False")
        for n, page in enumerate(doc.pages, start=1):
            where = f"page {n}"
            if Name.TrimBox not in page.obj and Name.ArtBox not in page.obj:
                problems.append(f"{where}: no TrimBox")
            # every Use is a problem here: PDF/X-1a holds device and spot colour only (no ICC-based
            # CMYK either), embedded fonts and no transparency (layout.base.pdfwalk)
            problems += [use.line() for use in page_uses(page, where)]
    return problems


# ---------------------------------------------------------------- archive

# pikepdf.pdfa.resolve_save_kwargs("2b", deterministic_id=True), written out: importing
# pikepdf.pdfa costs ~0.7 s, more than the rest of a warm rebuild. A test keeps them equal.
PDFA_SAVE_KWARGS = dict(progress=None, compress_streams=True, recompress_flate=False, linearize=False, deterministic_id=True,
                        static_id=False, min_version="", object_stream_mode=pikepdf.ObjectStreamMode.generate,
                        force_version="", preserve_pdfa=True, encryption=None, qdf=False, normalize_content=False,
                        stream_decode_level=pikepdf.StreamDecodeLevel.generalized, fix_metadata_version=False)


def prime(icc_path: str) -> None:
    """Ready what does not depend on the page: the output profile, read and compressed."""
    _deflated(_icc_bytes(icc_path))


@functools.lru_cache(maxsize=4)
def _deflated(icc: bytes) -> bytes:
    return zlib.compress(icc, 6)  # level 9 takes 3× as long for 1 % less


def _profile_stream(pdf: pikepdf.Pdf, icc: bytes) -> pikepdf.Stream:
    """The output profile as a Flate stream, compressed once per profile and process (both files
    embed it; letting qpdf compress it at save costs more than the rest of the save)."""
    stream = pikepdf.Stream(pdf, b"")
    stream.write(_deflated(icc), filter=Name.FlateDecode)
    stream[Name.N] = 4
    return stream


def _archive_intent(pdf: pikepdf.Pdf, icc: bytes) -> None:
    """The single GTS_PDFA1 output intent PDF/A requires (ISO 19005-2 6.2.3), newsprint CMYK."""
    profile = _profile_stream(pdf, icc)
    intent = Dictionary({"/Type": Name.OutputIntent, "/S": Name("/GTS_PDFA1"),
                         "/OutputConditionIdentifier": String(OUTPUT_CONDITION_ID),
                         "/Info": String(OUTPUT_CONDITION), "/RegistryName": String(REGISTRY),
                         "/DestOutputProfile": profile})
    pdf.Root[Name.OutputIntents] = pikepdf.Array([pdf.make_indirect(intent)])


def finish_archive(pdf: bytes, meta: DocMeta, icc_path: str, validate: bool = True) -> bytes:
    """The PDF/A-2b archive copy (CMYK output intent IFRA26, profile embedded), with the byline
    roles, edition and made-from list in XMP and the PDF/A-2b declaration. With `validate` the
    written bytes go through pikepdf's PDF/A validator and FinishError is raised unless they pass;
    the bytes are the same either way (the tests validate every build's archive copy)."""
    day = check_meta(meta)
    icc = _icc_bytes(icc_path)
    doc = _open(pdf)
    _drop_trans(doc)
    _unique_subset_tags(doc)
    _set_docinfo(doc, meta, day)
    _archive_intent(doc, icc)
    # update_docinfo keeps Info consistent with XMP, which PDF/A requires (6.6.2.3.1).
    _set_xmp(doc, meta, day, update_docinfo=True, pdfa=True)
    buf = io.BytesIO()
    doc.save(buf, **PDFA_SAVE_KWARGS)
    data = buf.getvalue()
    if validate:
        ok, problems = validate_archive(data)
        if not ok:
            raise FinishError("archive copy is not PDF/A-2b: " + "; ".join(problems[:5]))
    return data


def validate_archive(pdf: bytes) -> tuple[bool, list[str]]:
    """pikepdf.pdfa's PDF/A-2b verdict on `pdf`: (passed, one line per finding)."""
    import pikepdf.pdfa as pdfa

    report = pdfa.validate_written(io.BytesIO(pdf), "2b")
    return report.verdict == "pass", [f"{f.rule} {f.where}: {f.message} ({f.kind})" for f in report.findings]


# ---------------------------------------------------------------- files

def _tool_versions() -> dict[str, str]:
    import fontTools
    import PIL
    import reportlab

    return {"python": ".".join(map(str, sys.version_info[:3])), "reportlab": reportlab.Version,
            "pikepdf": pikepdf.__version__, "qpdf": pikepdf.__libqpdf_version__,
            "Pillow": PIL.__version__, "fontTools": fontTools.version}


def manifest_bytes(meta: DocMeta, outputs: Mapping[str, bytes]) -> bytes:
    """The made-from manifest: edition, byline, sources (path + sha256), each story's module (id, kind,
    title, region in mm from the trim box's top-left corner), the modules on the grid (`arrangement`,
    where the next build starts), tool versions and the sha256 of every output. JSON with sorted keys and no timestamps, so it is reproducible."""
    check_meta(meta)
    record = {
        "schema": MANIFEST_SCHEMA,
        "title": meta.title,
        "subject": meta.subject,
        "paper": meta.paper,
        "date": meta.date,
        "page": meta.page,
        "page_name": meta.page_name,
        "creators": [{"role": r, "name": n} for r, n in meta.creators],
        "keywords": list(meta.keywords),
        "producer": meta.producer,
        "sources": [{"path": p, "sha256": s} for p, s in meta.sources],
        "stories": [{"id": s.id, "kind": s.kind, "title": s.title,
                     "region_mm": {"x": s.x_mm, "y": s.y_mm, "width": s.width_mm, "height": s.height_mm}}
                    for s in meta.stories],
        "story_region_origin": REGION_ORIGIN,
        "arrangement": {"modules": [{"id": i, "kind": k, "col": c, "span": s, "row": r, "rows": n}
                                    for i, k, c, s, r, n in meta.arrangement]},
        "tools": _tool_versions(),
        "outputs": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                    for name, data in sorted(outputs.items())},
    }
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_with(manifest: bytes, more: Mapping[str, bytes]) -> bytes:
    """`manifest` (manifest_bytes' JSON) with the sha256 and size of the files `more` (name → bytes) added
    to its outputs: the rest of the set made after the PDFs (the report, the proof, jump files, hotspots)."""
    record = json.loads(manifest)
    record["outputs"].update({name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                              for name, data in more.items()})
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_manifest(path: str, meta: DocMeta, outputs: Mapping[str, bytes]) -> None:
    atomic_write(path, manifest_bytes(meta, outputs))


def filed_folder(archive_dir: str, meta: DocMeta, slug: str) -> str:
    """Where a page is filed: a folder of its own, named like its files (2021-01-18_p08_yancheng/)."""
    return os.path.join(archive_dir, archive_names(meta, slug)["manifest"][:-len(".manifest.json")])


def already_filed(archive_dir: str, meta: DocMeta, slug: str) -> list[str]:
    """The names under which this page is filed already: its folder, or files of the flat layout of
    earlier versions."""
    names = archive_names(meta, slug)
    folder = filed_folder(archive_dir, meta, slug)
    taken = [os.path.basename(folder) + "/"] if os.path.lexists(folder) else []
    return taken + sorted(n for k, n in names.items() if k != "proof" and os.path.lexists(os.path.join(archive_dir, n)))


class Filing:
    """A page's filing written to a hidden temporary folder in the archive (`stage`), then put in place
    with one rename (`commit`) or dropped (`abort`): the archive shows the whole filed set or nothing."""

    def __init__(self, archive_dir: str, files: Mapping[str, bytes], meta: DocMeta, slug: str, force: bool = False):
        from layout.base.outset import sweep, tmp_name

        names = archive_names(meta, slug)
        unknown = set(files) - set(names)
        if unknown:
            raise ValueError(f"unknown output kinds {sorted(unknown)}; known: {sorted(names)}")
        self.archive_dir, self.meta, self.slug, self.force = archive_dir, meta, slug, force
        payload = dict(files)
        if "manifest" not in payload:
            payload["manifest"] = manifest_bytes(meta, {names[k]: v for k, v in files.items()})
        self.folder = filed_folder(archive_dir, meta, slug)
        self.paths = [os.path.join(self.folder, names[k]) for k in ("press", "archive", "alto", "proof", "manifest")
                      if k in payload]
        self.tmp: str | None = None
        try:
            os.makedirs(archive_dir, exist_ok=True)
            sweep(archive_dir)  # what killed filings left
            self._refuse()
            self.tmp = os.path.join(archive_dir, tmp_name(os.path.basename(self.folder)))
            os.mkdir(self.tmp)
            for kind in sorted(payload):
                _write_synced(os.path.join(self.tmp, names[kind]), payload[kind])
            _fsync_dir(self.tmp)
        except OSError as exc:
            self.abort()
            raise _filing_error(archive_dir, exc) from None
        except BaseException:
            self.abort()
            raise

    def _refuse(self) -> None:
        if self.force:
            return
        taken = already_filed(self.archive_dir, self.meta, self.slug)
        if taken:
            raise InputError(f"already archived: {', '.join(taken)}", where=self.archive_dir,
                             hint="use --force to replace the archived page")

    def abort(self) -> None:
        if self.tmp is not None:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def commit(self) -> list[str]:
        """Put the filed set in place (with --force, swapped with the one there in one step where the
        system can); the paths filed."""
        from layout.base.outset import held_signals, tmp_name

        if self.tmp is None:
            raise RuntimeError("this filing was aborted")
        try:
            with held_signals():
                self._refuse()  # (again: another filing may have come meanwhile)
                if os.path.lexists(self.folder):
                    if not _exchange(self.tmp, self.folder):
                        old = os.path.join(self.archive_dir, tmp_name("replaced"))
                        os.rename(self.folder, old)
                        os.rename(self.tmp, self.folder)
                        self.tmp = old
                else:
                    os.rename(self.tmp, self.folder)
                    self.tmp = None
                _fsync_dir(self.archive_dir)
                for name in archive_names(self.meta, self.slug).values():  # --force: the flat files of old
                    flat = os.path.join(self.archive_dir, name)
                    if os.path.isfile(flat):
                        os.unlink(flat)
        except OSError as exc:
            raise _filing_error(self.archive_dir, exc) from None
        finally:
            self.abort()
        return list(self.paths)


def _write_synced(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: str, b: str) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), b)


def _filing_error(archive_dir: str, exc: OSError) -> InputError:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    hint = ("free space on the archive's disk and file again (nothing was filed; the next filing needs no --force)"
            if full else "check the archive folder, then file again (nothing was filed)")
    return InputError(f"cannot file the page ({exc.strerror or exc})", where=archive_dir, hint=hint)


def file_to_archive(archive_dir: str, files: Mapping[str, bytes], meta: DocMeta, slug: str,
                    force: bool = False) -> list[str]:
    """File the outputs (`files` keyed by kind: press, archive, alto, proof) plus a manifest into the
    page's own folder under `archive_dir` (`filed_folder`); returns the paths written. The ALTO must be
    the one made for the filed archive copy's name (`archive_names(meta, slug)["archive"]`), which it
    names. Refuses to replace a filed page unless `force`. All or none: the files are written to a hidden
    temporary folder, flushed to disk, and renamed into place in one step, so a kill or a full disk
    leaves nothing filed (and what it left is removed by the next filing)."""
    return Filing(archive_dir, files, meta, slug, force).commit()
