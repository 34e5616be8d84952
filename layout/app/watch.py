"""Watch mode: rebuild the page and its proof whenever the article, a photo it uses or the template changes.

    python make_pdf.py article.yaml --watch [--proof out/article.png]

Polls file stamps every 0.3 s (no watcher library: a handful of stat calls is nothing next to a
build). After each build it prints the preflight summary; a bad input prints the one-line error and
the loop goes on, so the desk can fix the YAML and save again. Ctrl-C stops it with exit 0.

The loop itself, `watch()`, takes the list of paths, the build and the sleep as functions, so the
tests drive it with a fake clock and fake files and never really sleep. Builds run in this process,
which stays warm: after the first one a rebuild pays no imports and no font registration.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable

from layout.errors import InputError

POLL_S = 0.3

Stamp = tuple[int, int] | None  # (mtime_ns, size), None when the file is missing


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None  # missing for now (editors often replace a file by rename): a change when it comes back
    # Size as well as mtime: two saves within the file system's timestamp granularity still differ in size
    # more often than not.
    return (st.st_mtime_ns, st.st_size)


def snapshot(paths: Iterable[str], stat: Callable[[str], Stamp] = stamp) -> dict[str, Stamp]:
    return {p: stat(p) for p in sorted(set(paths))}


def watch(paths_fn: Callable[[], Iterable[str]], build_fn: Callable[[], None], sleep: Callable[[float], None],
          stop_after: int | None = None, interval: float = POLL_S,
          stat: Callable[[str], Stamp] = stamp) -> int:
    """Build once, then poll: whenever a stamp of `paths_fn()` changes, build again.

    `paths_fn` is asked again after every build, since an edit may add a photo or switch the
    template. `build_fn` reports its own result and must not raise for bad input (see
    `guarded`). `stop_after` ends the loop after that many polls (tests); None polls forever.
    Returns the number of builds.
    """
    build_fn()
    builds = 1
    seen = snapshot(paths_fn(), stat)
    polls = 0
    while stop_after is None or polls < stop_after:
        sleep(interval)
        polls += 1
        now = snapshot(seen, stat)
        if now != seen:
            build_fn()
            builds += 1
            # Stamps taken after the build: a save made during it is seen at the next poll only if it
            # came after this snapshot, which is the honest best a poller can do.
            seen = snapshot(paths_fn(), stat)
    return builds


def guarded(build: Callable[[], str], out: Callable[[str], None]) -> Callable[[], None]:
    """`build` returns the text to show; bad input shows its one-line error instead of stopping the watch."""

    def run() -> None:
        try:
            out(build())
        except InputError as e:
            out(f"error: {e.line()}")

    return run


def run_watch(article_path: str, opts, quiet: bool = False, sleep: Callable[[float], None] = time.sleep,
              stop_after: int | None = None) -> int:
    """The CLI entry for --watch. Exit 0 on Ctrl-C."""
    from layout.pipeline import build

    known: list[str] = [article_path]  # the files the last successful build read (BuildResult.inputs)

    def out(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def one() -> str:
        t0 = time.perf_counter()
        result = build(article_path, opts)
        known[:] = sorted({article_path, *result.inputs})
        head = f"[{time.strftime('%H:%M:%S')}] built {opts.out_pdf} in {time.perf_counter() - t0:.2f} s"
        return head if quiet else f"{head}\n{result.report.summary()}"

    def paths() -> list[str]:
        return known

    out(f"watching {article_path} (Ctrl-C to stop)")
    try:
        watch(paths, guarded(one, out), sleep, stop_after)
    except KeyboardInterrupt:
        out("stopped watching")
    return 0
