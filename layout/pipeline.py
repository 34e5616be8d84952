"""The build, stage by stage: load → fonts → compose → images → render → finish → write.

`build()` is what `make_pdf.py` runs for one page. Every stage is a call into its own module;
this file only wires them and keeps the order visible. Nothing is written until every stage
has succeeded, and then each file goes in atomically, so a failed build leaves no partial PDF.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from layout import __version__
from layout.source.article import load_article
from layout.photo.colour import DEFAULT_PROFILE
from layout.compose.story import Settings, compose
from layout.errors import InputError
from layout.digest import cache_root, remembered, sha256_cached, sha256_file
from layout.fonts.faces import coverage, load_catalog, prepare_faces
from layout.photo.images import prepare_image, probe_image
from layout.output.marks import with_bleed
from layout.model import Article, Finding
from layout.primitives import Image, PageLayout
from layout.preflight.report import Report, preflight
from layout.source.template import Template, load_template

if TYPE_CHECKING:
    from layout.app.pressproc import PressProcess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLES = ("body", "headline", "kicker", "subtitle", "byline", "subhead", "caption", "sidebar_title", "sidebar",
         "folio")


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


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, its preflight report and the composed page."""

    outputs: tuple[str, ...]
    report: Report
    layout: PageLayout


def chars_by_role(article: Article, folio_text: str) -> dict[str, str]:
    h = article.headline
    body = "".join(t.text for t in article.lead)
    body += "".join(p.text for s in article.sections for p in s.paragraphs)
    return {
        "body": body,
        "headline": "".join(t.text for t in h.title),
        "kicker": h.kicker.text if h.kicker else "",
        "subtitle": h.subtitle.text if h.subtitle else "",
        "byline": "".join(f"{c.role}/{c.name.text}" for c in article.byline),
        "subhead": "".join(t.text for s in article.sections for t in s.heading),
        "caption": "".join(p.caption.text + (p.credit.text if p.credit else "") for p in article.photos),
        "sidebar_title": article.sidebar.title.text if article.sidebar else "",
        "sidebar": "".join(t.text for t in article.sidebar.items) if article.sidebar else "",
        "folio": folio_text,
    }


def load_inputs(article_path: str, opts: BuildOptions) -> tuple[Article, tuple[Finding, ...], Template]:
    article, findings = load_article(article_path)
    template = load_template(article.template, article.base_dir)
    return article, findings, template


def prepare_fonts(article: Article, opts: BuildOptions) -> tuple[dict, list[Finding]]:
    from layout.compose.blocks import folio_text

    e = article.edition
    chars = chars_by_role(article, folio_text(e.paper, e.date, e.page, e.page_name, e.editor))
    specs = load_catalog(opts.fonts)
    faces = prepare_faces(specs, chars, cache_dir=opts.cache_dir, jobs=opts.jobs)
    findings, missing = [], {}
    for role, ch, fallback in coverage(faces, chars):
        if fallback is None:
            missing.setdefault(role, []).append(ch)
        else:
            findings.append(Finding("warning", "fallback-glyph", f"{ch!r} (U+{ord(ch):04X}) is drawn by the fallback "
                                    f"face {os.path.basename(fallback.source_path)}", role))
    if missing:
        role, chs = next(iter(missing.items()))
        listing = " ".join(f"{c} U+{ord(c):04X}" for c in sorted(set(chs)))
        raise InputError(f"no font of role {role!r} can draw: {listing}", _where_chars(article, chs),
                         "replace the characters, or add a fallback face for the role in the font catalog")
    return faces, findings


def _where_chars(article: Article, chars: list[str]) -> str:
    from layout.source.article import article_text_fields

    for path, text in article_text_fields(article):
        for i, ch in enumerate(text):
            if ch in chars:
                return f"{article.source_file} {path} char {i}"
    return article.source_file


def photo_sizes(article: Article, opts: BuildOptions) -> dict[str, tuple[int, int]]:
    """Each photo's displayed size in pixels (EXIF orientation applied), remembered per file."""
    cache = opts.cache_dir or cache_root()

    def probe(path: str) -> str:
        return "%d %d" % probe_image(path)

    out = {}
    for p in article.photos:
        try:
            w, h = remembered(os.path.join(article.base_dir, p.file), cache, "photo-size", probe).split()
        except InputError as e:  # name the YAML place as well as the file
            raise InputError(f"{p.file}: {e.what}", f"{p.source}.file", e.hint) from None
        out[p.id] = (int(w), int(h))
    return out


def prepare_images(layout: PageLayout, article: Article, opts: BuildOptions) -> tuple[PageLayout, list, list]:
    """Crop, resample and colour-convert each placed photo for its frame; returns the layout with
    the print-ready files filled in, the findings, and what each image became."""
    photos = {p.id: p for p in article.photos}
    ppi = float(dict(article.options).get("ppi", 200))
    items, findings, prepared = [], [], []
    for it in layout.items:
        if isinstance(it, Image):
            ph = photos[it.block]
            kw = {"profile": opts.icc} if opts.icc else {}
            pi = prepare_image(os.path.join(article.base_dir, ph.file), it.width_pt, it.height_pt, ph.focus, ppi,
                               cache_dir=opts.cache_dir, **kw)
            findings += [dataclasses.replace(f, where=f.where or f"photos {ph.id}") for f in pi.findings]
            prepared.append((ph, pi))
            it = dataclasses.replace(it, prepared=pi.path)
        items.append(it)
    return dataclasses.replace(layout, items=tuple(items)), findings, prepared


