"""The build, stage by stage: load → fonts → ad PDFs → compose → images → render → place ads → finish
→ write.

`build()` is what `make_pdf.py` runs for one page. Every stage is a call into its own module;
this file only wires them and keeps the order visible. Nothing is written until every stage
has succeeded, and then each file goes in atomically, so a failed build leaves no partial PDF.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Protocol

from layout import __version__
from layout.compose import stable
from layout.text import words
from layout.compose.page import compose_page
from layout.compose.story import Settings
from layout.base.digest import cache_root, remembered, sha256_cached, sha256_file
from layout.base.errors import InputError
from layout.fonts.faces import DEFAULT_CATALOG, check_coverage, load_catalog, prepare_faces
from layout.base.model import Finding, Page, Photo, Story
from layout.photo.colour import DEFAULT_PROFILE
from layout.photo.images import prepare_image, probe_image
from layout.output.marks import with_bleed
from layout.preflight.report import Report, preflight
from layout.base.primitives import Image, PageLayout
from layout.source.edition import InEdition, in_edition
from layout.source.limits import check_capacity
from layout.source.load import load_page
from layout.source.template import Template, load_template
from layout.source.texts import chars_by_role, places


class PressRunner(Protocol):
    """Where the back half of a build can run instead of in this process (layout.app.pressproc)."""

    def prepare(self, faces: Mapping) -> None: ...

    def run(self, job) -> dict[str, bytes]: ...


class Incremental(Protocol):
    """What a process that builds the same page again and again keeps between builds (the watch
    process's `layout.app.session.Session`): the loaded inputs and the prepared faces, each kept by
    the content it was made from, and `memo`, the tables compose and output keep their results in."""

    memo: object

    def load_inputs(self, page_path: str, opts: BuildOptions) -> tuple[Page, tuple[Finding, ...], Template]: ...

    def prepare_fonts(self, page: Page, opts: BuildOptions) -> tuple[dict, list[Finding]]: ...


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class BuildOptions:
    """How to build (from the command line): outputs, proof, overlays, bleed, archive, caches."""

    out_pdf: str = "out/article.pdf"
    proof: str | None = None
    proof_dpi: float = 50
    grid: bool = False
    draft: bool = False
    bleed_pt: float = 0.0
    marks: bool = False
    archive_to: str | None = None
    force: bool = False
    validate: bool = False  # run the PDF/A validator on the archive copy (always when filing)
    fonts: str | None = None  # font catalog path
    icc: str | None = None  # output profile; default the bundled IFRA26S newsprint profile
    cache_dir: str | None = None
    jobs: int = 2
    fresh: bool = False  # plan the page afresh, not from the last build's modules (its manifest)
    edition: InEdition | None = None  # a page of an edition: its 报眉 values and the 转版 slots it fills


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, its preflight report and the composed page."""

    outputs: tuple[str, ...]
    report: Report
    layout: PageLayout
    inputs: tuple[str, ...] = ()  # every file the build read that the desk edits (watch follows these)
    page: Page | None = None  # the page as loaded


def load_inputs(page_path: str, opts: BuildOptions) -> tuple[Page, tuple[Finding, ...], Template]:
    e = opts.edition
    page, findings = load_page(page_path, dict(e.slots) if e is not None else None)
    if e is not None:
        page, more = in_edition(page, e)
        findings += tuple(more)
    template = load_template(page.template, page.base_dir, page.place("template"))
    return page, findings, template


def prepare_fonts(page: Page, opts: BuildOptions) -> tuple[dict, list[Finding]]:
    """The page's faces, and a warning at each place a fallback face draws a character (an InputError
    at the first character no face of its role can draw)."""
    chars = chars_by_role(page)
    faces = prepare_faces(load_catalog(opts.fonts), chars, cache_dir=opts.cache_dir, jobs=opts.jobs)
    return faces, check_coverage(faces, chars, lambda role, wanted: places(page, role, wanted))


def photo_file(story: Story, photo: Photo) -> str:
    return os.path.join(story.base_dir, photo.file)


def photo_sizes(page: Page, opts: BuildOptions) -> dict[tuple[str, str], tuple[int, int]]:
    """Each photo's displayed size in pixels (EXIF orientation applied) by (story id, photo id),
    remembered per file."""
    cache = opts.cache_dir or cache_root()

    def probe(path: str) -> str:
        return "%d %d" % probe_image(path)

    out = {}
    for s in page.news:
        for p in s.photos:
            try:
                w, h = remembered(photo_file(s, p), cache, "photo-size", probe, _two_sizes).split()
            except InputError as e:  # name the YAML place as well as the file
                raise InputError(f"{p.file}: {e.what}", f"{p.source}.file", e.hint) from None
            out[(s.id, p.id)] = (int(w), int(h))
    return out


def _two_sizes(fact: str) -> bool:
    """A remembered photo size: two positive whole numbers."""
    parts = fact.split()
    return len(parts) == 2 and all(p.isdigit() and int(p) > 0 for p in parts)


def _ad_size(fact: str) -> bool:
    """A remembered ad PDF size: width and height in pt, and the box they were read from."""
    parts = fact.split()
    try:
        return len(parts) == 3 and all(0 < float(v) < float("inf") for v in parts[:2]) and parts[2] in ("TrimBox", "MediaBox")
    except ValueError:
        return False


AD_FACT = "ad-pdf/1"  # the kind of remembered fact: an ad PDF's checked size; a new number when the checks change


def ad_sizes(page: Page, opts: BuildOptions) -> dict[str, tuple[float, float, str]]:
    """Each ad PDF's size by reserved area id — width and height in pt of its TrimBox, else MediaBox,
    as the page shows, and which of the two — once the file has passed layout.source.adpdf's checks
    (one page, fonts embedded, CMYK/gray/spot colour, no transparency). Remembered per file, so
    pikepdf is imported in this process only when an ad is new or changed."""
    cache = opts.cache_dir or cache_root()
    out = {}
    for r in page.reserved:
        if r.file_kind != "pdf":
            continue

        def check(path: str, shown: str = r.file) -> str:
            from layout.source.adpdf import check_ad_pdf

            ad = check_ad_pdf(path, shown)
            return f"{ad.width_pt!r} {ad.height_pt!r} {ad.box}"

        try:
            w, h, box = remembered(os.path.join(page.base_dir, r.file), cache, AD_FACT, check, _ad_size).split()
        except InputError as e:  # name the YAML place as well as the file
            raise InputError(e.what, str(r.file_source), e.hint) from None
        out[r.id] = (float(w), float(h), box)
    return out


def prepare_images(layout: PageLayout, page: Page, opts: BuildOptions) -> tuple[PageLayout, list, list]:
    """Crop, resample and colour-convert each placed photo for its frame; returns the layout with
    the print-ready files filled in, the findings, and what each image became."""
    # block id → (file to read, file as the page names it, focal point): photos, then reserved areas' images
    sources = {f"{s.id}/{p.id}": (photo_file(s, p), p.file, p.focus) for s in page.news for p in s.photos}
    sources.update({r.id: (os.path.join(page.base_dir, r.file), r.file, (0.5, 0.5)) for r in page.reserved if r.file})
    places = {f"{s.id}/{p.id}": f"{p.source}.file" for s in page.news for p in s.photos}
    places.update({r.id: str(r.file_source) for r in page.reserved if r.file})
    ppi = float(page.option("ppi", 200))
    items, findings, prepared = [], [], []
    for it in layout.items:
        if isinstance(it, Image):
            path, named, focus = sources[it.block]
            kw = {"profile": opts.icc} if opts.icc else {}
            try:
                pi = prepare_image(path, it.width_pt, it.height_pt, focus, ppi, cache_dir=opts.cache_dir, **kw)
            except InputError as e:  # name the page file's place as well as the photo
                if e.where != path:
                    raise
                raise InputError(f"{named}: {e.what}", places[it.block], e.hint) from None
            findings += [dataclasses.replace(f, where=f.where or f"photos {it.block}") for f in pi.findings]
            prepared.append((named, pi))
            it = dataclasses.replace(it, prepared=pi.path)
        items.append(it)
    return dataclasses.replace(layout, items=tuple(items)), findings, prepared


def inputs_read(page: Page, template: Template, opts: BuildOptions) -> tuple[str, ...]:
    """The files a build of `page` reads that the desk edits: the page file, the template, the photos,
    the reserved areas' images and ad PDFs, the font catalogs and the output profile."""
    paths = [page.source_file, template.path, str(DEFAULT_CATALOG)]
    paths += [s.source_file for s in page.news if s.source_file]
    paths += [photo_file(s, p) for s in page.news for p in s.photos]
    paths += [os.path.join(page.base_dir, r.file) for r in page.reserved if r.file]
    paths += [p for p in (opts.fonts, opts.icc) if p]
    return tuple(dict.fromkeys(paths))


def doc_meta(page: Page, template: Template, faces: dict, prepared: list, cache_dir: str | None = None,
             layout: PageLayout | None = None):
    """The document record: the page's description, every file it was made from with its sha256, and
    (given the composed `layout`) each story's region."""
    from layout.base.docmeta import DocMeta, story_meta
    from layout.source.meta import describe

    d = describe(page)
    path = page.source_file
    sources = [(os.path.relpath(path, ROOT) if path.startswith(ROOT) else path, sha256_file(path)),
               (os.path.relpath(template.path, ROOT), sha256_file(template.path))]
    seen = set()
    cache = cache_dir or cache_root()
    for f in faces.values():
        for face in (f,) + tuple(f.fallbacks):
            if face.source_path not in seen:
                seen.add(face.source_path)
                sources.append((face.source_path, sha256_cached(face.source_path, cache)))
    for named, pi in prepared:
        sources.append((named, pi.source_sha256))
    for r in page.reserved:  # an ad PDF goes in as it is (an image ad is among the prepared above)
        if r.file_kind == "pdf":
            sources.append((r.file, sha256_cached(os.path.join(page.base_dir, r.file), cache)))
    e = page.edition
    modules = tuple((m["item"], m["kind"], m["col"], m["span"], m["row"], m["rows"])
                    for m in (layout.figures.get("modules", ()) if layout else ()))
    return DocMeta(title=d.title, creators=d.creators, date=e.date, page=e.page, paper=e.paper,
                   page_name=e.page_name, keywords=d.keywords, subject=d.subject, producer=f"zhpaper {__version__}",
                   sources=tuple(sources), stories=story_meta(layout.regions, layout.trim) if layout else (),
                   arrangement=modules)


def last_arrangement(manifest_path: str) -> tuple | None:
    """The modules of the last build written to these outputs (its manifest's `arrangement`), where a
    rebuild starts from (layout.compose.stable); None when there is none or it cannot be read."""
    try:
        with open(manifest_path, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return None
    return stable.parse(record.get("arrangement") if isinstance(record, dict) else None)


def output_paths(out_pdf: str) -> dict[str, str]:
    stem = out_pdf[:-4] if out_pdf.lower().endswith(".pdf") else out_pdf
    return {"press": out_pdf, "archive": f"{stem}.archive.pdf", "alto": f"{stem}.alto.xml",
            "report": f"{stem}.report.json", "manifest": f"{stem}.manifest.json"}


def stage_outputs(files: dict[str, bytes], key: str):
    """The whole set written beside its outputs and not yet switched in (layout.base.outset): `commit()`
    puts every file in place with one rename, `abort()` drops it. An unwritable path is a usage error."""
    from layout.base.outset import stage_set

    try:
        return stage_set(key, files)
    except OSError as exc:
        raise _output_error(exc, key) from None


def write_outputs(files: dict[str, bytes], key: str | None = None) -> None:
    """All files or none, whatever stops the process: the set of the press PDF `key` (default the first
    file) replaced whole (layout.base.outset)."""
    staged = stage_outputs(files, key or next(iter(files)))
    try:
        staged.commit()
    except OSError as exc:
        raise _output_error(exc, key or next(iter(files))) from None


def _output_error(exc: OSError, key: str):
    from layout.base.errors import UsageError

    where = str(exc.filename or key)
    blocker = _file_in_the_way(where)
    why = f"{blocker} is a file, not a folder" if blocker else exc.strerror or str(exc)
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return UsageError(f"cannot write output ({why})", where,
                      "free space on that disk and build again (the last outputs are as they were)" if full
                      else "choose a writable -o path")


def _file_in_the_way(path: str) -> str | None:
    """The nearest existing ancestor of `path` when it is a file, not a folder (mkdir then says only
    "File exists" or "Not a directory", which does not tell the desk what to move)."""
    parent = os.path.dirname(os.path.abspath(path))
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    return parent if parent and not os.path.isdir(parent) else None


def _refuse_archived(archive_dir: str, meta, slug: str) -> None:
    from layout.output.finish import already_filed

    taken = already_filed(archive_dir, meta, slug)
    if taken:
        raise InputError(f"already archived: {', '.join(taken)}", archive_dir,
                         "use --force to replace the archived page")


def _report_bytes(report: Report) -> bytes:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=1, sort_keys=True).encode()


def build(page_path: str, opts: BuildOptions, press: PressRunner | None = None,
          session: Incremental | None = None, sink=None) -> BuildResult:
    """Build one page. The back half (layout.output.press: render → finish) runs here, or in `press`,
    a process forked at start-up (layout.app.pressproc) that did its imports meanwhile.

    `session` (watch mode) keeps what the next build of the same page can use again, and has the
    press PDF and the proof written as soon as each is made; the files are the same bytes. `sink`
    (an edition's page task) takes the files, path → bytes, instead of their being written here."""
    # The dictionary for headline word breaks loads on the other core meanwhile, in case one needs it
    # (a watch session, which lives long, loads it in its own process the first time one does).
    started = session is None and words.start()
    try:
        return _build(page_path, opts, press, session, sink)
    finally:
        if started:
            words.stop()


def _build(page_path: str, opts: BuildOptions, press: PressRunner | None, session: Incremental | None,
           sink) -> BuildResult:
    from layout.output.press import PressJob

    paths = output_paths(opts.out_pdf)
    page, findings, template = (session or _Fresh).load_inputs(page_path, opts)
    check_capacity(page, template)  # absurd amounts of text are refused before any line is set
    faces, font_findings = (session or _Fresh).prepare_fonts(page, opts)
    if press is not None:
        press.prepare(faces)
    sizes = photo_sizes(page, opts)
    layout = compose_page(page, template, faces, sizes, Settings(draft=opts.draft, grid=opts.grid),
                          ad_sizes(page, opts), memo=session.memo if session is not None else None,
                          previous=None if opts.fresh else last_arrangement(paths["manifest"]))
    layout, image_findings, prepared = prepare_images(layout, page, opts)
    layout = with_bleed(layout, opts.bleed_pt, opts.marks)
    report = preflight(page, template, layout, faces, prepared,
                       tuple(findings) + tuple(font_findings) + tuple(image_findings), photo_sizes=sizes)
    if report.errors and not opts.draft:
        # Nothing is written: the last good set (PDFs, report, manifest) stays as it was and agrees with
        # itself. --draft writes the marked page with the whole report.
        first = report.errors[0]
        where, block = _finding_place(page, first.where)
        raise InputError(f"{first.message}{block} ({len(report.errors)} preflight error(s))", where,
                         "fix the input, or build with --draft to see the page and the whole report")
    meta = doc_meta(page, template, faces, prepared, opts.cache_dir, layout)
    if opts.archive_to and not opts.force:
        _refuse_archived(opts.archive_to, meta, page.slug)  # before anything is made or written
    job = PressJob(layout, faces, meta, opts.icc or DEFAULT_PROFILE, paths["press"], paths["archive"], grid=opts.grid,
                   validate=opts.validate or bool(opts.archive_to), proof_dpi=opts.proof_dpi if opts.proof else None,
                   alto_path=paths["alto"], cache_dir=_press_cache(opts))
    if press is not None:
        made = press.run(job)
    else:
        from layout.output.press import make_files

        if session is not None:  # the archive copy in the kept worker, meanwhile
            made = make_files(job, parallel=getattr(session, "worker", None) or True, memo=session.memo)
        else:
            made = make_files(job)
    files = {paths["press"]: made["press"], paths["archive"]: made["archive"], paths["alto"]: made["alto"],
             paths["report"]: _report_bytes(report)}
    files.update(continuations(page, layout, opts.out_pdf))
    if opts.proof:
        files[opts.proof] = made["proof"]
    # the manifest vouches for every other file of the set: the report, the proof and jump files too
    from layout.output.finish import manifest_with

    later = {os.path.basename(p): b for p, b in files.items() if p not in (paths["press"], paths["archive"],
                                                                          paths["alto"])}
    files[paths["manifest"]] = manifest_with(made["manifest"], later)
    if sink is not None:
        sink(files)
        return BuildResult(tuple(files), report, layout, inputs_read(page, template, opts), page)
    staged = stage_outputs(files, paths["press"])
    outputs = list(files)
    try:
        if opts.archive_to:
            from layout.base.docmeta import archive_names
            from layout.output.alto import alto_for
            from layout.output.finish import Filing

            # the filed ALTO names the filed archive copy (a few ms, here rather than a second job for the press)
            alto = alto_for(layout, meta, archive_names(meta, page.slug)["archive"], faces)
            filing = Filing(opts.archive_to, {"press": made["press"], "archive": made["archive"], "alto": alto},
                            meta, page.slug, opts.force)
            outputs += filing.commit()  # filed first: a full archive disk leaves the outputs as they were
        staged.commit()
    except OSError as exc:
        raise _output_error(exc, paths["press"]) from None
    finally:
        staged.abort()
    return BuildResult(tuple(outputs), report, layout, inputs_read(page, template, opts), page)


def _finding_place(page: Page, where: str) -> tuple[str, str]:
    """A finding's place as an error names it: a block of the composed page ("main/body", "s2/field")
    becomes its item's place in the page file (file:line:col field), the block named beside the message."""
    sid, slash, _ = where.partition("/")
    item = next((s for s in page.stories if s.id == sid), None) if where else None
    if item is None:
        return where, ""
    return item.where(), f" (in {where})" if slash else ""


def _press_cache(opts: BuildOptions) -> str | None:
    """The cache the press process keeps font subset programs in: none when this process has found it
    cannot be written (it said so once; the press process would only say it again)."""
    from layout.base.cachefile import known_unwritable

    cache = opts.cache_dir or cache_root()
    return None if known_unwritable(cache) else cache


def continuations(page: Page, layout: PageLayout, out_pdf: str) -> dict[str, bytes]:
    """转版: `<stem>.jump-<id>.yaml` for every story cut on this page, the rest of its text for the page
    it continues on."""
    from layout.source.jump import continuation

    stem = out_pdf[:-4] if out_pdf.lower().endswith(".pdf") else out_pdf
    stories = {s.id: s for s in page.news}
    return {f"{stem}.jump-{sid}.yaml": continuation(page, stories[sid], pieces).encode("utf-8")
            for sid, _, pieces in layout.continued}


class _Fresh:
    """The build's stages with nothing kept (the one-shot path)."""

    load_inputs = staticmethod(lambda page_path, opts: load_inputs(page_path, opts))
    prepare_fonts = staticmethod(lambda page, opts: prepare_fonts(page, opts))


def warm(page_path: str, opts: BuildOptions) -> None:
    """Prepare and register the fonts of `page_path` and do the back half's imports, so that processes
    forked afterwards (a batch's workers) start warm. Only a head start: any problem is left for the
    page's own build to report."""
    try:
        from layout.fonts.faces import register_faces
        from layout.output import press

        page, _, _ = load_inputs(page_path, opts)
        faces, _ = prepare_fonts(page, opts)
        register_faces(faces)
        press.warm_up(opts.icc or DEFAULT_PROFILE)
    except Exception:
        pass
