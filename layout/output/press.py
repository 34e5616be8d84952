"""The back half of a build: register the faces → render → place supplied PDF pages (ads) → finish
the press PDF and the archive copy → ALTO → manifest → proof. One pure function of a `PressJob`.

It imports only what it uses (reportlab, pikepdf, the renderer and the finisher; no YAML, no
composition), so that `layout.base.fork` can run it in a process that was started — and did these
imports — while the main process was still loading and composing the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from layout.photo.colour import DEFAULT_PROFILE
from layout.base.docmeta import DocMeta
from layout.fonts.faces import Face, register_faces
from layout.base.primitives import PageLayout, PlacedPage


SUBSETS_KEPT = 300  # font subset programs kept on disk (≈ 150 kB each): a few dozen pages' worth


@dataclass(frozen=True)
class PressJob:
    """A composed page and how to finish it."""

    layout: PageLayout
    faces: Mapping[str, Face]  # role → face; "body" names the page's default font
    meta: DocMeta
    icc_path: str  # the CMYK output profile both PDFs embed
    press_path: str  # where the press PDF and the archive copy will be written (the manifest
    archive_path: str  # lists them by file name)
    grid: bool = False  # draw the grid overlay
    validate: bool = False  # run the PDF/A validator on the archive copy
    proof_dpi: float | None = None  # also a PNG proof at this resolution
    alto_path: str | None = None  # where the ALTO of the archive copy will be written; None: no ALTO
    cache_dir: str | None = None  # where font subset programs are kept between builds (None: not kept)


def make_files(job: PressJob, parallel=False, early: Callable[[str, bytes], None] | None = None,
               memo=None) -> dict[str, bytes]:
    """kind → bytes for "press", "archive", "manifest" and, when asked, "alto" (layout.output.alto: the
    archive copy's text line by line, naming the archive copy's file) and "proof". `parallel`
    finishes the archive copy in a forked process meanwhile (for a process with a core to spare), or
    in the `layout.base.fork.Worker` it is.

    Without `early` the archive copy is finished meanwhile (watch mode, the press process: the set is
    complete soonest). With it, the press PDF and the proof come first: `early(kind, data)` is called with
    each as soon as it is made; the archive copy is then started, so that it never competes with them
    for a core. `memo` (the watch
    process's `layout.base.memo.Memos`) keeps font programs, compressed streams and proof proxies between
    jobs; the bytes are the same with it or without."""
    from layout.output.finish import finish_archive, finish_press, manifest_bytes
    from layout.output.render import render

    register_faces(job.faces)
    kept = memo
    if kept is None and job.cache_dir:  # one build per process: the subset programs are kept on disk
        from layout.base.cachefile import Store
        from layout.base.memo import DiskMemo

        kept = {"subset": DiskMemo(Store(job.cache_dir, "subsets"), SUBSETS_KEPT), "flate": None, "run": None}
    pdf = render(job.layout, job.faces["body"].name, draw_grid=job.grid, memo=kept)
    placed = [it for it in job.layout.items if isinstance(it, PlacedPage)]
    if placed:  # supplied PDF pages (ads), which reportlab cannot draw: into the rendered page
        from layout.output.place import place_pages

        pdf = place_pages(pdf, placed)
    archive_args = (pdf, job.meta, job.icc_path, job.validate)
    pending = None

    def start_archive():
        if callable(getattr(parallel, "call", None)):  # a layout.base.fork.Worker kept by the watch process
            return parallel.call(finish_archive, *archive_args)
        if parallel and hasattr(os, "fork"):
            from layout.base.fork import ForkedCall

            return ForkedCall(finish_archive, *archive_args)
        return None

    if early is None:  # finished meanwhile in a process of its own: the press PDF and the proof wait for it
        pending = start_archive()
    try:
        press = finish_press(pdf, job.meta, job.icc_path, job.layout.trim, job.layout.bleed)
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    files = {"press": press}
    try:
        if early is not None:
            early("press", press)
        if job.proof_dpi is not None:
            from layout.output.proof import proof_png

            files["proof"] = proof_png(press, job.proof_dpi, memo)
            if early is not None:
                early("proof", files["proof"])
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    if early is not None:
        pending = start_archive()
    archive = pending.result() if pending is not None else finish_archive(*archive_args)
    files["archive"] = archive
    outputs = {os.path.basename(job.press_path): press, os.path.basename(job.archive_path): archive}
    if job.alto_path is not None:
        from layout.output.alto import alto_for

        files["alto"] = alto_for(job.layout, job.meta, os.path.basename(job.archive_path), job.faces)
        outputs[os.path.basename(job.alto_path)] = files["alto"]
    files["manifest"] = manifest_bytes(job.meta, outputs)
    return files


def warm_up(icc_path: str = DEFAULT_PROFILE) -> None:
    """What the press process does while it waits for its job: import make_files' modules and
    prepare the output profile (the same for every page unless --icc names another)."""
    from layout.output import alto, place, render  # noqa: F401  (imported for make_files)
    from layout.output import finish

    try:
        finish.prime(icc_path)
    except Exception:
        pass  # only a head start: the job reads its own profile and reports what is wrong with it
