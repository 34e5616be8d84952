"""Batch builds: many articles in one invocation, on a process pool, one page's failure not stopping the rest.

    python make_pdf.py pages/*.yaml -o out/ -j 2

Each page writes `out/<stem>.pdf`, `<stem>.archive.pdf`, `<stem>.alto.xml`, `<stem>.report.json`, `<stem>.manifest.json`
(each file atomically, by the pipeline). Progress goes to stderr as one line per finished page, in
the order they finish; the summary at the end lists the failures in input order with their one-line
error. Exit 0 when every page was built, 1 when any failed, 130 on Ctrl-C.

Warm state: the parent imports the pipeline and prepares (and registers) the first article's fonts
before the pool forks, so the workers start with the modules loaded, the common font subsets in the
cache and the reportlab faces registered; a worker then serves many pages. Doing the font preparation
once up front also keeps a cold cache from being converted twice at the same time by two workers.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from layout.base.errors import CONTENT, InputError, UsageError
from layout.base.fork import process_pool


@dataclass(frozen=True)
class PageResult:
    """How one page of a batch went."""

    path: str
    ok: bool
    seconds: float
    error: str = ""  # the one-line error when not ok
    exit_code: int = 0
    outputs: tuple[str, ...] = ()


def plan(paths: list[str], base, out_dir: str, proof_dir: str | None, jobs: int) -> list[tuple[str, object]]:
    """(page path, BuildOptions) per page, each derived from the command line's one options record
    `base`; or a UsageError for the whole batch before anything runs."""
    if jobs < 1:
        raise UsageError(f"-j {jobs}: need at least one worker", "-j", "use -j 1 or more")
    if out_dir.lower().endswith(".pdf") and not os.path.isdir(out_dir):
        raise UsageError(f"-o {out_dir}: several articles need an output folder, not one PDF", "-o",
                         "write e.g. -o out/")
    if proof_dir and not os.path.isdir(proof_dir):
        raise UsageError(f"--proof {proof_dir}: with several articles give an existing folder for the proofs",
                         "--proof", "e.g. --proof out/ writes out/<stem>.png per page")
    stems: dict[str, str] = {}
    pages = []
    for path in paths:
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem in stems:  # two pages would overwrite each other's files
            raise UsageError(f"{stems[stem]} and {path} would both write {stem}.pdf", path,
                             "rename one article file or build them separately")
        stems[stem] = path
        opts = replace(base, out_pdf=os.path.join(out_dir, stem + ".pdf"),
                       proof=os.path.join(proof_dir, stem + ".png") if proof_dir else None)
        pages.append((path, opts))
    return pages


def _worker_signals() -> None:
    """A pool worker between pages ignores SIGTERM and SIGHUP (the batch's process sends them to stop a page
    under way: `build_page`), so that one arriving while it waits for work cannot end it mid-protocol."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


def build_page(path: str, opts) -> PageResult:
    """Build one page; never raises for a page's own failure (bad input or a bug). In a pool worker,
    SIGTERM and SIGHUP abandon the page (its set as it was, no temporary left) with layout.base.outset.Stopped."""
    import signal

    from layout.base.outset import stop_on_signals
    from layout.pipeline import build

    t0 = time.perf_counter()
    pooled = signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    if pooled:
        stop_on_signals()
    try:
        result = build(path, opts)
    except InputError as e:
        return PageResult(path, False, time.perf_counter() - t0, e.line(), e.exit_code)
    except Exception as e:  # a bug: keep the other pages going, but say it is one and where
        last = traceback.extract_tb(e.__traceback__)[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno}"
        msg = " ".join(f"internal error {type(e).__name__}: {e} (at {where}; please report)".split())
        return PageResult(path, False, time.perf_counter() - t0, msg, CONTENT)
    finally:
        if pooled:
            _worker_signals()
    return PageResult(path, True, time.perf_counter() - t0, outputs=result.outputs)


def _progress(i: int, n: int, r: PageResult) -> str:
    w = len(str(n))
    line = f"[{i:>{w}}/{n}] {'ok  ' if r.ok else 'FAIL'} {r.path} {r.seconds:.2f} s"
    return line if r.ok else f"{line}  {r.error}"


def _pool_context():
    # fork shares the parent's imported modules and registered fonts with the workers for free.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run_pages(pages: list[tuple[str, object]], jobs: int, on_done=None) -> list[PageResult]:
    """Build every page; `on_done(k, n, result)` is called as the k-th page finishes. Results in input order."""
    on_done = on_done or (lambda k, n, r: None)
    n = len(pages)
    results: dict[int, PageResult] = {}
    if not pages:
        return []
    workers = min(jobs, n)
    pool = None
    if workers > 1:
        from layout.pipeline import warm

        warm(*pages[0])  # fonts registered and back-half imports done once, before the workers fork
        # The pool is the parallelism now: font preparation inside a worker stays single-process.
        pages = [(p, replace(o, jobs=1)) for p, o in pages]
        pool = process_pool(workers, mp_context=_pool_context(), initializer=_worker_signals)
    if pool is None:  # one process, or no pool to be had (layout.base.fork.process_pool): page after page
        for i, (path, opts) in enumerate(pages):
            results[i] = build_page(path, opts)
            on_done(len(results), n, results[i])
        return [results[i] for i in range(n)]
    try:
        pending = {pool.submit(build_page, path, opts): i for i, (path, opts) in enumerate(pages)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                try:
                    results[i] = fut.result()
                except BrokenProcessPool:
                    results[i] = PageResult(pages[i][0], False, 0.0, "the worker process died (out of memory?)",
                                            CONTENT)
                on_done(len(results), n, results[i])
    except KeyboardInterrupt:
        # Each worker abandons its page (its set left as it was, its temporaries removed) and ends.
        import signal

        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                os.kill(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, AttributeError):
                pass
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(n)]


def summary(results: list[PageResult], seconds: float, workers: int) -> list[str]:
    failed = [r for r in results if not r.ok]
    n = len(results)
    rate = n / seconds if seconds > 0 else 0.0
    lines = [f"batch: {n - len(failed)} ok, {len(failed)} failed of {n} page(s) in {seconds:.2f} s "
             f"({rate:.2f} pages/s, {workers} worker(s))"]
    lines += [f"  failed: {r.path}: {r.error}" for r in failed]
    return lines


def run_batch(paths: list[str], base, out_dir: str, proof_dir: str | None, jobs: int, quiet: bool = False) -> int:
    """The CLI entry for several pages: plan, build on the pool, print progress and the summary."""
    pages = plan(paths, base, out_dir, proof_dir, jobs)
    workers = min(jobs, len(pages))

    def report(k: int, n: int, r: PageResult) -> None:
        if not (quiet and r.ok):
            print(_progress(k, n, r), file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    try:
        results = run_pages(pages, jobs, report)
    except KeyboardInterrupt as e:
        from layout.base.outset import signum_of, stopped_line

        what = stopped_line(e).split(";")[0].split(" after ")[0]
        try:
            print(f"{what}; pages already reported ok were written, the others left as they were", file=sys.stderr)
        except OSError:
            pass
        return 128 + signum_of(e)
    from layout.base.outset import count_committed

    count_committed(sum(r.ok for r in results))  # a stop from here on is "after the outputs were written"
    lines = summary(results, time.perf_counter() - t0, workers)
    failed = any(not r.ok for r in results)
    for line in (lines if (failed or not quiet) else []):
        print(line, file=sys.stderr)
    return CONTENT if failed else 0