def doc_meta(article: Article, template: Template, faces: dict, prepared: list, article_path: str,
             cache_dir: str | None = None):
    from layout.docmeta import DocMeta

    h = article.headline
    title = "　".join(t.text for t in h.title)
    if h.kicker:
        title = f"{h.kicker.text}：{title}"
    sources = [(os.path.relpath(article_path, ROOT) if article_path.startswith(ROOT) else article_path,
                sha256_file(article_path)),
               (os.path.relpath(template.path, ROOT), sha256_file(template.path))]
    seen = set()
    cache = cache_dir or cache_root()
    for f in faces.values():
        for face in (f,) + tuple(f.fallbacks):
            if face.source_path not in seen:
                seen.add(face.source_path)
                sources.append((face.source_path, sha256_cached(face.source_path, cache)))
    for ph, pi in prepared:
        sources.append((ph.file, pi.source_sha256))
    e = article.edition
    return DocMeta(
        title=title, creators=tuple((c.role, c.name.text) for c in article.byline), date=e.date, page=e.page,
        paper=e.paper, page_name=e.page_name,
        keywords=tuple([e.page_name] + ([h.kicker.text] if h.kicker else []) +
                       ["".join(t.text for t in s.heading) for s in article.sections]),
        subject=h.kicker.text if h.kicker else title, producer=f"zhpaper {__version__}",
        sources=tuple(sources))


def output_paths(out_pdf: str) -> dict[str, str]:
    stem = out_pdf[:-4] if out_pdf.lower().endswith(".pdf") else out_pdf
    return {"press": out_pdf, "archive": f"{stem}.archive.pdf", "report": f"{stem}.report.json",
            "manifest": f"{stem}.manifest.json"}


def write_outputs(files: dict[str, bytes]) -> None:
    """All files or none: each is written to a temporary file beside its target, and only when
    every one is complete are they renamed into place. An unwritable path is a usage error."""
    from layout.errors import UsageError
    from layout.atomic import atomic_write_all

    try:
        atomic_write_all(files)
    except OSError as exc:
        where = exc.filename or next(iter(files))
        raise UsageError(f"cannot write output ({exc.strerror or exc})", str(where),
                         "choose a writable -o path") from None


def _refuse_archived(archive_dir: str, meta, slug: str) -> None:
    from layout.docmeta import archive_names

    names = archive_names(meta, slug)
    taken = sorted(n for k, n in names.items() if k != "proof" and os.path.exists(os.path.join(archive_dir, n)))
    if taken:
        raise InputError(f"already archived: {', '.join(taken)}", archive_dir,
                         "use --force to replace the archived page")


def _report_bytes(report: Report) -> bytes:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=1, sort_keys=True).encode()


def build(article_path: str, opts: BuildOptions, press: "PressProcess | None" = None) -> BuildResult:
    """Build one page. The back half (layout.output.press: render → finish) runs here, or in `press`,
    a process forked at start-up (layout.app.pressproc) that did its imports meanwhile."""
    from layout.output.press import PressJob

    paths = output_paths(opts.out_pdf)
    article, findings, template = load_inputs(article_path, opts)
    faces, font_findings = prepare_fonts(article, opts)
    if press is not None:
        press.prepare(faces)
    sizes = photo_sizes(article, opts)
    layout = compose(article, template, faces, sizes, Settings(draft=opts.draft, grid=opts.grid))
    layout, image_findings, prepared = prepare_images(layout, article, opts)
    layout = with_bleed(layout, opts.bleed_pt, opts.marks)
    report = preflight(article, template, layout, faces, prepared,
                       tuple(findings) + tuple(font_findings) + tuple(image_findings))
    if report.errors and not opts.draft:
        # The report is what the desk needs to fix the page: it is written, the PDFs are not.
        write_outputs({paths["report"]: _report_bytes(report)})
        first = report.errors[0]
        raise InputError(f"{first.message} ({len(report.errors)} preflight error(s); see {paths['report']})",
                         first.where, "fix the input, or build with --draft to see the page anyway")
    meta = doc_meta(article, template, faces, prepared, article_path, opts.cache_dir)
    if opts.archive_to and not opts.force:
        _refuse_archived(opts.archive_to, meta, article.slug)  # before anything is made or written
    job = PressJob(layout, faces, meta, opts.icc or DEFAULT_PROFILE, paths["press"], paths["archive"], grid=opts.grid,
                   validate=opts.validate or bool(opts.archive_to), proof_dpi=opts.proof_dpi if opts.proof else None)
    if press is not None:
        made = press.run(job)
    else:
        from layout.output.press import make_files

        made = make_files(job)
    files = {paths["press"]: made["press"], paths["archive"]: made["archive"],
             paths["report"]: _report_bytes(report), paths["manifest"]: made["manifest"]}
    if opts.proof:
        files[opts.proof] = made["proof"]
    write_outputs(files)
    outputs = list(files)
    if opts.archive_to:
        from layout.output.finish import file_to_archive

        outputs += file_to_archive(opts.archive_to, {"press": made["press"], "archive": made["archive"]}, meta,
                                   article.slug, opts.force)
    return BuildResult(tuple(outputs), report, layout)
