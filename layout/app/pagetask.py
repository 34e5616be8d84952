"""One page of an edition as a task: a pure function of its `PageTask`, run the same way in this process,
in a local worker process or on a Dask worker on another machine.

The page is built with the pipeline, which hands the files it made to the task instead of writing
them: the edition's driver writes each page's set (all of its files or none) in the edition folder,
wherever the task ran. Besides the files the task reports what the edition needs of the page: the
stories it cut for another page (转版) with the text that goes on there, the digests of every file it
read (the incremental rebuild's key), and the e-paper hotspots (layout.output.epaper). A failure is a
result too, never an exception: one page's failure never stops the others.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass, field

from layout.base.errors import CONTENT, InputError


@dataclass(frozen=True)
class PageTask:
    """How to build one page of the edition."""

    number: int
    path: str  # the page file
    opts: object  # layout.pipeline.BuildOptions: out_pdf and proof name the files by their stem
    continues: tuple[tuple[str, int, str], ...] = ()  # (story id, page, its item id there) of the planned 转版


@dataclass(frozen=True)
class PageOutcome:
    """How one page went and what it made."""

    number: int
    ok: bool
    seconds: float
    error: str = ""  # the one-line error when not ok
    exit_code: int = 0
    files: dict = field(default_factory=dict)  # file name (in the edition folder) → bytes
    continued: tuple[tuple[str, int, str], ...] = ()  # (story id, page, file name of its continuation) cut here
    inputs: tuple[tuple[str, str, str], ...] = ()  # (path, sha256, "file" | "font") of every file the build read
    errors: int = 0  # preflight errors (a --draft page) and warnings
    warnings: int = 0


def jump_name(stem: str, story: str) -> str:
    """The file a page's build writes the rest of a cut story to (layout.pipeline.continuations)."""
    return f"{stem}.jump-{story}.yaml"


def run(task: PageTask) -> PageOutcome:
    """Build the page; every failure of the page itself (bad input, or a bug) is an outcome."""
    t0 = time.perf_counter()
    try:
        return _run(task, t0)
    except InputError as e:
        return PageOutcome(task.number, False, time.perf_counter() - t0, _no_room(task, e), e.exit_code)
    except Exception as e:  # a bug: keep the other pages going, but say it is one and where
        last = traceback.extract_tb(e.__traceback__)[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno}"
        msg = " ".join(f"internal error {type(e).__name__}: {e} (at {where}; please report)".split())
        return PageOutcome(task.number, False, time.perf_counter() - t0, msg, CONTENT)


def _run(task: PageTask, t0: float) -> PageOutcome:
    from layout.base.digest import sha256_file
    from layout.output.epaper import hotspots_json
    from layout.output.finish import manifest_with
    from layout.pipeline import build, output_paths

    made: dict[str, bytes] = {}
    result = build(task.path, task.opts, sink=made.update)
    files = {os.path.basename(p): data for p, data in made.items()}
    stem = os.path.basename(output_paths(task.opts.out_pdf)["press"])[:-4]
    proof = files[os.path.basename(task.opts.proof)]
    planned = {sid: (page, item) for sid, page, item in task.continues}
    cut = tuple((sid, page, jump_name(stem, sid)) for sid, page, _ in result.layout.continued)
    links = {sid: planned.get(sid, (page, sid)) for sid, page, _ in cut}
    names = {"image": f"{stem}.png", "alto": f"{stem}.alto.xml", "pdf": f"{stem}.archive.pdf"}
    files[f"{stem}.hotspots.json"] = hotspots_json(result.page, result.layout, proof, names, links)
    manifest = f"{stem}.manifest.json"  # it vouches for the hotspots too
    files[manifest] = manifest_with(files[manifest], {f"{stem}.hotspots.json": files[f"{stem}.hotspots.json"]})
    slots = {got[0] for _, got in (task.opts.edition.slots if task.opts.edition else ()) if got}
    read = sorted(set(result.inputs) - slots)  # a continuation is in the key as the text it is
    inputs = [(path, sha256_file(path), "file") for path in read]
    # the font files, by the digest the manifest gives them (remembered: ≈ 100 MB are not hashed per build)
    sources = json.loads(files[f"{stem}.manifest.json"])["sources"]
    inputs += [(s["path"], s["sha256"], "font") for s in sources if os.path.isabs(s["path"]) and s["path"] not in read]
    return PageOutcome(task.number, True, time.perf_counter() - t0, files=files, continued=cut, inputs=tuple(inputs),
                       errors=len(result.report.errors), warnings=len(result.report.warnings))


def _no_room(task: PageTask, e: InputError) -> str:
    """A copyfit failure of a page that takes the rest of another page's story says so, naming both."""
    slots = [key for key, got in (task.opts.edition.slots if task.opts.edition else ()) if got]
    if not slots or "copyfit" not in e.what:
        return e.line()
    taken = ", ".join(f"page {k.split('/')[0]}'s story '{k.split('/')[1]}'" for k in slots)
    return InputError(f"page {task.number} has no room for the rest of {taken}: {e.what}", e.where,
                      e.hint).line()
