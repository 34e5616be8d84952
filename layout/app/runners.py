"""Where an edition's page tasks run: this process (-j 1), local worker processes (the default), or a
Dask cluster (`--scheduler tcp://HOST:8786`, or `--scheduler local` for a LocalCluster here).

Each runner takes `layout.app.pagetask.PageTask`s and gives back `PageOutcome`s as they finish; the
edition driver decides what to submit when (a page waits for the pages it continues). `slots` is how
many tasks run at once, so a page the driver shows as building is building.

On a cluster every worker reads the page files, photos and fonts at the same paths as the driver
(a shared folder), and the content-keyed caches are shared through `--cache DIR` on such a folder;
the files a page makes come back to the driver, which writes them.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import replace

from layout.app.pagetask import PageOutcome, PageTask, run
from layout.base.errors import CONTENT, UsageError
from layout.base.fork import process_pool


def _died(task: PageTask, why: str) -> PageOutcome:
    return PageOutcome(task.number, False, 0.0, why, CONTENT)


class InProcess:
    """-j 1: each page in this process, one after another."""

    slots = 1
    name = "this process"

    def __init__(self):
        self.pending: list[PageTask] = []

    def submit(self, task: PageTask) -> None:
        self.pending.append(task)

    def wait(self) -> list[PageOutcome]:
        return [run(self.pending.pop(0))]

    def close(self) -> None:
        pass


class Pool:
    """Local worker processes, forked once the parent has imported the pipeline and registered the
    first page's fonts (layout.pipeline.warm), so each starts warm."""

    def __init__(self, jobs: int, first: PageTask | None):
        from layout.pipeline import warm

        if first is not None:
            warm(first.path, first.opts)
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.slots = jobs
        self.name = f"{jobs} local process(es)"
        self.pool = process_pool(jobs, mp_context=context)  # None: no pool to be had (runner() then runs here)
        self.futures: dict = {}

    def submit(self, task: PageTask) -> None:
        # the pool is the parallelism: font preparation inside a worker stays single-process
        task = replace(task, opts=replace(task.opts, jobs=1))
        self.futures[self.pool.submit(run, task)] = task

    def wait(self) -> list[PageOutcome]:
        from concurrent.futures.process import BrokenProcessPool

        done, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
        out = []
        for fut in done:
            task = self.futures.pop(fut)
            try:
                out.append(fut.result())
            except BrokenProcessPool:
                out.append(_died(task, "the worker process died (out of memory?)"))
        return out

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    """A Dask cluster: the scheduler at `address`, or "local" for a LocalCluster of `jobs` worker
    processes (one thread each) on this machine."""

    def __init__(self, address: str, jobs: int, first: PageTask | None):
        import distributed

        self.cluster = None
        try:
            if address == "local":
                self.cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                        dashboard_address=None)
                self.client = distributed.Client(self.cluster)
            else:
                self.client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as e:
            if self.cluster is not None:
                self.cluster.close()
            raise UsageError(f"no Dask scheduler answers at {address} ({e})", "--scheduler",
                             "start one (dask scheduler; dask worker tcp://HOST:8786), or leave --scheduler out "
                             "to build with local processes") from None
        self.slots = max(1, sum(self.client.nthreads().values()))
        self.name = f"Dask {address} ({self.slots} worker thread(s))"
        if first is not None:  # every worker imports the pipeline and registers the fonts before its first page
            from layout.pipeline import warm

            self.client.run(warm, first.path, replace(first.opts, jobs=1))
        self.futures: dict = {}

    def submit(self, task: PageTask) -> None:
        task = replace(task, opts=replace(task.opts, jobs=1))
        self.futures[self.client.submit(run, task, pure=False)] = task

    def wait(self) -> list[PageOutcome]:
        import distributed

        done, _ = distributed.wait(list(self.futures), return_when="FIRST_COMPLETED")
        out = []
        for fut in done:
            task = self.futures.pop(fut)
            if fut.status == "finished":
                out.append(fut.result())
            else:
                out.append(_died(task, f"the Dask task failed on its worker ({fut.exception()!r})"))
        return out

    def close(self) -> None:
        for fut in self.futures:
            fut.cancel()
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def runner(jobs: int, scheduler: str | None, first: PageTask | None):
    """The runner for -j and --scheduler."""
    if jobs < 1:
        raise UsageError(f"-j {jobs}: need at least one worker", "-j", "use -j 1 or more")
    if scheduler:
        return Dask(scheduler, jobs, first)
    if jobs == 1:
        return InProcess()
    pool = Pool(jobs, first)
    return InProcess() if pool.pool is None else pool
