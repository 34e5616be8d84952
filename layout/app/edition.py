"""The edition: every page of an edition file built in one run, into one folder, with the library's METS,
the e-paper's hotspots and a contact sheet.

    python make_pdf.py --edition samples/edition.yaml -o out/edition/ [-j N] [--scheduler tcp://HOST:8786]

`run_edition` is the whole command (the command line calls it; so can any other front end). It reads
the edition file and plans the 转版 jumps (layout.source.edition), then runs the pages as tasks
(layout.app.pagetask) on a runner (layout.app.runners): pages in parallel, a page that takes the rest of
another page's story only once that page is built, its slot filled with what that page cut. Each
page's files go into the folder as a set (all or none) as soon as it is built, named by the page's
number: p01.pdf (press), p01.archive.pdf, p01.alto.xml, p01.png (proof), p01.hotspots.json,
p01.report.json, p01.manifest.json, and p01.jump-ID.yaml for a story cut there.

A page that fails never stops the others; the pages that wait for it fail with it, saying why. When
every page is built the folder gets mets.xml (layout.output.mets); when not, a mets.xml of an earlier
run is removed, since it would vouch for files that no longer agree. The contact sheet (contact.png)
shows every page with its findings, a failed page marked. Exit 0 when the edition is complete, 1 when
a page failed, 2 for a usage error, 130 on Ctrl-C.

Incremental: edition.state.json keeps, per page, the key it was built with (the code, the options,
the edition's values and the continuation text it took) and the sha256 of every file it read and
wrote. A page whose key, inputs and outputs are all still the same is not built again ("unchanged");
a change rebuilds that page, and the pages continuing from it only when the text they take changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import replace

from layout import __version__
from layout.app.pagetask import PageOutcome, PageTask
from layout.app.progress import Progress
from layout.base.atomic import atomic_write
from layout.base.outset import replace_set
from layout.base.digest import cache_root, sha256_cached, sha256_file
from layout.base.errors import CONTENT, UsageError
from layout.base.resources import data_path
from layout.source.edition import InEdition, Issue, Plan, load_issue, plan

STATE = "edition.state.json"
STATE_FORMAT = "zhpaper-edition-state/1"
METS = "mets.xml"
CONTACT = "contact.png"
LAYOUT_DIR = data_path("layout")  # the installed package's folder (layout.base.resources), or the checkout's


def stem(number: int) -> str:
    return f"p{number:02d}"


def run_edition(path: str, out_dir: str, base, jobs: int = 2, scheduler: str | None = None,
                quiet: bool = False) -> int:
    """Build the edition `path` into `out_dir` with the options `base` (layout.pipeline.BuildOptions);
    the exit status."""
    if out_dir.lower().endswith(".pdf"):
        raise UsageError(f"-o {out_dir}: an edition needs an output folder, not one PDF", "-o",
                         "write e.g. -o out/edition/")
    issue = load_issue(path)
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    driver = _Driver(issue, plan(issue), out_dir, _absolute(base))
    title = f"{issue.paper} {issue.date} 第{issue.number}期"
    progress = Progress([(p.number, p.name) for p in issue.pages], title, quiet)
    t0 = time.perf_counter()
    try:
        results, name = driver.run(jobs, scheduler, progress)
    except KeyboardInterrupt:
        progress.close(["error: interrupted; pages reported built were written, the others not"], True)
        return 130
    except BaseException:
        progress.close([], False)
        raise
    seconds = time.perf_counter() - t0
    lines, complete = driver.finish(results, title, seconds, name)
    progress.close(lines, not complete)
    return 0 if complete else CONTENT


def _absolute(base):
    """Paths a worker reads or writes, made absolute: a worker may run in another folder."""
    fix = {k: os.path.abspath(getattr(base, k)) for k in ("fonts", "icc", "cache_dir") if getattr(base, k)}
    return replace(base, archive_to=None, **fix)


def code_digest() -> str:
    """sha256 of the program: every module and template of the layout package (a new version builds anew)."""
    h = hashlib.sha256(__version__.encode())
    for folder, dirs, files in sorted(os.walk(LAYOUT_DIR)):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".py", ".yaml")):
                full = os.path.join(folder, f)
                h.update(os.path.relpath(full, LAYOUT_DIR).encode() + b"\0")
                with open(full, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


class _Driver:
    """Runs the pages in dependency order and keeps the edition folder and its state."""

    def __init__(self, issue: Issue, p: Plan, out_dir: str, base):
        self.issue, self.plan, self.out, self.base = issue, p, out_dir, base
        self.code = code_digest()
        self.state = self._read_state()

    # -------------------------------------------------------- state
    def _read_state(self) -> dict:
        try:
            with open(os.path.join(self.out, STATE), encoding="utf-8") as fh:
                state = json.load(fh)
            if state.get("format") == STATE_FORMAT and isinstance(state.get("pages"), dict):
                return state
        except (OSError, ValueError):
            pass
        return {"format": STATE_FORMAT, "pages": {}}

    def _write_state(self) -> None:
        atomic_write(os.path.join(self.out, STATE),
                     (json.dumps(self.state, indent=1, sort_keys=True) + "\n").encode(), sync=False)

    def key(self, task: PageTask) -> str:
        # the files are named by their stem wherever the folder is (a moved folder stays up to date)
        named = replace(task.opts, cache_dir=None, jobs=1, out_pdf=os.path.basename(task.opts.out_pdf),
                        proof=os.path.basename(task.opts.proof))
        spec = repr(replace(task, opts=named))
        return hashlib.sha256(f"{STATE_FORMAT}\0{self.code}\0{spec}".encode()).hexdigest()

    def unchanged(self, task: PageTask) -> PageOutcome | None:
        """The page as the last run built it, when nothing it is made from changed and its files are intact."""
        rec = self.state["pages"].get(str(task.number))
        if not rec or rec.get("key") != self.key(task):
            return None
        cache = self.base.cache_dir or cache_root()
        try:
            for path, sha, kind in rec["inputs"]:
                if (sha256_cached(path, cache) if kind == "font" else sha256_file(path)) != sha:
                    return None
            for name, sha in rec["outputs"].items():
                if sha256_file(os.path.join(self.out, name)) != sha:
                    return None
        except OSError:
            return None
        return PageOutcome(task.number, True, 0.0, continued=tuple(tuple(c) for c in rec["continued"]),
                           inputs=tuple(tuple(i) for i in rec["inputs"]), errors=rec["errors"],
                           warnings=rec["warnings"])

    def keep(self, task: PageTask, out: PageOutcome) -> None:
        """Write a built page's files as one set, drop what its last build made and this one did not."""
        old = self.state["pages"].get(str(task.number), {}).get("outputs", {})
        # one set, switched in whole (layout.base.outset): a file its last build made and this one did not goes
        replace_set(os.path.join(self.out, stem(task.number) + ".pdf"),
                    {os.path.join(self.out, n): data for n, data in out.files.items()})
        for name in set(old) - set(out.files):
            path = os.path.join(self.out, name)
            if os.path.isfile(path) and not os.path.islink(path):  # written by an older version
                try:
                    os.unlink(path)
                except OSError:
                    pass
        self.state["pages"][str(task.number)] = {
            "key": self.key(task), "inputs": [list(i) for i in out.inputs],
            "outputs": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(out.files.items())},
            "continued": [list(c) for c in out.continued], "errors": out.errors, "warnings": out.warnings}
        self._write_state()

    # -------------------------------------------------------- tasks
    def task(self, number: int, results: dict[int, PageOutcome]) -> PageTask:
        page = self.issue.page(number)
        slots = []
        for j in self.plan.into(number):
            cut = next((c for c in results[j.source].continued if c[0] == j.story), None)
            slots.append((j.key, None if cut is None else (cut[2], self._text(results[j.source], cut[2]))))
        edition = InEdition(self.issue.paper, self.issue.date, number, page.name, self.issue.sample, tuple(slots))
        s = os.path.join(self.out, stem(number))
        opts = replace(self.base, out_pdf=s + ".pdf", proof=s + ".png", edition=edition)
        continues = tuple((j.story, j.target, j.slot_id or j.story) for j in self.plan.jumps if j.source == number)
        return PageTask(number, os.path.abspath(page.file), opts, continues)

    def _text(self, source: PageOutcome, name: str) -> str:
        data = source.files.get(name)
        if data is None:  # an unchanged page: its continuation as it wrote it (checked against the state)
            with open(os.path.join(self.out, name), "rb") as fh:
                data = fh.read()
        return data.decode("utf-8")

    def run(self, jobs: int, scheduler: str | None, progress: Progress):
        from layout.app.runners import runner

        order = [p.number for p in self.issue.pages]
        results: dict[int, PageOutcome] = {}
        ready: list[PageTask] = []
        started: set[int] = set()

        def settle(number: int, out: PageOutcome, state: str, detail: str) -> None:
            results[number] = out
            progress.update(number, state, detail)

        def promote() -> None:
            while True:  # a page settled without a build may free one before it in the order
                before = len(results)
                promote_once()
                if len(results) == before:
                    return

        def promote_once() -> None:
            for n in order:
                if n in started or n in results:
                    continue
                if n in self.plan.errors:
                    e = self.plan.errors[n]
                    settle(n, PageOutcome(n, False, 0.0, e.line(), e.exit_code), "FAILED", e.line())
                    continue
                deps = self.plan.waits_for(n)
                bad = [d for d in deps if d in results and not results[d].ok]
                if bad:
                    why = f"page {n} waits for page {bad[0]}, which failed"
                    settle(n, PageOutcome(n, False, 0.0, why, CONTENT), "FAILED", why)
                elif all(d in results for d in deps):
                    started.add(n)
                    task = self.task(n, results)
                    same = self.unchanged(task)
                    if same is not None:
                        started.discard(n)
                        settle(n, same, "unchanged", "")
                    else:
                        ready.append(task)
                        progress.update(n, "queued")
                else:
                    progress.update(n, "waiting", "for page " + ", ".join(str(d) for d in deps if d not in results))

        promote()
        if not ready:
            return results, "no worker (nothing to build)"
        run = runner(jobs, scheduler, ready[0])
        try:
            inflight: dict[int, PageTask] = {}
            while True:
                while ready and len(inflight) < run.slots:
                    task = ready.pop(0)
                    run.submit(task)
                    inflight[task.number] = task
                    progress.update(task.number, "building")
                if not inflight:
                    break
                for out in run.wait():
                    task = inflight.pop(out.number)
                    started.discard(out.number)
                    if out.ok:
                        self.keep(task, out)
                        note = f"{out.seconds:.2f} s" + (f", {out.warnings} warning(s)" if out.warnings else "")
                        settle(out.number, out, "built", note)
                    else:
                        settle(out.number, out, "FAILED", out.error)
                promote()
        finally:
            run.close()
        return results, run.name

    # -------------------------------------------------------- the edition's own files
    def finish(self, results: dict[int, PageOutcome], title: str, seconds: float, where: str) -> tuple[list[str], bool]:
        pages = self.issue.pages
        failed = [p for p in pages if not results[p.number].ok]
        built = sum(1 for p in pages if results[p.number].ok and results[p.number].files)
        rate = len(pages) / seconds if seconds > 0 else 0.0
        lines = [f"edition {title}: {len(pages) - len(failed)} of {len(pages)} page(s) ready ({built} built, "
                 f"{len(pages) - len(failed) - built} unchanged), {len(failed)} failed in {seconds:.2f} s "
                 f"({rate:.2f} pages/s; {where})"]
        lines += [f"  failed: page {p.number} {p.name} ({os.path.relpath(p.file)}): {results[p.number].error}"
                  for p in failed]
        mets_path = os.path.join(self.out, METS)
        if not failed:
            data = self.mets()
            atomic_write(mets_path, data)
            lines.append(f"wrote {mets_path} ({len(pages)} pages)")
        elif os.path.exists(mets_path):
            os.unlink(mets_path)
            lines.append(f"removed {mets_path}: the edition is incomplete, and it described an earlier one")
        sheet = os.path.join(self.out, CONTACT)
        atomic_write(sheet, self.contact_sheet(results, title))
        lines.append(f"wrote {sheet}")
        return lines, not failed

    def _json(self, name: str) -> dict:
        with open(os.path.join(self.out, name), encoding="utf-8") as fh:
            return json.load(fh)

    def mets(self) -> bytes:
        from layout.output.mets import MetsIssue, MetsPage, PageFile, mets_bytes

        pages = []
        for p in self.issue.pages:
            s = stem(p.number)
            outputs = self.state["pages"][str(p.number)]["outputs"]
            kinds = {"image": (f"{s}.png", "image/png"), "alto": (f"{s}.alto.xml", "text/xml"),
                     "pdf": (f"{s}.archive.pdf", "application/pdf")}
            files = {k: PageFile(name, mime, os.path.getsize(os.path.join(self.out, name)), outputs[name])
                     for k, (name, mime) in kinds.items()}
            pages.append(MetsPage(p.number, p.name, files, self._json(f"{s}.hotspots.json")))
        i = self.issue
        return mets_bytes(MetsIssue(i.paper, i.date, i.number, tuple(pages), f"zhpaper {__version__}", i.paper_id,
                                    i.sample))

    def contact_sheet(self, results: dict[int, PageOutcome], title: str) -> bytes:
        from layout.fonts.faces import load_catalog
        from layout.output.epaper import Sheet, contact_sheet

        cells = []
        for p in self.issue.pages:
            out, s = results[p.number], stem(p.number)
            if not out.ok:
                cells.append(Sheet(p.number, p.name, None, None, error=out.error))
                continue
            with open(os.path.join(self.out, f"{s}.png"), "rb") as fh:
                proof = fh.read()
            report = self._json(f"{s}.report.json")
            found = tuple((sev, f["code"], f.get("where", "")) for sev in ("error", "warning")
                          for f in report[sev + "s"])
            cells.append(Sheet(p.number, p.name, proof, self._json(f"{s}.hotspots.json"), found))
        face = load_catalog(self.base.fonts)["subhead"]
        return contact_sheet(cells, title, str(face.path), face.index)
